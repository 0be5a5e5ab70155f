"""Answers carried by the webhook HTTP response instead of a separate Bot API call.

Telegram lets a webhook answer its POST with one Bot API method call as JSON
(``{"method": "sendMessage", "chat_id": ..., "text": ...}``) and carries it out itself; the bot
saves a whole HTTPS request per answer. Telegram returns no result for it, so only a reply
nobody needs the ``Message`` of can go there: one plain text message (buttons allowed) to a
private chat. Anything else (files, photos, edits of progress messages, several messages, a
long text split in chunks) goes through the usual ``TelegramSender``.

The webhook server opens a slot per update and waits a bounded time for the turn to end; the
adapter offers the turn's answer to the open slot. A slot closed by the server's deadline
refuses the offer and the answer is sent the usual way, so nothing is lost either way.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.engine.replies import Reply, Text
from bot.tg.outbound import escape, keyboard, split_text

JsonDict = dict[str, Any]


def inline_message(chat_id: int, replies: list[Reply]) -> JsonDict | None:
    """The ``sendMessage`` call answering with ``replies``, when they are one plain message."""
    if chat_id <= 0 or len(replies) != 1:
        return None
    (reply,) = replies
    if not isinstance(reply, Text) or reply.progress_key is not None:
        return None
    chunks = split_text(reply.text)
    if len(chunks) != 1:
        return None
    call: JsonDict = {
        "method": "sendMessage",
        "chat_id": chat_id,
        "text": escape(chunks[0]),
        "parse_mode": "HTML",
    }
    markup = keyboard(reply.buttons)
    if markup is not None:
        call["reply_markup"] = markup.to_dict()
    return call


class InlineReplies:
    """Open slots, one per update the webhook server is waiting on (update id → future)."""

    def __init__(self) -> None:
        self._slots: dict[int, asyncio.Future[JsonDict | None]] = {}

    def open(self, update_id: int) -> asyncio.Future[JsonDict | None]:
        """A slot for ``update_id``; resolved by ``offer`` or ``close``."""
        slot: asyncio.Future[JsonDict | None] = asyncio.get_running_loop().create_future()
        self._slots[update_id] = slot
        return slot

    def waiting(self, update_id: int | None) -> bool:
        """Whether the server still waits for ``update_id``'s answer."""
        if update_id is None:
            return False
        slot = self._slots.get(update_id)
        return slot is not None and not slot.done()

    def offer(self, update_id: int, call: JsonDict) -> bool:
        """Hand ``call`` to the waiting server; False when it no longer waits (send it anyway)."""
        slot = self._slots.get(update_id)
        if slot is None or slot.done():
            return False
        slot.set_result(call)
        return True

    def close(self, update_id: int) -> None:
        """The update's turn ended without an answer for the response (or was dropped)."""
        slot = self._slots.get(update_id)
        if slot is not None and not slot.done():
            slot.set_result(None)

    async def wait(self, slot: asyncio.Future[JsonDict | None], within: float) -> JsonDict | None:
        """The call offered to ``slot`` within ``within`` seconds, else None."""
        if not slot.done():
            await asyncio.wait((slot,), timeout=within)
        return slot.result() if slot.done() else None

    def forget(self, update_id: int, slot: asyncio.Future[JsonDict | None]) -> JsonDict | None:
        """Stop waiting for ``update_id``: later offers are refused (sent the usual way).

        Returns a call already offered, for a server that could not answer with it.
        """
        if self._slots.get(update_id) is slot:
            del self._slots[update_id]
        if slot.done():
            return slot.result()
        slot.cancel()
        return None
