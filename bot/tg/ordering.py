"""Per-user order of updates across several webhook bot instances (scaled shape).

Telegram sends a user's next update only after the previous one was acknowledged, but the load
balancer may hand it to another instance, which could handle it first. So each update is
recorded (``store.sql.jobs.UpdateOrder.received``) before the webhook answers 200, and handled
in its user's turn: under the user's PostgreSQL advisory lock, after every older pending update
of that user. Ids and a hash of the user id only; no content.

At most ``MAX_TURNS`` updates hold a turn (and a database connection) at once per process; an
update waiting for an older one holds neither, so instances never wait on each other in a cycle.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from telegram import Update

from bot.tg.application import TgApplication
from store.sql.jobs import UpdateOrder

logger = logging.getLogger(__name__)

MAX_TURNS = 8
"""Updates handled at once per process in the scaled shape (each holds one connection)."""
WAIT_SECONDS = 0.01
"""Pause before asking again for a turn while an older update of the user is pending."""
PRUNE_EVERY = 1000


def _user_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


def install_ordering(app: TgApplication, order: UpdateOrder, now: Callable[[], datetime]) -> None:
    """Record updates on receipt and process each in its user's turn (wraps ``app``)."""
    threads = ThreadPoolExecutor(MAX_TURNS + 4, thread_name_prefix="carnet-turn")
    turns = asyncio.Semaphore(MAX_TURNS)
    queue_put = app.update_queue.put
    process = app.process_update
    received = 0

    async def put(update: Any) -> None:
        nonlocal received
        user = _user_of(update)
        if user is not None:
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(threads, order.received, update.update_id, user, now())
            except Exception as exc:  # order is best effort; never lose the update
                logger.warning("update order unavailable: %s", type(exc).__name__)
            received += 1
            if received % PRUNE_EVERY == 0:
                await loop.run_in_executor(
                    threads, order.forget_before, now() - timedelta(hours=1)
                )
        await queue_put(update)

    async def ordered(update: object) -> None:
        user = _user_of(update)
        if user is None or not isinstance(update, Update):
            await process(update)
            return
        loop = asyncio.get_running_loop()
        while True:
            async with turns:
                try:
                    turn = await loop.run_in_executor(
                        threads, order.try_turn, update.update_id, user, now()
                    )
                except Exception as exc:  # no database: handle anyway (in-process order holds)
                    logger.warning("user turn unavailable: %s", type(exc).__name__)
                    await process(update)
                    return
                if turn is not None:
                    try:
                        await process(update)
                    finally:
                        await loop.run_in_executor(threads, turn.end)
                    return
            await asyncio.sleep(WAIT_SECONDS)

    app.update_queue.put = put  # type: ignore[method-assign,assignment]
    app.process_update = ordered  # type: ignore[method-assign]
