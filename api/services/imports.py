"""Imports: uploaded files checked like ``arraigo validate``, then stored all or nothing.

An import is idempotent (a record that did not change gets no new version) and keeps
history (a changed record gets a new version; the old one stays). People who look
like someone already known are flagged for review, never merged.
"""

import hashlib
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from arraigo.data import KEY_COLUMNS, Dataset, Problem, kind_of, validate_against

from ..db import Import, User
from ..schemas import ImportRecord, Page
from ..vocab import IMPORT_KINDS
from . import ledger
from .audit import audit
from .duplicates import flag_duplicates
from .store import (
    ERASED,
    ERASED_COLUMNS,
    as_erased,
    content_hash,
    current_dataset,
    current_records,
    json_safe,
    upsert,
)

# Large enough for a month of the programme (25,000 people) in any format.
MAX_UPLOAD_BYTES = 50 * 2**20
# Problems an answer lists (all are counted by kind): a file with 200,000 bad columns
# must not make a 49 MB answer.
MAX_PROBLEMS_SHOWN = 200


@dataclass
class ImportResult:
    """What an import found and did: problems, and per table new/updated/unchanged."""

    problems: list[Problem]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # Before anything is stored: per table, rows new, already stored, placed, changed.
    existing: dict[str, dict[str, int]] = field(default_factory=dict)
    duplicates_flagged: int = 0
    import_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def shown(self) -> list[Problem]:
        """The problems an answer lists: the first MAX_PROBLEMS_SHOWN."""
        return self.problems[:MAX_PROBLEMS_SHOWN]

    @property
    def counts_by_kind(self) -> dict[str, int]:
        return dict(Counter(p.code for p in self.problems))


def _safe_name(filename: str) -> str:
    """The file's own name, without any folder part, safe to write in a temp folder."""
    name = Path(filename.replace("\\", "/")).name
    return re.sub(r"[^\w.\-]", "_", name) or "upload"


# A person's identity in the records: changing it for someone already relocated is
# either a correction staff confirm, or an id reused for someone else.
IDENTITY_COLUMNS = ("full_name", "age", "nationality", "family_id")


@dataclass(frozen=True)
class IdentityChange:
    row: int
    person_id: str
    city: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ErasedAgain:
    """A row that names again a person whose personal data was erased."""

    row: int
    person_id: str
    columns: tuple[str, ...]


