"""The placements page: families relocated by approved plans, a page at a time, with
their members' names and vacancies where the role may see them; follow-ups due;
statuses recorded on a date; and (for staff) the employment officer who follows each
working-age member, one by one, a whole family or a city's unassigned cases at once.
An employment officer sees their own cases ("Mis casos")."""

import datetime as dt
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import User
from ..deps import RowId, SessionDep
from ..schemas import EventIn, PlacementPatch
from ..services import caseload, placements, records
from ..vocab import PlacementStatus, Role
from .paging import Size, Start, pager
from .render import PageMessage, StaffPage, Workers, attempt, page_router, render, see

router = page_router()
FAMILIES_PER_PAGE = 25


@router.get("/placements", response_class=HTMLResponse)
def placements_page(
    request: Request,
    session: SessionDep,
    user: Workers,
    city: str | None = None,
    officer: str | None = None,
    status: str = "",
    q: str = "",
    offset: Start = 0,
    limit: Size = FAMILIES_PER_PAGE,
    error: PageMessage = None,
    saved: str | None = None,
):
    mine = user.role == Role.employment_officer
    status = status if status in set(PlacementStatus) else ""  # "" (any) from the form
    filters = {"city": city or None, "officer": officer or None, "status": status or None}
    page = caseload.families_page(session, user, offset, limit, q=q, **filters)
    officers = session.scalars(
        select(User.username).where(User.role == Role.employment_officer, User.active)
    ).all()
    here = {"city": city, "officer": officer, "status": status, "q": q}
    window = pager("/placements", offset, limit, page.families, **here)
    return render(
        request,
        "placements.html",
        user,
        page=page,
        pager=window,
        back=window.url(offset),
        due=placements.due(session, user, mine=mine, within_days=7),
        cities=[d.city for d in records.list_destinations(session)],
        city=city,
        officer=officer,
        status=status,
        q=q,
        statuses=tuple(PlacementStatus),
        officers=officers,
        unassigned=caseload.UNASSIGNED,
        may_assign=user.role in (Role.admin, Role.relocation_staff),
        mine=mine,
        today=dt.date.today().isoformat(),
        error=error,
        saved=saved,
    )


def _back(target: str) -> str:
    """The list the form was sent from (only a path on this page)."""
    return target if target.startswith("/placements") and not target.startswith("//") else ""


def _act(request: Request, session: Session, user: User, call, anchor: str, back: str):
    """Run a service call; back to the list the form came from, at ``anchor``, or the
    page with the refusal."""
    _done, error = attempt(session, call)
    if error:
        return placements_page(request, session, user, error=error)
    target = _back(back) or "/placements"
    joiner = "&" if "?" in target else "?"
    return see(f"{target}{joiner}saved={anchor}#{anchor}")


@router.post("/placements/{placement_id}/events", response_class=HTMLResponse)
def add_event(
    placement_id: RowId,
    request: Request,
    session: SessionDep,
    user: Workers,
    status_: Annotated[str, Form(alias="status")],
    date: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
):
    try:
        body = EventIn(status=status_, date=date, note=note or None)
    except ValidationError:
        return placements_page(request, session, user, error="Elija un estado y una fecha válidos.")
    return _act(
        request,
        session,
        user,
        lambda: placements.add_event(session, user, placement_id, body),
        f"p{placement_id}",
        back,
    )


@router.post("/placements/{placement_id}/officer", response_class=HTMLResponse)
def assign_officer(
    placement_id: RowId,
    request: Request,
    session: SessionDep,
    user: StaffPage,
    officer: Annotated[str, Form(max_length=80)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
):
    body = PlacementPatch(officer=officer or None)
    return _act(
        request,
        session,
        user,
        lambda: placements.assign(session, user, placement_id, body),
        f"p{placement_id}",
        back,
    )


@router.post("/placements/assign", response_class=HTMLResponse)
def assign_many(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    officer: Annotated[str, Form(max_length=80)] = "",
    family_id: Annotated[str, Form(max_length=120)] = "",
    city: Annotated[str, Form(max_length=120)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
):
    """A family's working-age members, or a city's unassigned ones, to one officer."""

    def call():
        chosen_city = None if family_id else city or None
        return caseload.assign_many(session, user, officer or None, family_id or None, chosen_city)

    return _act(request, session, user, call, f"f-{family_id}" if family_id else "all-h", back)
