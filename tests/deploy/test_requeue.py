"""``carnet jobs requeue``: documents left ``received`` without a job (stored before the outbox)
get one, a worker reads them and their owner gets the summary; nothing else is touched.

Real parts: the scaled engine on PostgreSQL, the real extraction (text-layer PDFs), the CLI, the
worker with its Bot API sender and the fake Bot API over HTTP. A document "from before the
outbox" is made by deleting the job the engine stored with it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete

from bot.bootstrap import Services
from bot.cli import main
from bot.engine.events import DocumentIn, FileIn
from bot.engine.intake import OK as INTAKE_OK
from bot.jobs_queue.requeue import requeue_received
from bot.settings import Settings
from bot.tg.standalone import standalone_sender
from bot.worker import Worker
from store.sql.jobs import DocumentJobs
from store.sql.schema import document_jobs
from tests.bot.conftest import Chat
from tests.deploy.conftest import jobs_of
from tests.fakes.bot_api import FakeBotApi
from tests.synthetic.corpus import build_document
from tests.synthetic.render import text_pdf
from tests.telegram.conftest import telegram_settings

pytestmark = pytest.mark.postgres

LEASE = timedelta(seconds=30)


def lab_pdf(index: int) -> bytes:
    _, draft = build_document(7, "lab_report", index)
    return text_pdf(draft.writer.pages, "bilan")


@pytest.fixture
def settings(
    api: FakeBotApi,
    data_dir: Path,
    master_key: bytes,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    """The scaled shape's settings, also in the environment the CLI reads."""
    env = {
        "CARNET_DATA_DIR": str(data_dir),
        "CARNET_DATABASE_URL": postgres_url,
        "CARNET_MASTER_KEY": master_key.hex(),
        "CARNET_QUEUE": "postgres",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return telegram_settings(api, data_dir, master_key, postgres_url, CARNET_QUEUE="postgres")


async def sends_a_pdf(services: Services, user_id: int, pdf: bytes) -> str:
    """An onboarded user sends ``pdf`` to the scaled engine; the id of the stored document."""
    chat = Chat(services.engine, user_id=user_id)
    await chat.onboard()
    file = FileIn(name="bilan.pdf", data=pdf, media_type="application/pdf")
    await chat.send(DocumentIn(file=file))
    with services.store.vault(user_id) as vault:
        [document] = vault.list_documents()
    return document.id


def forget_job(jobs: DocumentJobs, document_id: str) -> None:
    """As if the document had been stored before its job was written with it."""
    with jobs.engine.begin() as conn:
        conn.execute(delete(document_jobs).where(document_jobs.c.document_id == document_id))


async def work(services: Services, settings: Settings) -> int:
    """A worker reads every ready job; how many it read."""
    jobs, locks = jobs_of(services)
    read = 0
    async with standalone_sender(settings) as sender:
        worker = Worker(services, jobs, locks, sender, slots=1, lease=LEASE, max_attempts=3)
        while job := await asyncio.to_thread(jobs.claim, services.clock.now(), lease=LEASE):
            await worker.process(job)
            read += 1
    return read


async def test_a_received_document_without_a_job_is_queued_read_and_summarised(
    api: FakeBotApi, services: Services, settings: Settings, capsys: pytest.CaptureFixture[str]
):
    jobs, _ = jobs_of(services)
    stuck = await sends_a_pdf(services, 4001, lab_pdf(1))
    forget_job(jobs, stuck)  # received, never read, no job: no worker will ever see it
    done = await sends_a_pdf(services, 4002, lab_pdf(0))
    alice, bob = api.user(4001), api.user(4002)
    assert await work(services, settings) == 1, "bob's document is read"
    assert any(INTAKE_OK in " ".join(c.callback_data) for c in bob.replies())
    assert jobs.forget_finished(services.clock.now() + timedelta(days=1)) == 1
    assert jobs.states() == {}, "bob's document was read; its finished job is forgotten"
    capsys.readouterr()

    assert main(["jobs", "requeue", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 received document(s) without a job would be queued (dry run); "
        "2 document(s) without a job checked"
    ]
    assert jobs.states() == {}, "a dry run queues nothing"
    one_by_one = requeue_received(
        services.store, jobs, before=services.clock.now(), dry_run=True, batch=1
    )
    assert (one_by_one.without_job, one_by_one.queued) == (2, 1), "batches add up"

    assert main(["jobs", "requeue"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 received document(s) without a job queued for reading; "
        "2 document(s) without a job checked"
    ]
    assert jobs.states() == {stuck: "queued"}, "only the unread document, not bob's read one"
    assert main(["jobs", "requeue"]) == 0
    assert capsys.readouterr().out.startswith("0 received document(s)"), "idempotent"

    assert await work(services, settings) == 1
    summaries = [c for c in alice.replies() if INTAKE_OK in " ".join(c.callback_data)]
    assert len(summaries) == 1 and "analyses" in summaries[0].text, "alice gets her summary"
    assert jobs.states() == {stuck: "done"}
    with services.store.vault(4002) as vault:
        assert vault.get_document(done, with_pages=False) is not None
    again = [c for c in bob.replies() if INTAKE_OK in " ".join(c.callback_data)]
    assert len(again) == 1, "bob's read document was not read again"


def test_requeue_needs_the_scaled_shape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("CARNET_DATA_DIR", str(tmp_path))  # SQLite, in-process queue
    assert main(["jobs", "requeue"]) == 2
    assert capsys.readouterr().err.strip() == (
        "carnet: carnet jobs requeue needs CARNET_QUEUE=postgres and PostgreSQL"
    )
