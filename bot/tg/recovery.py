"""At start-up, read again the documents a crash cut short (``bot.engine.recovery``).

Embedded shape only: jobs left running by the previous process are queued again (their attempt
counted), documents left ``received`` without a job get one, then an in-process ``Worker``
reads them in the bounded CPU pool and sends each owner the summary, or, after the last
attempt, says the document could not be read. Jobs finished more than a week ago are deleted.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.engine.recovery import queue_left_received
from bot.tg.application import SENDER_KEY, TgApplication
from bot.tg.outbound import TelegramSender

logger = logging.getLogger(__name__)

JOB_NAME = "carnet.recovery"
TASK_KEY = "carnet.recovery.task"


async def resume_interrupted(sender: Any, services: Any, started_at: datetime) -> int:
    """Queue and read again the documents left unread before ``started_at``; how many ran.

    ``services`` is ``bot.bootstrap.Services`` (embedded shape); ``sender`` has
    ``send(chat_id, replies)``.
    """
    from bot.worker import KEEP_FINISHED, Worker
    from store.sql.jobs import open_jobs

    settings = services.settings
    jobs, locks = open_jobs(settings.effective_database_url, pool_size=1)
    try:
        await asyncio.to_thread(queue_left_received, services.store, started_at)
        requeued = await asyncio.to_thread(jobs.requeue_orphans, started_at, services.clock.now())
        logger.info("interrupted readings requeued=%d", requeued)
        worker = Worker(
            services,
            jobs,
            locks,
            sender,
            slots=1,
            lease=timedelta(seconds=settings.job_lease_seconds),
            max_attempts=settings.job_max_attempts,
            created_before=started_at,
            resumed=True,
        )
        ran = await worker.drain()
        logger.info("interrupted readings resumed=%d", ran)
        cutoff = services.clock.now() - KEEP_FINISHED
        forgotten = await asyncio.to_thread(jobs.forget_finished, cutoff)
        logger.info("finished jobs forgotten count=%d", forgotten)
        return ran
    finally:
        jobs.engine.dispose()


def install(app: TgApplication, services: Any, *, when: float = 0.5) -> bool:
    """Run the recovery once, right after start, unless documents go through the job queue."""
    if getattr(services, "settings", None) is None:
        return False  # not a full ``Services`` (tests of the reminders job alone)
    if "jobs" in getattr(services, "extra", {}):
        return False  # `carnet worker` owns received documents: they are queued, not lost
    if app.job_queue is None:
        return False
    sender = app.bot_data.get(SENDER_KEY) or TelegramSender(app.bot)
    started_at = services.clock.now()

    async def run(context: CallbackContext[Any, Any, Any, Any]) -> None:
        # A task of its own: reading may take minutes, the job queue must not wait for it.
        application: Application[Any, Any, Any, Any, Any, Any] = context.application
        application.bot_data[TASK_KEY] = asyncio.create_task(
            _guarded(sender, services, started_at)
        )

    app.job_queue.run_once(run, when=when, name=JOB_NAME)
    return True


async def _guarded(sender: Any, services: Any, started_at: datetime) -> None:
    try:
        await resume_interrupted(sender, services, started_at)
    except Exception as exc:
        logger.error("interrupted-document recovery failed: %s", type(exc).__name__)
