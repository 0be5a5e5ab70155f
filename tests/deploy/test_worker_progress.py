"""Scaled shape: the worker edits the bot's reading message page by page, then into the outcome.

Real parts: the PTB application (long polling) in front of the engine configured as a scaled bot
(``CARNET_QUEUE=postgres``: documents are queued, not read), PostgreSQL, the real extraction
(text-layer PDFs: no OCR, quick), ``carnet worker``'s ``Worker`` with its standalone Bot API
sender, and the fake Bot API over HTTP. The rate limit (one page edit per page and per second
at most) is also checked on a fake clock.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.bootstrap import Services
from bot.engine import intake
from bot.engine.intake import OK as INTAKE_OK
from bot.i18n import translator
from bot.jobs_queue.progress import WorkerProgress, document_of
from bot.settings import Settings
from bot.tg.application import TelegramOptions, build_application, polling, sender_of
from bot.tg.reading_notes import note_reading_messages
from bot.tg.standalone import standalone_sender
from bot.worker import Worker
from store.sql.jobs import ClaimedJob
from tests.bot.conftest import Chat
from tests.deploy.conftest import jobs_of
from tests.fakes.bot_api import ApiCall, FakeBotApi, FakeUser
from tests.synthetic.corpus import build_document
from tests.synthetic.render import text_pdf
from tests.telegram.conftest import onboard, telegram_settings

pytestmark = pytest.mark.postgres

LEASE = timedelta(seconds=30)
PAGE = re.compile(r"page (\d+)/(\d+)…")


def lab_pdf(*indexes: int) -> bytes:
    """A text-layer PDF of synthetic lab reports (lab_report 1 has two pages, 0 has one)."""
    pages: list[object] = []
    for index in indexes:
        _, draft = build_document(7, "lab_report", index)
        pages.extend(draft.writer.pages)
    return text_pdf(pages, "bilan")  # type: ignore[arg-type]


@pytest.fixture
def settings(api: FakeBotApi, data_dir: Path, master_key: bytes, postgres_url: str) -> Settings:
    return telegram_settings(api, data_dir, master_key, postgres_url, CARNET_QUEUE="postgres")


async def read_queued(
    services: Services, settings: Settings, *, every: float, noted: bool = True
) -> ClaimedJob:
    """What ``carnet worker`` does with the one queued job, with its own Bot API sender."""
    jobs, locks = jobs_of(services)
    job = None
    for _ in range(500):  # polls like the worker (the bot may hold the row a moment)
        job = await asyncio.to_thread(jobs.claim, services.clock.now(), lease=LEASE)
        if job is not None:
            break
        await asyncio.sleep(0.01)
    assert job is not None, "the bot queued the document"
    if noted:  # the bot notes its reading message just after Telegram confirmed it
        await until(lambda: (p := jobs.progress(job.document_id)) is not None and p.message_id)
    async with standalone_sender(settings) as sender:
        worker = Worker(
            services, jobs, locks, sender, slots=1, lease=LEASE, max_attempts=3,
            progress_every=every,
        )  # fmt: skip
        await worker.process(job)
    return job


def shown_until_summary(user: FakeUser, since: int) -> tuple[list[ApiCall], ApiCall]:
    """The user's sent and edited messages since ``since``, up to the summary, and the summary."""
    calls = [
        c
        for c in user.api.calls[since:]
        if c.chat_id == user.id and c.method in {"sendMessage", "editMessageText"}
    ]
    summary = next(c for c in calls if INTAKE_OK in " ".join(c.callback_data))
    return calls[: calls.index(summary)], summary


async def a_scaled_bot_reads(
    api: FakeBotApi, services: Services, settings: Settings, pdf: bytes, *, every: float
) -> tuple[FakeUser, list[ApiCall], ApiCall, ClaimedJob]:
    """A user of a scaled bot sends ``pdf``; a worker reads it; what the user saw."""
    app = build_application(settings, services.engine, TelegramOptions(album_delay=0.2))
    jobs, _ = jobs_of(services)
    note_reading_messages(sender_of(app), jobs)  # as ``carnet run`` does in the scaled shape
    async with polling(app, poll_timeout=5):
        alice = api.user(1001)
        await onboard(alice)
        since = alice.cursor
        await alice.send_document(pdf, file_name="bilan.pdf")
        await alice.expect_text("Je lis votre document")
        job = await read_queued(services, settings, every=every)
        await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=30)
        await api.wait_quiet(0.2)
    reading, summary = shown_until_summary(alice, since)
    return alice, reading, summary, job


async def test_the_worker_edits_the_bots_reading_message_page_by_page(
    api: FakeBotApi, services: Services, settings: Settings
):
    alice, reading, summary, job = await a_scaled_bot_reads(
        api, services, settings, lab_pdf(1, 0), every=0.0
    )
    first, *edits = reading
    assert first.method == "sendMessage" and first.text.startswith("📄 Je lis votre document")
    assert edits and all(c.method == "editMessageText" and c.error is None for c in edits)
    message_id = first.result["message_id"]
    assert {c.params["message_id"] for c in edits} == {message_id}, "one message, edited"
    pages = [PAGE.search(c.text) for c in edits[:-1]]
    shown = [(int(m[1]), int(m[2])) for m in pages if m]
    # Text pages read in milliseconds: the outcome is never delayed for a page still to be
    # shown, so the last page may be skipped when the reading ends first (rate limit: below).
    assert shown and shown == sorted(set(shown)) and set(shown) <= {(2, 3), (3, 3)}
    assert "Document lu (3 page(s))" in edits[-1].text and not PAGE.search(edits[-1].text)
    assert summary.method == "sendMessage" and "Sodium" in summary.text
    assert alice.visible_texts()[-2].startswith("📄 Document lu"), "no counter left behind"
    jobs, _ = jobs_of(services)
    progress = jobs.progress(job.document_id)
    assert progress is not None and progress.message_id == message_id
    assert (progress.pages_read, progress.pages) == (3, 3), "the job records the pages read"
    assert jobs.states() == {job.document_id: "done"}


