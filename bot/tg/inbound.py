"""Update → engine event: who speaks, what they sent, files downloaded within size limits.

=====================================  ============================================
Telegram update                        engine event
=====================================  ============================================
message with a leading bot_command     ``CommandIn(name, args)`` (``/start@bot x``)
message text                           ``TextIn``
photo (several sizes)                  ``PhotoIn`` of the largest size
document                               ``DocumentIn`` (file name and MIME type kept)
photos/documents with media_group_id   ``AlbumIn`` (grouped by ``AlbumCollector``)
callback query                         ``ButtonIn(data, message_id)``
file over the size limit               ``UnsupportedIn("file_too_big")``
sticker, voice, video, location...     ``UnsupportedIn(kind)``
edited message                         ``UnsupportedIn("edited_message")``
=====================================  ============================================
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Message, Update
from telegram.error import BadRequest

from bot.engine.events import (
    AlbumIn,
    ButtonIn,
    CommandIn,
    DocumentIn,
    Event,
    FileIn,
    PhotoIn,
    TextIn,
    UnsupportedIn,
    UserRef,
)
from bot.tg.exceptions import FileTooLarge
from bot.tg.outbound import with_retries

logger = logging.getLogger(__name__)

TOO_LARGE = "file_too_big"
EDITED = "edited_message"
OTHER = "other"
UNSUPPORTED_KINDS = (
    "sticker",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)
"""Message kinds carnet cannot use, passed to the engine as ``UnsupportedIn(kind)``."""


def user_ref(update: Update) -> UserRef | None:
    """The speaker of ``update`` (None for updates without a user and a chat)."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return None
    return UserRef(
        user_id=user.id,
        chat_id=chat.id,
        language_code=user.language_code,
        first_name=user.first_name,
        chat_type=str(chat.type),
    )


@dataclass(frozen=True)
class Attachment:
    """What a message carries as a file, before download."""

    file_id: str
    size: int | None
    name: str
    media_type: str | None
    is_photo: bool
    width: int | None = None
    height: int | None = None


def attachment_of(message: Message) -> Attachment | None:
    """The photo (largest size) or document of ``message``, if any."""
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return Attachment(
            file_id=largest.file_id,
            size=largest.file_size,
            name=f"photo_{largest.file_unique_id}.jpg",
            media_type="image/jpeg",
            is_photo=True,
            width=largest.width,
            height=largest.height,
        )
    if message.document:
        doc = message.document
        return Attachment(
            file_id=doc.file_id,
            size=doc.file_size,
            name=doc.file_name or f"document_{doc.file_unique_id}",
            media_type=doc.mime_type,
            is_photo=False,
        )
    return None


async def download(bot: Bot, attachment: Attachment, max_bytes: int) -> FileIn:
    """Fetch the file through getFile and the file URL, refusing anything over ``max_bytes``.

    Network errors, timeouts and 5xx are retried with backoff (``outbound.with_retries``).

    Raises:
        FileTooLarge: the declared size, Telegram's answer or the downloaded bytes exceed a limit.
    """
    if attachment.size is not None and attachment.size > max_bytes:
        raise FileTooLarge
    try:
        telegram_file = await with_retries(lambda: bot.get_file(attachment.file_id))
    except BadRequest as exc:
        if "too big" in str(exc).lower():
            raise FileTooLarge from None
        raise
    if telegram_file.file_size is not None and telegram_file.file_size > max_bytes:
        raise FileTooLarge
    data = bytes(await with_retries(telegram_file.download_as_bytearray))
    if len(data) > max_bytes:
        raise FileTooLarge
    return FileIn(
        name=attachment.name,
        data=data,
        media_type=attachment.media_type,
        is_photo=attachment.is_photo,
        width=attachment.width,
        height=attachment.height,
    )


def command_of(message: Message) -> CommandIn | None:
    """``CommandIn`` when the message starts with a bot command entity."""
    text = message.text or ""
    entities = message.entities or ()
    if not text.startswith("/") or not any(
        e.type == "bot_command" and e.offset == 0 for e in entities
    ):
        return None
    head, _, args = text.partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    return CommandIn(name=name, args=args.strip())


