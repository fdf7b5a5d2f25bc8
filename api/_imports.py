"""Imports: uploaded files checked like ``arraigo validate``, then stored all or nothing.

An import is idempotent (a record that did not change gets no new version) and keeps
history (a changed record gets a new version; the old one stays). People who look
like someone already known are flagged for review, never merged.
"""

import hashlib
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from arraigo.data import Problem, fold, kind_of, validate_against

from ._audit import audit
from ._models import DuplicateFlag, Import, User
from ._store import current_dataset, current_frame, upsert

# Which roles may import which tables: employment officers bring vacancies only.
IMPORT_KINDS = {
    "admin": {"people", "families", "destinations", "vacancies", "outcomes"},
    "relocation_staff": {"people", "families", "destinations", "vacancies", "outcomes"},
    "employment_officer": {"vacancies"},
}


@dataclass
class ImportResult:
    """What an import found and did: problems, and per table new/updated/unchanged."""

    problems: list[Problem]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    duplicates_flagged: int = 0
    import_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _safe_name(filename: str) -> str:
    """The file's own name, without any folder part, safe to write in a temp folder."""
    name = Path(filename.replace("\\", "/")).name
    return re.sub(r"[^\w.\-]", "_", name) or "upload"


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


def run_import(
    session: Session, files: list[tuple[str, bytes]], user: User, dry_run: bool = False
) -> ImportResult:
    """Check uploaded files against the stored records and, if all is well, store them.

    Nothing is written when any file has an error, or on a dry run. The caller's
    transaction makes the whole import one commit.
    """
    allowed = IMPORT_KINDS.get(user.role, set())
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
