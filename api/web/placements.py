"""The placements page: who was relocated where, follow-ups due, statuses recorded on a
date, and (for staff) the employment officer who follows each placement."""

import datetime as dt
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select

from ..db import User
from ..deps import RowId, SessionDep
from ..schemas import EventIn, PlacementPatch
from ..services import placements, records
from ..vocab import PlacementStatus, Role
from .render import PageMessage, StaffPage, Workers, attempt, page_router, render, see

router = page_router()


@router.get("/placements", response_class=HTMLResponse)
def placements_page(
    request: Request,
    session: SessionDep,
    user: Workers,
    city: str | None = None,
    error: PageMessage = None,
    saved: int | None = None,
):
    mine = user.role == Role.employment_officer
    rows = placements.list_placements(session, user, mine=False, city=city or None, limit=200)
    officers = session.scalars(
        select(User.username).where(User.role == Role.employment_officer, User.active)
    ).all()
    return render(
        request,
        "placements.html",
        user,
        placements=rows,
        due=placements.due(session, user, mine=mine, within_days=7),
        cities=[d.city for d in records.list_destinations(session)],
        city=city,
        statuses=tuple(PlacementStatus),
        officers=officers,
        may_assign=user.role in (Role.admin, Role.relocation_staff),
        mine=mine,
        today=dt.date.today().isoformat(),
        error=error,
        saved=saved,
    )


def _saved(placement_id: int, city: str):
    query = f"?saved={placement_id}" + (f"&city={city}" if city else "")
    return see(f"/placements{query}#p{placement_id}")


@router.post("/placements/{placement_id}/events", response_class=HTMLResponse)
def add_event(
    placement_id: RowId,
    request: Request,
    session: SessionDep,
    user: Workers,
    status_: Annotated[str, Form(alias="status")],
    date: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
    city: Annotated[str, Form()] = "",
):
    try:
        body = EventIn(status=status_, date=date, note=note or None)
    except ValidationError:
        return placements_page(
            request, session, user, city=city, error="Elija un estado y una fecha válidos."
        )
    _done, error = attempt(session, lambda: placements.add_event(session, user, placement_id, body))
    if error:
        return placements_page(request, session, user, city=city, error=error)
    return _saved(placement_id, city)


@router.post("/placements/{placement_id}/officer", response_class=HTMLResponse)
def assign_officer(
    placement_id: RowId,
    request: Request,
    session: SessionDep,
    user: StaffPage,
    officer: Annotated[str, Form(max_length=80)] = "",
    city: Annotated[str, Form()] = "",
):
    body = PlacementPatch(officer=officer or None)
    _done, error = attempt(session, lambda: placements.assign(session, user, placement_id, body))
    if error:
        return placements_page(request, session, user, city=city, error=error)
    return _saved(placement_id, city)
