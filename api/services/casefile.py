"""A person's and a family's case file: everything the service keeps about them in one
place (profile, documents, languages, occupation corrections, notes, placements and
their histories), as much of it as the reader's role may see (services.privacy)."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arraigo.data import Dataset

from ..db import OccupationCorrection, Placement, PlacementEvent, PlanDecision, User
from ..schemas import EventOut, FamilyOut, HistoryOut, PersonOut, PlacementOut
from ..vocab import PERSONAL_DATA_ROLES
from . import records
from .errors import NotFound
from .privacy import case_scope, check_case, may_see_name
from .store import clean, current_frame, current_record, frame_from_json


@dataclass(frozen=True)
class PlacementFile:
    """A placement and every status recorded for it, oldest first."""

    placement: PlacementOut
    events: list[EventOut]


@dataclass(frozen=True)
class PersonFile:
    person: PersonOut
    # Whether the reader may see this person's sensitive fields and the notes about them.
    personal: bool
    corrections: list[dict[str, Any]]
    placements: list[PlacementFile]
    # Every stored version (staff and admin only; empty for others).
    versions: list[HistoryOut] = field(default_factory=list)


@dataclass(frozen=True)
class FamilyFile:
    family: FamilyOut
    members: list[PersonOut]
    placements: list[PlacementFile]
    decisions: list[dict[str, Any]]


def _events(session: Session, placement_id: int, notes: bool) -> list[EventOut]:
    query = select(PlacementEvent).where(PlacementEvent.placement_id == placement_id)
    rows = session.scalars(query.order_by(PlacementEvent.date, PlacementEvent.id))
    events = [EventOut.model_validate(e) for e in rows]
    return events if notes else [e.model_copy(update={"note": None}) for e in events]


def _placements(session: Session, user: User, notes: bool, **where: str) -> list[PlacementFile]:
    """The placements matching ``where`` (person_id= or family_id=) within the user's
    cases, each with its history."""
    query = select(Placement).where(case_scope(user))
    for column, value in where.items():
        query = query.where(getattr(Placement, column) == value)
    return [
        PlacementFile(PlacementOut.model_validate(p), _events(session, p.id, notes))
        for p in session.scalars(query.order_by(Placement.id))
    ]


def person_file(session: Session, user: User, person_id: str) -> PersonFile:
    """A person's case file. An employment officer sees sensitive fields and notes only
    for the people assigned to them, and only the placements of their cases; version
    history is for staff."""
    person = records.get_person(session, user, person_id)
    personal = may_see_name(session, user, person_id)
    query = select(OccupationCorrection).where(OccupationCorrection.person_id == person_id)
    corrections = [
        {
            "isco": c.isco,
            "esco_id": c.esco_id,
            "label": c.label,
            "note": c.note if personal else None,
            "created_by": c.created_by,
            "created_at": c.created_at,
        }
        for c in session.scalars(query.order_by(OccupationCorrection.id))
    ]
    staff = user.role in PERSONAL_DATA_ROLES
    return PersonFile(
        person=person,
        personal=bool(personal),
        corrections=corrections,
        placements=_placements(session, user, bool(personal), person_id=person_id),
        versions=records.person_history(session, person_id) if staff else [],
    )


def _family(session: Session, family_id: str) -> FamilyOut:
    """The family's current record with what it uses of each declared resource."""
    record = current_record(session, "families", family_id)
    families = frame_from_json("families", [record.data])
    people = current_frame(session, "people")
    members = None if people is None else people[people["family_id"] == family_id]
    uses: dict[str, float] = {}
    if members is not None and len(members):
        batch = Dataset(
            people=members,
            families=families,
            destinations=current_frame(session, "destinations"),
        )
        uses = batch.family_use().loc[family_id].to_dict()
    row = clean(families.iloc[0].to_dict())
    fields = {k: v for k, v in row.items() if k in FamilyOut.model_fields}
    return FamilyOut.model_construct(**fields, use=uses, version=record.version)


def family_file(session: Session, user: User, family_id: str) -> FamilyFile:
    """A family's case file (staff and admin: families are theirs in the role matrix)."""
    family = _family(session, family_id)
    members = records.list_people(session, user, family_id=family_id, limit=1000).items
    query = select(PlanDecision).where(PlanDecision.family_id == family_id)
    decisions = [
        {
            "plan_id": d.plan_id,
            "action": d.action,
            "city": d.city,
            "reason": d.reason,
            "created_by": d.created_by,
            "created_at": d.created_at,
        }
        for d in session.scalars(query.order_by(PlanDecision.id))
    ]
    return FamilyFile(
        family=family,
        members=members,
        placements=_placements(session, user, True, family_id=family_id),
        decisions=decisions,
    )


def placement_file(session: Session, user: User, placement_id: int) -> PlacementFile:
    """One placement and every event of it, if it is one of the user's cases."""
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise NotFound(f"No existe la reubicación {placement_id} / no placement {placement_id}.")
    check_case(user, placement, session)
    notes = may_see_name(session, user, placement.person_id)
    return PlacementFile(
        PlacementOut.model_validate(placement), _events(session, placement_id, bool(notes))
    )
