"""Shared parts of the scaled-shape tests that drive the engine and a worker in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.bootstrap import Services, build_services
from bot.settings import Settings
from store.sql.jobs import DocumentJobs, UserLocks
from tests.fakes.bot_api import FakeBotApi

TOKEN = "515151:carnet-scaled"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fresh fake Telegram Bot API server on 127.0.0.1."""
    server = FakeBotApi(TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    """The services ``carnet run`` builds from the module's ``settings``."""
    built = build_services(settings)
    yield built
    built.close()


def jobs_of(services: Services) -> tuple[DocumentJobs, UserLocks]:
    """The scaled shape's job table and per-user locks."""
    jobs, locks = services.extra["jobs"], services.extra["locks"]
    assert isinstance(jobs, DocumentJobs) and isinstance(locks, UserLocks)
    return jobs, locks
