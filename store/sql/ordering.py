"""Per-user turns and update deduplication for webhook bots, on PostgreSQL, without threads.

The hot path of a scaled bot (``bot.tg.ordering``) in as few round trips as PostgreSQL allows,
on asyncio connections of its own (psycopg, pipeline mode):

- ``receive``: one statement records the update id as seen (``seen_updates``, deduplication)
  and, when it is new, as pending for its user (``pending_updates``). False: a redelivery.
- ``try_turn``: one query string (``BEGIN``, the user's advisory transaction lock, then "is an
  older update of this user still pending?", each statement with its own snapshot); the turn
  holds the lock until ``UserTurn.end`` (``DELETE`` of the pending row and ``COMMIT``, one
  query string). Several statements go in one string through the simple query protocol, with
  their values quoted by psycopg (``sql.Literal``): pipeline mode polls the socket while the
  server waits for the lock, a busy loop.

Same tables and lock keys as ``store.sql.jobs.UpdateOrder`` (the blocking version). Ids and a
hash of the user id only; no content.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import psycopg
from psycopg import sql
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
_TURN = sql.SQL(
    "BEGIN; SELECT pg_advisory_xact_lock({k}); "
    "SELECT EXISTS (SELECT 1 FROM pending_updates "
    "WHERE user_lock = {k} AND update_id < {u} AND received_at > {since})"
)
_END = sql.SQL("DELETE FROM pending_updates WHERE update_id = {u}; COMMIT")
_FORGET = """
WITH pending AS (DELETE FROM pending_updates WHERE received_at < %(pending)s)
DELETE FROM seen_updates WHERE seen_at < %(seen)s
"""


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
        self._free = asyncio.Semaphore(size)

    @contextlib.asynccontextmanager
    async def take(self) -> AsyncIterator[psycopg.AsyncConnection[tuple[object, ...]]]:
        async with self._free:
            conn = self._idle.pop() if self._idle else None
            if conn is None or conn.closed:
                conn = await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=self._autocommit
                )
            try:
                yield conn
            except BaseException:
                await conn.close()  # unknown state (mid-transaction, broken): never reused
                raise
            self._idle.append(conn)

    async def close(self) -> None:
        while self._idle:
            await self._idle.pop().close()


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
            await self._conn.execute(_END.format(u=sql.Literal(self.update_id)))
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

    async def try_turn(self, update_id: int, user_key: int, now: datetime) -> UserTurn | None:
        """Take the user's turn for ``update_id``; None while an older update is pending.

        Waits for the user's lock (another instance may hold it). With None nothing is held:
        wait a little and try again.
        """
        query = _TURN.format(
            k=sql.Literal(lock_key(user_key)),
            u=sql.Literal(update_id),
            since=sql.Literal(now - self.stale),
        )
        taking = self._turns.take()
        conn = await taking.__aenter__()
        try:
            cursor = await conn.execute(query)
            while cursor.nextset():
                pass  # the last statement's result: is an older update pending?
            row = await cursor.fetchone()
            if row is not None and not row[0]:
                return UserTurn(conn, update_id, taking)
            await conn.execute("ROLLBACK")
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
        """Close the idle connections (held turns close theirs when they end)."""
        await self._receivers.close()
        await self._turns.close()
