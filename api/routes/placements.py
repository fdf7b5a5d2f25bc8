"""Placements and their outcomes over time, and the follow-ups that are due."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ..deps import Offset, RowId, SessionDep, Staff, StaffOrOfficer
from ..schemas import (
    AssignManyIn,
    AssignManyOut,
    EventIn,
    EventOut,
    FollowUp,
    PlacementOut,
    PlacementPatch,
)
from ..services import caseload, placements
from ..vocab import PlacementStatus

router = APIRouter(prefix="/api/v1/placements", tags=["placements"])

Mine = Annotated[bool, Query(description="Only those I follow.")]


@router.get("", response_model=list[PlacementOut], summary="Placements")
def list_placements(
    session: SessionDep,
    user: StaffOrOfficer,
    response: Response,
    mine: Mine = False,
    city: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Offset = 0,
    officer: Annotated[
        str | None, Query(max_length=80, description="A username, or `-` for nobody yet.")
    ] = None,
    status: PlacementStatus | None = None,
) -> list[PlacementOut]:
    """The caller's cases (every placement for staff), oldest first; the header
    `X-Total-Count` says how many pass the filters, beyond this page."""
    page = placements.list_placements(session, user, mine, city, limit, offset, officer, status)
    response.headers["X-Total-Count"] = str(page.total)
    return page.items


@router.post(
    "/assign", response_model=AssignManyOut, summary="Assign an officer to a family or a city"
)
def assign_many(body: AssignManyIn, session: SessionDep, user: Staff) -> AssignManyOut:
    """The working-age members of one family, or every working-age member of a city's
    families whom nobody follows yet; children are never assigned. Logged."""
    changed = caseload.assign_many(session, user, body.officer, body.family_id, body.city)
    return AssignManyOut(placements=changed)


@router.patch("/{placement_id}", response_model=PlacementOut, summary="Assign an officer")
def assign(
    placement_id: RowId, body: PlacementPatch, session: SessionDep, user: Staff
) -> PlacementOut:
    return placements.assign(session, user, placement_id, body)


@router.get("/due", response_model=list[FollowUp], summary="Follow-ups due")
def due(
    session: SessionDep,
    user: StaffOrOfficer,
    mine: Mine = False,
    within_days: Annotated[int, Query(ge=0, le=365)] = 7,
) -> list[FollowUp]:
    """The next status to confirm for each placement, due within `within_days` days
    (overdue first)."""
    return placements.due(session, user, mine, within_days)


@router.get("/{placement_id}/events", response_model=list[EventOut], summary="Status history")
def list_events(placement_id: RowId, session: SessionDep, user: StaffOrOfficer) -> list[EventOut]:
    return placements.list_events(session, user, placement_id)


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
    return placements.add_event(session, user, placement_id, body)
