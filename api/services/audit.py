"""The audit log: who changed or took what, and when."""

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import AuditEntry, User


def audit(
    session: Session,
    user: User | str,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    **detail: Any,
) -> None:
    """Record an action in the same transaction as the change it describes."""
    username = user if isinstance(user, str) else user.username
    session.add(
        AuditEntry(
            username=username,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            detail=detail,
        )
    )


def audit_entries(
    session: Session,
    action: str | None,
    limit: int,
    offset: int,
    username: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[int, list[AuditEntry]]:
    """How many entries there are (of ``action`` and ``username``, from ``since`` to
    ``until`` inclusive, when given) and one page, newest first."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if username:
        query = query.where(AuditEntry.username == username)
    if since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until:
        last = min(until, dt.date.max - dt.timedelta(days=1))  # 9999-12-31: no end
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
        query = query.where(AuditEntry.at < end)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit))
    return total, list(rows)


def audit_actions(session: Session) -> list[str]:
    """The actions the log holds, for a filter's choices."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
