"""Per-user order and deduplication of updates across several webhook bot instances.

Telegram sends a user's next update only after the previous one was acknowledged, but the load
balancer may hand it to another instance, which could handle it first. So each update is
recorded (``store.sql.ordering.UpdateGate``: seen and pending) before the webhook answers, and
handled in its user's turn: under the user's PostgreSQL advisory lock (the OCR worker takes it
too), after every older pending update of that user. Receipt and turn go in one round trip. An
update id seen before (Telegram redelivers when it got no 200 in time) is dropped on receipt:
it never reaches the handlers.
Ids and a hash of the user id only; no content.

At most ``MAX_TURNS`` updates hold a turn (and a database connection) at once per process; an
update waiting for an older one holds neither, so instances never wait on each other in a cycle.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Update

from bot.tg.application import TgApplication, adapter_of
from store.sql.ordering import UpdateGate, UserTurn

logger = logging.getLogger(__name__)

MAX_TURNS = 8
"""Updates handled at once per process in the scaled shape (each holds one connection)."""
WAIT_SECONDS = 0.01
"""Pause before asking again for a turn while an older update of the user is pending."""
PRUNE_EVERY = 1000
PENDING_KEPT = timedelta(hours=1)
SEEN_KEPT = timedelta(days=7)
"""Telegram keeps an undelivered update for 24 hours; a week of ids is plenty."""


def _user_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


def install_ordering(app: TgApplication, gate: UpdateGate, now: Callable[[], datetime]) -> None:
    """Dedup and record updates on receipt, process each in its user's turn (wraps ``app``).

    The application must be built without ``seen_update``: the gate deduplicates. A new update
    of a user is recorded and, most often, given its turn in the same round trip
    (``UpdateGate.receive_turn``); the held turn travels with the update to its processing.
    """
    turns = asyncio.Semaphore(MAX_TURNS)
    held: dict[int, UserTurn] = {}
    queue_put = app.update_queue.put
    process = app.process_update
    adapter = adapter_of(app)
    metrics = adapter.metrics
    received = 0

    async def receive(update: Update) -> bool:
        user = _user_of(update)
        if user is None:
            return await gate.receive(update.update_id, None, now())
        await turns.acquire()
        turn = None
        try:
            fresh, turn = await gate.receive_turn(update.update_id, user, now())
        finally:
            if turn is None:
                turns.release()
            else:
                held[update.update_id] = turn
        return fresh

    async def put(update: Any) -> None:
        nonlocal received
        if isinstance(update, Update):
            try:
                fresh = await receive(update)
            except Exception as exc:  # order is best effort; never lose the update
                logger.warning("update order unavailable: %s", type(exc).__name__)
                fresh = True
            if not fresh:
                logger.info("update %d already received; skipped", update.update_id)
                metrics.refused["replay"] += 1
                adapter.inline.close(update.update_id)
                return
            received += 1
            if received % PRUNE_EVERY == 0:
                moment = now()
                try:
                    await gate.forget(moment - PENDING_KEPT, moment - SEEN_KEPT)
                except Exception as exc:
                    logger.warning("update ids not pruned: %s", type(exc).__name__)
        await queue_put(update)

    async def in_turn(update: object, turn: UserTurn) -> None:
        try:
            await process(update)
        finally:
            try:
                await turn.end()
            except Exception as exc:  # the lock goes with the connection anyway
                logger.warning("user turn not ended: %s", type(exc).__name__)

    async def ordered(update: object) -> None:
        user = _user_of(update)
        if user is None or not isinstance(update, Update):
            await process(update)
            return
        turn = held.pop(update.update_id, None)
        if turn is not None:
            try:
                await in_turn(update, turn)
            finally:
                turns.release()
            return
        while True:
            async with turns:
                try:
                    turn = await gate.try_turn(update.update_id, user, now())
                except Exception as exc:  # no database: handle anyway (in-process order holds)
                    logger.warning("user turn unavailable: %s", type(exc).__name__)
                    await process(update)
                    return
                if turn is not None:
                    await in_turn(update, turn)
                    return
            await asyncio.sleep(WAIT_SECONDS)

    app.update_queue.put = put  # type: ignore[method-assign,assignment]
    app.process_update = ordered  # type: ignore[method-assign]
