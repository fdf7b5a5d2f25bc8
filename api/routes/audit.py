"""The audit log (admin only)."""

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import Admin, Offset, SessionDep
from ..schemas import AuditOut, Page
from ..services.audit import audit_entries

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=Page[AuditOut], summary="Who changed what, and when")
def list_audit(
    session: SessionDep,
    admin: Admin,
    action: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[AuditOut]:
    total, rows = audit_entries(session, action, limit, offset)
    return Page[AuditOut](total=total, items=[AuditOut.model_validate(r) for r in rows])
