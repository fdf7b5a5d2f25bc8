"""Imports of people, families, destinations, vacancies and outcomes."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..deps import SessionDep, StaffOrOfficer, read_uploads
from ..schemas import ImportOut, ImportRecord, Page, ProblemOut
from ..services import imports

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


@router.post(
    "",
    response_model=ImportOut,
    summary="Upload files: validated, then stored all or nothing",
    responses={
        422: {"model": ImportOut, "description": "The files have errors; nothing was stored."}
    },
)
async def upload(
    session: SessionDep,
    user: StaffOrOfficer,
    files: Annotated[
        list[UploadFile],
        File(
            description="people, families, destinations, "
            "vacancies or outcomes (.csv, .parquet, .xlsx)"
        ),
    ],
    dry_run: Annotated[bool, Form(description="Only check; store nothing.")] = False,
    confirm_identity_changes: Annotated[
        bool,
        Form(
            description="Change the name, age, nationality or family of people already "
            "relocated (logged); without it such a change is refused."
        ),
    ] = False,
    confirm_erased: Annotated[
        bool,
        Form(
            description="Import rows that carry the name, phone or profile of people "
            "whose personal data was erased: the rest of each row is stored, the person "
            "stays erased (logged); without it such rows are refused."
        ),
    ] = False,
) -> JSONResponse | ImportOut:
    """Files are parsed as data (never executed or unpickled) and checked exactly as
    `arraigo validate` does, against the records already stored. Any error: nothing
    is stored, and every problem comes back with file, row and column. The same file
    twice changes nothing; a changed record gets a new version and keeps its history."""
    contents = await read_uploads(files)
    # Off the event loop: a large import must not freeze every other request.
    result = await run_in_threadpool(
        imports.run_import,
        session,
        contents,
        user,
        dry_run=dry_run,
        confirm_identity=confirm_identity_changes,
        confirm_erased=confirm_erased,
    )
    body = ImportOut(
        ok=result.ok,
        dry_run=dry_run,
        problems=[ProblemOut(**p.as_dict()) for p in result.shown],
        problems_total=len(result.problems),
        problem_counts=result.counts_by_kind,
        counts=result.counts,
        existing=result.existing,
        duplicates_flagged=result.duplicates_flagged,
        import_ids=result.import_ids,
    )
    if not result.ok:
        session.rollback()
        return JSONResponse(status_code=422, content=body.model_dump())
    return body


@router.get("", response_model=Page[ImportRecord], summary="Past imports")
def list_imports(
    session: SessionDep,
    user: StaffOrOfficer,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[ImportRecord]:
    return imports.list_imports(session, limit, offset)
