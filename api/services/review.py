"""Reviewing a draft plan: what re-optimising changed against the draft it came from,
who takes which vacancy, and what approving it will do (families, people, cities and the
capacity it will hold), with the reasons it cannot be approved yet."""

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from ..db import PlanJob
from ..schemas import ApprovalPreview, CityShare, FamilyChange, MemberChange, PlanChanges
from ..vocab import PlanStatus
from . import ledger
from .plans import is_stale, plan_job, successors, unapplied
from .store import current_frame


def _difference(after: dict[str, Any], before: dict[str, Any], key: str) -> float | None:
    if after.get(key) is None or before.get(key) is None:
        return None
    return round(float(after[key]) - float(before[key]), 6)


def changes(session: Session, plan_id: int) -> PlanChanges | None:
    """Families whose city and members whose vacancy differ from the previous draft, and
    the difference in objective and expected success; None for a plan that was not
    re-optimised from another (or whose results are not both there)."""
    job = plan_job(session, plan_id)
    previous = session.get(PlanJob, job.parent_id) if job.parent_id else None
    if previous is None or not job.result or not previous.result:
        return None
    after, before = job.result, previous.result
    city_before = {f["family_id"]: f["city"] for f in before.get("families", [])}
    families = [
        FamilyChange(
            family_id=f["family_id"], before=city_before.get(f["family_id"]), after=f["city"]
        )
        for f in after.get("families", [])
        if city_before.get(f["family_id"]) != f["city"]
    ]
    job_before = {m["person_id"]: m["vacancy_id"] for m in before.get("members", [])}
    family_of = _family_of(session, [m["person_id"] for m in after.get("members", [])])
    members = [
        MemberChange(
            person_id=m["person_id"],
            family_id=family_of.get(m["person_id"]),
            before=job_before.get(m["person_id"]),
            after=m["vacancy_id"],
        )
        for m in after.get("members", [])
        if job_before.get(m["person_id"]) != m["vacancy_id"]
    ]
    return PlanChanges(
        plan_id=plan_id,
        previous_id=previous.id,
        families=families,
        members=members,
        objective_change=_difference(after, before, "objective"),
        expected_success_change=_difference(after, before, "expected_success"),
    )


def _family_of(session: Session, person_ids: list[str]) -> dict[str, str]:
    people = current_frame(session, "people")
    if people is None:
        return {}
    people = people[people["person_id"].isin(person_ids)]
    return dict(zip(people["person_id"], people["family_id"], strict=True))


def vacancies_by_id(session: Session, vacancy_ids: list[str]) -> dict[str, dict[str, str]]:
    """vacancy_id -> its title, employer and city, for the vacancies a plan uses."""
    vacancies = current_frame(session, "vacancies")
    if vacancies is None:
        return {}
    rows = vacancies[vacancies["vacancy_id"].isin(vacancy_ids)]
    return {
        row.vacancy_id: {"title": row.title, "employer": row.employer, "city": row.city}
        for row in rows.itertuples()
    }


def members_by_family(session: Session, plan_id: int) -> dict[str, list[dict[str, Any]]]:
    """family -> its members in the plan, each with the vacancy it takes (title and
    employer) or None."""
    job = plan_job(session, plan_id)
    members = (job.result or {}).get("members", [])
    people = current_frame(session, "people")
    if people is None or not members:
        return {}
    taken = {m["person_id"]: m["vacancy_id"] for m in members}
    vacancies = vacancies_by_id(session, [v for v in taken.values() if v])
    people = people[people["person_id"].isin(taken)]
    out: dict[str, list[dict[str, Any]]] = {}
    for person, family in zip(people["person_id"], people["family_id"], strict=True):
        vacancy = taken[person]
        out.setdefault(family, []).append(
            {"person_id": person, "vacancy_id": vacancy, "vacancy": vacancies.get(vacancy)}
        )
    return out


def blockers(session: Session, job: PlanJob) -> list[str]:
    """Why a plan cannot be approved from its page now, in plain words (empty: it can)."""
    if job.status != PlanStatus.draft:
        return ["El plan ya no es un borrador."]
    found = []
    newer = successors(session, [job.id]).get(job.id)
    if newer is not None:
        found.append("Este borrador se re-optimizó en un plan posterior: revise y apruebe ese.")
    if unapplied(session, job):
        found.append("Hay decisiones sin aplicar: re-optimice antes de aprobar.")
    if is_stale(job, ledger.state(session)):
        found.append(
            "Desactualizado: se calculó antes de una aprobación, una liberación o una "
            "importación posterior. Re-optimícelo para planear con lo que queda ahora."
        )
    return found


def approval_preview(session: Session, plan_id: int) -> ApprovalPreview:
    """What approving the draft will do: families and people relocated, per city, the
    vacancies taken and the capacity held from then on."""
    job = plan_job(session, plan_id)
    result = job.result or {}
    city_of = {f["family_id"]: f["city"] for f in result.get("families", []) if f["city"]}
    taken = {m["person_id"]: m["vacancy_id"] for m in result.get("members", [])}
    people = current_frame(session, "people")
    families = current_frame(session, "families")
    destinations = current_frame(session, "destinations")
    shares: list[CityShare] = []
    if people is not None and city_of:
        moving = people[people["family_id"].isin(city_of)]
        city = moving["family_id"].map(city_of)
        working = moving["person_id"].map(lambda p: bool(taken.get(p)))
        held = pd.DataFrame()
        if families is not None and destinations is not None:
            held = ledger.use_of(people, families, destinations, city_of)
        for name in sorted(set(city_of.values())):
            here = city == name
            use = held.loc[name] if name in held.index else pd.Series(dtype=float)
            shares.append(
                CityShare(
                    city=name,
                    families=sum(1 for c in city_of.values() if c == name),
                    people=int(here.sum()),
                    vacancies=int((here & working).sum()),
                    held={str(r): float(v) for r, v in use.items() if v},
                )
            )
    return ApprovalPreview(
        plan_id=plan_id,
        families=len(city_of),
        people=sum(s.people for s in shares),
        vacancies=sum(s.vacancies for s in shares),
        cities=shares,
        blockers=blockers(session, job),
    )
