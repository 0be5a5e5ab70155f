"""SqlStore: the Store over SQLAlchemy; hands out vaults, each one transaction on one profile."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import pq
from psycopg.adapt import Transformer
from psycopg.generators import fetch_many
from sqlalchemy import Connection, Engine, RootTransaction, bindparam, exc, select, update

from store.api import DueOccurrence, ProfileSummary
from store.crypto import MasterKey, Sealer, UserLookup
from store.errors import ConcurrentUpdate, StoreError, StoreUnavailable, UnknownUser
from store.records import DialogueState, UserProfile
from store.sql import accounts as acc
from store.sql import scheduling
from store.sql.cache import RecordCache
from store.sql.codec import Codec, kind_of
from store.sql.database import is_postgres, lock_for_setup, make_engine, upgrade
from store.sql.failures import with_connect_retries
from store.sql.keyring import DataKeys, open_keyring
from store.sql.liveness import again_if_unavailable, ping_when_idle
from store.sql.schema import accounts, profiles
from store.sql.vault import C, SqlVault

log = logging.getLogger(__name__)

_PRUNE_EVERY = 1000

_ROW = select(
    profiles.c.id,
    profiles.c.is_default,
    profiles.c.master_key_id,
    profiles.c.wrapped_key,
    profiles.c.version,
    profiles.c.payload,
    profiles.c.dialogue,
).where(profiles.c.account_id == bindparam("account_id"))
_DEFAULT_ROW = _ROW.where(profiles.c.is_default)
_PROFILE_ROW = _ROW.where(profiles.c.id == bindparam("profile_id"))
"""A vault's profile row, settings and dialogue state in one round trip (built once)."""

