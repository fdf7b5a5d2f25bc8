"""Imported records in the database: current versions as typed DataFrames, upserts that
keep history, and erasure of personal fields."""

import datetime as dt
import hashlib
import json
import math
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from arraigo.data import KEY_COLUMNS, KINDS, LIST_COLUMNS, PERSONAL_COLUMNS, Dataset

from ..db import MatchResult, Record
from .errors import NotFound

# Each record's key: the contract's key column; past outcomes, which have none, are
# keyed by person, vacancy and date (see imports.store_outcomes).
KEYS: dict[str, str] = {**KEY_COLUMNS, "outcomes": "outcome_id"}
DATE_COLUMNS = frozenset({"registered_at", "placed_at"})
# Erasure removes these from every version of a person; the rest feeds anonymous counts.
ERASED_COLUMNS = PERSONAL_COLUMNS | {"skills_text"}
# The mark erasure leaves on a record: the service's own, never a column of a file.
ERASED = "erased"


def json_safe(value: Any) -> Any:
    """Plain JSON: tuples to lists, dates to ISO text, NumPy scalars to Python, NaN and
    infinity to null (PostgreSQL's JSON refuses them)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [json_safe(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if hasattr(value, "item"):  # NumPy scalars
        return json_safe(value.item())
    if value is pd.NA:
        return None
    return value


def clean(row: dict[str, Any]) -> dict[str, Any]:
    """A row from a DataFrame with NaN as None and NumPy scalars as Python values."""
    out = {}
    for key, value in row.items():
        if (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            value = None
        elif hasattr(value, "item") and not isinstance(value, tuple | list):
            value = value.item()
        out[key] = value
    return out


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def frame_from_json(kind: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Current records as the same typed DataFrame the loaders return."""
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        if column in LIST_COLUMNS:
            frame[column] = frame[column].map(lambda v: tuple(v) if isinstance(v, list) else ())
        elif column in DATE_COLUMNS:
            frame[column] = frame[column].map(
                lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else None
            )
    return frame


def current_rows(session: Session, kind: str) -> list[dict[str, Any]]:
    data = session.scalars(
        select(Record.data).where(Record.kind == kind, Record.current).order_by(Record.id)
    )
    return list(data)


def current_frame(session: Session, kind: str) -> pd.DataFrame | None:
    rows = current_rows(session, kind)
    return frame_from_json(kind, rows) if rows else None


def current_dataset(session: Session) -> Dataset:
    """Every current record, as a Dataset (tables with no records are None)."""
    return Dataset(**{kind: current_frame(session, kind) for kind in KINDS if kind in KEYS})


def data_version(session: Session) -> int:
    """Grows whenever records change: a cache key for derived data (embeddings…)."""
    return session.scalar(select(func.coalesce(func.max(Record.id), 0))) or 0


def upsert(
    session: Session, kind: str, frame: pd.DataFrame, import_id: int | None
) -> dict[str, int]:
    """Store each row as the new current version of its record unless it is unchanged.

    Returns how many records were new, updated (a new version; the old one kept) and
    unchanged.
    """
    key = KEYS[kind]
    rows = [json_safe(r) for r in frame.to_dict("records")]
    existing = {
        record.key: record
        for record in session.scalars(
            select(Record).where(
                Record.kind == kind, Record.current, Record.key.in_([str(r[key]) for r in rows])
            )
        )
    }
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for data in rows:
        old = existing.get(str(data[key]))
        if old is not None and old.data.get(ERASED):
            data = as_erased(data)  # an erased person stays erased, whatever is re-imported
        digest = content_hash(data)
        if old is not None and old.content_hash == digest:
            counts["unchanged"] += 1
            continue
        version = 1
        if old is not None:
            old.current = False
            version = old.version + 1
            session.flush()  # the old version stops being current before the new one exists
        session.add(
            Record(
                kind=kind,
                key=str(data[key]),
                version=version,
                data=data,
                content_hash=digest,
                import_id=import_id,
                current=True,
            )
        )
        counts["updated" if old is not None else "new"] += 1
    return counts


def history(session: Session, kind: str, key: str) -> list[Record]:
    return list(
        session.scalars(
            select(Record).where(Record.kind == kind, Record.key == key).order_by(Record.version)
        )
    )


def as_erased(data: dict[str, Any]) -> dict[str, Any]:
    """A person's record as erasure leaves it: no personal fields, marked erased."""
    return {k: (None if k in ERASED_COLUMNS else v) for k, v in data.items()} | {ERASED: True}


def erase_person(session: Session, person_id: str) -> int:
    """Remove a person's personal fields from every stored version; returns versions touched."""
    versions = history(session, "people", person_id)
    # Rankings kept for the workers hold the name and the profile's words.
    session.execute(delete(MatchResult).where(MatchResult.person_id == person_id))
    for record in versions:
        data = as_erased(record.data)
        session.execute(
            update(Record)
            .where(Record.id == record.id)
            .values(data=data, content_hash=content_hash(data))
        )
    return len(versions)


def current_record(session: Session, kind: str, key: str) -> Record:
    """The current version of one record, or NotFound."""
    record = session.scalar(
        select(Record).where(Record.kind == kind, Record.key == key, Record.current)
    )
    if record is None:
        raise NotFound(f"No {kind} record {key!r}.")
    return record


def _current(kind: str, where: tuple[ColumnElement[bool], ...]):
    return select(Record).where(Record.kind == kind, Record.current, *where)


def json_text(field: str) -> ColumnElement[str]:
    """A field of a record's data as text, in SQL (for filters on the current records)."""
    return Record.data[field].as_string()


def current_page(
    session: Session,
    kind: str,
    offset: int,
    limit: int,
    where: tuple[ColumnElement[bool], ...] = (),
) -> tuple[int, list[Record]]:
    """How many current records of a kind pass ``where``, and the ``limit`` of them from
    ``offset`` on, in import order: one page read from the database, not the whole kind."""
    query = _current(kind, where)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Record.id).offset(offset).limit(limit))
    return total, list(rows)


def current_fields(
    session: Session,
    kind: str,
    fields: tuple[str, ...],
    where: tuple[ColumnElement[bool], ...] = (),
) -> list[tuple[Any, ...]]:
    """(row id, key, *fields as text) of every current record passing ``where``, in
    import order: what a search box reads, without loading whole records."""
    columns = [json_text(f) for f in fields]
    query = select(Record.id, Record.key, *columns).where(
        Record.kind == kind, Record.current, *where
    )
    return [tuple(row) for row in session.execute(query.order_by(Record.id))]


def records_by_id(session: Session, ids: list[int]) -> list[Record]:
    """Records by row id, in the order given."""
    found = {r.id: r for r in session.scalars(select(Record).where(Record.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def current_records(session: Session, kind: str) -> list[Record]:
    """Every current record of a kind, in import order."""
    query = select(Record).where(Record.kind == kind, Record.current).order_by(Record.id)
    return list(session.scalars(query))