async def test_page_edits_are_at_most_one_per_second(
    api: FakeBotApi, services: Services, settings: Settings
):
    # Text pages are read in milliseconds: the first page edit is made at once, the next ones
    # (if the reading lasts) a second apart at least; the outcome is shown at once.
    _, reading, _, _ = await a_scaled_bot_reads(
        api, services, settings, lab_pdf(1, 0, 4), every=1.0
    )
    first, *edits = reading
    page_edits = [c for c in edits if PAGE.search(c.text)]
    pages = [int(PAGE.search(c.text)[1]) for c in page_edits]  # type: ignore[index]
    assert pages and pages == sorted(set(pages)), "each page at most once, in order"
    assert all(b.at - a.at > 0.9 for a, b in itertools.pairwise(page_edits)), "a second apart"
    assert "Document lu (5 page(s))" in edits[-1].text
    assert {c.params["message_id"] for c in edits} == {first.result["message_id"]}


class FakeClock:
    """Monotonic seconds that only move when the progress waits (its ``sleep``)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def until(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Wait (real I/O: Bot API calls over HTTP) until ``condition`` holds."""
    for _ in range(int(within / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never met")


async def test_pages_read_faster_than_once_a_second_show_the_latest_after_the_pause(
    api: FakeBotApi, services: Services, settings: Settings
):
    chat = Chat(services.engine, user_id=3010)
    await chat.onboard()
    await chat.photo()  # stored and queued (scaled shape), not read
    jobs, _ = jobs_of(services)
    job = jobs.claim(services.clock.now(), lease=LEASE)
    assert job is not None
    api.user(3010)
    tr = translator("fr")
    async with standalone_sender(settings) as bot_side, standalone_sender(settings) as worker_side:
        note_reading_messages(bot_side, jobs)
        await bot_side.send(3010, intake.queued_replies(tr, job.document_id, 1))
        clock = FakeClock()
        progress = WorkerProgress(
            sender=worker_side, jobs=jobs, job=job, chat_id=3010, tr=tr, pages=6,
            run_io=lambda fn, *a, **k: asyncio.to_thread(fn, *a, **k),
            now=services.clock.now, every=1.0, clock=clock, sleep=clock.sleep,
        )  # fmt: skip
        await progress.start()
        edits: list[tuple[float, str]] = []
        edited = len(api.calls_of("editMessageText"))

        async def settle(count: int) -> None:
            await until(lambda: len(api.calls_of("editMessageText")) >= edited + count)
            call = api.calls_of("editMessageText")[edited + count - 1]
            edits.append((clock.now, PAGE.search(call.text)[0]))  # type: ignore[index]

        progress.on_page(1)  # at t=0: shown at once
        await settle(1)
        for done in (2, 3, 4):  # in the same instant: only the latest is shown, a second later
            progress.on_page(done)
        await settle(2)
        progress.on_page(5)
        await settle(3)
        progress.on_page(6)  # the last page read: nothing left to announce
        await progress.close()
    assert edits == [(0.0, "page 2/6…"), (1.0, "page 5/6…"), (2.0, "page 6/6…")]
    assert progress.shown == [1, 2, 5, 6], "at most one edit per page, one per second"
    calls = api.calls_of("editMessageText")[edited:]
    assert len(calls) == 3 and len({c.params["message_id"] for c in calls}) == 1
    recorded = jobs.progress(job.document_id)
    assert recorded is not None and (recorded.pages_read, recorded.pages) == (6, 6)


async def test_without_a_noted_message_no_progress_message_is_sent(
    api: FakeBotApi, services: Services, settings: Settings
):
    # A bot that did not note its reading message (an older bot, or the note failed): the
    # worker sends no page messages of its own; the outcome comes as a new message.
    app = build_application(settings, services.engine, TelegramOptions(album_delay=0.2))
    async with polling(app, poll_timeout=5):
        alice = api.user(1002)
        await onboard(alice)
        since = alice.cursor
        await alice.send_document(lab_pdf(1, 0), file_name="bilan.pdf")
        await alice.expect_text("Je lis votre document")
        await read_queued(services, settings, every=0.0, noted=False)
        await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=30)
        await api.wait_quiet(0.2)
    reading, _ = shown_until_summary(alice, since)
    assert [c.method for c in reading] == ["sendMessage", "sendMessage"]
    assert "Je lis votre document" in reading[0].text and "Document lu" in reading[1].text


def test_a_progress_key_names_its_document():
    assert document_of(intake.progress_key("abc123")) == "abc123"
    assert document_of("doc:") is None and document_of("reminder:1") is None
