"""Migrations: the models match the migrations, and upgrade/downgrade work on both backends."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from store import open_store, upgrade_database
from store.sql.database import alembic_config, current_revision, head_revision, make_engine
from store.sql.schema import metadata


def test_models_match_migrations(database_url: str):
    assert upgrade_database(database_url) == head_revision()
    engine = make_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_open_creates_then_downgrade_and_upgrade_again(database_url: str, master_key: bytes):
    open_store(database_url, master_key).close()
    engine = make_engine(database_url)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) & set(metadata.tables) == set()
    engine.dispose()
    assert upgrade_database(database_url) == head_revision()
    open_store(database_url, master_key).close()