_PG_COLUMNS = (
    "p.id, p.is_default, p.master_key_id, p.wrapped_key, p.version, p.payload, p.dialogue"
)
_PG_BY_HASH = (
    "BEGIN;"
    " SELECT id, pg_advisory_xact_lock(hashtextextended(id, 0)) FROM accounts"
    " WHERE lookup_hash = {hash};"
    f" SELECT {_PG_COLUMNS} FROM profiles p JOIN accounts a ON a.id = p.account_id"
    " WHERE a.lookup_hash = {hash} AND {which}"
)
_PG_BY_ID = (
    "BEGIN;"
    " SELECT pg_advisory_xact_lock(hashtextextended({account}, 0));"
    f" SELECT {_PG_COLUMNS} FROM profiles p"
    " WHERE p.account_id = {account} AND p.id = {profile}"
)
"""PostgreSQL: a vault opens with BEGIN, the account lock and the profile row in ONE round trip:
one simple-protocol string on the driver connection, its values formatted in (a hash in hex,
ids checked against ``_SAFE_ID``). The row is a statement of its own after the lock, so under
READ COMMITTED its snapshot is taken once the lock is held: it sees everything the previous
holder committed. ``lock_account`` keys the same lock (``hashtextextended`` of the id)."""
_SAFE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
"""Ids carnet makes (``new_id``: UUID hex); any other cannot name a profile."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SqlStore:
    """Encrypted persistence for every user, over one engine."""

    def __init__(
        self,
        engine: Engine,
        master: MasterKey,
        lookup: UserLookup,
        *,
        clock: Callable[[], datetime] = _utcnow,
        cache_profiles: int = 1024,
        snapshot_min: int = 256,
    ) -> None:
        """Use ``open_sql_store``: it checks the key and migrates first."""
        self.engine = engine
        self._master = master
        self._lookup = lookup
        self._clock = clock
        self._cache = RecordCache(cache_profiles)
        self._keys = DataKeys()
        self._snapshot_min = snapshot_min
        self._seen_calls = 0
        self._postgres = is_postgres(engine)

    # Vaults -------------------------------------------------------------------------------------

    @contextmanager
    def vault(
        self, user_key: int, profile_id: str | None = None, *, create: bool = True
    ) -> Iterator[SqlVault]:
        """A transaction bound to one profile (the default one when ``profile_id`` is None)."""
        digest = self._lookup.digest(user_key)

        def account(conn: Connection) -> str:
            found = acc.find_and_lock_account(conn, digest)
            if found is not None:
                return found
            if not create:
                raise UnknownUser("no account for this user")
            created = acc.create_account(conn, digest, self._master)
            acc.lock_account(conn, created)
            return created

        if self._postgres:
            which = "p.is_default" if profile_id is None else f"p.id = {_id_literal(profile_id)}"
            query = _PG_BY_HASH.format(hash=f"decode('{digest.hex()}', 'hex')", which=which)

            def opened(conn: Connection) -> _OpenedVault:
                locked, row = _opening(conn, query)
                if locked is None:
                    if not create:
                        raise UnknownUser("no account for this user")
                    return self._open(conn, account(conn), profile_id)
                if row is None:
                    if profile_id is None:  # erased while this turn waited for its lock
                        raise ConcurrentUpdate("the account changed meanwhile")
                    raise UnknownUser("no such profile in this account")
                return self._opened(conn, str(locked[0]), row)

            with self._transaction(opened) as vault:
                yield vault
            return
        with self._transaction(lambda conn: self._open(conn, account(conn), profile_id)) as vault:
            yield vault

    @contextmanager
    def vault_for_account(self, account_id: str, profile_id: str) -> Iterator[SqlVault]:
        """Same as ``vault`` for a known internal account id (reminders, workers)."""

        def opened(conn: Connection) -> _OpenedVault:
            if not self._postgres:
                acc.lock_account(conn, account_id)
                return self._open(conn, account_id, profile_id)
            _, row = _opening(
                conn,
                _PG_BY_ID.format(account=_id_literal(account_id), profile=_id_literal(profile_id)),
            )
            if row is None:
                raise UnknownUser("no such profile in this account")
            return self._opened(conn, account_id, row)

        with self._transaction(opened) as vault:
            yield vault

    @contextmanager
    def _transaction(self, opened: Callable[[Connection], _OpenedVault]) -> Iterator[_OpenedVault]:
        # A pooled connection is not pinged when it was in use a moment ago: if the database
        # went away since, the first statement fails and the opening starts over (once, on a
        # fresh connection), before anything of the turn ran.
        conn, tx, vault = again_if_unavailable(lambda: self._begin(opened), (0.0,))
        with conn:
            try:
                yield vault
                vault.flush()
                old = vault.version
                if vault.dirty:
                    conn.execute(
                        update(profiles)
                        .where(profiles.c.id == vault.profile_id)
                        .values(version=profiles.c.version + 1, **vault.row_writes)
                    )
                tx.commit()
            except BaseException as error:
                if tx.is_active:
                    tx.rollback()
                self._cache.drop(vault.profile_id)
                if isinstance(error, exc.OperationalError) and _is_conflict(error):
                    raise ConcurrentUpdate("another transaction wrote this user") from error
                raise
        if vault.dirty:
            self._cache.commit(vault.profile_id, old, old + 1, vault.saved, vault.deleted)

    def _begin(
        self, opened: Callable[[Connection], _OpenedVault]
    ) -> tuple[Connection, RootTransaction, _OpenedVault]:
        """A connection, its transaction, and the vault opened in it (account locked)."""
        conn = with_connect_retries(self.engine.connect).execution_options(carnet_write=True)
        try:
            try:
                tx = conn.begin()
            except exc.OperationalError as error:
                raise ConcurrentUpdate("database busy") from error
            return conn, tx, opened(conn)
        except BaseException as error:
            conn.close()  # rolls back (an account created here included)
            if isinstance(error, exc.OperationalError) and _is_conflict(error):
                raise ConcurrentUpdate("another transaction wrote this user") from error
            raise

    def _open(self, conn: Connection, account_id: str, profile_id: str | None) -> _OpenedVault:
        query, params = (
            (_PROFILE_ROW, {"account_id": account_id, "profile_id": profile_id})
            if profile_id is not None
            else (_DEFAULT_ROW, {"account_id": account_id})
        )
        row = conn.execute(query, params).first()
        if row is None:
            raise UnknownUser("no such profile in this account")
        return self._opened(conn, account_id, tuple(row))

    def _opened(self, conn: Connection, account_id: str, row: Sequence[Any]) -> _OpenedVault:
        """The vault over a profile row (the ``_ROW`` columns, in their order)."""
        profile_id, is_default, master_key_id, wrapped_key, version, payload, dialogue = row[:7]
        sealer = self._keys.sealer(self._master, profile_id, master_key_id, wrapped_key)
        account_sealer: Callable[[], Sealer]
        if is_default:
            account_sealer = lambda: sealer  # noqa: E731
        else:
            account_sealer = lambda: self._default_sealer(conn, account_id)  # noqa: E731
        return _OpenedVault(
            conn,
            Codec(sealer, profile_id),
            account_id=account_id,
            version=version,
            cache=self._cache,
            account_sealer=account_sealer,
            clock=self._clock,
            snapshot_min=self._snapshot_min,
            payload=payload,
            dialogue=dialogue,
        )

    def _default_sealer(self, conn: Connection, account_id: str) -> Sealer:
        row = conn.execute(
            select(profiles.c.id, profiles.c.master_key_id, profiles.c.wrapped_key).where(
                profiles.c.account_id == account_id, profiles.c.is_default
            )
        ).one()
        return self._keys.sealer(self._master, row.id, row.master_key_id, row.wrapped_key)

    # Accounts -----------------------------------------------------------------------------------

    def profile_refs(self) -> list[tuple[str, str]]:
        """(account id, profile id) of every profile of every live account (start-up sweeps)."""
        query = (
            select(profiles.c.account_id, profiles.c.id)
            .join(accounts, accounts.c.id == profiles.c.account_id)
            .where(accounts.c.erased.is_(False))
        )
        with self.engine.connect() as conn:
            return [(row.account_id, row.id) for row in conn.execute(query)]

    def has_account(self, user_key: int) -> bool:
        """Whether this user has an account."""
        digest = self._lookup.digest(user_key)

        def exists() -> bool:
            with with_connect_retries(self.engine.connect) as conn:
                return acc.account_exists(conn, digest)

        return again_if_unavailable(exists, (0.0,))

    def profiles(self, user_key: int) -> list[ProfileSummary]:
        """The account's profiles, default first, with their decrypted display names."""
        digest = self._lookup.digest(user_key)
        with self.engine.connect() as conn:
            account_id = acc.find_account(conn, digest)
            if account_id is None:
                return []
            rows = conn.execute(
                select(
                    profiles.c.id,
                    profiles.c.is_default,
                    profiles.c.master_key_id,
                    profiles.c.wrapped_key,
                    profiles.c.payload,
                )
                .where(profiles.c.account_id == account_id)
                .order_by(profiles.c.is_default.desc(), profiles.c.id)
            ).all()
        result = []
        for row in rows:
            sealer = self._keys.sealer(self._master, row.id, row.master_key_id, row.wrapped_key)
            name = (
                Codec(sealer, row.id).open_profile(row.payload).display_name
                if row.payload
                else None
            )
            result.append(
                ProfileSummary(profile_id=row.id, display_name=name, is_default=row.is_default)
            )
        return result

    def add_profile(self, user_key: int, display_name: str) -> str:
        """Add a profile (a child, a parent) with its own data key; returns its id."""
        digest = self._lookup.digest(user_key)
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            account_id = acc.find_account(conn, digest) or acc.create_account(
                conn, digest, self._master
            )
            return acc.create_profile(
                conn, account_id, self._master, display_name=display_name, is_default=False
            )

    def erase_account(self, user_key: int) -> bool:
        """Crypto-shred then delete everything of this account. True if it existed."""
        digest = self._lookup.digest(user_key)
        with self.engine.connect() as conn:
            account_id = acc.find_account(conn, digest)
        if account_id is None:
            return False
        for profile_id in acc.shred_account(self.engine, account_id):
            self._cache.drop(profile_id)
            self._keys.drop(profile_id)
        acc.purge_erased(self.engine)
        log.info("account erased", extra={"account_id": account_id})
        return True

    # Scheduling ---------------------------------------------------------------------------------

    def claim_due(
        self, now: datetime, *, limit: int = 100, lease: timedelta = timedelta(minutes=5)
    ) -> list[DueOccurrence]:
        """Claim unsent occurrences due at or before ``now`` (SKIP LOCKED on PostgreSQL)."""
        return scheduling.claim_due(self.engine, now, limit=limit, lease=lease)

    def mark_sent(self, occurrence_id: str, at: datetime) -> bool:
        """Record an occurrence as sent; False if it was already sent."""
        return scheduling.mark_sent(self.engine, occurrence_id, at)

    def seen_update(self, update_id: int) -> bool:
        """Record a platform update id; True if it had been seen before.

        Every ``_PRUNE_EVERY`` calls, ids older than a week are forgotten (Telegram keeps
        undelivered updates for 24 hours).
        """
        now = self._clock()
        self._seen_calls += 1
        if self._seen_calls % _PRUNE_EVERY == 0:
            scheduling.forget_updates(self.engine, now - timedelta(days=7))
        return scheduling.seen_update(self.engine, update_id, now)

    def close(self) -> None:
        """Release connections and forget cached records."""
        self._cache.clear()
        self._keys.clear()
        self.engine.dispose()


