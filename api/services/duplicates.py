"""People who may be the same person entered twice: flagged on import, decided by staff,
never merged automatically."""

import re

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from arraigo.data import fold

from ..db import DuplicateFlag, User, now
from ..schemas import DuplicateDecision, DuplicateOut
from .audit import audit
from .errors import NotFound
from .store import current_frame


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", str(phone))[-10:]


def _pairs(frame: pd.DataFrame, key: pd.Series, reason: str) -> set[tuple[str, str, str]]:
    """Pairs of people sharing a key (and, for phones, in different families)."""
    found = set()
    usable = frame.assign(_key=key)[key.notna() & (key != "")]
    for _, group in usable.groupby("_key"):
        if len(group) < 2:
            continue
        records = group.to_dict("records")
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                if reason == "same_phone" and a["family_id"] == b["family_id"]:
                    continue
                first, second = sorted((a["person_id"], b["person_id"]))
                found.add((first, second, reason))
    return found


def flag_duplicates(session: Session, new_ids: set[str]) -> int:
    """Flag likely duplicates that involve the imported people; returns how many are new."""
    people = current_frame(session, "people")
    if people is None or "full_name" not in people:
        return 0
    names = people["full_name"].map(
        lambda n: " ".join(fold(n).split()) if isinstance(n, str) else ""
    )
    candidates = _pairs(people, names + "|" + people["age"].astype(str), "same_name_age")
    if "phone" in people:
        phones = people["phone"].map(lambda p: _digits(p) if isinstance(p, str) else "")
        candidates |= _pairs(people, phones, "same_phone")
    flags = select(DuplicateFlag.person_a, DuplicateFlag.person_b, DuplicateFlag.reason)
    known = {tuple(row) for row in session.execute(flags)}
    fresh = [c for c in candidates - known if c[0] in new_ids or c[1] in new_ids]
    for a, b, reason in sorted(fresh):
        session.add(DuplicateFlag(person_a=a, person_b=b, reason=reason))
    return len(fresh)


def list_duplicates(session: Session, status: str = "open") -> list[DuplicateOut]:
    rows = session.scalars(
        select(DuplicateFlag).where(DuplicateFlag.status == status).order_by(DuplicateFlag.id)
    )
    return [DuplicateOut.model_validate(r) for r in rows]


def decide_duplicate(
    session: Session, user: User, flag_id: int, decision: DuplicateDecision
) -> DuplicateOut:
    flag = session.get(DuplicateFlag, flag_id)
    if flag is None:
        raise NotFound(f"No duplicate flag {flag_id}.")
    flag.status, flag.note = decision.status, decision.note
    flag.reviewed_by, flag.reviewed_at = user.username, now()
    audit(session, user, "duplicate_review", "duplicate", flag_id, status=decision.status)
    return DuplicateOut.model_validate(flag)
