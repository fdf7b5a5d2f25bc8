"""Plans: start a planning job for a batch, follow or cancel it, review the draft (lock,
veto, move a family), re-optimise around those decisions, and approve it."""

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import PlanDecision, PlanJob, User, now
from ..schemas import ApprovalOut, DecisionIn, DecisionOut, PlanOut, PlanRequest
from ..vocab import UNFINISHED, DecisionAction, PlanStatus
from . import ledger
from .audit import audit
from .errors import Conflict, Invalid, NotFound
from .jobs import PlanRunner
from .placements import place_families
from .planning import constraints_of, decisions_of
from .store import current_frame


def elapsed(job: PlanJob) -> float | None:
    """Seconds the job has run (or ran), None before it starts."""
    if job.started_at is None:
        return None
    end = job.finished_at or now()
    start = job.started_at
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.UTC)
    if end.tzinfo is None:
        end = end.replace(tzinfo=dt.UTC)
    return (end - start).total_seconds()


def is_stale(job: PlanJob, now_state: dict[str, int] | None) -> bool:
    """A draft solved before the ledger or the data changed (an approval, a release, an
    import since): its numbers no longer describe what remains."""
    if job.status != PlanStatus.draft or not job.result or now_state is None:
        return False
    return job.result.get("ledger") != now_state


def plan_out(
    job: PlanJob,
    with_result: bool = True,
    now_state: dict[str, int] | None = None,
    superseded_by: int | None = None,
    queue_position: int | None = None,
) -> PlanOut:
    return PlanOut(
        stale=is_stale(job, now_state),
        superseded_by=superseded_by if job.status == PlanStatus.draft else None,
        queue_position=queue_position if job.status == PlanStatus.queued else None,
        id=job.id,
        status=job.status,
        created_by=job.created_by,
        created_at=job.created_at,
        elapsed_seconds=elapsed(job),
        progress=job.progress or {},
        error=job.error,
        parent_id=job.parent_id,
        params=job.params or {},
        result=job.result if with_result else None,
        approved_by=job.approved_by,
    )


def plan_job(session: Session, plan_id: int) -> PlanJob:
    job = session.get(PlanJob, plan_id)
    if job is None:
        raise NotFound(f"No plan {plan_id}.")
    return job


def _draft(session: Session, plan_id: int) -> PlanJob:
    job = plan_job(session, plan_id)
    if job.status != PlanStatus.draft:
        raise Conflict(f"The plan is {job.status}.")
    return job


def _start(
    session: Session, runner: PlanRunner, user: User, params: dict[str, Any], parent: int | None
) -> PlanJob:
    job = PlanJob(created_by=user.username, params=params, parent_id=parent, owner=runner.owner)
    session.add(job)
    session.flush()
    audit(session, user, "plan_start", "plan", job.id, parent=parent)
    session.commit()  # the solver reads the job from its own connection
    runner.start(job.id)
    return job


def start_plan(session: Session, runner: PlanRunner, user: User, request: PlanRequest) -> PlanOut:
    """Plan a batch in the background; by default every stored family not yet placed."""
    params = request.model_dump(mode="json")
    if params["families"] is None:
        families = current_frame(session, "families")
        if families is None:
            raise Conflict("No families stored yet: import them first.")
        placed = ledger.placed_families(session)
        params["families"] = [f for f in families["family_id"] if f not in placed]
    return plan_out(_start(session, runner, user, params, None))


# A re-optimisation that failed or was cancelled leaves its parent the plan to use.
LIVE = (PlanStatus.queued, PlanStatus.running, PlanStatus.draft, PlanStatus.approved)


def successors(session: Session, plan_ids: list[int]) -> dict[int, int]:
    """plan -> the newest live plan re-optimised from it (it supersedes the draft)."""
    rows = session.execute(
        select(PlanJob.parent_id, PlanJob.id)
        .where(PlanJob.parent_id.in_(plan_ids), PlanJob.status.in_(LIVE))
        .order_by(PlanJob.id)
    )
    return {parent: child for parent, child in rows}


def queue_position(session: Session, job: PlanJob) -> int | None:
    """1 for the next queued plan to start, 2 for the one after it…; None unless queued."""
    if job.status != PlanStatus.queued:
        return None
    ahead = session.scalar(
        select(func.count()).where(PlanJob.status == PlanStatus.queued, PlanJob.id < job.id)
    )
    return int(ahead or 0) + 1


def list_plans(session: Session, limit: int = 100, offset: int = 0) -> list[PlanOut]:
    """The newest plans, without their results, ``limit`` from ``offset`` on (how many
    there are: :func:`count_plans`)."""
    query = select(PlanJob).order_by(PlanJob.id.desc()).offset(offset).limit(limit)
    jobs = list(session.scalars(query))
    now_state = ledger.state(session)
    newer = successors(session, [job.id for job in jobs])
    return [
        plan_out(job, with_result=False, now_state=now_state, superseded_by=newer.get(job.id))
        for job in jobs
    ]


def count_plans(session: Session) -> int:
    return session.scalar(select(func.count(PlanJob.id))) or 0


def get_plan(session: Session, plan_id: int) -> PlanOut:
    job = plan_job(session, plan_id)
    return plan_out(
        job,
        now_state=ledger.state(session),
        superseded_by=successors(session, [plan_id]).get(plan_id),
        queue_position=queue_position(session, job),
    )


def cancel_plan(session: Session, runner: PlanRunner, user: User, plan_id: int) -> PlanOut:
    """Stop a queued or running plan, in whichever worker process runs it."""
    job = plan_job(session, plan_id)
    if job.status not in UNFINISHED:
        raise Conflict(f"The plan is {job.status}.")
    job.cancel_requested = True  # seen by the job's watcher in whichever worker runs it
    audit(session, user, "plan_cancel", "plan", plan_id)
    session.commit()
    runner.cancel(plan_id)
    return plan_out(job)