class _OpenedVault(SqlVault):
    """A vault whose profile settings and dialogue state came with its profile row.

    Read in the same transaction, after the account lock, as ``get_profile`` and
    ``get_dialogue`` would read them. A write to the row (``save_profile``, ``save_dialogue``)
    replaces what was read and is kept in ``row_writes`` until the commit, which writes it with
    the version bump: one statement instead of one per write plus the bump.
    """

    def __init__(
        self, *args: Any, payload: bytes | None, dialogue: bytes | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._read: dict[str, bytes | None] = {"payload": payload, "dialogue": dialogue}
        self.row_writes: dict[str, bytes] = {}

    def get_profile(self) -> UserProfile:
        """The profile settings (defaults for a new profile)."""
        if "payload" not in self._read:
            return super().get_profile()
        blob = self._read["payload"]
        return UserProfile(id=self.profile_id) if blob is None else self._codec.open_profile(blob)

    def get_dialogue(self) -> DialogueState:
        """The dialogue state (idle for a new profile)."""
        if "dialogue" not in self._read:
            return super().get_dialogue()
        blob = self._read["dialogue"]
        return DialogueState() if blob is None else self._codec.open_dialogue(blob)

    def records(self, kind: type[C]) -> list[C]:
        """All records of one kind: a cached kind without building the query for a miss."""
        cached: list[C] | None = self._cached(kind_of(kind))
        return cached if cached is not None else super().records(kind)

    def _update_profile_row(self, **values: bytes) -> None:
        self._read.update(values)
        self.row_writes.update(values)
        self.dirty = True


def _id_literal(value: str) -> str:
    if not _SAFE_ID.fullmatch(value):
        raise UnknownUser("no such profile in this account")
    return f"'{value}'"


def _error_of(result: pq.abc.PGresult) -> psycopg.Error:
    """The driver's exception class for a failed statement, without the server's text."""
    state = (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
    try:
        return psycopg.errors.lookup(state)("statement failed")
    except KeyError:
        return psycopg.DatabaseError("statement failed")


def _opening(conn: Connection, query: str) -> list[tuple[Any, ...] | None]:
    """The first row of each statement after the ``BEGIN`` of ``query``, in one round trip.

    Sent on the driver connection, whose transaction it starts (psycopg then commits or rolls
    it back as usual). A driver error is reported as SQLAlchemy would: a lost connection is
    invalidated and becomes ``StoreUnavailable`` (nothing ran: the caller may start over), a
    deadlock or serialisation failure ``ConcurrentUpdate``; other errors keep their class but
    not the server's text.
    """
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    try:
        driver.pgconn.send_query(query.encode())
        results = driver.wait(fetch_many(driver.pgconn))
        rows: list[tuple[Any, ...] | None] = []
        for result in results:
            if result.status == pq.ExecStatus.FATAL_ERROR:
                raise _error_of(result)
            if result.status != pq.ExecStatus.TUPLES_OK:
                continue  # BEGIN
            if result.ntuples == 0:
                rows.append(None)
                continue
            loader = Transformer(driver)
            loader.set_pgresult(result)
            rows.append(loader.load_row(0, tuple))
        return rows
    except psycopg.Error as error:
        if driver.closed or driver.broken:  # as SQLAlchemy's psycopg dialect decides
            conn.invalidate()
            raise StoreUnavailable(type(error).__name__) from None
        if isinstance(
            error, psycopg.errors.SerializationFailure | psycopg.errors.DeadlockDetected
        ):
            raise ConcurrentUpdate("another transaction wrote this user") from None
        raise


def _is_conflict(error: exc.OperationalError) -> bool:
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text or "could not serialize" in text


def open_sql_store(url: str, master_key: bytes, **options: Any) -> SqlStore:
    """Open (migrating to head, or creating) the database and check the master key.

    Raises:
        WrongMasterKey: the database was created with another master key.
        RotationInProgress: an interrupted rotation must be finished first.
    """
    master = MasterKey(master_key)
    engine = make_engine(url, pre_ping=False)
    if is_postgres(engine):
        ping_when_idle(engine)
    try:
        upgrade(engine)
        with engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            # Instances starting together on a fresh PostgreSQL database must not both create
            # the key-check value: take the same lock that serialises migrations.
            lock_for_setup(conn)
            lookup_key = open_keyring(conn, master)
        acc.purge_erased(engine)
    except (StoreError, exc.SQLAlchemyError):
        engine.dispose()
        raise
    return SqlStore(engine, master, UserLookup(lookup_key), **options)
