"""Placements: the people an approved plan relocated, their officer, their statuses over
time, and the follow-ups that are due."""

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arraigo.data import working_members

from ..db import Placement, PlacementEvent, User, now
from ..schemas import EventIn, EventOut, FollowUp, Page, PlacementOut, PlacementPatch
from ..vocab import HIRED, NEXT_CHECK, NEXT_STATUSES, RELEASED, PlacementStatus
from . import ledger
from .audit import audit
from .caseload import check_officer, placement_filters, working_age
from .errors import Invalid, NotFound
from .privacy import check_case, may_see_name
from .store import current_frame, current_record


def next_check(status: str, date: dt.date) -> tuple[PlacementStatus, dt.date] | None:
    """The next status to confirm and its due date; None once followed to the end."""
    if status not in NEXT_CHECK:
        return None
    due, days = NEXT_CHECK[PlacementStatus(status)]
    return due, date + dt.timedelta(days=days)


def place_families(
    session: Session,
    user: User,
    plan_id: int,
    cities: dict[str, str],
    jobs: dict[str, str | None],
) -> int:
    """A proposed placement for every member of each family (``cities``: family -> city),
    with the vacancy planned for them (``jobs``: person -> vacancy); returns how many."""
    people = current_frame(session, "people")
    if people is None:
        return 0
    members = people[people["family_id"].isin(cities)]
    today = now().date()
    for person_id, family_id in zip(members["person_id"], members["family_id"], strict=True):
        placement = Placement(
            plan_id=plan_id,
            family_id=family_id,
            person_id=person_id,
            city=cities[family_id],
            vacancy_id=jobs.get(person_id),
        )
        session.add(placement)
        session.flush()
        session.add(
            PlacementEvent(
                placement_id=placement.id,
                status=PlacementStatus.proposed,
                date=today,
                note=f"Plan {plan_id}",
                created_by=user.username,
            )
        )
    return len(members)


def _placement(session: Session, placement_id: int) -> Placement:
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise NotFound(f"No placement {placement_id}.")
    return placement


def _events(session: Session, placement_id: int) -> list[PlacementEvent]:
    query = select(PlacementEvent).where(PlacementEvent.placement_id == placement_id)
    return list(session.scalars(query.order_by(PlacementEvent.date, PlacementEvent.id)))


def list_placements(
    session: Session,
    user: User,
    mine: bool = False,
    city: str | None = None,
    limit: int = 500,
    offset: int = 0,
    officer: str | None = None,
    status: str | None = None,
) -> Page[PlacementOut]:
    """The user's cases (all placements for staff) passing the filters, a page at a time
    in the order they were made, and how many pass."""
    where = placement_filters(user, mine=mine, city=city, officer=officer, status=status)
    total = session.scalar(select(func.count(Placement.id)).where(*where)) or 0
    query = select(Placement).where(*where).order_by(Placement.id).offset(offset).limit(limit)
    items = [PlacementOut.model_validate(p) for p in session.scalars(query)]
    return Page[PlacementOut](total=total, items=items)


def assign(session: Session, user: User, placement_id: int, patch: PlacementPatch) -> PlacementOut:
    """Give a placement to an employment officer to follow (or to nobody); only people
    of working age are followed."""
    placement = _placement(session, placement_id)
    check_officer(session, patch.officer)
    if patch.officer is not None and not working_age(session, [placement.person_id]):
        raise Invalid(
            "Solo se asigna oficial de empleo a personas de 18 a 64 años / only people aged "
            "18 to 64 are followed by an employment officer."
        )
    previous, placement.officer = placement.officer, patch.officer
    audit(
        session,
        user,
        "placement_assign",
        "placement",
        placement_id,
        officer=patch.officer,
        previous=previous,
    )
    return PlacementOut.model_validate(placement)


