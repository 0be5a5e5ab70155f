"""The Telegram adapter's exceptions: one hierarchy, stable ``code`` attributes, no user text."""

from __future__ import annotations


class TelegramAdapterError(Exception):
    """Base of bot.tg's errors."""

    code = "telegram_adapter_error"


class MissingToken(TelegramAdapterError):
    """The bot was started without ``TELEGRAM_BOT_TOKEN``."""

    code = "telegram_token_missing"

    def __str__(self) -> str:
        return "set TELEGRAM_BOT_TOKEN (from @BotFather) to run the Telegram bot"


class NotPrivateChat(TelegramAdapterError):
    """Engine replies were addressed to a group or channel: refused, nothing sent."""

    code = "not_private_chat"


class FileTooLarge(TelegramAdapterError):
    """The file is bigger than carnet's or Telegram's download limit."""

    code = "file_too_big"
