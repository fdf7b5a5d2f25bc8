"""Who may see a person's personal fields: the one place the rule is written.

Admins and relocation staff see everyone's; an employment officer only their own
candidates' (the people whose placements they follow); a partner never anyone's.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arraigo.data import PERSONAL_COLUMNS

from ..db import Placement, User
from ..vocab import PERSONAL_DATA_ROLES, Role


def officer_candidates(session: Session, user: User) -> set[str]:
    """People whose placements this employment officer follows."""
    rows = session.scalars(select(Placement.person_id).where(Placement.officer == user.username))
    return set(rows)


def personal_filter(session: Session, user: User) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function that blanks personal fields of people the user may not see."""
    if user.role in PERSONAL_DATA_ROLES:
        return lambda row: row
    allowed = officer_candidates(session, user) if user.role == Role.employment_officer else set()

    def blank(row: dict[str, Any]) -> dict[str, Any]:
        if row.get("person_id") in allowed:
            return row
        return {k: (None if k in PERSONAL_COLUMNS else v) for k, v in row.items()}

    return blank


def may_see_name(session: Session, user: User, person_id: str) -> bool:
    """Whether the user may see this person's name."""
    return personal_filter(session, user)({"full_name": True, "person_id": person_id})["full_name"]