def decide(session: Session, user: User, plan_id: int, decision: DecisionIn) -> DecisionOut:
    """Lock, veto or move a family of a draft plan; takes effect when re-optimised. Without
    a city, the decision is about the family's city in this plan (lock it where it is)."""
    job = plan_job(session, plan_id)
    if job.status != PlanStatus.draft:
        raise Conflict(f"Only a draft plan can change (this is {job.status}).")
    planned = {f["family_id"]: f["city"] for f in job.result["families"]}
    if decision.family_id not in planned:
        raise Invalid(f"La familia {decision.family_id} no está en este plan / not in this plan.")
    if decision.action == DecisionAction.move and decision.city is None:
        raise Invalid("Mover: elija la ciudad de destino / move: choose the destination city.")
    city = decision.city or planned[decision.family_id]
    if city is None:
        raise Invalid(
            f"La familia {decision.family_id} no tiene ciudad en este plan: elija una ciudad / "
            "the family has no city in this plan: choose one."
        )
    cities = {u["city"] for u in job.result.get("usage", [])} | set(job.params.get("cities") or [])
    destinations = current_frame(session, "destinations")
    known = set(destinations["city"]) if destinations is not None else cities
    if city not in known:
        raise Invalid(f"«{city}» no es un destino / '{city}' is not a destination.")
    fields = decision.model_dump() | {"city": city}
    row = PlanDecision(plan_id=plan_id, created_by=user.username, **fields)
    session.add(row)
    session.flush()
    audit(
        session,
        user,
        decision.action,
        "family",
        decision.family_id,
        plan=plan_id,
        city=city,
        reason=decision.reason,
    )
    return DecisionOut.model_validate(row)


def undo_decision(session: Session, user: User, plan_id: int, decision_id: int) -> DecisionOut:
    """Withdraw a decision taken on this draft; the audit log keeps who took it, who
    undid it and why. One inherited from the plan it was re-optimised from stays that
    plan's (and its other drafts'): here, another decision overrides it."""
    job = _draft(session, plan_id)
    row = next((d for d in decisions_of(session, job.id) if d.id == decision_id), None)
    if row is None:
        raise NotFound(
            f"No hay decisión {decision_id} en el plan {plan_id} / "
            f"no decision {decision_id} in plan {plan_id}."
        )
    if row.plan_id != job.id:
        raise Conflict(
            f"La decisión se tomó en el plan {row.plan_id}: para cambiarla aquí, tome otra "
            f"(fijar, vetar o mover) / the decision was taken on plan {row.plan_id}: take "
            "another one here to override it."
        )
    undone = DecisionOut.model_validate(row)
    session.delete(row)
    audit(
        session,
        user,
        "decision_undo",
        "family",
        row.family_id,
        plan=plan_id,
        decision=row.action,
        city=row.city,
        reason=row.reason,
        taken_by=row.created_by,
        taken_in=row.plan_id,
    )
    session.flush()
    return undone


def unapplied(session: Session, job: PlanJob) -> bool:
    """Whether the decisions in force differ from those the draft was solved under."""
    locks, vetoes = constraints_of(decisions_of(session, job.id))
    result = job.result or {}
    solved_vetoes = {tuple(v) for v in result.get("vetoes", [])}
    return locks != result.get("locks", {}) or set(vetoes) != solved_vetoes


def list_decisions(session: Session, plan_id: int) -> list[DecisionOut]:
    plan_job(session, plan_id)
    return [DecisionOut.model_validate(d) for d in decisions_of(session, plan_id)]


def reoptimize(session: Session, runner: PlanRunner, user: User, plan_id: int) -> PlanOut:
    """A new plan job for the same batch, under every decision taken on this draft."""
    job = _draft(session, plan_id)
    return plan_out(_start(session, runner, user, dict(job.params), plan_id))


def approve(session: Session, user: User, plan_id: int) -> ApprovalOut:
    """Atomic: every relocated person gets a placement (with the planned vacancy) and
    the plan becomes approved, or nothing changes. Under the ledger's lock, the plan
    must still fit in what remains (another plan approved since may have taken it)."""
    plan_job(session, plan_id)
    ledger.lock(session)
    job = _draft(session, plan_id)
    newer = successors(session, [plan_id]).get(plan_id)
    if newer is not None:
        raise Conflict(
            f"Este borrador se re-optimizó en el plan {newer}: revise y apruebe ese / "
            f"this draft was re-optimised into plan {newer}: approve that one."
        )
    if unapplied(session, job):
        raise Conflict(
            "Hay decisiones sin aplicar: re-optimice antes de aprobar / "
            "re-optimise to apply the decisions before approving."
        )
    placed = ledger.placed_families(session)
    families = {f["family_id"]: f["city"] for f in job.result["families"] if f["city"]}
    again = sorted(set(families) & placed)
    if again:
        raise Conflict(f"Ya reubicadas por otro plan / already placed: {', '.join(again[:10])}")
    jobs = {m["person_id"]: m["vacancy_id"] for m in job.result["members"]}
    ledger.check_room(session, families, jobs)
    count = place_families(session, user, plan_id, families, jobs)
    job.status, job.approved_by, job.approved_at = PlanStatus.approved, user.username, now()
    audit(session, user, "plan_approve", "plan", plan_id, families=len(families), placements=count)
    return ApprovalOut(plan_id=plan_id, placements=count, families=len(families))
