"""Disk full while storing a document (SQLite limited with ``PRAGMA max_page_count``): the user
gets a clear message, nothing is half-written (no document, no record, the file checks out), and
once space is back the same document is stored normally."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.engine.engine import Engine, EngineConfig
from bot.engine.events import ButtonIn, CommandIn, FileIn, PhotoIn, TextIn, UserRef
from bot.engine.onboarding import CONSENT_YES
from bot.engine.replies import Text
from bot.i18n import translator
from store import open_store
from store.api import Store
from tests.fakes.clock import FakeClock
from tests.fakes.ocr import ScriptedExtractor, prescription
from tests.hardening.conftest import store_state


@pytest.fixture
def store(tmp_path: Path, master_key: bytes) -> Iterator[Any]:
    opened = open_store(f"sqlite:///{tmp_path / 'c.db'}", master_key)
    yield opened
    opened.close()


def texts(replies: list[Any]) -> str:
    return "\n".join(r.text for r in replies if isinstance(r, Text))


def limit_pages(store: Any, extra_pages: int | None) -> None:
    """Cap the SQLite file at its current size plus ``extra_pages`` (None: no cap)."""
    engine = store.engine
    for listener in getattr(store, "_test_caps", []):
        event.remove(engine, "connect", listener)
    store._test_caps = []
    engine.dispose()
    if extra_pages is None:
        return
    with engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()

    def cap(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + extra_pages}")

    event.listen(engine, "connect", cap)
    store._test_caps.append(cap)
    engine.dispose()


async def test_disk_full_while_storing_a_document_is_clear_and_consistent(store: Store):
    engine = Engine(
        store=store,
        clock=FakeClock(),
        extract=ScriptedExtractor(prescription("Doliprane 1000 mg")),
        config=EngineConfig(),
    )
    user = UserRef(user_id=1001, chat_id=1001, language_code="fr")
    await engine.handle(user, CommandIn(name="start", args=""))
    await engine.handle(user, ButtonIn(data=CONSENT_YES))
    before = store_state(store, user.user_id)
    original = b"\xff\xd8" + os.urandom(600_000)
    photo = PhotoIn(
        file=FileIn(name="p.jpg", data=original, media_type="image/jpeg", is_photo=True)
    )

    limit_pages(store, 20)  # room for small writes, not for a 600 KB original
    full = texts(await engine.handle(user, photo))
    assert full == translator("fr")("error.store_full")
    assert store_state(store, user.user_id) == before, "nothing half-written"
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    answered = texts(await engine.handle(user, TextIn(text="quels sont mes traitements ?")))
    assert answered and "Désolé" not in answered, "small reads and writes still served"

    limit_pages(store, None)  # space is back
    stored = texts(await engine.handle(user, photo))
    assert "Doliprane" in stored
    records, statuses = store_state(store, user.user_id)
    assert statuses["read"] == 1 and records == 0, "stored, waiting for confirmation"
