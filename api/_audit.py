"""The audit log: who changed or took what, and when."""

from typing import Any

from sqlalchemy.orm import Session

from ._models import AuditEntry, User


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
