"""The audit log (admin only)."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from .._deps import Admin, Offset, SessionDep
from .._models import AuditEntry
from .._schemas import AuditOut, Page

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=Page[AuditOut], summary="Who changed what, and when")
def list_audit(
    session: SessionDep,
    admin: Admin,
    action: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[AuditOut]:
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit))
    return Page[AuditOut](total=total, items=[AuditOut.model_validate(r) for r in rows])
