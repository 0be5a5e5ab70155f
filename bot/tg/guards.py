"""Who may talk to carnet, where, and how fast: private chats only, allow-list, per-user rate.

Threat model. carnet holds health data; Telegram ids are public and anyone can message a bot.
- Groups and channels: anything said there is seen by every member, so carnet never answers with
  record data outside a private chat. A group gets one explanation (no record data) and the bot
  leaves. The sender adds a second barrier: engine replies to a non-private chat id are dropped.
- Strangers on a private instance: with ``CARNET_ALLOWED_USER_IDS`` set, anyone else gets one
  refusal and nothing reaches the engine (no account is created for them).
- Flooding: a per-user sliding window (``CARNET_RATE_LIMIT_PER_MINUTE``) drops the excess with
  one notice per window, so one user cannot monopolise OCR workers. An album counts once.
Accepted risks: the limits are per instance and in memory (several replicas multiply them; a
restart resets them); user ids are trusted as Telegram reports them.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from telegram import Update
from telegram.constants import ChatType


def is_private(update: Update) -> bool:
    """Whether the update comes from a private chat (updates without a chat count as private)."""
    chat = update.effective_chat
    return chat is None or chat.type == ChatType.PRIVATE


def joined_group(update: Update) -> bool:
    """Whether the update says the bot was just added to (or promoted in) a group or channel."""
    member = update.my_chat_member
    if member is None:
        return False
    return member.new_chat_member.status in {"member", "administrator", "restricted"}


def left_group(update: Update) -> bool:
    """Whether the update says the bot is no longer in the chat (left, kicked)."""
    member = update.my_chat_member
    return member is not None and member.new_chat_member.status in {"left", "kicked"}


class AllowList:
    """The optional allow-list of Telegram user ids (None: everyone may use carnet)."""

    def __init__(self, allowed: frozenset[int] | None) -> None:
        self.allowed = allowed
        self._refused: set[int] = set()

    def permits(self, user_id: int) -> bool:
        """Whether ``user_id`` may use carnet."""
        return self.allowed is None or user_id in self.allowed

    def first_refusal(self, user_id: int) -> bool:
        """True the first time ``user_id`` is refused (so they are told once)."""
        if user_id in self._refused:
            return False
        self._refused.add(user_id)
        return True


class RateLimiter:
    """Sliding one-minute window of events per user."""

    def __init__(
        self, per_minute: int, clock: Callable[[], float] = time.monotonic, window: float = 60.0
    ) -> None:
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._events: dict[int, deque[float]] = {}
        self._warned_at: dict[int, float] = {}
        self._albums: dict[int, str] = {}

    def allow(self, user_id: int, media_group_id: str | None = None) -> bool:
        """Count one event for ``user_id``; False when over the limit (the event is dropped)."""
        if self.per_minute <= 0:
            return True
        if media_group_id is not None:
            if self._albums.get(user_id) == media_group_id:
                return True
            self._albums[user_id] = media_group_id
        now = self._clock()
        events = self._events.setdefault(user_id, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.per_minute:
            return False
        events.append(now)
        return True

    def should_warn(self, user_id: int) -> bool:
        """True at most once per window for a user who is being limited."""
        now = self._clock()
        last = self._warned_at.get(user_id)
        if last is not None and now - last < self.window:
            return False
        self._warned_at[user_id] = now
        return True


class GroupMemory:
    """Groups already told why carnet does not work there (explain once, then leave)."""

    def __init__(self) -> None:
        self._explained: set[int] = set()

    def first_time(self, chat_id: int) -> bool:
        """True the first time carnet meets ``chat_id``."""
        if chat_id in self._explained:
            return False
        self._explained.add(chat_id)
        return True