def unsupported_kind(message: Message) -> str:
    """The kind of a message carnet cannot use (``sticker``, ``voice``..., else ``other``)."""
    for kind in UNSUPPORTED_KINDS:
        if getattr(message, kind, None):
            return kind
    return OTHER


async def event_of(update: Update, bot: Bot, max_bytes: int) -> Event | None:
    """The engine event for a non-album update (None when there is nothing to say)."""
    if update.callback_query is not None:
        query = update.callback_query
        message_id = query.message.message_id if query.message is not None else None
        return ButtonIn(data=query.data or "", message_id=message_id)
    if update.edited_message is not None:
        return UnsupportedIn(what=EDITED)
    message = update.message
    if message is None:
        return None
    command = command_of(message)
    if command is not None:
        return command
    attachment = attachment_of(message)
    if attachment is not None:
        try:
            file_in = await download(bot, attachment, max_bytes)
        except FileTooLarge:
            return UnsupportedIn(what=TOO_LARGE)
        if attachment.is_photo:
            return PhotoIn(file=file_in, caption=message.caption)
        return DocumentIn(file=file_in, caption=message.caption)
    if message.text is not None:
        return TextIn(text=message.text, update_id=update.update_id)
    return UnsupportedIn(what=unsupported_kind(message))


@dataclass
class _Album:
    user: UserRef
    parts: list[tuple[int, FileIn]] = field(default_factory=list)
    caption: str | None = None
    too_large: bool = False
    last_added: float = field(default_factory=time.monotonic)


MAX_ALBUM_ITEMS = 10
"""Telegram's own limit on an album; more items under one ``media_group_id`` are dropped."""

AlbumDispatch = Callable[[UserRef, Event], Awaitable[None]]
TaskStarter = Callable[[Coroutine[Any, Any, None]], object]


class AlbumCollector:
    """Groups the photos/documents of one album (same ``media_group_id``) into one ``AlbumIn``.

    Telegram sends an album as one update per item, a few milliseconds apart. Each item is
    downloaded as it comes; ``delay`` seconds after the last one, the album goes to the engine.
    """

    def __init__(self, dispatch: AlbumDispatch, start_task: TaskStarter, delay: float) -> None:
        self._dispatch = dispatch
        self._start_task = start_task
        self.delay = delay
        self._albums: dict[tuple[int, str], _Album] = {}

    async def add(self, update: Update, bot: Bot, max_bytes: int) -> None:
        """Download the item of ``update`` and hold it until its album is complete."""
        message = update.message
        user = user_ref(update)
        if message is None or user is None or message.media_group_id is None:
            return
        attachment = attachment_of(message)
        if attachment is None:
            return
        key = (user.chat_id, message.media_group_id)
        album = self._albums.get(key)
        if album is None:
            album = self._albums[key] = _Album(user=user)
            self._start_task(self._flush_later(key))
        album.last_added = time.monotonic()
        if len(album.parts) >= MAX_ALBUM_ITEMS:
            logger.warning("album over %d items: extra item dropped", MAX_ALBUM_ITEMS)
            return
        try:
            album.parts.append((message.message_id, await download(bot, attachment, max_bytes)))
        except FileTooLarge:
            album.too_large = True
        album.caption = album.caption or message.caption
        album.last_added = time.monotonic()

    async def _flush_later(self, key: tuple[int, str]) -> None:
        while True:
            album = self._albums[key]
            remaining = album.last_added + self.delay - time.monotonic()
            if remaining <= 0:
                break
            await asyncio.sleep(remaining)
        album = self._albums.pop(key)
        event: Event
        if album.too_large:
            event = UnsupportedIn(what=TOO_LARGE)
        else:
            files = [f for _, f in sorted(album.parts, key=lambda part: part[0])]
            event = AlbumIn(files=files, caption=album.caption)
        logger.info("album complete chat=%d parts=%d", album.user.chat_id, len(album.parts))
        await self._dispatch(album.user, event)
