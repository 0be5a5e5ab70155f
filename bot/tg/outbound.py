"""Replies → Bot API calls: HTML escaping, 4096-character splits, progress edited in place.

``TelegramSender`` is the ``Sender`` the reminders sweeper and the adapter deliver through. It
refuses to send engine replies to anything but a private chat (positive chat id): health data never
reaches a group, whatever the caller does; group notices go through ``send_notice``.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.engine.replies import Button, ChatAction, File, Image, LeaveChat, Reply, Text
from bot.tg.exceptions import NotPrivateChat

logger = logging.getLogger(__name__)

TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
CAPTION_LIMIT = int(MessageLimit.CAPTION_LENGTH)
_PROGRESS_MEMORY = 4096
_RETRY_DELAYS = (0.2, 0.6, 1.5)

T = TypeVar("T")

ProgressSent = Callable[[int, str, int], Awaitable[None]]
"""Told (chat id, progress key, message id) when a progress message is sent as a new message."""


class Sender(Protocol):
    """Delivers engine replies to one chat (implemented here for Telegram)."""

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        """Deliver ``replies`` in order to ``chat_id``."""
        ...


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split plain text into chunks of at most ``limit`` UTF-16 units, on line boundaries.

    A line longer than ``limit`` is cut at its last space before the limit, else hard-cut.
    Empty chunks are dropped; a text that is only whitespace gives no chunk.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in _bounded_lines(text, limit):
        length = utf16_len(line)
        if current and size + 1 + length > limit:
            _flush(chunks, current)
            current, size = [], 0
        size += length + (1 if current else 0)
        current.append(line)
    _flush(chunks, current)
    return chunks


def _flush(chunks: list[str], lines: list[str]) -> None:
    chunk = "\n".join(lines)
    if chunk.strip():
        chunks.append(chunk)


def _bounded_lines(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        while utf16_len(line) > limit:
            cut = _cut_point(line, limit)
            lines.append(line[:cut].rstrip())
            line = line[cut:].lstrip(" ")
        lines.append(line)
    return lines


def _cut_point(line: str, limit: int) -> int:
    units = 0
    last_fit = 0
    for index, char in enumerate(line):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            break
        last_fit = index + 1
    space = line.rfind(" ", 0, last_fit)
    return space if space > last_fit // 2 else max(last_fit, 1)


def escape(text: str) -> str:
    """Escape plain text for Telegram's HTML parse mode (``<``, ``>``, ``&``)."""
    return html.escape(text, quote=False)


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    """The inline keyboard for engine buttons (None when there are none)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows if row]
    )


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    """Run one Bot API call, retrying network errors and 5xx with backoff.

    ``RetryAfter`` (429) is handled by PTB's ``AIORateLimiter`` first; if it still surfaces, its
    delay is honoured here. ``BadRequest`` and ``Forbidden`` are never retried.
    """
    for delay in (*_RETRY_DELAYS, None):
        try:
            return await call()
        except (BadRequest, Forbidden):
            raise
        except RetryAfter as exc:
            if delay is None:
                raise
            wait = exc.retry_after
            seconds = wait.total_seconds() if not isinstance(wait, int) else float(wait)
            await asyncio.sleep(seconds)
        except (TimedOut, NetworkError) as exc:
            if delay is None:
                raise
            logger.warning(
                "bot api call failed (%s); retrying in %.1fs", type(exc).__name__, delay
            )
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


async def _granted(*args: object, **kwargs: object) -> bool:
    return True


class TelegramSender:
    """Sends engine replies through a PTB ``Bot``; remembers progress messages to edit them."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._progress: OrderedDict[tuple[int, str], tuple[int, str]] = OrderedDict()
        self.on_progress_sent: ProgressSent | None = None
        """Scaled shape: notes a document's reading message for the worker that edits it."""

    def adopt_progress(self, chat_id: int, key: str, message_id: int) -> None:
        """Edit ``message_id`` (sent by another process) for the next replies keyed ``key``."""
        if (chat_id, key) not in self._progress:
            self._remember(chat_id, key, message_id, "")

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        """Deliver ``replies`` in order to the private chat ``chat_id``.

        Raises:
            NotPrivateChat: ``chat_id`` is a group or channel (negative id); nothing is sent.
            telegram.error.TelegramError: delivery failed after retries (e.g. the user blocked
                carnet), so callers such as the reminders dispatcher can retry later.
        """
        if chat_id <= 0:
            logger.error("refused %d replies to non-private chat %d", len(replies), chat_id)
            raise NotPrivateChat
        for reply in replies:
            await self._send_one(chat_id, reply)

    async def reserve(self, chat_id: int) -> None:
        """Wait for the rate limiter's leave to send one message to ``chat_id`` without a call.

        For a message carried by the webhook response (``bot.tg.inline``): Telegram counts it
        against the bot's limits like any other.
        """
        limiter = self.bot.rate_limiter if isinstance(self.bot, ExtBot) else None
        if limiter is None:
            return
        await limiter.process_request(
            callback=_granted,
            args=(),
            kwargs={},
            endpoint="sendMessage",
            data={"chat_id": chat_id},
            rate_limit_args=None,
        )

    async def send_notice(self, chat_id: int, text: str) -> None:
        """Send a plain notice (no record data) to any chat, e.g. why carnet leaves a group."""
        await with_retries(
            lambda: self.bot.send_message(chat_id, escape(text), parse_mode=ParseMode.HTML)
        )

    async def leave(self, chat_id: int) -> None:
        """Leave a group or channel."""
        try:
            await with_retries(lambda: self.bot.leave_chat(chat_id))
        except (BadRequest, Forbidden) as exc:
            logger.info("leave chat %d: %s", chat_id, type(exc).__name__)

    async def _send_one(self, chat_id: int, reply: Reply) -> None:
        if isinstance(reply, Text):
            await self._send_text(chat_id, reply)
        elif isinstance(reply, Image):
            await self._send_media(chat_id, reply.data, reply.filename, reply.caption, photo=True)
        elif isinstance(reply, File):
            await self._send_media(chat_id, reply.data, reply.filename, reply.caption, photo=False)
        elif isinstance(reply, ChatAction):
            await with_retries(lambda: self.bot.send_chat_action(chat_id, reply.action))
        elif isinstance(reply, LeaveChat):
            await self.leave(chat_id)

    async def _send_text(self, chat_id: int, reply: Text) -> None:
        chunks = split_text(reply.text)
        if not chunks:
            return
        markup = keyboard(reply.buttons)
        if reply.progress_key is not None:
            await self._send_progress(chat_id, reply.progress_key, chunks[0], markup)
            chunks = chunks[1:]
            if not chunks:
                return
        for index, chunk in enumerate(chunks):
            await self._send_chunk(chat_id, chunk, markup if index == len(chunks) - 1 else None)

    async def _send_chunk(
        self, chat_id: int, chunk: str, markup: InlineKeyboardMarkup | None
    ) -> Message:
        return await with_retries(
            lambda: self.bot.send_message(
                chat_id, escape(chunk), parse_mode=ParseMode.HTML, reply_markup=markup
            )
        )

    async def _send_progress(
        self, chat_id: int, key: str, chunk: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        known = self._progress.get((chat_id, key))
        if known is not None:
            message_id, shown = known
            if shown == chunk and markup is None:
                return
            try:
                await with_retries(
                    lambda: self.bot.edit_message_text(
                        escape(chunk),
                        chat_id=chat_id,
                        message_id=message_id,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup,
                    )
                )
                self._remember(chat_id, key, message_id, chunk)
                return
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return
                logger.info("progress message %d not editable; sending anew", message_id)
        message = await self._send_chunk(chat_id, chunk, markup)
        self._remember(chat_id, key, message.message_id, chunk)
        if self.on_progress_sent is not None:
            try:
                await self.on_progress_sent(chat_id, key, message.message_id)
            except Exception as exc:  # the message is shown; only later edits are lost
                logger.warning("progress message not noted: %s", type(exc).__name__)

    def _remember(self, chat_id: int, key: str, message_id: int, text: str) -> None:
        self._progress[(chat_id, key)] = (message_id, text)
        self._progress.move_to_end((chat_id, key))
        while len(self._progress) > _PROGRESS_MEMORY:
            self._progress.popitem(last=False)

    async def _send_media(
        self, chat_id: int, data: bytes, filename: str, caption: str | None, *, photo: bool
    ) -> None:
        short = caption if caption and utf16_len(caption) <= CAPTION_LIMIT else None
        html_caption = escape(short) if short else None

        async def call() -> object:
            upload = InputFile(data, filename=filename)
            if photo:
                return await self.bot.send_photo(
                    chat_id, upload, caption=html_caption, parse_mode=ParseMode.HTML
                )
            return await self.bot.send_document(
                chat_id, upload, caption=html_caption, parse_mode=ParseMode.HTML
            )

        await with_retries(call)
        if caption and short is None:
            await self._send_text(chat_id, Text(text=caption))
