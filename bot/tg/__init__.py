"""The Telegram adapter: the only package importing telegram."""

from bot.tg.application import TelegramOptions, build_application, polling, sender_of
from bot.tg.exceptions import MissingToken, NotPrivateChat, TelegramAdapterError
from bot.tg.outbound import TelegramSender
from bot.tg.runner import run_bot
from bot.tg.webhook import webhook_mode

__all__ = [
    "MissingToken",
    "NotPrivateChat",
    "TelegramAdapterError",
    "TelegramOptions",
    "TelegramSender",
    "build_application",
    "polling",
    "run_bot",
    "sender_of",
    "webhook_mode",
]
