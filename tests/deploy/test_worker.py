"""``carnet worker``'s job handling in process: read once, reply, retry, give up and say so.

The engine runs in the scaled configuration (``CARNET_QUEUE=postgres``): a photo is stored and
queued, not read in the bot. The worker then reads it (scripted extraction: OCR itself is tested
in tests/extraction) and sends the summary through a recording sender.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import Services, build_services
from bot.engine import profiles
from bot.engine.events import ButtonIn
from bot.engine.intake import OK
from bot.engine.replies import Reply, Text
from bot.i18n import translator
from bot.jobs_queue.processing import GAVE_UP
from bot.settings import Settings
from bot.worker import Worker
from store.records import DocumentStatus
from store.sql.jobs import DocumentJobs, UserLocks
from tests.bot.conftest import Chat
from tests.fakes.ocr import ScriptedExtractor, prescription

LEASE = timedelta(seconds=30)


class RecordingSender:
    """Keeps what the worker sends; can fail the next sends like an unreachable Bot API."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, list[Reply]]] = []
        self.failures = 0

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Bot API unreachable")
        self.sent.append((chat_id, replies))

    def texts(self) -> list[str]:
        return [r.text for _, replies in self.sent for r in replies if isinstance(r, Text)]

    def summaries(self) -> list[str]:
        return [
            b.data
            for _, replies in self.sent
            for r in replies
            if isinstance(r, Text)
            for row in r.buttons
            for b in row
            if b.data.startswith(OK)
        ]


@pytest.fixture
def services(database_url: str, master_key: bytes, tmp_path: Path) -> Iterator[Services]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, queue="postgres")
    extract = ScriptedExtractor(prescription("Doliprane 1000 mg"))
    built = build_services(settings, extract=extract, master_key=master_key)
    yield built
    built.close()


def worker_for(services: Services, sender: RecordingSender, max_attempts: int = 3) -> Worker:
    jobs, locks = services.extra["jobs"], services.extra["locks"]
    assert isinstance(jobs, DocumentJobs) and isinstance(locks, UserLocks)
    return Worker(services, jobs, locks, sender, slots=1, lease=LEASE, max_attempts=max_attempts)


async def test_a_queued_photo_is_read_once_by_the_worker_and_confirmed(services: Services):
    chat = Chat(services.engine, user_id=3001)
    await chat.onboard()
    said = await chat.photo()
    assert "Je lis votre document" in said and "Doliprane" not in said, "queued, not read here"
    sender = RecordingSender()
    worker = worker_for(services, sender)
    job = worker.jobs.claim(services.clock.now(), lease=LEASE)
    assert job is not None
    await worker.process(job)
    assert [chat_id for chat_id, _ in sender.sent] == [3001]
    assert any("Doliprane" in t for t in sender.texts())
    [confirm] = sender.summaries()
    assert worker.jobs.states() == {job.document_id: "done"}
    assert worker.jobs.claim(services.clock.now() + LEASE * 2, lease=LEASE) is None
    await chat.send(ButtonIn(data=confirm))
    assert "Enregistré" in chat.text, "the user confirms what the worker read"


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_job_crashed_too_often_fails_for_good_and_the_user_is_told(
    services: Services, language: str
):
    chat = Chat(services.engine, user_id=3002, language=language)
    await chat.onboard()
    await chat.photo()
    sender = RecordingSender()
    worker = worker_for(services, sender, max_attempts=2)
    start = services.clock.now()
    for crash in range(2):  # two workers SIGKILLed mid-job: the lease expires each time
        assert worker.jobs.claim(start + LEASE * 2 * crash, lease=LEASE) is not None
    job = worker.jobs.claim(start + LEASE * 5, lease=LEASE)
    assert job is not None and job.attempts == 3
    await worker.process(job)
    with services.store.vault(3002) as vault:
        document = vault.get_document(job.document_id, with_pages=True)
    assert document is not None
    sent = document.received_at.astimezone(ZoneInfo("Europe/Paris"))
    tr = translator(language)
    told = tr("intake.gave_up", date=tr.date(sent.date()), time=sent.strftime("%H:%M"))
    assert sender.texts() == [told], "told once, in their language, which document it was"
    assert ("Je n'ai pas réussi" if language == "fr" else "I couldn't read") in told
    assert worker.jobs.states() == {job.document_id: "failed"}
    assert document.status == DocumentStatus.FAILED and document.failure_code == GAVE_UP
    assert document.pages, "the original is kept"
    assert worker.jobs.claim(start + LEASE * 50, lease=LEASE) is None, "never tried again"