@dataclass
class AgainstStored:
    """What files would do to the stored people and families (see _against_stored)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    identity_changes: list[IdentityChange] = field(default_factory=list)
    erased_again: list[ErasedAgain] = field(default_factory=list)


def _against_stored(session: Session, uploaded: Dataset) -> AgainstStored:
    """What the files would do to stored people and families: per table how many rows
    are new, already stored, already placed, and changed (as they would be stored); every
    change to the identity of a placed person; and every row that carries personal data
    of a person erased (each with its row as the spreadsheet shows it)."""
    placed = ledger.active_placements(session)
    city_of = {
        "people": dict(zip(placed["person_id"], placed["city"], strict=True)),
        "families": dict(zip(placed["family_id"], placed["city"], strict=True)),
    }
    found = AgainstStored()
    for kind in ("people", "families"):
        frame = getattr(uploaded, kind)
        if frame is None:
            continue
        key = KEY_COLUMNS[kind]
        stored = {r.key: r.data for r in current_records(session, kind)}
        counts = {"new": 0, "stored": 0, "placed": 0, "changed": 0}
        for index, row in enumerate(frame.to_dict("records")):
            data = json_safe(row)
            old = stored.get(str(data[key]))
            if old is None:
                counts["new"] += 1
                continue
            counts["stored"] += 1
            if old.get(ERASED):  # stored as erasure left it, whatever the file says
                named = tuple(c for c in sorted(ERASED_COLUMNS) if data.get(c) is not None)
                if named:
                    found.erased_again.append(ErasedAgain(index + 2, str(data[key]), named))
                data = as_erased(data)
            counts["changed"] += content_hash(data) != content_hash(
                {k: v for k, v in old.items() if k in data}
            )
            city = city_of[kind].get(str(data[key]))
            if city is None:
                continue
            counts["placed"] += 1
            moved = tuple(c for c in IDENTITY_COLUMNS if c in data and data[c] != old.get(c))
            if kind == "people" and moved and not old.get(ERASED):
                found.identity_changes.append(
                    IdentityChange(index + 2, str(data[key]), city, moved)
                )
        found.counts[kind] = counts
    return found


def run_import(
    session: Session,
    files: list[tuple[str, bytes]],
    user: User,
    dry_run: bool = False,
    confirm_identity: bool = False,
    confirm_erased: bool = False,
) -> ImportResult:
    """Check uploaded files against the stored records and, if all is well, store them.

    Nothing is written when any file has an error, or on a dry run. The check says what
    the files would do to people and families already stored or placed; changing the
    identity of someone already relocated is refused unless ``confirm_identity``, and
    then logged. A row with the name, phone or profile of a person whose personal data
    was erased is refused unless ``confirm_erased``: then the rest of the row is stored,
    the person stays erased, and the import is logged as naming them again. The caller's
    transaction makes the whole import one commit.
    """
    allowed = IMPORT_KINDS.get(user.role, frozenset())
    with tempfile.TemporaryDirectory(prefix="arraigo-import-") as folder:
        paths, problems, digests = [], [], {}
        for filename, content in files:
            path = Path(folder) / _safe_name(filename)
            path.write_bytes(content)
            kind = kind_of(path)
            if kind is not None and kind not in allowed:
                problems.append(
                    Problem(path.name, 0, "", "kind_not_allowed", context={"kind": kind})
                )
                continue
            paths.append(path)
            digests[path.name] = hashlib.sha256(content).hexdigest()
        uploaded, found = validate_against(paths, current_dataset(session))
    # Name files as the user did, not by the temporary folder.
    problems = [replace(p, file=Path(p.file).name) for p in problems + found]
    result = ImportResult(problems)
    if not result.ok or uploaded is None:
        return result
    if uploaded.people is not None and ERASED in uploaded.people:
        # Stored rows lend the files their columns when checked together: the mark
        # erasure leaves on some is no part of any file (with it, a re-import made a
        # new version of everyone else).
        uploaded = replace(uploaded, people=uploaded.people.drop(columns=ERASED))
    stored = _against_stored(session, uploaded)
    result.existing, changes = stored.counts, stored.identity_changes
    people_file = next((p.name for p in paths if kind_of(p) == "people"), "")
    if stored.erased_again and not confirm_erased:
        result.problems += [
            Problem(
                people_file,
                again.row,
                again.columns[0],
                "erased_person_named",
                context={"person": again.person_id, "columns": ", ".join(again.columns)},
            )
            for again in stored.erased_again
        ]
    if changes and not confirm_identity:
        result.problems += [
            Problem(
                people_file,
                change.row,
                change.columns[0],
                "placed_identity_change",
                context={
                    "person": change.person_id,
                    "city": change.city,
                    "columns": ", ".join(change.columns),
                },
            )
            for change in changes
        ]
    if not result.ok:
        return result
    for kind in ("destinations", "families", "people", "vacancies", "outcomes"):
        frame = getattr(uploaded, kind)
        if frame is None:
            continue
        path = next(p for p in paths if kind_of(p) == kind)
        if dry_run:
            result.counts[kind] = {"rows": len(frame)}
            continue
        record = Import(
            kind=kind, filename=path.name, sha256=digests[path.name], created_by=user.username
        )
        session.add(record)
        session.flush()
        if kind == "outcomes":
            counts = store_outcomes(session, frame, record.id)
        else:
            counts = upsert(session, kind, frame, record.id)
        record.counts = counts
        result.counts[kind] = counts
        result.import_ids.append(record.id)
        audit(session, user, "import", kind, record.id, filename=path.name, **counts)
    if not dry_run:
        for change in changes:  # confirmed: who changed whose identity, never the values
            audit(
                session, user, "identity_change", "person", change.person_id, columns=change.columns
            )
        for again in stored.erased_again:  # confirmed: kept erased, and who tried
            audit(session, user, "erased_named", "person", again.person_id, columns=again.columns)
    if uploaded.people is not None and not dry_run:
        session.flush()
        result.duplicates_flagged = flag_duplicates(session, set(uploaded.people["person_id"]))
    return result


def store_outcomes(session: Session, frame: pd.DataFrame, import_id: int) -> dict[str, int]:
    """Past outcomes are stored as records keyed by person, vacancy and date."""
    keyed = frame.assign(
        outcome_id=frame["person_id"].astype(str)
        + "|"
        + frame["vacancy_id"].fillna("").astype(str)
        + "|"
        + frame["placed_at"].astype(str)
    )
    return upsert(session, "outcomes", keyed, import_id)


def list_imports(session: Session, limit: int = 100, offset: int = 0) -> Page[ImportRecord]:
    """Past imports, newest first."""
    rows = list(session.scalars(select(Import).order_by(Import.id.desc())))
    items = [ImportRecord.model_validate(r) for r in rows[offset : offset + limit]]
    return Page[ImportRecord](total=len(rows), items=items)
