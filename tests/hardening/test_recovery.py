"""The start-up sweep of documents a crash left half-read (``bot.engine.recovery``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine.recovery import INTERRUPTED, sweep_interrupted
from bot.i18n import translator
from store import open_store
from store.api import Store
from store.records import Document, DocumentPage, DocumentStatus, Language, UserProfile

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str, master_key: bytes) -> Iterator[Store]:
    opened = open_store(database_url, master_key)
    yield opened
    opened.close()


def received(at: datetime) -> Document:
    page = DocumentPage(filename="p.jpg", media_type="image/jpeg", content=b"\xff\xd8x")
    return Document(received_at=at, pages=[page])


def user_with(store: Store, user_id: int, language: Language, *docs: Document) -> None:
    with store.vault(user_id) as vault:
        vault.set_chat_id(user_id)
        vault.save_profile(
            UserProfile(language=language, language_chosen=True, timezone="Europe/Paris")
        )
        for doc in docs:
            vault.add_document(doc)


def test_documents_left_received_are_failed_and_their_owners_told_once(store: Store):
    early = received(START - timedelta(minutes=3))
    late = received(START + timedelta(seconds=1))  # arrived after the start: being read now
    user_with(store, 1001, Language.FR, early, late)
    user_with(store, 2002, Language.EN, received(START - timedelta(hours=1)))
    user_with(store, 3003, Language.FR)
    with store.vault(4004) as vault:  # erased accounts are skipped
        vault.set_chat_id(4004)
        vault.add_document(received(START - timedelta(minutes=1)))
    store.erase_account(4004)

    notices = {n.chat_id: n for n in sweep_interrupted(store, START, "fr")}

    assert set(notices) == {1001, 2002}
    fr = translator("fr")("intake.interrupted", date="10 mars 2026", time="09:57")
    assert notices[1001].reply.text == fr
    assert "restarted" in notices[2002].reply.text and "09:00" in notices[2002].reply.text
    with store.vault(1001, create=False) as vault:
        status = {d.id: (d.status, d.failure_code) for d in vault.list_documents()}
        pages = vault.get_document(early.id, with_pages=True)
    assert status[early.id] == (DocumentStatus.FAILED, INTERRUPTED)
    assert status[late.id] == (DocumentStatus.RECEIVED, None)
    assert pages is not None and pages.pages[0].content == b"\xff\xd8x", "original kept"
    assert sweep_interrupted(store, START, "fr") == [], "told once"


def test_sweep_of_an_empty_store_is_quiet(tmp_path: Path, master_key: bytes):
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}", master_key)
    try:
        assert sweep_interrupted(store, START, "fr") == []
    finally:
        store.close()
