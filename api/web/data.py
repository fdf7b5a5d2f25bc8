"""The data page: upload files (checked first, stored on confirmation), the last
imports, and each city's capacity use."""

from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ..db import User
from ..deps import PendingDep, SessionDep, read_uploads
from ..services import imports, monitoring
from ..services.errors import ServiceError
from .render import Workers, page_router, render

router = page_router()


def capacity_table(session: Session, user: User) -> list[dict[str, Any]]:
    """Capacity rows of the monitoring service, one line per city (caseworkers only:
    no partner reaches this page, so nothing is withheld)."""
    cities: dict[str, dict[str, Any]] = {}
    for row in monitoring.capacity_rows(session, user, min_group_size=0):
        cities.setdefault(row.city, {})[row.resource] = row
    return [{"city": city, "resources": resources} for city, resources in cities.items()]


def _recent_imports(session: Session):
    return imports.list_imports(session, limit=10).items


@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request, session: SessionDep, user: Workers):
    return render(
        request,
        "data.html",
        user,
        capacity=capacity_table(session, user),
        result=None,
        pending=None,
        imports=_recent_imports(session),
    )


@router.post("/data", response_class=HTMLResponse)
async def upload(
    request: Request,
    session: SessionDep,
    user: Workers,
    waiting: PendingDep,
    files: Annotated[list[UploadFile] | None, File()] = None,
    pending: Annotated[str | None, Form()] = None,
    confirm_identity: Annotated[bool, Form()] = False,
    confirm_erased: Annotated[bool, Form()] = False,
):
    """First a check (nothing stored), then, when it is clean, a confirmation that
    stores the same bytes."""
    contents = waiting.take(user, pending) if pending else await read_uploads(files)
    if not contents:
        raise ServiceError("Elija al menos un archivo.")
    # Off the event loop: a large import must not freeze every other request.
    result = await run_in_threadpool(
        imports.run_import,
        session,
        contents,
        user,
        dry_run=not pending,
        confirm_identity=confirm_identity,
        confirm_erased=confirm_erased,
    )
    key = None
    if not result.ok:
        session.rollback()
    elif not pending:
        key = waiting.keep(user, contents)
    else:
        session.commit()
    return render(
        request,
        "data.html",
        user,
        code=200 if result.ok else 422,
        capacity=capacity_table(session, user),
        result=result,
        stored=bool(pending) and result.ok,
        files=[name for name, _c in contents],
        pending=key,
        confirm_identity=confirm_identity,
        confirm_erased=confirm_erased,
        imports=_recent_imports(session),
    )
