"""Page-by-page progress of a document read by a ``carnet worker`` (scaled shape), rate-limited.

The bot that queued the document sent its reading message ("Je lis votre document…") and noted
that message's id in the document's job (``DocumentJobs.note_message``, ``bot.tg.reading_notes``).
The worker reading the document adopts that message in its sender, edits it as pages are read
("page 2/3…") and records the pages read in the job; its summary then edits it into the outcome,
as the embedded shape does (``intake.PageProgress``). Edits are rate-limited: at most one per
page and one per ``every`` seconds (after a pause the latest page is shown, the ones in between
are skipped). Without a noted message nothing is shown page by page: progress never sends a new
message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from bot.engine import intake
from bot.engine.replies import Reply
from bot.i18n import Translator
from store.sql.jobs import ClaimedJob, DocumentJobs

log = logging.getLogger("carnet.worker")

EVERY_SECONDS = 1.0
"""At most one page edit of a reading message per this many seconds."""

RunIo = Callable[..., Awaitable[Any]]
"""Runs a blocking call (the job table) off the event loop: ``await run_io(fn, *args)``."""


@runtime_checkable
class AdoptingSender(Protocol):
    """A sender that can edit a progress message another process sent (``TelegramSender``)."""

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        """Deliver ``replies`` in order to ``chat_id``."""
        ...

    def adopt_progress(self, chat_id: int, key: str, message_id: int) -> None:
        """Edit ``message_id`` for the next replies keyed ``key``."""
        ...


def document_of(key: str) -> str | None:
    """The document id of a reading message's progress key (None: another kind of progress)."""
    prefix = intake.progress_key("")
    return key.removeprefix(prefix) if key.startswith(prefix) and key != prefix else None


async def adopt_reading_message(
    sender: object, jobs: DocumentJobs, run_io: RunIo, chat_id: int, document_id: str
) -> bool:
    """Let ``sender`` edit the document's reading message, if the bot noted it; whether it did."""
    if not isinstance(sender, AdoptingSender):
        return False
    progress = await run_io(jobs.progress, document_id)
    if progress is None or progress.message_id is None:
        return False
    sender.adopt_progress(chat_id, intake.progress_key(document_id), progress.message_id)
    return True


class WorkerProgress:
    """Edits one document's reading message page by page while a worker reads it.

    ``on_page`` is called from the extraction thread; one task on the event loop shows the
    pages in order. ``clock`` and ``sleep`` (monotonic seconds) are injectable: tests of the
    rate limit run on a fake clock.
    """

    def __init__(
        self,
        *,
        sender: Any,
        jobs: DocumentJobs,
        job: ClaimedJob,
        chat_id: int,
        tr: Translator,
        pages: int,
        run_io: RunIo,
        now: Callable[[], datetime],
        every: float = EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.sender = sender
        self.jobs = jobs
        self.job = job
        self.chat_id = chat_id
        self.tr = tr
        self.pages = pages
        self.run_io = run_io
        self.every = every
        self.clock = clock
        self.sleep = sleep
        self.now = now
        self.shown: list[int] = [1]
        """Pages shown: 1 is the bot's reading message itself."""
        self.read = 0
        self._latest = 1
        self._last_edit = float("-inf")
        self._adopted = False
        self._closed = False
        self._showing = False
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Adopt the bot's reading message and start showing pages (multi-page documents)."""
        await self._adopt()
        if self.pages > 1:
            self._task = asyncio.create_task(self._run())

    def on_page(self, done: int) -> None:
        """``done`` pages were read (extraction thread): show the next one, in time."""
        with contextlib.suppress(RuntimeError):  # a closing loop: nobody to show it to
            self._loop.call_soon_threadsafe(self._page_read, done)

    async def close(self) -> None:
        """Stop showing pages (the outcome follows) and record the pages read."""
        self._closed = True
        self._wake.set()
        if self._task is not None:
            if not self._showing:
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self.read:
            await self._record()

    def _page_read(self, done: int) -> None:
        self.read = max(self.read, done)
        following = done + 1
        if self._closed or following > self.pages or following <= self._latest:
            return
        self._latest = following
        self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._closed:
                return
            pause = self._last_edit + self.every - self.clock()
            if pause > 0:
                await self.sleep(pause)
                if self._closed:
                    return
            page = self._latest
            if page <= self.shown[-1]:
                continue
            self._showing = True
            try:
                await self._show(page)
            finally:
                self._showing = False

    async def _show(self, page: int) -> None:
        self.shown.append(page)
        self._last_edit = self.clock()
        try:
            await self._record()
            if not self._adopted and not await self._adopt():
                return  # the bot's message is unknown: no new message for progress
            message = intake.reading_message(self.tr, self.job.document_id, page, self.pages)
            await self.sender.send(self.chat_id, [message])
        except Exception as exc:  # a lost progress edit must not lose the document
            log.info(
                "page progress not shown job=%s error=%s", self.job.job_id, type(exc).__name__
            )

    async def _adopt(self) -> bool:
        self._adopted = await adopt_reading_message(
            self.sender, self.jobs, self.run_io, self.chat_id, self.job.document_id
        )
        return self._adopted

    async def _record(self) -> None:
        with contextlib.suppress(Exception):
            await self.run_io(
                self.jobs.record_progress,
                self.job.job_id,
                self.now(),
                pages_read=self.read,
                pages=self.pages,
            )
