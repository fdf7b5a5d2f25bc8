"""Staff reviews: possible duplicate people flagged on import (decided one by one,
never merged automatically) and the outcome model's versions, trained on request."""

from typing import Annotated, Literal

from fastapi import Form, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ..deps import RowId, SessionDep
from ..schemas import DuplicateDecision, PersonOut
from ..services import duplicates, outcomes, records
from ..services.errors import NotFound
from .render import PageMessage, StaffPage, attempt, page_router, render, see

router = page_router()
REVIEW_STATES = ("open", "distinct", "same_person")


def _people(session, user, ids: set[str]) -> dict[str, PersonOut | None]:
    found: dict[str, PersonOut | None] = {}
    for person_id in sorted(ids):
        try:
            found[person_id] = records.get_person(session, user, person_id)
        except NotFound:
            found[person_id] = None
    return found


@router.get("/duplicates", response_class=HTMLResponse)
def duplicates_page(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    status: Literal["open", "distinct", "same_person"] = "open",
    error: PageMessage = None,
    saved: int | None = None,
):
    flags = duplicates.list_duplicates(session, status)
    people = _people(session, user, {p for f in flags for p in (f.person_a, f.person_b)})
    return render(
        request,
        "duplicates.html",
        user,
        flags=flags,
        people=people,
        status=status,
        states=REVIEW_STATES,
        error=error,
        saved=saved,
    )


@router.post("/duplicates/{flag_id}", response_class=HTMLResponse)
def decide(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    flag_id: RowId,
    decision: Annotated[Literal["distinct", "same_person"], Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
):
    if not note.strip():
        error = "Escriba por qué: la nota queda en la bitácora."
        return duplicates_page(request, session, user, error=error)
    body = DuplicateDecision(status=decision, note=note.strip())
    _done, error = attempt(
        session, lambda: duplicates.decide_duplicate(session, user, flag_id, body)
    )
    if error:
        return duplicates_page(request, session, user, error=error)
    return see(f"/duplicates?saved={flag_id}")


@router.get("/models", response_class=HTMLResponse)
def models_page(
    request: Request,
    session: SessionDep,
    user: StaffPage,
    error: PageMessage = None,
    trained: int | None = None,
):
    return render(
        request,
        "models.html",
        user,
        models=outcomes.list_models(session),
        error=error,
        trained=trained,
    )


@router.post("/models", response_class=HTMLResponse)
async def train(request: Request, session: SessionDep, user: StaffPage):
    """Train a new version on every recorded outcome (off the event loop: it takes a
    few seconds)."""
    model, error = await run_in_threadpool(
        attempt, session, lambda: outcomes.retrain(session, user)
    )
    if error:
        return await run_in_threadpool(models_page, request, session, user, error)
    return see(f"/models?trained={model.version}")
