"""``carnet run``: the Telegram bot, long polling by default or webhook mode.

Builds the services (``bot.bootstrap``), the PTB application, installs the reminders job when
``bot.tg.jobs`` exists (``jobs.install(app, services)``), then runs until SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import logging
import signal
from typing import Any

from telegram import Update

from bot.settings import Settings
from bot.tg.application import TgApplication, build_application
from bot.tg.webhook import new_secret, webhook_mode

logger = logging.getLogger(__name__)


def install_jobs(app: TgApplication, services: Any) -> bool:
    """Call ``bot.tg.jobs.install(app, services)`` when the reminders module is present."""
    try:
        jobs = importlib.import_module("bot.tg.jobs")
    except ModuleNotFoundError as exc:
        if exc.name != "bot.tg.jobs":
            raise
        return False
    jobs.install(app, services)
    return True


async def _close(services: Any) -> None:
    result = services.close()
    if inspect.isawaitable(result):
        await result


def run_bot(settings: Settings, webhook_url: str | None) -> int:
    """Run the bot until stopped; returns the process exit code."""
    from bot.bootstrap import build_services

    with contextlib.suppress(ImportError):
        from bot.logs import setup_logging

        setup_logging(settings)
    services = build_services(settings)
    if inspect.isawaitable(services):
        services = asyncio.run(services)  # type: ignore[arg-type]
    try:
        app = build_application(settings, services.engine, seen_update=services.store.seen_update)
        install_jobs(app, services)
        url = webhook_url or settings.webhook_url
        if url:
            asyncio.run(_run_webhook(app, settings, url))
        else:
            logger.info("starting long polling")
            app.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
    finally:
        asyncio.run(_close(services))
    return 0


async def _run_webhook(app: TgApplication, settings: Settings, url: str) -> None:
    secret = (
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else new_secret()
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with webhook_mode(
        app,
        public_url=url,
        secret=secret,
        listen=settings.webhook_listen,
        port=settings.webhook_port,
    ):
        logger.info("webhook mode started")
        await stop.wait()
