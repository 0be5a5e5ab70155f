"""The reminders tick: one repeating JobQueue job that runs the reminders dispatcher.

PTB's in-memory JobQueue only provides the tick; what is due lives in the store, so a restart or a
second instance simply resumes (claims are leased, sends are marked before they leave).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import CallbackContext

from bot.reminders.dispatcher import Dispatcher
from bot.tg import recovery
from bot.tg.application import SENDER_KEY, TgApplication
from bot.tg.outbound import TelegramSender

logger = logging.getLogger(__name__)

JOB_NAME = "carnet.reminders"
DISPATCHER_KEY = "carnet.dispatcher"
TICK_SECONDS = 30.0
FIRST_TICK_SECONDS = 5.0


async def tick(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Run one dispatcher tick; an error is logged (type only) and the next tick tries again."""
    job = context.job
    if job is None or not isinstance(job.data, Dispatcher):
        return
    try:
        await job.data.tick()
    except Exception as exc:
        logger.error("reminders tick failed: %s", type(exc).__name__)


def install(
    app: TgApplication,
    services: Any,
    *,
    interval: float = TICK_SECONDS,
    first: float = FIRST_TICK_SECONDS,
) -> Dispatcher:
    """Register the repeating reminders job on ``app`` and return its dispatcher.

    ``services`` is ``bot.bootstrap.Services`` (its store and clock are used). One job instance
    at a time: a tick still running when the next is due makes that one skip.
    """
    sender = app.bot_data.get(SENDER_KEY) or TelegramSender(app.bot)
    dispatcher = Dispatcher(services.store, sender, services.clock)
    app.bot_data[DISPATCHER_KEY] = dispatcher
    if app.job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required for reminders")
    app.job_queue.run_repeating(
        tick,
        interval=interval,
        first=first,
        name=JOB_NAME,
        data=dispatcher,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    logger.info("reminders job installed interval=%.0fs", interval)
    recovery.install(app, services)  # documents a crash cut short: owners told at start-up
    return dispatcher
