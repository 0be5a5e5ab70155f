"""A multi-page document in Telegram: the reading message is edited in place page by page
("page 2/3…"), then into the outcome, before the summary arrives. Real engine, real extraction
(text-layer PDFs: no OCR, quick), real PTB, fake Bot API over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.engine.intake import OK as INTAKE_OK
from tests.fakes.bot_api import ApiCall, FakeBotApi, FakeUser
from tests.synthetic.corpus import build_document
from tests.synthetic.render import text_pdf
from tests.telegram.conftest import onboard

pytestmark = pytest.mark.usefixtures("carnet")

PAGE = re.compile(r"page (\d+)/(\d+)…")


def lab_pages(*indexes: int) -> list[object]:
    """The pages of synthetic lab reports (lab_report 1 has two pages, 0 has one)."""
    pages: list[object] = []
    for index in indexes:
        _, draft = build_document(7, "lab_report", index)
        pages.extend(draft.writer.pages)
    return pages


async def reading_calls(user: FakeUser) -> tuple[ApiCall, list[ApiCall]]:
    """The summary with its confirm button, and the calls that showed the reading before it
    (since the user's last ``expect``, i.e. since the document was sent)."""
    since = user.cursor
    summary = await user.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=30)
    shown = [
        c
        for c in user.api.calls[since:]
        if c.chat_id == user.id and c.method in {"sendMessage", "editMessageText"}
    ]
    return summary, shown[: shown.index(summary)]


def assert_edited_page_by_page(calls: list[ApiCall], pages: int, done: str) -> None:
    first, *edits = calls
    assert first.method == "sendMessage" and first.error is None
    assert all(c.method == "editMessageText" and c.error is None for c in edits)
    message_id = first.result["message_id"]
    assert {c.params["message_id"] for c in edits} == {message_id}, "one message, edited"
    counters = [PAGE.search(c.text) for c in calls[:-1]]
    assert [(int(m[1]), int(m[2])) for m in counters if m] == [
        (page, pages) for page in range(1, pages + 1)
    ]
    assert done in calls[-1].text and not PAGE.search(calls[-1].text), "edited into the outcome"


async def test_a_three_page_pdf_is_shown_page_by_page(bot_api: FakeBotApi, tmp_path: Path):
    pdf = text_pdf(lab_pages(1, 0), "bilan")  # type: ignore[arg-type]
    alice = bot_api.user(1001)
    await onboard(alice)

    await alice.send_document(pdf, file_name="bilan.pdf")
    summary, reading = await reading_calls(alice)
    assert_edited_page_by_page(reading, 3, "Document lu (3 page(s))")
    assert summary.error is None and "Sodium" in summary.text
    assert alice.visible_texts()[-2].startswith("📄 Document lu"), "no counter left behind"


async def test_an_album_of_three_pages_is_shown_page_by_page_in_english(
    bot_api: FakeBotApi, tmp_path: Path
):
    pages = lab_pages(1, 0)
    bob = bot_api.user(2002, language_code="en")
    await onboard(bob)

    for number, page in enumerate(pages, 1):
        await bob.send_document(
            text_pdf([page], f"page {number}"),  # type: ignore[list-item]
            file_name=f"page-{number}.pdf",
            media_group_id="scan-3",
        )
    summary, reading = await reading_calls(bob)
    assert_edited_page_by_page(reading, 3, "Document read (3 page(s))")
    assert reading[0].text.startswith("📄 Reading your document: page 1/3")
    assert summary.error is None


async def test_an_album_of_photos_shows_each_page_then_why_it_could_not_be_read(
    bot_api: FakeBotApi,
):
    import io

    from PIL import Image

    from bot.i18n import translator

    def blank(shade: str) -> bytes:  # a photo of a blank sheet: read without OCR, no text
        out = io.BytesIO()
        Image.new("RGB", (300, 400), shade).save(out, "JPEG")
        return out.getvalue()

    alice = bot_api.user(1001)
    await onboard(alice)
    since = alice.cursor
    await alice.send_album([blank("white"), blank("#fefefe"), blank("#fdfdfd")])
    failed = translator("fr")("error.unreadable_document")
    await alice.expect_text(failed[:40], within=30)
    await bot_api.wait_quiet(0.2)
    shown = [
        c
        for c in bot_api.calls[since:]
        if c.chat_id == alice.id and c.method in {"sendMessage", "editMessageText"}
    ]
    assert_edited_page_by_page(shown, 3, failed[:40])
    assert alice.visible_texts()[-1].startswith(failed[:40]), "nothing else was sent"


async def test_two_users_reading_at_once_each_see_only_their_own_pages(bot_api: FakeBotApi):
    import asyncio

    alice = bot_api.user(1001, language_code="fr")
    bob = bot_api.user(2002, language_code="en")
    await asyncio.gather(onboard(alice), onboard(bob))

    async def read(user: FakeUser, index: int) -> tuple[ApiCall, list[ApiCall]]:
        await user.send_document(text_pdf(lab_pages(index), "bilan"), file_name="bilan.pdf")  # type: ignore[arg-type]
        return await reading_calls(user)

    (alice_summary, alice_reading), (bob_summary, bob_reading) = await asyncio.gather(
        read(alice, 4), read(bob, 1)
    )
    assert_edited_page_by_page(alice_reading, 2, "Document lu (2 page(s))")
    assert_edited_page_by_page(bob_reading, 2, "Document read (2 page(s))")
    for user, reading in ((alice, alice_reading), (bob, bob_reading)):
        own = set(bot_api.chats[user.id])
        assert {c.params["message_id"] for c in reading[1:]} <= own, "edits stay in their chat"
    assert "Hématies" in alice_summary.text and "Hématies" not in bob_summary.text
    assert "White blood cells" in bob_summary.text
    assert "White blood cells" not in alice_summary.text
