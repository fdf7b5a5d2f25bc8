"""The migrations build exactly the schema the service's tables describe, and undo it."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from arraigo.api.db import Base, make_engine, upgrade
from arraigo.api.db.engine import migrations

from .conftest import fresh_database


def _differences(engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def test_migrations_from_an_empty_database_match_the_tables_in_code(tmp_path):
    urls = fresh_database(tmp_path, None)
    engine = make_engine(next(urls))
    try:
        upgrade(engine)
        assert _differences(engine) == []
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
        for _rest in urls:
            pass


def test_every_migration_can_be_undone(tmp_path):
    urls = fresh_database(tmp_path, None)
    engine = make_engine(next(urls))
    try:
        upgrade(engine)
        with engine.begin() as connection:
            command.downgrade(migrations(connection), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert _differences(engine) == []
    finally:
        engine.dispose()
        for _rest in urls:
            pass
