"""Who may see and touch which person: the one place the rule is written (the role
matrix in the README says it in a table).

Admins and relocation staff see everyone's fields and every placement. An employment
officer reads and writes only their cases: the placements assigned to them and those of
the families they follow (a family one of whose members' placements is theirs). They
see a person's sensitive fields (name, phone, nationality, health needs, documents,
profile text) only for the people assigned to them; for everyone else only what
matching needs (age, sex, languages, education, experience). A partner sees no person.
Ranked matches follow the same rule: their reasons quote the profile and their blockers
name the documents a person lacks, so outside an officer's cases both are left out.
"""

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from arraigo.data import PERSONAL_COLUMNS

from ..db import Placement, User
from ..schemas import MatchOut
from ..vocab import PERSONAL_DATA_ROLES, Role
from .errors import Forbidden

# What an officer sees only for their own cases: the personal fields and those that
# tell about a person's health, status or story.
SENSITIVE_COLUMNS = PERSONAL_COLUMNS | {"nationality", "health_needs", "documents", "skills_text"}
# How a reason quotes the words of a profile: «Mwen te vann nan magazen».
QUOTED = re.compile(r"«[^»]*»")
UNQUOTED = "«…»"
# How a reason joins its parts (blockers among them).
REASON_PARTS = "; "
# What a match says of the vacancy, and the ids: shown as they are.
VACANCY_AND_KEYS = frozenset({"person_id", "vacancy_id", "title", "employer", "city"})


def case_scope(user: User) -> ColumnElement[bool]:
    """The placements this user may read and write: an officer's own cases, everyone
    else's (staff, admin) all."""
    if user.role != Role.employment_officer:
        return true()
    followed = select(Placement.family_id).where(Placement.officer == user.username)
    return or_(Placement.officer == user.username, Placement.family_id.in_(followed))


def check_case(user: User, placement: Placement, session: Session) -> None:
    """Forbidden unless the placement is one of the user's cases."""
    query = select(Placement.id).where(Placement.id == placement.id, case_scope(user))
    if session.scalar(query) is None:
        raise Forbidden(
            "Esta reubicación no es de sus casos / this placement is not one of your cases."
        )


def officer_candidates(session: Session, user: User) -> set[str]:
    """People whose placements are assigned to this employment officer."""
    rows = session.scalars(select(Placement.person_id).where(Placement.officer == user.username))
    return set(rows)


def personal_filter(session: Session, user: User) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function that blanks the fields of people the user may not see: personal fields
    for a partner, sensitive ones outside an officer's cases."""
    if user.role in PERSONAL_DATA_ROLES:
        return lambda row: row
    allowed = officer_candidates(session, user) if user.role == Role.employment_officer else set()

    def blank(row: dict[str, Any]) -> dict[str, Any]:
        if row.get("person_id") in allowed:
            return row
        return {k: (None if k in SENSITIVE_COLUMNS else v) for k, v in row.items()}

    return blank


def may_see_name(session: Session, user: User, person_id: str) -> bool:
    """Whether the user may see this person's name."""
    return personal_filter(session, user)({"full_name": True, "person_id": person_id})["full_name"]


def _unquoted(text: str, blockers: set[str]) -> str:
    """``text`` without the profile's quoted words and without ``blockers``."""
    parts = [p for p in text.split(REASON_PARTS) if p not in blockers]
    text = QUOTED.sub(UNQUOTED, REASON_PARTS.join(parts))
    for blocker in blockers:  # should the wording ever join them otherwise
        text = text.replace(blocker, "…")
    text = re.sub(r"…(?:, …)+", "…", text)
    for hidden, said in _WITHHELD:
        text = text.replace(hidden, said)
    return text


# A reason whose blockers are withheld, said as a sentence rather than "…".
_WITHHELD = (
    (
        "Aún no cumple: ….",
        "Aún no cumple los requisitos (el detalle solo lo ve quien sigue el caso).",
    ),
    ("Not yet eligible: ….", "Not yet eligible (only whoever follows the case sees why)."),
)


def outside_case(match: MatchOut) -> MatchOut:
    """A match as seen from outside the person's cases: no name, no words quoted from
    the profile and no blockers (they name the documents the person lacks), in any of
    its texts (the reason, and any other that quotes the profile); whether the pair is
    eligible, the scores and the vacancy stay."""
    blockers = set(match.blockers)
    texts = {
        name: _unquoted(value, blockers)
        for name, value in match
        if isinstance(value, str) and name not in VACANCY_AND_KEYS
    }
    # The evidence is nothing but the profile's words: none of it, whatever it holds.
    texts["evidence"] = ""
    return match.model_copy(update=texts | {"full_name": None, "blockers": []})


def match_filter(session: Session, user: User) -> Callable[[MatchOut], MatchOut]:
    """A function that shows a ranked match as the user may see it: whole for staff and
    for an officer's own cases, :func:`outside_case` otherwise."""
    if user.role in PERSONAL_DATA_ROLES:
        return lambda match: match
    allowed = officer_candidates(session, user) if user.role == Role.employment_officer else set()
    return lambda match: match if match.person_id in allowed else outside_case(match)
