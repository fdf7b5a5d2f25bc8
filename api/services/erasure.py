"""Erasure that reaches every copy of a person's personal data: the stored versions of
their record (store.erase_person), the free text staff wrote about them (placement
notes, occupation-correction notes, duplicate notes, plan decision reasons, audit
details), the embeddings of their profile text in the matching cache, and, on SQLite,
the old pages of the database file and its write-ahead log.

Free text is scrubbed of the person's full name, each part of it (3+ letters, whole
words, any case) and their phone (its digits, whatever the separators): a note about a
family member who shares a surname loses that surname too, the safer side for an
erasure. What stays, for the programme's anonymous counts, is written in the README."""

import re
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from arraigo.matching import CreoleBridge, text_key

from ..db import (
    AuditEntry,
    DuplicateFlag,
    OccupationCorrection,
    PlacementEvent,
    PlanDecision,
    Record,
)
from . import matchers

ERASED = "[dato borrado]"
# The free-text columns staff write, which may name a person.
FREE_TEXT = (
    (PlacementEvent, "note"),
    (OccupationCorrection, "note"),
    (DuplicateFlag, "note"),
    (PlanDecision, "reason"),
)


def scrubber(versions: Iterable[Record]) -> Callable[[str], str] | None:
    """A function that replaces the person's name, name parts and phone in a text (None
    if the record holds neither)."""
    patterns: set[str] = set()
    for record in versions:
        name = record.data.get("full_name") or ""
        parts = [name, *re.findall(r"\w{3,}", name)]
        patterns.update(rf"\b{re.escape(part)}\b" for part in parts if part.strip())
        digits = re.sub(r"\D", "", str(record.data.get("phone") or ""))
        if len(digits) >= 6:
            # The last 7+ digits with any separators: a note may omit the country code.
            tail = digits[-min(len(digits), 10) :]
            patterns.add(r"[\s().-]*".join(tail))
    if not patterns:
        return None
    # Longest first, so a full name goes whole rather than part by part.
    found = re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.IGNORECASE)
    return lambda text: found.sub(ERASED, text)


def _scrubbed(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrubbed(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, scrub) for v in value]
    return value


def scrub_free_text(session: Session, scrub: Callable[[str], str]) -> int:
    """Scrub every note, reason and audit detail (erasures are rare: every row is read);
    returns how many rows changed."""
    changed = 0
    for table, column in (*FREE_TEXT, (AuditEntry, "detail")):
        attribute = getattr(table, column)
        for row in session.scalars(select(table).where(attribute.is_not(None))):
            old = getattr(row, column)
            new = _scrubbed(old, scrub)
            if new != old:
                setattr(row, column, new)
                changed += 1
    return changed


def profile_texts(versions: Iterable[Record]) -> list[str]:
    """Every text the matching engine may have embedded for the person: each version's
    profile, as written and as bridged from Haitian Creole."""
    written = [
        str(r.data["skills_text"]) for r in versions if r.data.get("skills_text") is not None
    ]
    if not written:
        return []
    texts = pd.Series(written)
    bridge = CreoleBridge()
    bridged = bridge.bridge(texts, pd.Series([True] * len(texts)))
    return sorted(set(written) | set(bridged))


def forget_embeddings(texts: list[str], cache_dir: str | None) -> int:
    """Delete the vectors of ``texts`` from the service's embedding cache on disk (and
    from this process's index of it); returns how many rows went."""
    if not texts:
        return 0
    return matchers.forget_cached([text_key(t) for t in texts], cache_dir)


def erase_free_text_and_embeddings(
    session: Session, versions: list[Record], cache_dir: str | None
) -> dict[str, int]:
    """Before the record's own fields are blanked (they name what to look for): scrub
    the free text and forget the embeddings. Returns the counts for the audit log."""
    scrub = scrubber(versions)
    return {
        "texts_scrubbed": scrub_free_text(session, scrub) if scrub else 0,
        "embeddings_deleted": forget_embeddings(profile_texts(versions), cache_dir),
    }


def checkpoint(engine: Engine) -> None:
    """SQLite: copy the write-ahead log into the database file and empty it, so no old
    page of an erased record survives in the log (secure_delete, set on every
    connection, zeroes freed pages of the file itself). PostgreSQL: nothing to do here;
    its old row versions go at the next VACUUM (see the README)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
