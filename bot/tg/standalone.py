"""A Bot API sender outside the PTB ``Application``: the OCR worker replies to users with it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from telegram import Bot

from bot.settings import Settings
from bot.tg.outbound import TelegramSender


@contextlib.asynccontextmanager
async def standalone_sender(settings: Settings) -> AsyncIterator[TelegramSender]:
    """A ``TelegramSender`` on a plain ``Bot`` configured from ``settings`` (token, base URLs)."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to send replies")
    kwargs: dict[str, Any] = {}
    if settings.telegram_api_base_url:
        kwargs["base_url"] = settings.telegram_api_base_url
    if settings.telegram_file_base_url:
        kwargs["base_file_url"] = settings.telegram_file_base_url
    bot = Bot(settings.telegram_bot_token.get_secret_value(), **kwargs)
    async with bot:
        yield TelegramSender(bot)
