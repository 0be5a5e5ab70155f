"""Embedded shape: a reading a crash cut short is read again at the next start, a bounded number
of times, then given up with a kind message in the owner's language (``bot.tg.recovery``).

A crash is modelled by ``Killed`` (a ``BaseException``, so nothing after it runs: no status,
no job update, no reply), raised from the extractor while it reads; the "restart" is new
services on the same database. The real SIGKILL of ``carnet run`` is in ``test_resume.py``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import Services, build_services
from bot.engine.engine import Engine
from bot.engine.events import ButtonIn
from bot.engine.intake import OK
from bot.engine.replies import Reply, Text
from bot.i18n import translator
from bot.jobs_queue.processing import GAVE_UP
from bot.settings import Settings
from bot.tg.recovery import resume_interrupted
from extraction.options import ExtractionOptions
from extraction.result import ExtractedDocument, InputFile
from store.records import Document, DocumentPage, DocumentStatus, Medication
from store.sql.database import make_engine
from store.sql.jobs import DocumentJobs
from tests.bot.conftest import Chat
from tests.fakes.clock import FakeClock
from tests.fakes.ocr import ScriptedExtractor, prescription


class Killed(BaseException):
    """The process dies here (SIGKILL): nothing after this point runs."""


class Reader:
    """Reads as a two-line prescription, or dies while reading when ``kill`` is set."""

    def __init__(self) -> None:
        self.kill = False
        self.scripted = ScriptedExtractor(prescription("Doliprane 1000 mg", "Amoxicilline 1 g"))
        self.attempts = 0

    def __call__(self, files: list[InputFile], options: ExtractionOptions) -> ExtractedDocument:
        self.attempts += 1
        if self.kill:
            raise Killed
        return self.scripted(files, options)


class Sender:
    """What the recovery sends, per chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, Reply]] = []

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        self.sent.extend((chat_id, r) for r in replies)

    def texts(self, chat_id: int) -> list[str]:
        return [r.text for c, r in self.sent if c == chat_id and isinstance(r, Text)]

    def confirm(self, chat_id: int) -> str:
        [data] = [
            b.data
            for c, r in self.sent
            if c == chat_id and isinstance(r, Text)
            for row in r.buttons
            for b in row
            if b.data.startswith(OK)
        ]
        return data


class Instance:
    """``carnet run`` in the embedded shape over one database, started again after each crash."""

    def __init__(self, url: str, master_key: bytes, folder: Path, max_attempts: int) -> None:
        self.settings = Settings(
            data_dir=folder / "data", database_url=url, job_max_attempts=max_attempts
        )
        self.master_key = master_key
        self.clock = FakeClock()
        self.reader = Reader()
        self.services: Services | None = None

    def start(self) -> Services:
        """(Re)start: new services; the clock moves on so the start is after every job."""
        if self.services is not None:
            self.services.close()
        self.clock.advance(minutes=2)
        self.services = build_services(
            self.settings, clock=self.clock, extract=self.reader, master_key=self.master_key
        )
        return self.services

    async def recover(self, sender: Sender) -> int:
        """What ``bot.tg.recovery`` runs right after the start."""
        assert self.services is not None
        started = self.clock.now()
        return await asyncio.wait_for(resume_interrupted(sender, self.services, started), 30)

    def close(self) -> None:
        if self.services is not None:
            self.services.close()


