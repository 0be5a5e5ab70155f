"""The only package importing SQLAlchemy and Alembic: schema, codec, SqlVault."""

from store.sql.store import SqlStore, open_sql_store

__all__ = ["SqlStore", "open_sql_store"]
