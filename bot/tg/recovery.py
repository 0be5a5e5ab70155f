"""At start-up, tell users whose document a crash cut short (``bot.engine.recovery``)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from telegram.ext import CallbackContext

from bot.engine.recovery import Notice, sweep_interrupted
from bot.tg.application import SENDER_KEY, TgApplication
from bot.tg.outbound import TelegramSender

logger = logging.getLogger(__name__)

JOB_NAME = "carnet.recovery"


async def notify_interrupted(sender: TelegramSender, services: Any, started_at: datetime) -> int:
    """Sweep documents received before ``started_at`` (off the loop), send each notice.

    Returns the number of chats told. ``services`` is ``bot.bootstrap.Services``.
    """
    notices: list[Notice] = await asyncio.to_thread(
        sweep_interrupted, services.store, started_at, services.settings.language
    )
    sent = 0
    for notice in notices:
        try:
            await sender.send(notice.chat_id, [notice.reply])
            sent += 1
        except Exception as exc:  # a user who blocked carnet must not stop the others
            logger.warning("interrupted-document notice not delivered: %s", type(exc).__name__)
    return sent


def install(app: TgApplication, services: Any, *, when: float = 0.5) -> bool:
    """Run the sweep once, right after start, unless documents go through the job queue."""
    if getattr(services, "settings", None) is None:
        return False  # not a full ``Services`` (tests of the reminders job alone)
    if "jobs" in getattr(services, "extra", {}):
        return False  # `carnet worker` owns received documents: they are queued, not lost
    if app.job_queue is None:
        return False
    sender = app.bot_data.get(SENDER_KEY) or TelegramSender(app.bot)
    started_at = services.clock.now()

    async def run(_context: CallbackContext[Any, Any, Any, Any]) -> None:
        try:
            await notify_interrupted(sender, services, started_at)
        except Exception as exc:
            logger.error("interrupted-document sweep failed: %s", type(exc).__name__)

    app.job_queue.run_once(run, when=when, name=JOB_NAME)
    return True
