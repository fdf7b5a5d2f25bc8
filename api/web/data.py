"""The data page: upload files (checked first, stored on confirmation; problems told
once per file, column and rule, with hints for what spreadsheets do to files), a
template and the columns of each file, the last imports, and each city's capacity use."""

from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ..db import User
from ..deps import PendingDep, SessionDep, csv_download, read_uploads
from ..services import import_help, imports, monitoring
from ..services.errors import NotFound, ServiceError
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


def _file_help() -> list[dict[str, Any]]:
    """Each file staff prepare: its columns as the data contract says."""
    return [
        {"kind": kind, "columns": import_help.columns(kind)} for kind in import_help.TEMPLATE_KINDS
    ]


@router.get("/data/templates/{kind}.csv")
def template(kind: str, user: Workers):
    """A CSV with the file's header and one example row."""
    if kind not in import_help.TEMPLATE_KINDS:
        raise NotFound("No hay plantilla para ese archivo.")
    return csv_download(import_help.template_csv(kind), f"{kind}.csv")


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
        file_help=_file_help(),
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
        file_help=_file_help(),
        groups=import_help.group_problems(result.problems),
        file_hints=import_help.file_hints(contents),
        hints=import_help.HINTS,
    )
