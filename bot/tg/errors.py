"""The PTB error handler, carnet's last resort: one redacted log line and a kind reply.

The engine already turns its own failures into messages; this catches what escapes the adapter
(network failures while delivering, bugs). The log line carries the update id, the exception type
and where it was raised (file and line), never the exception text, which may quote user data.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Conflict, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.tg.health import Metrics
from bot.tg.outbound import TelegramSender
from bot.tg.texts import error_text

logger = logging.getLogger(__name__)

ErrorHandler = Callable[[object, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def where(exc: BaseException) -> str:
    """``file.py:line`` of the innermost frame of ``exc`` (no source text, no values)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno}"


def make_error_handler(
    sender: TelegramSender, default_language: str, metrics: Metrics | None = None
) -> ErrorHandler:
    """The error handler to register with ``Application.add_error_handler``."""

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        exc = context.error
        if exc is None:
            return
        update_id = update.update_id if isinstance(update, Update) else None
        if update is None and isinstance(exc, NetworkError | Conflict):
            logger.warning("polling error: %s", type(exc).__name__)
            return
        logger.error("update %s failed: %s at %s", update_id, type(exc).__name__, where(exc))
        if metrics is not None:
            metrics.failures[type(exc).__name__] += 1
        if not isinstance(update, Update):
            return
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        user = update.effective_user
        language_code = user.language_code if user else None
        try:
            await sender.send_notice(chat.id, error_text(exc, language_code, default_language))
        except TelegramError as send_exc:
            logger.error(
                "could not tell update %s about it: %s", update_id, type(send_exc).__name__
            )

    return on_error
