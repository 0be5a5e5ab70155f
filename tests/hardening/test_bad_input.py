"""The bad-input corpus through the fake Bot API, in French and in English: each file and odd
message gets a clear answer in the user's language, nothing is stored half-way, and carnet keeps
serving (a normal question is answered afterwards). Complements tests/telegram/test_bad_input.py
(French text oddities) with generated hostile files and the English side."""

from __future__ import annotations

import asyncio
import html
import time
from pathlib import Path
from typing import Any

from bot.engine.errors import message_for_code
from bot.engine.intake import DROP, OK
from bot.i18n import translator
from tests.fakes.bot_api import FakeBotApi, FakeUser
from tests.hardening.conftest import answer_to, store_state, user_quiet
from tests.hardening.corpus import CORPUS, write_corpus
from tests.synthetic.corpus import build_document, render_document
from tests.telegram.conftest import onboard

QUESTION = {"fr": "quels sont mes traitements ?", "en": "what are my treatments?"}
NO_TREATMENT_WORD = {"fr": "traitement", "en": "treatment"}


def expected(code: str | None, language: str) -> str:
    """What the user must see last: the error message, or "nothing found"."""
    tr = translator(language)
    if code is None:
        return tr("intake.nothing_found")
    return message_for_code(code, tr)


async def send_corpus(user: FakeUser, store: Any, language: str) -> None:
    """Send every corpus file as ``user``; check each answer and the store after it."""
    await onboard(user)
    for entry in CORPUS:
        data = entry.build()
        if entry.as_photo:
            await user.send_photo(data)
        else:
            await user.send_document(data, file_name=entry.file_name, mime_type=entry.mime_type)
        shown = await answer_to(user, entry.name)
        assert html.unescape(shown) == expected(entry.code, language), entry.name
        records, statuses = store_state(store, user.id)
        assert records == 0, f"{entry.name}: a record was stored without confirmation"
        assert statuses["received"] == 0, f"{entry.name}: a document was left half-way"

    _, statuses = store_state(store, user.id)
    assert sum(statuses.values()) == len(CORPUS), "each original kept once, encrypted"
    await user.send_text(QUESTION[language])
    still = await answer_to(user, "question after the corpus")
    assert NO_TREATMENT_WORD[language] in still.lower()


async def test_every_corpus_file_gets_its_own_message_in_french_and_english(
    bot_api: FakeBotApi, carnet: Any
):
    french = bot_api.user(3001, language_code="fr")
    english = bot_api.user(3002, language_code="en")
    await asyncio.gather(
        send_corpus(french, carnet.store, "fr"), send_corpus(english, carnet.store, "en")
    )


async def test_odd_messages_are_answered_in_english_too(bot_api: FakeBotApi, carnet: Any):
    """The French side is tests/telegram/test_bad_input.py; the same oddities in English."""
    bob = bot_api.user(2002, language_code="en")
    await onboard(bob)
    fr_words = {" je ", " vous ", " votre ", " pas ", " les "}
    answers: dict[str, str] = {}

    await bob.send_sticker()
    answers["sticker"] = await answer_to(bob, "sticker")
    await bob.send_voice()
    answers["voice"] = await answer_to(bob, "voice")
    await bob.send_location()
    answers["location"] = await answer_to(bob, "location")
    video = {"file_id": "v1", "file_unique_id": "uv1", "width": 1, "height": 1, "duration": 2}
    await bob.send({"video": video})
    answers["video"] = await answer_to(bob, "video")
    sent = await bob.send_text("hello")
    await answer_to(bob, "text")
    await bob.edit(sent, "I take Levothyrox")
    answers["edited"] = await answer_to(bob, "edited message")
    origin = {
        "type": "user",
        "date": int(time.time()),
        "sender_user": {"id": 5, "is_bot": False, "first_name": "X"},
    }
    await bob.send({"text": QUESTION["en"], "forward_origin": origin})
    answers["forwarded"] = await answer_to(bob, "forwarded")
    old = next(iter(bot_api.chats[bob.id].values()))
    await bob.send({"text": "and this?", "reply_to_message": old})
    answers["reply to old"] = await answer_to(bob, "reply to an old message")
    await bob.send_text("a" * 4096)
    answers["4096"] = await answer_to(bob, "4096 characters")
    await bob.send_text("💊🩺 \u202eمرحبا\u202c \u200f\u0000\u001b[31m \ufeff ok")
    answers["rtl"] = await answer_to(bob, "emoji, RTL and control characters")
    await bob.press_data("doc:ok:" + "0" * 32)
    answers["stale button"] = await answer_to(bob, "stale button")

    for label, text in answers.items():
        padded = f" {text.lower()} "
        assert not any(w in padded for w in fr_words), f"{label}: answered in French: {text}"
    assert answers["sticker"] != answers["rtl"]
    records, _ = store_state(carnet.store, bob.id)
    assert records == 0, "no odd message stored anything by itself"


async def discard_then_press_confirm(
    user: FakeUser, store: Any, pdf: bytes, language: str
) -> None:
    """Send a prescription, discard it, then press its old "confirm" button."""
    await onboard(user)
    await user.send_document(pdf, file_name="ordo.pdf")
    summary = await user.expect(lambda c: OK in " ".join(c.callback_data), within=30)
    ok = next(d for d in summary.callback_data if d.startswith(OK))
    await user_quiet(user, 0.2)
    user.cursor = len(user.api.calls)
    await user.press_data(ok.replace(OK, DROP))
    await answer_to(user, "discard")

    await user.press_data(ok)
    stale = await answer_to(user, "button of a discarded document")
    assert html.unescape(stale) == translator(language)("intake.expired")
    records, _ = store_state(store, user.id)
    assert records == 0
    await user.send_text(QUESTION[language])
    await answer_to(user, "question afterwards")


async def test_buttons_of_a_discarded_document_change_nothing(
    bot_api: FakeBotApi, carnet: Any, tmp_path: Path
):
    truth, draft = build_document(11, "prescription", 0)
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    pdf = (tmp_path / files["text_pdf"][0]).read_bytes()
    await asyncio.gather(
        discard_then_press_confirm(
            bot_api.user(4001, language_code="fr"), carnet.store, pdf, "fr"
        ),
        discard_then_press_confirm(
            bot_api.user(4002, language_code="en"), carnet.store, pdf, "en"
        ),
    )


def test_corpus_files_can_be_written_for_inspection(tmp_path: Path):
    paths = write_corpus(tmp_path)
    assert len(paths) == len(CORPUS)
    assert (tmp_path / "empty-vide.pdf").stat().st_size == 0
    assert all(p.stat().st_size < 200_000 for p in paths), "the corpus stays small"
