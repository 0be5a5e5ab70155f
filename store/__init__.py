"""Domain records and their encrypted persistence.

``open_store(url, master_key)`` is the entry point; the SQL and crypto machinery is imported only
when it is called, so importing ``store.records`` (as extraction does) stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from store.api import DueOccurrence, ProfileSummary, Store
from store.errors import (
    ConcurrentUpdate,
    DecryptionFailed,
    Erased,
    IdConflict,
    MasterKeyInvalid,
    MasterKeyMissing,
    RotationInProgress,
    StoreError,
    TamperDetected,
    UnknownUser,
    WrongMasterKey,
)
from store.records import *  # noqa: F403
from store.records import __all__ as _records
from store.vault import Vault


def open_store(
    url: str,
    master_key: bytes,
    *,
    clock: Callable[[], datetime] | None = None,
    cache_profiles: int = 1024,
    snapshot_min: int = 256,
) -> Store:
    """Open the encrypted store at ``url`` (SQLite or PostgreSQL), migrating it to head first.

    Args:
        url: a SQLAlchemy URL (``sqlite:///path`` or ``postgresql://…``; psycopg 3 is used).
        master_key: the 32-byte master key (see ``store.crypto.keys``).
        clock: where audit timestamps come from (UTC now by default).
        cache_profiles: how many profiles' decrypted records to keep in memory (0: none); the
            memory is bounded by the cache's record budget, this by profile only keeps the
            users of one busy instance from missing (every miss costs queries per kind).
        snapshot_min: a record kind read in full with at least this many rows gets a sealed
            snapshot, so the next cold load opens one blob instead of every row (0: snapshots
            are neither read nor written).

    Raises:
        WrongMasterKey: the database was created with another key; nothing is changed.
        RotationInProgress: an interrupted ``carnet keys rotate`` must be run again first.
    """
    from store.sql import open_sql_store

    options: dict[str, object] = {"cache_profiles": cache_profiles, "snapshot_min": snapshot_min}
    if clock is not None:
        options["clock"] = clock
    return open_sql_store(url, master_key, **options)


def upgrade_database(url: str) -> str | None:
    """Apply pending migrations (creating the schema if empty); returns the revision reached."""
    from store.sql.database import current_revision, make_engine, upgrade

    engine = make_engine(url)
    try:
        upgrade(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


def rewrap_data_keys(
    url: str, old_key: bytes, new_key: bytes, *, batch: int = 200, max_batches: int | None = None
) -> tuple[int, bool]:
    """Re-wrap every data key from ``old_key`` to ``new_key`` (resumable, batch-committed).

    Returns how many keys were re-wrapped and whether none is left under the old key.
    """
    from store.crypto import MasterKey
    from store.sql.database import make_engine, upgrade
    from store.sql.keyring import rewrap

    engine = make_engine(url)
    try:
        upgrade(engine)
        progress = rewrap(
            engine, MasterKey(old_key), MasterKey(new_key), batch=batch, max_batches=max_batches
        )
        return progress.rewrapped, progress.done
    finally:
        engine.dispose()


def forget_old_master_keys(url: str, master_key: bytes) -> int:
    """Make ``master_key`` the only key the database accepts, once nothing needs another one.

    Raises:
        WrongMasterKey: the database does not accept ``master_key``.
        RotationInProgress: some data key is still wrapped under another master key.
    """
    from store.crypto import MasterKey
    from store.sql.database import make_engine
    from store.sql.keyring import forget_other_keys

    engine = make_engine(url)
    try:
        return forget_other_keys(engine, MasterKey(master_key))
    finally:
        engine.dispose()


def database_is_keyed(url: str) -> bool:
    """Whether the database already belongs to a master key (it holds a key-check value)."""
    from store.sql.database import make_engine
    from store.sql.keyring import has_key_check

    engine = make_engine(url)
    try:
        return has_key_check(engine)
    finally:
        engine.dispose()


def master_key_id(master_key: bytes) -> str:
    """The public id of a master key (derived from it; safe to print)."""
    from store.crypto import MasterKey

    return MasterKey(master_key).key_id


__all__ = [
    "ConcurrentUpdate",
    "DecryptionFailed",
    "DueOccurrence",
    "Erased",
    "IdConflict",
    "MasterKeyInvalid",
    "MasterKeyMissing",
    "ProfileSummary",
    "RotationInProgress",
    "Store",
    "StoreError",
    "TamperDetected",
    "UnknownUser",
    "Vault",
    "WrongMasterKey",
    "database_is_keyed",
    "forget_old_master_keys",
    "master_key_id",
    "open_store",
    "rewrap_data_keys",
    "upgrade_database",
    *_records,
]
