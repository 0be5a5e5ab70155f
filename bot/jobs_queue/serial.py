"""One user's updates handled one at a time across bot instances (PostgreSQL advisory lock)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.engine.engine import Emit
from bot.engine.events import Event, UserRef
from bot.engine.replies import Reply
from store.sql.jobs import UserLocks

LOCK_THREADS = 16
"""Threads that may wait on user locks at once (each holds one database connection)."""


class SerialConversation:
    """Wraps the engine: ``handle`` runs under the user's cross-process lock.

    The lock is ``pg_advisory_xact_lock`` on a hash of the user id, held by a transaction on its
    own connection for the whole update (reading, answering, saving); a crash ends the
    connection and so frees the lock. Other attributes are the engine's.
    """

    def __init__(self, engine: Any, locks: UserLocks) -> None:
        self.engine = engine
        self.locks = locks
        self._threads = ThreadPoolExecutor(LOCK_THREADS, thread_name_prefix="carnet-lock")

    async def handle(self, user: UserRef, event: Event, emit: Emit | None = None) -> list[Reply]:
        """The engine's answer, computed while holding ``user``'s lock."""
        if not self.locks.enabled:
            replies: list[Reply] = await self.engine.handle(user, event, emit)
            return replies
        loop = asyncio.get_running_loop()
        hold = self.locks.hold(user.user_id)
        await loop.run_in_executor(self._threads, hold.__enter__)
        try:
            replies = await self.engine.handle(user, event, emit)
        finally:
            await loop.run_in_executor(self._threads, hold.__exit__, None, None, None)
        return replies

    def close(self) -> None:
        """Stop the lock threads."""
        self._threads.shutdown(wait=False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)
