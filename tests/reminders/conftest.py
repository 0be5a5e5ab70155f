"""Fixtures for reminder tests: a real store, a settable clock, a recording sender."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.engine.replies import Reply, Text
from store import Store, open_store
from tests.fakes.clock import FakeClock


class EchoMessages:
    """A translator that shows the key and its values, so tests can assert what was said."""

    def __call__(self, key: str, **values: object) -> str:
        inside = ",".join(f"{k}={v}" for k, v in sorted(values.items()))
        return f"{key}({inside})" if values else key


def echo_translators(language: str | None) -> EchoMessages:
    """Translator factory for the dispatcher."""
    return EchoMessages()


class RecordingSender:
    """A Sender that records what it delivered, and can fail or 'crash' on demand."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, list[Reply]]] = []
        self.fail_next = 0
        self.crash_after: int | None = None

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("network down")
        self.sent.append((chat_id, replies))
        if self.crash_after is not None and len(self.sent) >= self.crash_after:
            self.crash_after = None
            raise ProcessDied

    @property
    def texts(self) -> list[str]:
        return [r.text for _, replies in self.sent for r in replies if isinstance(r, Text)]


class ProcessDied(BaseException):
    """Stands for the process being killed right after a message left."""


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 27, 6, 0, tzinfo=UTC))


@pytest.fixture
def store(tmp_path, master_key: bytes) -> Iterator[Store]:
    s = open_store(f"sqlite:///{tmp_path / 'carnet.db'}", master_key, cache_profiles=0)
    yield s
    s.close()


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()
