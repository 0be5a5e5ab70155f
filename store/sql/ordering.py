"""Per-user turns and update deduplication for webhook bots, on PostgreSQL, without threads.

The hot path of a scaled bot (``bot.tg.ordering``) in as few round trips as PostgreSQL allows,
on asyncio connections of its own (psycopg, pipeline mode):

- ``receive``: one statement records the update id as seen (``seen_updates``, deduplication)
  and, when it is new, as pending for its user (``pending_updates``). False: a redelivery.
- ``receive_turn``: both below in one flight (the common case: a new update, its user's turn).
- ``try_turn``: one query string (``BEGIN``, the user's advisory transaction lock, then "is an
  older update of this user still pending?", each statement with its own snapshot); the turn
  holds the lock until ``UserTurn.end`` (``DELETE`` of the pending row and ``COMMIT``, one
  query string). Several statements go in one string through the simple query protocol, with
  their values formatted in (integers and timestamps only): pipeline mode polls the socket
  while the server waits for the lock, a busy loop. These strings go straight to libpq
  (``_run``): their results are a count and a flag, and a cursor's machinery (transformer,
  prepared-statement cache, result sets) costs more client CPU than the round trip itself.

Same tables and lock keys as ``store.sql.jobs.UpdateOrder`` (the blocking version). Ids and a
hash of the user id only; no content.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import generators, pq
from sqlalchemy.engine import make_url

from store.sql.database import normalise_url
from store.sql.jobs import lock_key

_RECEIVE = """
WITH seen AS (
    INSERT INTO seen_updates (update_id, seen_at) VALUES (%(u)s::bigint, %(now)s)
    ON CONFLICT (update_id) DO NOTHING
    RETURNING update_id
), pending AS (
    INSERT INTO pending_updates (update_id, user_lock, received_at)
    SELECT update_id, %(k)s::bigint, %(now)s FROM seen WHERE %(k)s::bigint IS NOT NULL
    ON CONFLICT (update_id) DO NOTHING
)
SELECT count(*) FROM seen
"""
_TURN = (
    "BEGIN; SELECT pg_advisory_xact_lock({k}); "
    "SELECT EXISTS (SELECT 1 FROM pending_updates "
    "WHERE user_lock = {k} AND update_id < {u} AND received_at > {since})"
)
_RECEIVE_TURN = (
    "WITH seen AS ("
    "INSERT INTO seen_updates (update_id, seen_at) VALUES ({u}, {now}) "
    "ON CONFLICT (update_id) DO NOTHING RETURNING update_id"
    "), pending AS ("
    "INSERT INTO pending_updates (update_id, user_lock, received_at) "
    "SELECT update_id, {k}, {now} FROM seen ON CONFLICT (update_id) DO NOTHING"
    ") SELECT count(*) FROM seen; COMMIT; "
    "BEGIN; SELECT pg_advisory_xact_lock({k}); "
    "SELECT EXISTS (SELECT 1 FROM pending_updates "
    "WHERE user_lock = {k} AND update_id < {u} AND received_at > {since})"
)
"""``receive`` then ``try_turn`` in one flight: the receipt is committed on its own (the
``COMMIT`` before ``BEGIN``: without it ``BEGIN`` would pull it into the turn's transaction)."""
_END = "DELETE FROM pending_updates WHERE update_id = {u}; COMMIT"
_FORGET = """
WITH pending AS (DELETE FROM pending_updates WHERE received_at < %(pending)s)
DELETE FROM seen_updates WHERE seen_at < %(seen)s
"""


def _int(value: int) -> str:
    """An integer literal (``int()`` first: nothing but digits and a sign reach the SQL)."""
    return str(int(value))


def _moment(value: datetime) -> str:
    """A ``timestamptz`` literal of an aware datetime, in UTC (ISO digits and separators only)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return f"'{value.astimezone(UTC).isoformat()}'::timestamptz"


def _query(template: str, **values: str) -> bytes:
    """``template`` with literals from ``_int``/``_moment``, for the simple query protocol.

    Cheaper than ``sql.Literal`` (which adapts each value through a transformer) on the
    gate's hot path; only integers and datetimes are ever formatted in.
    """
    return template.format(**values).encode()


Conn = psycopg.AsyncConnection[tuple[object, ...]]


async def _run(conn: Conn, query: bytes) -> list[pq.abc.PGresult]:
    """The results of ``query`` (simple query protocol, one statement or several) on ``conn``.

    Raises:
        psycopg.DatabaseError: a statement failed (the connection is then dropped by its pool).
    """
    async with conn.lock:
        conn.pgconn.send_query(query)
        results = await conn.wait(generators.execute(conn.pgconn))
    for result in results:
        if result.status == pq.ExecStatus.FATAL_ERROR:
            message = (result.error_message or b"").decode("utf-8", "replace").strip()
            raise psycopg.DatabaseError(f"update gate statement failed: {message}")
    return results


def _value(result: pq.abc.PGresult) -> bytes | None:
    """The first value of a result with rows, as text (``t``/``f``, a count); None otherwise."""
    if result.status != pq.ExecStatus.TUPLES_OK or result.ntuples == 0:
        return None
    return result.get_value(0, 0)


def _fresh(result: pq.abc.PGresult) -> bool:
    """Whether the receipt's ``count(*)`` says the update id was new."""
    return _value(result) == b"1"


def _older_pending(result: pq.abc.PGresult) -> bool:
    """Whether an older update of the user is pending (anything but a plain "no" says yes)."""
    return _value(result) != b"f"


def conninfo_of(url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL."""
    parsed = make_url(normalise_url(url)).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


class _Connections:
    """A few asyncio connections, made on first need; a connection that failed is dropped."""

    def __init__(self, conninfo: str, size: int, *, autocommit: bool) -> None:
        self._conninfo = conninfo
        self._autocommit = autocommit
        self._idle: list[psycopg.AsyncConnection[tuple[object, ...]]] = []
        self._lent: set[psycopg.AsyncConnection[tuple[object, ...]]] = set()
        self._free = asyncio.Semaphore(size)

    @contextlib.asynccontextmanager
    async def take(self) -> AsyncIterator[psycopg.AsyncConnection[tuple[object, ...]]]:
        async with self._free:
            conn = self._idle.pop() if self._idle else None
            if conn is None or conn.closed:
                conn = await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=self._autocommit
                )
            self._lent.add(conn)
            try:
                yield conn
            except BaseException:
                await conn.close()  # unknown state (mid-transaction, broken): never reused
                raise
            finally:
                self._lent.discard(conn)
            if not conn.closed:
                self._idle.append(conn)

    async def close(self) -> None:
        """Close every connection, lent ones too (a turn never ended: its lock goes)."""
        while self._idle:
            await self._idle.pop().close()
        for conn in list(self._lent):
            await conn.close()


class UserTurn:
    """A held user turn: ``end`` forgets the pending update and frees the lock."""

    def __init__(
        self,
        conn: psycopg.AsyncConnection[tuple[object, ...]],
        update_id: int,
        release: contextlib.AbstractAsyncContextManager[object],
    ) -> None:
        self._conn = conn
        self._release = release
        self.update_id = update_id

    async def end(self) -> None:
        """Drop the update from the pending ones and commit (the lock goes), in one flight."""
        try:
            await _run(self._conn, _query(_END, u=_int(self.update_id)))
        except BaseException as exc:
            await self._release.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        await self._release.__aexit__(None, None, None)


class UpdateGate:
    """Deduplication and per-user order of updates across bot instances (PostgreSQL only).

    ``turns`` turns may be held at once (each holds a connection); ``receivers`` connections
    record received updates. ``stale``: an older update pending for longer is taken as lost
    with its instance and no longer waited for.
    """

    def __init__(
        self,
        url: str,
        *,
        turns: int,
        receivers: int = 2,
        stale: timedelta = timedelta(seconds=15),
    ) -> None:
        conninfo = conninfo_of(url)
        self.stale = stale
        self._receivers = _Connections(conninfo, receivers, autocommit=True)
        self._turns = _Connections(conninfo, turns, autocommit=True)  # BEGIN is sent with the lock

    async def receive(self, update_id: int, user_key: int | None, now: datetime) -> bool:
        """Record ``update_id`` as seen (and pending for ``user_key``); False if seen before."""
        key = None if user_key is None else lock_key(user_key)
        async with self._receivers.take() as conn:
            cursor = await conn.execute(_RECEIVE, {"u": update_id, "k": key, "now": now})
            row = await cursor.fetchone()
        return bool(row and row[0])

    async def receive_turn(
        self, update_id: int, user_key: int, now: datetime
    ) -> tuple[bool, UserTurn | None]:
        """``receive`` and, for a new update, ``try_turn``, in one round trip.

        Returns (False, None) for a redelivery, (True, None) while an older update of the user
        is pending (wait and ``try_turn`` again), (True, turn) when the turn is held.
        """
        query = _query(
            _RECEIVE_TURN,
            u=_int(update_id),
            k=_int(lock_key(user_key)),
            now=_moment(now),
            since=_moment(now - self.stale),
        )
        taking = self._turns.take()
        conn = await taking.__aenter__()
        try:
            results = await _run(conn, query)  # the receipt, COMMIT, BEGIN, the lock, then:
            fresh = _fresh(results[0])  # is an older one pending?
            if fresh and not _older_pending(results[-1]):
                return True, UserTurn(conn, update_id, taking)
            await _run(conn, b"ROLLBACK")
        except BaseException as exc:
            await taking.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        await taking.__aexit__(None, None, None)
        return fresh, None

    async def try_turn(self, update_id: int, user_key: int, now: datetime) -> UserTurn | None:
        """Take the user's turn for ``update_id``; None while an older update is pending.

        Waits for the user's lock (another instance may hold it). With None nothing is held:
        wait a little and try again.
        """
        query = _query(
            _TURN,
            k=_int(lock_key(user_key)),
            u=_int(update_id),
            since=_moment(now - self.stale),
        )
        taking = self._turns.take()
        conn = await taking.__aenter__()
        try:
            results = await _run(conn, query)  # the last result: is an older update pending?
            if not _older_pending(results[-1]):
                return UserTurn(conn, update_id, taking)
            await _run(conn, b"ROLLBACK")
        except BaseException as exc:
            await taking.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        await taking.__aexit__(None, None, None)
        return None

    async def forget(self, pending_before: datetime, seen_before: datetime) -> None:
        """Drop pending rows received before ``pending_before`` (lost with their instance) and
        seen ids before ``seen_before`` (Telegram redelivers for 24 hours at most)."""
        async with self._receivers.take() as conn:
            await conn.execute(_FORGET, {"pending": pending_before, "seen": seen_before})

    async def close(self) -> None:
        """Close the connections, those of turns still held too (their locks go)."""
        await self._receivers.close()
        await self._turns.close()
