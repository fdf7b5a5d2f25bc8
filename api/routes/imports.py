"""Imports of people, families, destinations, vacancies and outcomes."""

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile, status
from fastapi.responses import JSONResponse
from sqlalchemy import select

from .._deps import SessionDep, StaffOrOfficer
from .._imports import run_import
from .._models import Import
from .._schemas import ImportOut, ImportRecord, Page, ProblemOut

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])

# Large enough for a month of the programme (25,000 people) in any format.
MAX_UPLOAD_BYTES = 50 * 2**20


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
) -> JSONResponse | ImportOut:
    """Files are parsed as data (never executed or unpickled) and checked exactly as
    `arraigo validate` does, against the records already stored. Any error: nothing
    is stored, and every problem comes back with file, row and column. The same file
    twice changes nothing; a changed record gets a new version and keeps its history."""
    contents = []
    for upload_file in files:
        content = await upload_file.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                detail=f"{upload_file.filename}: more than {MAX_UPLOAD_BYTES // 2**20} MiB.",
            )
        contents.append((upload_file.filename or "upload", content))
    result = run_import(session, contents, user, dry_run=dry_run)
    body = ImportOut(
        ok=result.ok,
        dry_run=dry_run,
        problems=[ProblemOut(**p.as_dict()) for p in result.problems],
        counts=result.counts,
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
    rows = list(session.scalars(select(Import).order_by(Import.id.desc())))
    items = [ImportRecord.model_validate(r) for r in rows[offset : offset + limit]]
    return Page[ImportRecord](total=len(rows), items=items)