def due(session: Session, user: User, mine: bool = False, within_days: int = 7) -> list[FollowUp]:
    """The next status to confirm for each placement, due within ``within_days`` days
    (overdue first). Each placement's last status comes from one query for all."""
    today = now().date()
    scope = placement_filters(user, mine=mine)
    events = session.execute(
        select(Placement, PlacementEvent.status, PlacementEvent.date)
        .join(PlacementEvent, PlacementEvent.placement_id == Placement.id)
        .where(*scope)
        .order_by(Placement.id, PlacementEvent.date, PlacementEvent.id)
    ).all()
    last: dict[int, tuple[Placement, str, dt.date]] = {}
    for placement, status, date in events:
        last[placement.id] = (placement, status, date)
    out = []
    for placement, status, date in last.values():
        check = next_check(status, date)
        if check is None or (check[1] - today).days > within_days:
            continue
        out.append(
            FollowUp(
                placement_id=placement.id,
                person_id=placement.person_id,
                city=placement.city,
                officer=placement.officer,
                last_status=status,
                last_date=date,
                due=check[0],
                due_date=check[1],
                overdue_days=max(0, (today - check[1]).days),
            )
        )
    return sorted(out, key=lambda f: f.due_date)


def list_events(session: Session, user: User, placement_id: int) -> list[EventOut]:
    """A placement's history; the notes (they tell about the person) only to those who
    may see the person's name, as on the case file."""
    placement = _placement(session, placement_id)
    check_case(user, placement, session)
    notes = may_see_name(session, user, placement.person_id)
    events = [EventOut.model_validate(e) for e in _events(session, placement_id)]
    return events if notes else [e.model_copy(update={"note": None}) for e in events]


def _check_event(session: Session, placement: Placement, event: EventIn) -> None:
    """The pipeline's rules: a status may only follow the one before it (vocab.
    NEXT_STATUSES), on a date neither in the future nor before the approval or the
    previous status, and only people of working age are hired."""
    if event.date > now().date():
        raise Invalid("La fecha está en el futuro / the date is in the future.")
    events = _events(session, placement.id)
    last = events[-1] if events else None
    current = PlacementStatus(last.status) if last else PlacementStatus.proposed
    if event.status not in NEXT_STATUSES[current]:
        allowed = ", ".join(sorted(NEXT_STATUSES[current])) or "ninguno / none"
        raise Invalid(
            f"Después de «{current}» no puede seguir «{event.status}»; puede seguir: "
            f"{allowed} / «{event.status}» cannot follow «{current}»."
        )
    approved = placement.created_at.date()
    earliest = max([approved, *(e.date for e in events)])
    if event.date < earliest:
        raise Invalid(
            f"La fecha {event.date} es anterior a la aprobación o al estado anterior "
            f"({earliest}) / the date is before the approval or the previous status."
        )
    if event.status in HIRED:
        person = current_frame(session, "people")
        row = None if person is None else person[person["person_id"] == placement.person_id]
        if row is None or row.empty or not working_members(row).iloc[0]:
            raise Invalid(
                "Solo se contrata a personas de 18 a 64 años / only people aged 18 to 64 "
                "can be hired."
            )
    if event.vacancy_id:
        try:
            current_record(session, "vacancies", event.vacancy_id)
        except NotFound:
            raise Invalid(f"No existe la vacante {event.vacancy_id!r} / no such vacancy.") from None


def add_event(session: Session, user: User, placement_id: int, event: EventIn) -> EventOut:
    """Record a placement's next status on a date, under the pipeline's rules; logged.
    A status that releases what the placement held (cancelled, left) changes the
    ledger."""
    placement = _placement(session, placement_id)
    check_case(user, placement, session)
    _check_event(session, placement, event)
    row = PlacementEvent(
        placement_id=placement_id,
        status=event.status,
        date=event.date,
        note=event.note,
        created_by=user.username,
    )
    session.add(row)
    if event.vacancy_id:
        placement.vacancy_id = event.vacancy_id
    session.flush()
    placement.status = _events(session, placement_id)[-1].status
    if event.status in RELEASED:
        ledger.touch(session)
    audit(
        session,
        user,
        "placement_event",
        "placement",
        placement_id,
        status=event.status,
        date=event.date.isoformat(),
    )
    return EventOut.model_validate(row)