@pytest.fixture(autouse=True)
def no_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each restart would warm the NLU and charts up: not needed to read a document."""
    monkeypatch.setattr(Engine, "warm_up", lambda self: None)


@pytest.fixture
def instance(database_url: str, master_key: bytes, tmp_path: Path) -> Iterator[Instance]:
    running = Instance(database_url, master_key, tmp_path, max_attempts=3)
    yield running
    running.close()


def jobs_of(url: str) -> DocumentJobs:
    return DocumentJobs(make_engine(url, pool_size=1))


def document_of(services: Services, user_id: int) -> Document:
    with services.store.vault(user_id, create=False) as vault:
        [document] = vault.list_documents(with_pages=True)
    return document


def told(language: str, key: str, document: Document) -> str:
    tr = translator(language)
    local = document.received_at.astimezone(ZoneInfo("Europe/Paris"))
    return tr(key, date=tr.date(local.date()), time=local.strftime("%H:%M"))


async def test_a_reading_cut_short_is_read_again_at_start_and_confirmed_once(
    instance: Instance, database_url: str
):
    chat = Chat(instance.start().engine, user_id=1001)
    await chat.onboard()
    instance.reader.kill = True
    with pytest.raises(Killed):
        await chat.photo()  # the process dies in the middle of the OCR
    jobs = jobs_of(database_url)
    [document_id] = jobs.states()
    assert jobs.states() == {document_id: "running"} and jobs.attempts()[document_id] == 1

    instance.reader.kill = False
    services = instance.start()
    sender = Sender()
    assert await instance.recover(sender) == 1
    document = document_of(services, 1001)
    texts = sender.texts(1001)
    assert texts[0] == told("fr", "intake.resumed", document), "the owner learns why it comes now"
    assert any("Doliprane" in t for t in texts[1:]), "then the summary, with its buttons"
    assert document.status == DocumentStatus.READ
    assert jobs.states() == {document_id: "done"} and jobs.attempts()[document_id] == 2
    assert instance.reader.attempts == 2, "read once after the crash"

    chat = Chat(services.engine, user_id=1001)
    await chat.send(ButtonIn(data=sender.confirm(1001)))
    assert "Enregistré" in chat.text
    with services.store.vault(1001, create=False) as vault:
        assert len(vault.records(Medication)) == 2

    again = Sender()  # a later start finds nothing to do
    instance.start()
    assert await instance.recover(again) == 0
    assert again.sent == [] and instance.reader.attempts == 2
    jobs.engine.dispose()


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_document_that_kills_every_reading_is_given_up_and_its_owner_told(
    database_url: str, master_key: bytes, tmp_path: Path, language: str
):
    instance = Instance(database_url, master_key, tmp_path, max_attempts=2)
    try:
        chat = Chat(instance.start().engine, user_id=2002, language=language)
        await chat.onboard()
        instance.reader.kill = True  # this file kills the reader every time
        with pytest.raises(Killed):
            await chat.photo()  # attempt 1, in the message handler
        instance.start()
        with pytest.raises(Killed):
            await instance.recover(Sender())  # attempt 2, at the first restart
        services = instance.start()
        sender = Sender()
        assert await instance.recover(sender) == 1
        assert instance.reader.attempts == 2, "not read a third time: given up"
        document = document_of(services, 2002)
        assert sender.texts(2002) == [told(language, "intake.gave_up", document)]
        assert document.status == DocumentStatus.FAILED and document.failure_code == GAVE_UP
        assert document.pages, "the original stays in the user's documents"
        jobs = jobs_of(database_url)
        assert set(jobs.states().values()) == {"failed"}
        jobs.engine.dispose()

        later = Sender()
        instance.start()
        assert await instance.recover(later) == 0 and later.sent == [], "told once"
    finally:
        instance.close()


async def test_documents_left_received_without_a_job_are_read_the_new_ones_left_alone(
    instance: Instance,
):
    services = instance.start()
    chat = Chat(services.engine, user_id=3003)
    await chat.onboard()
    now = instance.clock.now()
    page = DocumentPage(filename="p.jpg", media_type="image/jpeg", content=b"\xff\xd8x")
    older = Document(received_at=now - timedelta(hours=1), pages=[page])  # before jobs existed
    with services.store.vault(3003) as vault:
        vault.add_document(older)
    with services.store.vault(4004) as vault:  # an erased account is skipped
        vault.set_chat_id(4004)
        vault.add_document(Document(received_at=now - timedelta(minutes=1), pages=[page]))
    services.store.erase_account(4004)

    services = instance.start()
    started = instance.clock.now()
    newer = Document(received_at=started + timedelta(seconds=1), pages=[page])
    with services.store.vault(3003) as vault:  # being read by the new process right now
        vault.add_document(newer)
    sender = Sender()
    assert await asyncio.wait_for(resume_interrupted(sender, services, started), 30) == 1
    with services.store.vault(3003, create=False) as vault:
        status = {d.id: d.status for d in vault.list_documents()}
    assert status == {older.id: DocumentStatus.READ, newer.id: DocumentStatus.RECEIVED}
    assert {chat_id for chat_id, _ in sender.sent} == {3003}


async def test_a_stop_during_the_recovery_gives_the_reading_back_without_spending_an_attempt(
    instance: Instance, database_url: str
):
    chat = Chat(instance.start().engine, user_id=5005)
    await chat.onboard()
    instance.reader.kill = True
    with pytest.raises(Killed):
        await chat.photo()
    instance.reader.kill = False
    reading, release = threading.Event(), threading.Event()
    read = instance.reader.__call__

    def slow(files: list[InputFile], options: ExtractionOptions) -> ExtractedDocument:
        reading.set()
        release.wait(10)
        return read(files, options)

    services = instance.start()
    services.engine.extract = slow  # the reading the stop comes in the middle of
    recovery = asyncio.create_task(instance.recover(Sender()))
    await asyncio.to_thread(reading.wait, 10)
    recovery.cancel()  # SIGTERM: asyncio.run cancels the task
    with pytest.raises(asyncio.CancelledError):
        await recovery
    release.set()
    jobs = jobs_of(database_url)
    assert list(jobs.states().values()) == ["queued"], "given back"
    assert list(jobs.attempts().values()) == [1], "only the crash counted, not the stop"
    jobs.engine.dispose()

    instance.start()
    sender = Sender()
    assert await instance.recover(sender) == 1
    assert any("Doliprane" in t for t in sender.texts(5005))


def test_sweep_of_an_empty_store_is_quiet(tmp_path: Path, master_key: bytes):
    instance = Instance(f"sqlite:///{tmp_path / 'empty.db'}", master_key, tmp_path, 3)
    try:
        instance.start()
        assert asyncio.run(instance.recover(Sender())) == 0
    finally:
        instance.close()
