"""The service's database: tables (SQLAlchemy 2), engine and sessions, and the Alembic
migrations that bring any database to the latest schema."""

from .engine import make_engine, session_factory, transaction, upgrade
from .tables import (
    AuditEntry,
    Base,
    DuplicateFlag,
    Import,
    LedgerState,
    MatchResult,
    OccupationCorrection,
    OutcomeModelVersion,
    Placement,
    PlacementEvent,
    PlanDecision,
    PlanJob,
    Record,
    SignInFailure,
    Token,
    User,
    now,
)

__all__ = [
    "AuditEntry",
    "Base",
    "DuplicateFlag",
    "Import",
    "LedgerState",
    "MatchResult",
    "OccupationCorrection",
    "OutcomeModelVersion",
    "Placement",
    "PlacementEvent",
    "PlanDecision",
    "PlanJob",
    "Record",
    "SignInFailure",
    "Token",
    "User",
    "make_engine",
    "now",
    "session_factory",
    "transaction",
    "upgrade",
]
