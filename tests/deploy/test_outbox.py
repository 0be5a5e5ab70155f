"""Scaled shape: a stored document always has its job, whatever instant the bot is killed at.

A real bot process (``tests.deploy.crash_after_store``) SIGKILLs itself while a photo is being
stored: inside the transaction that writes the document and its job, or right after it commits
(where the job used to be queued in a second transaction: a kill there left the document
unqueued for ever). Afterwards the database holds both or neither, and a worker reads the
document exactly once; a duplicate enqueue or a second run of its job reads nothing more.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.bootstrap import Services, build_services
from bot.settings import Settings
from bot.worker import Worker
from store.records import DocumentStatus
from store.sql.jobs import DocumentJobs, UserLocks
from tests.bot.conftest import Chat
from tests.deploy.cluster import ROOT
from tests.deploy.test_worker import RecordingSender
from tests.fakes.ocr import ScriptedExtractor, prescription

LEASE = timedelta(seconds=30)
USER = 7001


async def killed_while_storing(url: str, key: bytes, folder: Path, point: str) -> None:
    """Run the bot process until it SIGKILLs itself at ``point``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(ROOT)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.deploy.crash_after_store",
        url,
        key.hex(),
        str(folder / "data"),
        str(USER),
        point,
        env=env,
        cwd=ROOT,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == -signal.SIGKILL, err.decode(errors="replace")[-3000:]


@pytest.fixture
def services(database_url: str, master_key: bytes, tmp_path: Path) -> Iterator[Services]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, queue="postgres")
    extract = ScriptedExtractor(prescription("Doliprane 1000 mg"))
    built = build_services(settings, extract=extract, master_key=master_key)
    yield built
    built.close()


def documents(services: Services) -> dict[str, DocumentStatus]:
    with services.store.vault(USER, create=False) as vault:
        return {d.id: d.status for d in vault.list_documents()}


async def read_all(services: Services, sender: RecordingSender) -> list[str]:
    """A worker processes every ready job; the ids of the documents it ran."""
    jobs, locks = services.extra["jobs"], services.extra["locks"]
    assert isinstance(jobs, DocumentJobs) and isinstance(locks, UserLocks)
    worker = Worker(services, jobs, locks, sender, slots=1, lease=LEASE, max_attempts=3)
    ran = []
    while (job := jobs.claim(services.clock.now(), lease=LEASE)) is not None:
        await worker.process(job)
        ran.append(job.document_id)
    return ran


@pytest.mark.slow
@pytest.mark.parametrize("point", ["in_transaction", "after_commit"])
async def test_a_bot_killed_while_storing_leaves_the_document_with_its_job_or_not_at_all(
    database_url: str, master_key: bytes, tmp_path: Path, point: str
):
    await killed_while_storing(database_url, master_key, tmp_path, point)
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, queue="postgres")
    extract = ScriptedExtractor(prescription("Doliprane 1000 mg"))
    services = build_services(settings, extract=extract, master_key=master_key)
    try:
        jobs = services.extra["jobs"]
        assert isinstance(jobs, DocumentJobs)
        stored = documents(services)
        if point == "in_transaction":
            assert stored == {} and jobs.states() == {}, "neither the document nor its job"
            chat = Chat(services.engine, user_id=USER)
            await chat.photo()  # the user sends it again (they never saw "reading…")
            stored = documents(services)
        [document_id] = stored
        assert stored[document_id] == DocumentStatus.RECEIVED
        assert jobs.states() == {document_id: "queued"}, "the stored document has its job"

        sender = RecordingSender()
        assert await read_all(services, sender) == [document_id]
        assert len(extract.calls) == 1 and len(sender.summaries()) == 1, "read exactly once"
        assert documents(services) == {document_id: DocumentStatus.READ}
        assert jobs.states() == {document_id: "done"}

        # Idempotent: the job is keyed by the document, the worker checks the document's state.
        with services.store.vault(USER, create=False) as vault:
            ids = vault.account_id, vault.profile_id
        assert not jobs.enqueue(*ids, document_id, services.clock.now())
        assert await read_all(services, sender) == []
        assert len(extract.calls) == 1
    finally:
        services.close()


async def test_every_received_photo_is_queued_in_its_own_transaction(services: Services):
    chat = Chat(services.engine, user_id=USER)
    await chat.onboard()
    for _ in range(3):
        await chat.photo()
    jobs = services.extra["jobs"]
    assert isinstance(jobs, DocumentJobs)
    stored = documents(services)
    assert len(stored) == 3 and jobs.states() == dict.fromkeys(stored, "queued")
    sender = RecordingSender()
    assert sorted(await read_all(services, sender)) == sorted(stored)
    assert len(sender.summaries()) == 3
