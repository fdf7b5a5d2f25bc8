"""Plan jobs: start, watch, cancel; review a draft (lock, veto, move), re-optimise,
approve."""

from fastapi import APIRouter, HTTPException, Request, status
from sqlalchemy import select

from .._audit import audit
from .._deps import RowId, SessionDep, Staff
from .._jobs import decisions_of, elapsed
from .._models import Placement, PlacementEvent, PlanDecision, PlanJob, now
from .._schemas import ApprovalOut, DecisionIn, DecisionOut, PlanOut, PlanRequest
from .._store import current_frame

router = APIRouter(prefix="/api/v1/plans", tags=["plans"])


def _out(job: PlanJob, with_result: bool = True) -> PlanOut:
    return PlanOut(
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


def _job(session, plan_id: int) -> PlanJob:
    job = session.get(PlanJob, plan_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No plan {plan_id}.")
    return job


def _placed_families(session) -> set[str]:
    return set(session.scalars(select(Placement.family_id)))


def _start(request: Request, session, user, params: dict, parent_id: int | None) -> PlanJob:
    job = PlanJob(
        created_by=user.username,
        params=params,
        parent_id=parent_id,
        owner=request.app.state.runner.owner,
    )
    session.add(job)
    session.flush()
    audit(session, user, "plan_start", "plan", job.id, parent=parent_id)
    session.commit()  # the worker reads the job from its own connection
    request.app.state.runner.start(job.id)
    return job


@router.post("", response_model=PlanOut, status_code=202, summary="Start planning a batch")
def start_plan(body: PlanRequest, request: Request, session: SessionDep, user: Staff) -> PlanOut:
    """Plans run in the background; poll `GET /api/v1/plans/{id}` for progress. By
    default the batch is every stored family not yet placed by an approved plan."""
    params = body.model_dump()
    if params["families"] is None:
        families = current_frame(session, "families")
        if families is None:
            raise HTTPException(
                status.HTTP_409_CONFLICT, detail="No families stored yet: import them first."
            )
        placed = _placed_families(session)
        params["families"] = [f for f in families["family_id"] if f not in placed]
    return _out(_start(request, session, user, params, None))


@router.get("", response_model=list[PlanOut], summary="Plans, newest first")
def list_plans(session: SessionDep, user: Staff) -> list[PlanOut]:
    jobs = session.scalars(select(PlanJob).order_by(PlanJob.id.desc()).limit(100))
    return [_out(job, with_result=False) for job in jobs]


@router.get("/{plan_id}", response_model=PlanOut, summary="A plan: status, progress, result")
def get_plan(plan_id: RowId, session: SessionDep, user: Staff) -> PlanOut:
    return _out(_job(session, plan_id))


@router.post("/{plan_id}/cancel", response_model=PlanOut, summary="Cancel a queued or running plan")
def cancel_plan(plan_id: RowId, request: Request, session: SessionDep, user: Staff) -> PlanOut:
    job = _job(session, plan_id)
    if job.status not in ("queued", "running"):
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"The plan is {job.status}.")
    job.cancel_requested = True  # seen by the job's watcher in whichever worker runs it
    audit(session, user, "plan_cancel", "plan", plan_id)
    session.commit()
    request.app.state.runner.cancel(plan_id)
    return _out(job)


@router.post(
    "/{plan_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    summary="Lock, veto or move a family in a draft plan",
)
def decide(plan_id: RowId, body: DecisionIn, session: SessionDep, user: Staff) -> DecisionOut:
    """Decisions take effect when the plan is re-optimised; each needs a reason and is
    logged."""
    job = _job(session, plan_id)
    if job.status != "draft":
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"Only a draft plan can change (this is {job.status})."
        )
    planned = {f["family_id"]: f["city"] for f in job.result["families"]}
    if body.family_id not in planned:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"La familia {body.family_id} no está en este plan / not in this plan.",
        )
    cities = {u["city"] for u in job.result.get("usage", [])} | set(job.params.get("cities") or [])
    destinations = current_frame(session, "destinations")
    known = set(destinations["city"]) if destinations is not None else cities
    if body.city not in known:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"'{body.city}' no es un destino."
        )
    decision = PlanDecision(plan_id=plan_id, created_by=user.username, **body.model_dump())
    session.add(decision)
    session.flush()
    audit(
        session,
        user,
        body.action,
        "family",
        body.family_id,
        plan=plan_id,
        city=body.city,
        reason=body.reason,
    )
    return DecisionOut.model_validate(decision)


@router.get("/{plan_id}/decisions", response_model=list[DecisionOut], summary="Staff decisions")
def list_decisions(plan_id: RowId, session: SessionDep, user: Staff) -> list[DecisionOut]:
    _job(session, plan_id)
    return [DecisionOut.model_validate(d) for d in decisions_of(session, plan_id)]


@router.post(
    "/{plan_id}/reoptimize",
    response_model=PlanOut,
    status_code=202,
    summary="Re-optimise the rest around staff decisions",
)
def reoptimize(plan_id: RowId, request: Request, session: SessionDep, user: Staff) -> PlanOut:
    job = _job(session, plan_id)
    if job.status != "draft":
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"The plan is {job.status}.")
    return _out(_start(request, session, user, dict(job.params), plan_id))


@router.post("/{plan_id}/approve", response_model=ApprovalOut, summary="Approve a draft plan")
def approve(plan_id: RowId, session: SessionDep, user: Staff) -> ApprovalOut:
    """Atomic: every relocated person gets a placement (with the planned vacancy) and
    the plan becomes approved, or nothing changes."""
    job = _job(session, plan_id)
    if job.status != "draft":
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"The plan is {job.status}.")
    pending = session.scalar(select(PlanDecision.id).where(PlanDecision.plan_id == plan_id))
    if pending is not None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail="Hay decisiones sin aplicar: re-optimice antes de aprobar / "
            "re-optimise to apply the decisions before approving.",
        )
    placed = _placed_families(session)
    families = {f["family_id"]: f["city"] for f in job.result["families"] if f["city"]}
    again = sorted(set(families) & placed)
    if again:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"Ya reubicadas por otro plan / already placed: {', '.join(again[:10])}",
        )
    jobs = {m["person_id"]: m["vacancy_id"] for m in job.result["members"]}
    people = current_frame(session, "people")
    members = people[people["family_id"].isin(families)] if people is not None else []
    today = now().date()
    count = 0
    for person_id, family_id in zip(members["person_id"], members["family_id"], strict=True):
        placement = Placement(
            plan_id=plan_id,
            family_id=family_id,
            person_id=person_id,
            city=families[family_id],
            vacancy_id=jobs.get(person_id),
        )
        session.add(placement)
        session.flush()
        session.add(
            PlacementEvent(
                placement_id=placement.id,
                status="proposed",
                date=today,
                note=f"Plan {plan_id}",
                created_by=user.username,
            )
        )
        count += 1
    job.status, job.approved_by, job.approved_at = "approved", user.username, now()
    audit(session, user, "plan_approve", "plan", plan_id, families=len(families), placements=count)
    return ApprovalOut(plan_id=plan_id, placements=count, families=len(families))
