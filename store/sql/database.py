"""Engine from a URL (SQLite pragmas, PostgreSQL via psycopg 3) and migration to head on open."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from store.sql.failures import translate_failures

MIGRATIONS = Path(__file__).parent / "migrations"
_ADVISORY_LOCK = 0x6361726E6574  # "carnet": serialises concurrent upgrades on PostgreSQL


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, pool_size: int = 5, pre_ping: bool = True) -> Engine:
    """A synchronous engine (the bot calls the store from worker threads).

    ``pre_ping``: ping PostgreSQL connections at each checkout (the store uses
    ``store.sql.liveness`` instead).

    SQLite gets WAL, foreign keys, a busy timeout, ``secure_delete`` (erased rows are zeroed in
    the file) and real transactions (``BEGIN`` emitted by SQLAlchemy, ``BEGIN IMMEDIATE`` for
    connections with the ``carnet_write`` execution option, so a vault holds the write lock).
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=pool_size
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        translate_failures(engine)
        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=pre_ping)
    translate_failures(engine)
    return engine


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "busy_timeout=30000",
        "secure_delete=ON",
        "synchronous=NORMAL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("carnet_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_postgres(engine: Engine) -> bool:
    """Whether the engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for carnet's migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest migration."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when empty)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def lock_for_setup(conn: Connection) -> None:
    """Serialise schema and key set-up between processes (PostgreSQL; SQLite is one process)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK})


def upgrade(engine: Engine) -> bool:
    """Migrate the database to head (creating it if empty); True if anything was applied."""
    if current_revision(engine) == head_revision():
        return False
    with engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
        lock_for_setup(conn)
        command.upgrade(alembic_config(conn), "head")
    return True
