"""Handler registration: guard groups first, then one catch-all that feeds the engine.

==========  ===================================================================
group       what runs
==========  ===================================================================
-4          replay guard: an update id already seen (redelivery after a restart) stops
-3          chat guard: groups and channels get one explanation, then the bot leaves
-2          user guard: allow-list, then the per-user rate limit
0           the engine: update → event → ``Engine.handle`` → replies → Bot API
==========  ===================================================================
A guard that refuses an update raises ``ApplicationHandlerStop``: later groups never see it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram import Update
from telegram.constants import ChatAction as TgChatAction
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.engine.events import Event, UnsupportedIn, UserRef
from bot.engine.replies import LeaveChat, Reply, Text
from bot.tg import inbound
from bot.tg.guards import AllowList, GroupMemory, RateLimiter, is_private, joined_group, left_group
from bot.tg.health import Metrics
from bot.tg.inline import InlineReplies, inline_message
from bot.tg.outbound import TelegramSender
from bot.tg.texts import localised

logger = logging.getLogger(__name__)

GUARD_REPLAY_GROUP = -4
GUARD_CHAT_GROUP = -3
GUARD_USER_GROUP = -2
ENGINE_GROUP = 0

GROUP_EVENT = "group_chat"
"""``UnsupportedIn.what`` sent to the engine for a group; it answers why and ``LeaveChat``."""

Emit = Callable[[Reply], Awaitable[None]]
SeenUpdate = Callable[[int], bool]
"""Records an update id, True if already seen (``store.api.Store.seen_update``; blocking)."""


class Conversation(Protocol):
    """The part of the engine the adapter uses."""

    async def handle(self, user: UserRef, event: Event, emit: Emit | None = None) -> list[Reply]:
        """Answer one event from ``user``."""
        ...


Context = ContextTypes.DEFAULT_TYPE


class Adapter:
    """The Telegram side of the conversation: guards, inbound conversion, delivery."""

    def __init__(
        self,
        engine: Conversation,
        sender: TelegramSender,
        *,
        allow_list: AllowList,
        rate_limiter: RateLimiter,
        max_bytes: int,
        default_language: str,
        album_delay: float,
        seen_update: SeenUpdate | None = None,
    ) -> None:
        self.engine = engine
        self.seen_update = seen_update
        self.metrics = Metrics()
        self.sender = sender
        self.allow_list = allow_list
        self.rate_limiter = rate_limiter
        self.max_bytes = max_bytes
        self.default_language = default_language
        self.groups = GroupMemory()
        self.album_delay = album_delay
        self.albums: inbound.AlbumCollector | None = None
        self.inline = InlineReplies()
        """Answers the webhook server waits for (empty in long polling)."""

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Install the guards and the engine handler on ``app``."""

        def start_task(coroutine: Any) -> object:
            return app.create_task(coroutine, name="carnet-album")

        self.albums = inbound.AlbumCollector(self.dispatch, start_task, self.album_delay)
        if self.seen_update is not None:
            app.add_handler(TypeHandler(Update, self.guard_replay), group=GUARD_REPLAY_GROUP)
        app.add_handler(TypeHandler(Update, self.guard_chat), group=GUARD_CHAT_GROUP)
        app.add_handler(TypeHandler(Update, self.guard_user), group=GUARD_USER_GROUP)
        app.add_handler(TypeHandler(Update, self.on_update), group=ENGINE_GROUP)

    def text(self, key: str, language_code: str | None) -> str:
        """The message ``key`` in the user's client language (engine catalogues)."""
        return localised(key, language_code, self.default_language)

    async def guard_replay(self, update: Update, context: Context) -> None:
        """Drop an update delivered twice (the last polled batch after a crash, a webhook retry).

        A store failure lets the update through: a rare duplicate beats a lost message.
        """
        assert self.seen_update is not None
        try:
            seen = await asyncio.to_thread(self.seen_update, update.update_id)
        except Exception as exc:
            logger.warning("update dedup unavailable: %s", type(exc).__name__)
            return
        if seen:
            logger.info("update %d already handled; skipped", update.update_id)
            self.metrics.refused["replay"] += 1
            raise ApplicationHandlerStop

    async def guard_chat(self, update: Update, context: Context) -> None:
        """Groups and channels: explain once (no record data) and leave; nothing else runs."""
        if is_private(update):
            if update.my_chat_member is not None:
                raise ApplicationHandlerStop  # blocked/unblocked in private: nothing to answer
            return
        chat = update.effective_chat
        assert chat is not None
        logger.info("refusing non-private chat %d (update %d)", chat.id, update.update_id)
        self.metrics.refused["group"] += 1
        if left_group(update) or not (
            joined_group(update) or update.effective_message or update.callback_query
        ):
            raise ApplicationHandlerStop
        if self.groups.first_time(chat.id):
            user = inbound.user_ref(update) or UserRef(
                user_id=0, chat_id=chat.id, chat_type=str(chat.type)
            )
            replies = await self.engine.handle(user, UnsupportedIn(what=GROUP_EVENT))
            for reply in replies:
                if isinstance(reply, Text):
                    await self.sender.send_notice(chat.id, reply.text)
        await self.sender.leave(chat.id)
        raise ApplicationHandlerStop

    async def guard_user(self, update: Update, context: Context) -> None:
        """Allow-list, then the per-user rate limit."""
        user = update.effective_user
        if user is None:
            raise ApplicationHandlerStop
        chat_id = update.effective_chat.id if update.effective_chat else user.id
        if not self.allow_list.permits(user.id):
            logger.info("user not on the allow-list (update %d)", update.update_id)
            self.metrics.refused["not_allowed"] += 1
            try:
                if self.allow_list.first_refusal(user.id):
                    await self.sender.send_notice(
                        chat_id, self.text("access.denied", user.language_code)
                    )
            finally:
                raise ApplicationHandlerStop
        message = update.message
        media_group = message.media_group_id if message is not None else None
        if not self.rate_limiter.allow(user.id, media_group):
            logger.info("rate limited (update %d)", update.update_id)
            self.metrics.refused["rate_limited"] += 1
            try:
                if update.callback_query is not None:
                    await _answer_quietly(update)
                if self.rate_limiter.should_warn(user.id):
                    notice = Text(text=self.text("rate.limited", user.language_code))
                    await self.sender.send(chat_id, [notice])
            finally:
                raise ApplicationHandlerStop

    async def on_update(self, update: Update, context: Context) -> None:
        """Turn the update into an engine event and deliver the engine's replies."""
        user = inbound.user_ref(update)
        if user is None:
            return
        if update.callback_query is not None:
            await _answer_quietly(update)
        message = update.message
        if message is not None and inbound.attachment_of(message) is not None:
            await self._typing(user.chat_id)
            if message.media_group_id is not None:
                assert self.albums is not None
                await self.albums.add(update, context.bot, self.max_bytes)
                return
        event = await inbound.event_of(update, context.bot, self.max_bytes)
        if event is None:
            return
        await self.dispatch(user, event, update.update_id)

    async def dispatch(self, user: UserRef, event: Event, update_id: int | None = None) -> None:
        """Hand ``event`` to the engine; send early replies as they come, then the rest.

        The last replies go in the webhook response when they are one plain message and the
        webhook server still waits for ``update_id`` (``bot.tg.inline``).
        """
        chat_id = user.chat_id
        started = time.perf_counter()
        self.metrics.updates[type(event).__name__] += 1

        async def emit(reply: Reply) -> None:
            await self.sender.send(chat_id, [reply])

        replies = await self.engine.handle(user, event, emit)
        if user.chat_type != "private":
            if any(isinstance(r, LeaveChat) for r in replies):
                await self.sender.leave(chat_id)
            return
        if not await self._answer_inline(chat_id, replies, update_id):
            await self.sender.send(chat_id, replies)
        self.metrics.observe_answer(time.perf_counter() - started)

    async def _answer_inline(
        self, chat_id: int, replies: list[Reply], update_id: int | None
    ) -> bool:
        if update_id is None or not self.inline.waiting(update_id):
            return False
        call = inline_message(chat_id, replies)
        if call is None:
            return False
        await self.sender.reserve(chat_id)  # the Bot API rate limit counts this message too
        if not self.inline.offer(update_id, call):
            return False
        self.metrics.inline_answers += 1
        return True

    async def _typing(self, chat_id: int) -> None:
        try:
            await self.sender.bot.send_chat_action(chat_id, TgChatAction.TYPING)
        except TelegramError as exc:
            logger.info("chat action failed: %s", type(exc).__name__)


async def _answer_quietly(update: Update) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer()
    except TelegramError as exc:
        logger.info("answerCallbackQuery failed: %s", type(exc).__name__)
