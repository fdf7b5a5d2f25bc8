"""The service's tables (SQLAlchemy 2). Imported records keep every version."""

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Token(Base):
    """A bearer token (or page session); only its SHA-256 is stored."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did what and when: imports, locks, overrides, approvals, exports, erasures."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Import(Base):
    """One uploaded file, accepted whole."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Record(Base):
    """One version of one imported record (a person, family, destination, vacancy).

    The current version has ``current`` true; older versions stay for history.
    """

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("kind", "key", "version"),
        Index("ix_records_current", "kind", "current"),
        Index("ix_records_key", "kind", "key", "current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class DuplicateFlag(Base):
    """Two people who may be the same person, waiting for a staff decision."""

    __tablename__ = "duplicate_flags"
    __table_args__ = (UniqueConstraint("person_a", "person_b", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_a: Mapped[str] = mapped_column(String(120))
    person_b: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class OccupationCorrection(Base):
    """Staff's correction of the occupation the engine assigned to a person."""

    __tablename__ = "occupation_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(String(120), index=True)
    isco: Mapped[str] = mapped_column(String(4))
    esco_id: Mapped[str | None] = mapped_column(String(80))
    label: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class PlanJob(Base):
    """A planning run for a batch, and then the draft plan staff review and approve."""

    __tablename__ = "plan_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    progress: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_jobs.id"))
    approved_by: Mapped[str | None] = mapped_column(String(80))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The service process that watches the job (host:pid:start), and a cancellation
    # asked through any process: each worker of `arraigo serve` sees both.
    owner: Mapped[str | None] = mapped_column(String(120))
    cancel_requested: Mapped[bool] = mapped_column(default=False, server_default=false())


class MatchResult(Base):
    """A person's ranked vacancies as JSON, with and without their name, shared by the
    service's workers. Valid while its key holds: the vacancies' version, the person's
    record and content, the occupation staff confirmed, and k."""

    __tablename__ = "match_results"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(120), index=True)
    vacancies_version: Mapped[int] = mapped_column(Integer, index=True)
    named: Mapped[bytes] = mapped_column(LargeBinary)
    anonymous: Mapped[bytes] = mapped_column(LargeBinary)


class PlanDecision(Base):
    """Staff's lock, veto or move of a family in a draft plan, with the reason."""

    __tablename__ = "plan_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_jobs.id", ondelete="CASCADE"))
    family_id: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Placement(Base):
    """A person relocated by an approved plan (and, where planned, to a vacancy)."""

    __tablename__ = "placements"
    __table_args__ = (UniqueConstraint("plan_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan_jobs.id"))
    family_id: Mapped[str] = mapped_column(String(120), index=True)
    person_id: Mapped[str] = mapped_column(String(120), index=True)
    city: Mapped[str] = mapped_column(String(120))
    vacancy_id: Mapped[str | None] = mapped_column(String(120))
    officer: Mapped[str | None] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(30), default="proposed")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class PlacementEvent(Base):
    """A placement's status on a date: proposed, moved, interviewed, hired, employed_30d,
    employed_90d, employed_180d, left."""

    __tablename__ = "placement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(30))
    date: Mapped[dt.date] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class OutcomeModelVersion(Base):
    """A trained outcome model version: its metrics and its serialised parameters."""

    __tablename__ = "outcome_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    artifact: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LedgerState(Base):
    """One row: the ledger's version, raised by every change to what placements hold
    (an approval, a release). Approvals lock this row, so two never book at once; a
    draft solved at an older version is stale."""

    __tablename__ = "ledger_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class SignInFailure(Base):
    """Failed sign-ins of one account or one client address (keyed by a digest, so
    no typed name is kept), shared by every worker process: with N workers an
    attacker gets no more tries than with one."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    # Seconds since the epoch (every worker's clock): the last failure, and when the
    # account or address may try again.
    last_failure: Mapped[float] = mapped_column(Float, index=True)
    wait_until: Mapped[float] = mapped_column(Float)