async def test_an_unsent_summary_is_retried_and_sent_once_without_reading_again(
    services: Services,
):
    chat = Chat(services.engine, user_id=3003)
    await chat.onboard()
    await chat.photo()
    sender = RecordingSender()
    sender.failures = 1
    worker = worker_for(services, sender)
    extract = services.engine.extract
    assert isinstance(extract, ScriptedExtractor)
    job = worker.jobs.claim(services.clock.now(), lease=LEASE)
    assert job is not None
    await worker.process(job)
    assert sender.sent == [] and worker.jobs.states() == {job.document_id: "queued"}
    retry = worker.jobs.claim(services.clock.now() + timedelta(minutes=1), lease=LEASE)
    assert retry is not None and retry.attempts == 2
    await worker.process(retry)
    assert len(sender.summaries()) == 1, "the pending summary is shown once"
    assert len(extract.calls) == 1, "the document was read once"
    assert worker.jobs.states() == {job.document_id: "done"}


async def test_sigterm_gives_back_a_job_that_does_not_finish_in_time(
    services: Services, monkeypatch: pytest.MonkeyPatch
):
    import bot.worker

    monkeypatch.setattr(bot.worker, "SHUTDOWN_GRACE", 0.2)
    chat = Chat(services.engine, user_id=3004)
    await chat.onboard()
    await chat.photo()
    release = asyncio.Event()
    scripted = services.engine.extract

    def slow(files: list[object], options: object) -> object:
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=10)
        return scripted(files, options)  # type: ignore[arg-type]

    loop = asyncio.get_running_loop()
    services.engine.extract = slow  # type: ignore[assignment]
    worker = worker_for(services, RecordingSender())
    running = asyncio.create_task(worker.run())
    for _ in range(100):
        if worker.in_flight:
            break
        await asyncio.sleep(0.05)
    assert worker.in_flight, "the worker took the job"
    worker.stop.set()  # what SIGTERM does
    await asyncio.wait_for(running, timeout=5)
    release.set()
    assert [j.attempts for j in worker.given_back] == [1]
    assert set(worker.jobs.states().values()) == {"queued"}
    again = worker.jobs.claim(services.clock.now(), lease=LEASE)
    assert again is not None and again.attempts == 1, "a given-back job costs no attempt"


def test_carnet_worker_refuses_the_embedded_shape(tmp_path: Path):
    from bot.worker import run_worker

    settings = Settings(data_dir=tmp_path / "data")  # SQLite, in-process queue
    assert run_worker(settings) == 2


async def test_a_document_of_another_profile_is_queued_with_that_profile(services: Services):
    chat = Chat(services.engine, user_id=3005)
    await chat.onboard()
    await chat.say("/profil ajouter Léa")
    with services.store.vault(3005) as vault:
        default = vault.profile_id
    [child] = [p.profile_id for p in services.store.profiles(3005) if p.profile_id != default]
    with services.store.vault(3005) as vault:  # the child's record is the active one
        assert profiles.active_of(vault.get_dialogue(), default) == child
    await chat.photo()
    jobs = services.extra["jobs"]
    assert isinstance(jobs, DocumentJobs)
    job = jobs.claim(services.clock.now(), lease=LEASE)
    assert job is not None and job.profile_id == child
    with services.store.vault(3005, child) as vault:
        assert vault.get_document(job.document_id, with_pages=False) is not None
