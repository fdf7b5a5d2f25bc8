"""Placements and their outcomes over time, and the follow-ups that are due."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import select

from .._audit import audit
from .._deps import Offset, RowId, SessionDep, Staff, StaffOrOfficer
from .._followups import next_check
from .._models import Placement, PlacementEvent, User, now
from .._schemas import EventIn, EventOut, FollowUp, PlacementOut, PlacementPatch

router = APIRouter(prefix="/api/v1/placements", tags=["placements"])


def _placement(session, placement_id: int) -> Placement:
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No placement {placement_id}.")
    return placement


def _events(session, placement_id: int) -> list[PlacementEvent]:
    query = select(PlacementEvent).where(PlacementEvent.placement_id == placement_id)
    return list(session.scalars(query.order_by(PlacementEvent.date, PlacementEvent.id)))


@router.get("", response_model=list[PlacementOut], summary="Placements")
def list_placements(
    session: SessionDep,
    user: StaffOrOfficer,
    mine: Annotated[bool, Query(description="Only those I follow.")] = False,
    city: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Offset = 0,
) -> list[PlacementOut]:
    query = select(Placement)
    if mine:
        query = query.where(Placement.officer == user.username)
    if city:
        query = query.where(Placement.city == city)
    rows = session.scalars(query.order_by(Placement.id).offset(offset).limit(limit))
    return [PlacementOut.model_validate(p) for p in rows]


@router.patch("/{placement_id}", response_model=PlacementOut, summary="Assign an officer")
def assign(
    placement_id: RowId, body: PlacementPatch, session: SessionDep, user: Staff
) -> PlacementOut:
    placement = _placement(session, placement_id)
    if body.officer is not None:
        officer = session.scalar(select(User).where(User.username == body.officer))
        if officer is None or officer.role != "employment_officer":
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail=f"'{body.officer}' no es un oficial de empleo / not an employment officer.",
            )
    placement.officer = body.officer
    audit(session, user, "placement_assign", "placement", placement_id, officer=body.officer)
    return PlacementOut.model_validate(placement)


@router.get("/due", response_model=list[FollowUp], summary="Follow-ups due")
def due(
    session: SessionDep,
    user: StaffOrOfficer,
    mine: Annotated[bool, Query(description="Only those I follow.")] = False,
    within_days: Annotated[int, Query(ge=0, le=365)] = 7,
) -> list[FollowUp]:
    """The next status to confirm for each placement, due within `within_days` days
    (overdue first)."""
    today = now().date()
    query = select(Placement)
    if mine:
        query = query.where(Placement.officer == user.username)
    out = []
    for placement in session.scalars(query):
        events = _events(session, placement.id)
        if not events:
            continue
        last = events[-1]
        check = next_check(last.status, last.date)
        if check is None or (check[1] - today).days > within_days:
            continue
        out.append(
            FollowUp(
                placement_id=placement.id,
                person_id=placement.person_id,
                city=placement.city,
                officer=placement.officer,
                last_status=last.status,
                last_date=last.date,
                due=check[0],
                due_date=check[1],
                overdue_days=max(0, (today - check[1]).days),
            )
        )
    return sorted(out, key=lambda f: f.due_date)


@router.get("/{placement_id}/events", response_model=list[EventOut], summary="Status history")
def list_events(placement_id: RowId, session: SessionDep, user: StaffOrOfficer) -> list[EventOut]:
    _placement(session, placement_id)
    return [EventOut.model_validate(e) for e in _events(session, placement_id)]


@router.post(
    "/{placement_id}/events",
    response_model=EventOut,
    status_code=201,
    summary="Record a status on a date",
)
def add_event(
    placement_id: RowId, body: EventIn, session: SessionDep, user: StaffOrOfficer
) -> EventOut:
    """Statuses: proposed, moved, interviewed, hired, employed_30d, employed_90d,
    employed_180d, left. They train the outcome model."""
    placement = _placement(session, placement_id)
    if body.date > now().date():
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail="La fecha está en el futuro / the date is in the future.",
        )
    event = PlacementEvent(
        placement_id=placement_id,
        status=body.status,
        date=body.date,
        note=body.note,
        created_by=user.username,
    )
    session.add(event)
    if body.vacancy_id:
        placement.vacancy_id = body.vacancy_id
    session.flush()
    placement.status = _events(session, placement_id)[-1].status
    audit(
        session,
        user,
        "placement_event",
        "placement",
        placement_id,
        status=body.status,
        date=body.date.isoformat(),
    )
    return EventOut.model_validate(event)
