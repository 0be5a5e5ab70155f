"""Accounts and profiles: find or create by keyed hash, add profiles, erase by crypto-shredding."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from store.crypto import MasterKey, Sealer, new_data_key
from store.errors import Erased, RotationInProgress, UnknownUser, WrongMasterKey
from store.records import UserProfile, new_id
from store.sql.codec import Codec
from store.sql.keyring import profile_key_context
from store.sql.schema import (
    accounts,
    document_pages,
    documents,
    master_keys,
    occurrences,
    profiles,
    records,
    snapshots,
)

log = logging.getLogger(__name__)


def _lock_key(account_id: Any) -> Any:
    return func.hashtextextended(account_id, 0)


def lock_account(conn: Connection, account_id: str) -> None:
    """Serialise transactions on one account across instances, until this transaction ends.

    PostgreSQL: a transaction-level advisory lock (no row is written, so a read-only vault
    commits without a WAL flush). SQLite: vault transactions already hold the database write
    lock (``BEGIN IMMEDIATE``).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_lock_key(literal(account_id)))))


_FIND = select(accounts.c.id).where(accounts.c.lookup_hash == bindparam("lookup_hash"))
_FIND_AND_LOCK = select(accounts.c.id, func.pg_advisory_xact_lock(_lock_key(accounts.c.id))).where(
    accounts.c.lookup_hash == bindparam("lookup_hash")
)
"""Built once: every turn runs one of them (building and keying a statement costs more CPU
than the round trip's own work in psycopg)."""


def find_and_lock_account(conn: Connection, lookup_hash: bytes) -> str | None:
    """``find_account`` and ``lock_account`` in one round trip."""
    if conn.dialect.name != "postgresql":
        return find_account(conn, lookup_hash)
    row = conn.execute(_FIND_AND_LOCK, {"lookup_hash": lookup_hash}).first()
    return None if row is None else str(row[0])


def find_account(conn: Connection, lookup_hash: bytes) -> str | None:
    """The account id for a keyed hash, or None."""
    return conn.execute(_FIND, {"lookup_hash": lookup_hash}).scalar_one_or_none()


def create_account(conn: Connection, lookup_hash: bytes, master: MasterKey) -> str:
    """Create an account and its default profile (or return the one another instance created)."""
    insert_ = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    account_id = new_id()
    result = conn.execute(
        insert_(accounts)
        .values(id=account_id, lookup_hash=lookup_hash, erased=False)
        .on_conflict_do_nothing(index_elements=[accounts.c.lookup_hash])
        .returning(accounts.c.id)
    )
    if result.first() is None:
        existing = find_account(conn, lookup_hash)
        if existing is None:  # pragma: no cover - the conflicting row vanished (erased meanwhile)
            raise UnknownUser("account disappeared during creation")
        return existing
    create_profile(conn, account_id, master, display_name=None, is_default=True)
    log.info("account created", extra={"account_id": account_id})
    return account_id


def create_profile(
    conn: Connection,
    account_id: str,
    master: MasterKey,
    *,
    display_name: str | None,
    is_default: bool,
) -> str:
    """Create a profile with a fresh data key wrapped under the current master key.

    Raises:
        WrongMasterKey: the database no longer accepts this master key (rotated meanwhile).
    """
    still_valid = conn.execute(
        select(master_keys.c.key_id)
        .where(master_keys.c.key_id == master.key_id)
        .with_for_update(read=True)
    ).first()
    if still_valid is None:
        raise WrongMasterKey("the master key was rotated: restart with the new key")
    profile_id = new_id()
    data_key = new_data_key()
    codec = Codec(Sealer(data_key, profile_id), profile_id)
    conn.execute(
        insert(profiles).values(
            id=profile_id,
            account_id=account_id,
            is_default=is_default,
            master_key_id=master.key_id,
            wrapped_key=master.wrap(data_key, profile_key_context(profile_id)),
            payload=codec.seal_profile(UserProfile(id=profile_id, display_name=display_name)),
            version=0,
        )
    )
    return profile_id


def unwrap_profile_key(
    master: MasterKey, profile_id: str, master_key_id: str, wrapped: bytes | None
) -> Sealer:
    """The sealer of a profile from its wrapped data key.

    Raises:
        Erased: the data key was destroyed.
        RotationInProgress: the key is wrapped under another master key.
    """
    if wrapped is None:
        raise Erased("profile data key destroyed")
    if master_key_id != master.key_id:
        raise RotationInProgress("profile key wrapped under another master key")
    return Sealer(master.unwrap(wrapped, profile_key_context(profile_id)), profile_id)


def shred_account(engine: Engine, account_id: str) -> list[str]:
    """Destroy every data key of the account and unlink it from its user (one transaction).

    After this commits, nothing of the account can be decrypted, even if deleting its rows is
    interrupted; ``purge_erased`` finishes the deletion. Returns the account's profile ids.
    """
    with engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
        lock_account(conn, account_id)
        profile_ids = list(
            conn.execute(
                select(profiles.c.id).where(profiles.c.account_id == account_id).with_for_update()
            ).scalars()
        )
        conn.execute(
            update(profiles)
            .where(profiles.c.account_id == account_id)
            .values(wrapped_key=None, payload=None, dialogue=None)
        )
        conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(erased=True, chat_id=None, lookup_hash=secrets.token_bytes(32))
        )
    return profile_ids


def purge_erased(engine: Engine) -> int:
    """Delete every row of erased accounts (their keys are already destroyed); returns accounts."""
    with engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
        erased = list(conn.execute(select(accounts.c.id).where(accounts.c.erased)).scalars())
        if not erased:
            return 0
        owned = select(profiles.c.id).where(profiles.c.account_id.in_(erased))
        for table in (document_pages, documents, records, snapshots, occurrences):
            conn.execute(delete(table).where(table.c.profile_id.in_(owned)))
        conn.execute(delete(profiles).where(profiles.c.account_id.in_(erased)))
        conn.execute(delete(accounts).where(accounts.c.id.in_(erased)))
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    log.info("erased accounts purged", extra={"count": len(erased)})
    return len(erased)


def account_exists(conn: Connection, lookup_hash: bytes) -> bool:
    """Whether a live account has this keyed hash."""
    return bool(
        conn.execute(
            select(exists().where(accounts.c.lookup_hash == lookup_hash, ~accounts.c.erased))
        ).scalar()
    )
