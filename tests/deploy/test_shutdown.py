"""Graceful shutdown of a real ``carnet worker``: SIGTERM while Tesseract reads a photo.

The worker stops claiming, finishes the job in flight within its grace period (or gives it back
to the queue untried), and exits 0. Either way the document is read and summarised exactly once
and no attempt is spent on the shutdown. The give-back branch alone (an OCR longer than the
grace period) is ``test_worker.py::test_sigterm_gives_back_a_job_that_does_not_finish_in_time``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.bootstrap import build_services
from bot.settings import Settings
from store.sql.database import make_engine
from store.sql.jobs import DocumentJobs
from tests.bot.conftest import Chat
from tests.deploy.cluster import Cluster
from tests.deploy.test_scaled import (
    is_summary,
    prescription_image,
    wait_for_state,
    wait_for_tesseract,
)
from tests.fakes.bot_api import FakeBotApi

TOKEN = "777002:carnet-shutdown-test"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.tesseract,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs the tesseract binary"),
]


async def store_photo(url: str, master_key: bytes, folder: Path, user_id: int) -> None:
    """Onboard ``user_id`` and send the photo through the engine of a scaled-shape bot."""
    settings = Settings(data_dir=folder / "bot", database_url=url, queue="postgres")
    services = build_services(settings, master_key=master_key)
    try:
        chat = Chat(services.engine, user_id=user_id)
        await chat.onboard()
        await chat.photo(prescription_image(folder), name="photo.png")
    finally:
        services.close()


async def test_sigterm_finishes_or_returns_the_job_in_flight(
    postgres_url: str, master_key: bytes, tmp_path: Path
):
    api = FakeBotApi(TOKEN)
    await api.start()
    cluster = Cluster(api, postgres_url, master_key, tmp_path)
    jobs = DocumentJobs(make_engine(postgres_url, pool_size=1))
    try:
        await cluster.migrate()
        first = await cluster.start_worker("worker-1", CARNET_WORKERS="1")
        user = api.user(6001)
        await store_photo(postgres_url, master_key, tmp_path, user.id)  # what the bot does
        await wait_for_state(jobs, "running")
        await wait_for_tesseract(first.process.pid)
        assert await cluster.stop(first, within=60) == 0, first.log()[-3000:]
        assert "worker stopping in_flight=1" in first.log(), "SIGTERM came mid-job"
        [state] = jobs.states().values()
        assert state in {"done", "queued"}, "finished, or given back to the queue"
        assert list(jobs.attempts().values()) == [1 if state == "done" else 0]

        if state == "queued":  # given back: the next worker reads it
            await cluster.start_worker("worker-2", CARNET_WORKERS="1")
        await user.expect(is_summary, within=90)
        await wait_for_state(jobs, "done")
        await api.wait_quiet(1.0, within=30)
        assert len([c for c in user.replies() if is_summary(c)]) == 1, "summarised once"
        assert list(jobs.attempts().values()) == [1], "the shutdown cost no attempt"
    finally:
        await cluster.stop_all()
        jobs.engine.dispose()
        await api.stop()
