"""The PTB ``Application``: base URLs from settings, rate limiter, per-user serialised updates.

Updates from different users run concurrently; one user's updates run one after the other, in
order (``PerUserUpdateProcessor``), so "confirm" never overtakes the photo it confirms.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, BaseUpdateProcessor

from bot.settings import Settings
from bot.tg.commands import menu_source, publish_commands
from bot.tg.errors import make_error_handler
from bot.tg.exceptions import MissingToken
from bot.tg.guards import AllowList, RateLimiter
from bot.tg.handlers import Adapter, Conversation, SeenUpdate
from bot.tg.outbound import TelegramSender

logger = logging.getLogger(__name__)

TgApplication = Application[Any, Any, Any, Any, Any, Any]

MAX_CONCURRENT_UPDATES = 256
DEFAULT_ALBUM_DELAY = 0.8
TELEGRAM_DOWNLOAD_LIMIT_MB = 20.0
"""The public Bot API serves files up to 20 MB (a self-hosted server allows more)."""

SENDER_KEY = "carnet.sender"
ADAPTER_KEY = "carnet.adapter"


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Runs updates concurrently across users and in arrival order for each user."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await ``coroutine`` while holding the lock of the update's user."""
        key = _serial_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:
                del self._users[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def _serial_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


CHATTY_LOGGERS: dict[str, int] = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.INFO,
    "tornado.access": logging.WARNING,
}
"""Library loggers that print updates and API answers at DEBUG (message text, record values)
or URLs with the bot token at INFO (httpx): never below these levels, whatever the root level."""


def quiet_library_loggers() -> None:
    """Raise chatty library loggers to levels that carry no content and no token."""
    for name, level in CHATTY_LOGGERS.items():
        logger_ = logging.getLogger(name)
        if logger_.level < level:  # NOTSET (0) would inherit a DEBUG root
            logger_.setLevel(level)


@dataclass(frozen=True)
class TelegramOptions:
    """Adapter knobs that tests and benchmarks may change."""

    album_delay: float = DEFAULT_ALBUM_DELAY
    rate_limiter_retries: int = 3
    read_timeout: float | None = None
    """Bot API read timeout in seconds (None: PTB's default, 5 s)."""


def build_application(
    settings: Settings,
    engine: Conversation,
    options: TelegramOptions | None = None,
    *,
    seen_update: SeenUpdate | None = None,
) -> TgApplication:
    """The PTB application for ``engine``, configured from ``settings`` (token, URLs, limits).

    ``seen_update`` (the store's) drops updates Telegram delivers twice.
    """
    options = options or TelegramOptions()
    # PTB's documented opt-in to timedelta periods (RetryAfter.retry_after); without it PTB
    # itself warns on every 429.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    quiet_library_loggers()
    if settings.telegram_bot_token is None:
        raise MissingToken
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .concurrent_updates(PerUserUpdateProcessor())
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=settings.bot_api_rate, max_retries=options.rate_limiter_retries
            )
        )
        .connection_pool_size(64)
        .get_updates_read_timeout(30.0)
    )
    if options.read_timeout is not None:
        builder = builder.read_timeout(options.read_timeout)
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    if settings.telegram_file_base_url:
        builder = builder.base_file_url(settings.telegram_file_base_url)
    source = menu_source(engine)

    async def post_init(app: TgApplication) -> None:
        await publish_commands(app.bot, source)

    app: TgApplication = builder.post_init(post_init).build()
    limit_mb = settings.max_file_mb
    if not settings.telegram_api_base_url:
        limit_mb = min(limit_mb, TELEGRAM_DOWNLOAD_LIMIT_MB)
    sender = TelegramSender(app.bot)
    adapter = Adapter(
        engine,
        sender,
        allow_list=AllowList(settings.allowed_ids),
        rate_limiter=RateLimiter(settings.rate_limit_per_minute),
        max_bytes=int(limit_mb * 1024 * 1024),
        default_language=settings.language,
        album_delay=options.album_delay,
        seen_update=seen_update,
    )
    adapter.register(app)
    app.add_error_handler(make_error_handler(sender, settings.language, adapter.metrics))
    app.bot_data[SENDER_KEY] = sender
    app.bot_data[ADAPTER_KEY] = adapter
    return app


def adapter_of(app: TgApplication) -> Adapter:
    """The adapter bound to ``app`` (its metrics, guards)."""
    adapter = app.bot_data[ADAPTER_KEY]
    assert isinstance(adapter, Adapter)
    return adapter


def sender_of(app: TgApplication) -> TelegramSender:
    """The ``Sender`` bound to ``app``'s bot (for the reminders job)."""
    sender = app.bot_data[SENDER_KEY]
    assert isinstance(sender, TelegramSender)
    return sender


@contextlib.asynccontextmanager
async def polling(app: TgApplication, *, poll_timeout: int = 10) -> AsyncIterator[TgApplication]:
    """Run ``app`` with long polling inside the running loop (tests, benchmarks, embedding).

    ``run_polling`` owns its event loop and signals; this does the same start/stop sequence,
    ``post_init`` included, in the caller's loop.
    """
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
        )
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
