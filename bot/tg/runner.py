"""``carnet run``: the Telegram bot, long polling by default or webhook mode.

Builds the services (``bot.bootstrap``), the PTB application, installs the reminders job when
``bot.tg.jobs`` exists (``jobs.install(app, services)``), then runs until SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
from typing import TYPE_CHECKING, Any

from bot.ops.metrics import METRICS, observe_reminders
from bot.settings import Settings
from bot.tg.application import (
    TgApplication,
    adapter_of,
    build_application,
    polling,
    sender_of,
)
from bot.tg.exceptions import MissingToken
from bot.tg.health import HealthServer
from bot.tg.webhook import new_secret, webhook_mode

if TYPE_CHECKING:
    from store.sql.ordering import UpdateGate

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


def run_bot(settings: Settings, webhook_url: str | None) -> int:
    """Run the bot until SIGINT/SIGTERM; returns the process exit code.

    Raises:
        MissingToken: no ``TELEGRAM_BOT_TOKEN`` (checked before anything is created).
    """
    from bot.bootstrap import build_services
    from bot.logs import setup_logging

    if settings.telegram_bot_token is None:
        raise MissingToken
    setup_logging(settings)
    services = build_services(settings)
    try:
        gate: UpdateGate | None = None
        if "locks" in services.extra:  # several instances: each user's updates in order
            from bot.tg.ordering import MAX_TURNS, install_ordering
            from store.sql.ordering import UpdateGate

            gate = UpdateGate(settings.effective_database_url, turns=MAX_TURNS)
        app = build_application(
            settings,
            services.engine,
            seen_update=None if gate else services.store.seen_update,  # the gate dedups
        )
        if gate is not None:
            install_ordering(app, gate, services.clock.now)
        if "jobs" in services.extra:  # scaled shape: the worker edits the reading message
            from bot.tg.reading_notes import note_reading_messages
            from store.sql.jobs import DocumentJobs

            jobs = services.extra["jobs"]
            assert isinstance(jobs, DocumentJobs)
            note_reading_messages(sender_of(app), jobs)
        if install_jobs(app, services):
            observe_reminders(app.bot_data["carnet.dispatcher"])
        adapter_of(app).metrics.extra.append(METRICS.render)
        asyncio.run(_serve(app, settings, services, webhook_url or settings.webhook_url, gate))
    finally:
        services.close()
    return 0


async def _serve(
    app: TgApplication,
    settings: Settings,
    services: Any,
    url: str | None,
    gate: UpdateGate | None = None,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    health: HealthServer | None = None
    if settings.health_port is not None:

        async def ready() -> bool:
            await asyncio.to_thread(services.store.has_account, 0)
            return bool(app.running)

        health = HealthServer(
            adapter_of(app).metrics,
            ready,
            listen=settings.webhook_listen,
            port=settings.health_port,
        )
        await health.start()
    try:
        if url:
            secret = (
                settings.webhook_secret.get_secret_value()
                if settings.webhook_secret
                else new_secret()
            )
            async with webhook_mode(
                app,
                public_url=url,
                secret=secret,
                listen=settings.webhook_listen,
                port=settings.webhook_port,
            ):
                logger.info("webhook mode started")
                await stop.wait()
        else:
            async with polling(app):
                logger.info("long polling started")
                await stop.wait()
    finally:
        if health is not None:
            await health.stop()
        if gate is not None:
            await gate.close()
