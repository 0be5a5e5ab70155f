"""Bad and odd input through Telegram: each gets a clear answer and carnet keeps serving."""

from __future__ import annotations

import time

import pytest

from tests.fakes.bot_api import FakeBotApi, FakeUser
from tests.telegram.conftest import onboard

pytestmark = pytest.mark.usefixtures("carnet")


async def answer_to(user: FakeUser, label: str) -> str:
    """Wait for the answer to settle; every call succeeded; the last message shown."""
    start = user.cursor
    await user.expect(lambda c: c.method in {"sendMessage", "editMessageText"})
    await user.api.wait_quiet(0.2)
    calls = [c for c in user.api.calls[start:] if c.chat_id == user.id]
    assert all(c.error is None for c in calls), f"{label}: Telegram refused an answer"
    user.cursor = len(user.api.calls)
    shown = user.visible_texts()[-1]
    assert shown.strip(), f"{label}: empty answer"
    return shown


async def test_odd_messages_each_get_an_answer_and_nothing_breaks(bot_api: FakeBotApi):
    alice = bot_api.user(1001)
    await onboard(alice)

    await alice.send_sticker()
    await answer_to(alice, "sticker")
    await alice.send_voice()
    await answer_to(alice, "voice")
    await alice.send_location()
    await answer_to(alice, "location")
    await alice.send(
        {
            "video": {
                "file_id": "v1",
                "file_unique_id": "uv1",
                "width": 1,
                "height": 1,
                "duration": 2,
            }
        }
    )
    await answer_to(alice, "video")

    sent = await alice.send_text("bonjour")
    await answer_to(alice, "text")
    await alice.edit(sent, "je prends du Levothyrox")
    await answer_to(alice, "edited message")

    forwarded_origin = {
        "type": "user",
        "date": int(time.time()),
        "sender_user": {"id": 5, "is_bot": False, "first_name": "X"},
    }
    await alice.send({"text": "quels sont mes traitements ?", "forward_origin": forwarded_origin})
    await answer_to(alice, "forwarded message")

    old = next(iter(bot_api.chats[alice.id].values()))
    await alice.send({"text": "et ça ?", "reply_to_message": old})
    await answer_to(alice, "reply to an old message")

    await alice.send_text("é" * 4096)
    await answer_to(alice, "4096 characters")
    await alice.send_text("💊 \u202eانا\u202c \x00\x07 ok")
    await answer_to(alice, "emoji, RTL and control characters")

    await alice.press_data("doc:ok:does-not-exist")
    await answer_to(alice, "stale document button")
    await alice.press_data("x" * 64)
    await answer_to(alice, "forged button")

    await alice.send_document(b"", file_name="vide.pdf")
    assert "vide" in await answer_to(alice, "0-byte file")
    await alice.send_document(b"\x00" * 64, file_name="x.mp4", mime_type="video/mp4")
    assert "PDF" in await answer_to(alice, "a video sent as a file")
    await alice.send_document(b"%PDF-1.4", declared_size=40 * 1024 * 1024)
    too_big = await answer_to(alice, "file over Telegram's download limit")
    assert not [c for c in bot_api.calls_of("getFile") if c.error], "never asked for it"
    assert "20 Mo" in too_big

    await alice.send_text("quels sont mes traitements ?")
    await answer_to(alice, "still serving")


async def test_files_over_the_download_limit_get_a_clear_message_in_english(
    bot_api: FakeBotApi, carnet
):
    import io

    from PIL import Image

    bob = bot_api.user(2002, language_code="en")
    await onboard(bob)
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), "white").save(out, "JPEG")
    expected = "This file is too big for me (20 MB max)"

    await bob.send_photo(out.getvalue(), declared_size=25 * 1024 * 1024)
    assert expected in await answer_to(bob, "oversized photo")
    await bob.send_document(b"%PDF-1.4", file_name="scan.pdf", declared_size=21 * 1024 * 1024)
    assert expected in await answer_to(bob, "oversized PDF")
    await bob.send_document(b"%PDF-1.4", file_name="p1.pdf", media_group_id="big")
    await bob.send_document(
        b"%PDF-1.4", file_name="p2.pdf", media_group_id="big", declared_size=30 * 1024 * 1024
    )
    assert expected in await answer_to(bob, "album with an oversized page")
    big = {f.file_id for f in bot_api.files.values() if f.declared_size > 20 * 1024 * 1024}
    asked = {c.params["file_id"] for c in bot_api.calls_of("getFile")}
    assert len(big) == 3 and not big & asked, "no oversized file was asked for"
    with carnet.store.vault(bob.id) as vault:
        assert vault.list_documents() == [], "nothing stored"
