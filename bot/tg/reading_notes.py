"""Scaled shape: the bot notes the message showing a queued document's reading in its job.

The bot answers a document with a reading message ("Je lis votre document…") and queues the
reading for a ``carnet worker`` in another process. The worker can only edit that message page
by page, then into the outcome (``bot.jobs_queue.progress``), if it knows the message's id:
``note_reading_messages`` has the sender write it into the document's job when it sends it.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from bot.jobs_queue.progress import document_of
from bot.tg.outbound import TelegramSender


class MessageNotes(Protocol):
    """Where reading messages are noted (``store.sql.jobs.DocumentJobs``)."""

    def note_message(self, document_id: str, message_id: int) -> bool:
        """Remember the message showing a document's reading (blocking)."""
        ...


def note_reading_messages(sender: TelegramSender, notes: MessageNotes) -> None:
    """Have ``sender`` note each new document reading message it sends in ``notes``."""

    async def noted(chat_id: int, key: str, message_id: int) -> None:
        del chat_id
        document_id = document_of(key)
        if document_id is not None:
            await asyncio.to_thread(notes.note_message, document_id, message_id)

    sender.on_progress_sent = noted
