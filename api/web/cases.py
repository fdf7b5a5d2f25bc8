"""Case files: a person's (profile, documents, languages, occupation corrections, notes,
placements with their histories, stored versions), a family's (members, needs,
placements, plan decisions) and one placement's history, each as the role may see it
(services.casefile applies services.privacy)."""

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from ..deps import RowId, SessionDep
from ..schemas import OccupationIn
from ..services import casefile, records
from ..services.errors import NotFound
from ..vocab import PERSONAL_DATA_ROLES
from .render import PageMessage, StaffPage, Workers, attempt, page_router, render, see

router = page_router()


@router.get("/files", response_class=HTMLResponse)
def find_file(request: Request, session: SessionDep, user: Workers, q: str = ""):
    """Open a case file by a person's or (staff) a family's identifier."""
    key = q.strip()
    error = None
    if key:
        try:
            records.get_person(session, user, key)
            return see(f"/people/{key}")
        except NotFound:
            pass
        if user.role in PERSONAL_DATA_ROLES:
            try:
                casefile.family_file(session, user, key)
                return see(f"/families/{key}")
            except NotFound:
                pass
        error = "No hay ninguna persona ni familia con ese identificador."
    return render(request, "files.html", user, q=key, error=error)


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request,
    session: SessionDep,
    user: Workers,
    person_id: str,
    error: PageMessage = None,
    saved: bool = False,
):
    file = casefile.person_file(session, user, person_id)
    return render(
        request,
        "person.html",
        user,
        file=file,
        staff=user.role in PERSONAL_DATA_ROLES,
        error=error,
        saved=saved,
    )


@router.post("/people/{person_id}/occupation", response_class=HTMLResponse)
def correct_occupation(
    request: Request,
    session: SessionDep,
    user: Workers,
    person_id: str,
    isco: Annotated[str, Form(max_length=4)] = "",
    esco_id: Annotated[str, Form(max_length=120)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
):
    try:
        body = OccupationIn(isco=isco or None, esco_id=esco_id or None, note=note or None)
    except ValidationError:
        body = None
    if body is None or not (body.isco or body.esco_id):
        error = "Escriba un grupo ISCO-08 de cuatro cifras o una ocupación ESCO."
        return person_page(request, session, user, person_id, error=error)
    _done, error = attempt(
        session, lambda: records.correct_occupation(session, user, person_id, body)
    )
    if error:
        return person_page(request, session, user, person_id, error=error)
    return see(f"/people/{person_id}?saved=1#occupation")


@router.get("/families/{family_id}", response_class=HTMLResponse)
def family_page(request: Request, session: SessionDep, user: StaffPage, family_id: str):
    return render(request, "family.html", user, file=casefile.family_file(session, user, family_id))


@router.get("/placements/{placement_id}/history", response_class=HTMLResponse)
def placement_page(request: Request, session: SessionDep, user: Workers, placement_id: RowId):
    file = casefile.placement_file(session, user, placement_id)
    return render(
        request,
        "placement.html",
        user,
        file=file,
        staff=user.role in PERSONAL_DATA_ROLES,
    )
