"""The database: engine, sessions and migrations (Alembic upgrades it on start)."""

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session, sessionmaker

NUL_REFUSED = "text fields cannot contain NUL (0x00) characters"


def _values(parameters: object) -> Iterator[object]:
    """Every value of a statement's parameters (one row or many, tuples or dicts)."""
    if isinstance(parameters, dict):
        parameters = parameters.values()
    if isinstance(parameters, list | tuple | type({}.values())):
        for value in parameters:
            yield from _values(value) if isinstance(value, list | tuple | dict) else (value,)


def make_engine(url: str) -> Engine:
    """An engine for SQLite or PostgreSQL; SQLite gets foreign keys and WAL."""
    if url.startswith("sqlite"):
        # A file needs no liveness ping before each use (a server connection does).
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # Freed pages are zeroed: an erased record leaves no copy in the file.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @event.listens_for(engine, "before_cursor_execute")
        def _refuse_nul(_conn, _cursor, statement, parameters, _context, executemany) -> None:
            # PostgreSQL refuses NUL in text; SQLite would store it. Refuse it the same
            # way on both, so no name hides a NUL that one database keeps.
            if any(isinstance(v, str) and "\x00" in v for v in _values(parameters)):
                raise DataError(statement, parameters, ValueError(NUL_REFUSED))

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrations(connection: Connection) -> Config:
    """Alembic's configuration for our migrations, run on ``connection``."""
    config = Config()
    location = resources.files("arraigo.api.db") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the latest schema (an empty one is created)."""
    with engine.begin() as connection:
        command.upgrade(migrations(connection), "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed whole, or rolled back whole on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
