"""Every family of question answered through Telegram, in French and in English, from the
user's own record, citing its sources; long lists paged with a "more" button.

The real carnet (engine, encrypted SQLite store) behind the real PTB application, talking to the
fake Bot API over HTTP. The record is seeded straight into the store (``tests.bot.history``) so
the tests are about the answers, not about reading documents; carnet's clock is 10 March 2026.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from pypdf import PdfReader

from bot.engine.commands import MENU
from bot.engine.paging import MORE, PAGE_ITEMS
from bot.i18n import translator
from tests.bot import history
from tests.fakes.bot_api import ApiCall, FakeBotApi, FakeUser
from tests.fakes.clock import FakeClock

pytestmark = pytest.mark.usefixtures("carnet")


@pytest.fixture
def carnet_clock() -> FakeClock:
    """10 March 2026, 09:00 UTC (the dates of ``history.basic``)."""
    return FakeClock()


def seed(services: Any, user: FakeUser, language: str, *, ten_years: bool = False) -> None:
    """Give ``user`` an onboarded account and a record, in ``language``."""
    now = services.engine.clock.now()
    with services.store.vault(user.id) as vault:
        if ten_years:
            history.ten_years(vault, now)
        else:
            history.basic(vault, now)
        profile = vault.get_profile()
        vault.save_profile(profile.model_copy(update={"language": history.Language(language)}))


async def ask(user: FakeUser, text: str) -> list[ApiCall]:
    """Send ``text`` (a command if it starts with '/'); the calls of the answer, all accepted."""
    since = len(user.api.calls)
    if text.startswith("/"):
        await user.send_command(text)
    else:
        await user.send_text(text)
    await user.expect(lambda c: c.method in {"sendMessage", "sendPhoto", "sendDocument"})
    await user.api.wait_quiet(0.1)
    calls = [c for c in user.api.calls[since:] if c.chat_id == user.id]
    assert all(c.error is None for c in calls), f"{text!r}: Telegram refused part of the answer"
    user.cursor = len(user.api.calls)
    return calls


async def said(user: FakeUser, text: str) -> str:
    """The text of the answer to ``text`` (messages and captions joined)."""
    return "\n".join(c.text for c in await ask(user, text))


QUESTIONS: dict[str, list[tuple[str, str, list[str]]]] = {
    # family, question, what the answer must show (the record's facts and their sources)
    "fr": [
        (
            "current",
            "quels sont mes traitements ?",
            ["Levothyrox 75 µg", "le matin", "ordonnance du 3 mars 2026"],
        ),
        ("current", "/traitements", ["Levothyrox", "Doliprane"]),
        (
            "past",
            "qu'est-ce que j'ai pris l'été dernier ?",
            ["Amoxicilline 1 g", "ordonnance du 10 juillet 2025"],
        ),
        (
            "why",
            "pourquoi je prends du levothyrox ?",
            ["hypothyroïdie", "ordonnance du 3 mars 2026"],
        ),
        ("since", "quand ai-je commencé l'amoxicilline ?", ["le 10 juillet 2025"]),
        ("who", "qui m'a prescrit l'amoxicilline ?", ["Dr Paul Durand"]),
        ("allergies", "mes allergies ?", ["pénicilline", "pénicillines"]),
        (
            "can_i",
            "puis-je prendre de l'augmentin ?",
            ["pénicillines", "médecin ou de votre pharmacien"],
        ),
        (
            "can_i",
            "puis-je prendre de l'ibuprofène ?",
            ["Je ne vois rien dans votre carnet", "pas un avis médical"],
        ),
        (
            "vaccines_done",
            "quels vaccins ai-je faits ?",
            ["Vaxigrip Tetra — 15 octobre 2025", "certificat de vaccination du 15 octobre 2025"],
        ),
        ("vaccines_due", "quels vaccins dois-je faire ?", ["diphtérie-tétanos-polio"]),
        (
            "lab_latest",
            "ma dernière glycémie ?",
            ["1,32 g/L", "↑", "20 février 2026", "compte rendu d'analyses du 20 février 2026"],
        ),
        ("lab_at", "glycémie du 1er septembre 2025", ["1,15"]),
        ("lab_out", "qu'est-ce qui est hors norme ?", ["Glycémie"]),
        ("documents", "/documents", ["ordonnance du 3 mars 2026"]),
        ("reminders", "mes rappels", ["Aucun rappel prévu"]),
        (
            "unknown",
            "quelle est la capitale du Pérou ?",
            ["Je n'ai pas compris", "quels sont mes traitements"],
        ),
    ],
    "en": [
        (
            "current",
            "what meds am I on?",
            ["Levothyrox 75 µg — 1 tablet, in the morning", "prescription of 3 March 2026"],
        ),
        ("current", "/treatments", ["Levothyrox", "Doliprane"]),
        (
            "past",
            "what did I take last summer?",
            ["Amoxicilline 1 g from 10 July 2025", "prescription of 10 July 2025"],
        ),
        ("why", "what is levothyrox for?", ["hypothyroïdie", "prescription of 3 March 2026"]),
        ("since", "when did I start levothyrox?", ["on 3 March 2026"]),
        ("who", "who prescribed doliprane?", ["Dr Claire Martin"]),
        ("allergies", "/allergies", ["pénicilline", "penicillins"]),
        ("can_i", "can I take amoxicillin?", ["penicillins", "told by you on 10 March 2026"]),
        ("can_i", "can I take ibuprofen?", ["not medical advice"]),
        ("vaccines_done", "/vaccines", ["Vaxigrip Tetra", "15 October 2025"]),
        ("vaccines_due", "which vaccines are due?", ["diphtheria"]),
        ("lab_latest", "my latest potassium", ["4.2 mmol/L (range 3.5–5)", "20 February 2026"]),
        ("lab_at", "blood sugar on 1 September 2025", ["1.15"]),
        ("lab_out", "which results are out of range?", ["glucose", "1.32"]),
        ("documents", "/documents", ["prescription of 3 March 2026"]),
        ("reminders", "/reminders", ["No reminder"]),
        ("unknown", "sing me a song", ["I didn't understand"]),
    ],
}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_each_family_of_question_is_answered_with_its_sources(
    bot_api: FakeBotApi, carnet: Any, language: str
):
    user = bot_api.user(1001 if language == "fr" else 2002, language_code=language)
    seed(carnet, user, language)
    missing = []
    for family, question, needles in QUESTIONS[language]:
        answer = await said(user, question)
        missing += [(family, question, n) for n in needles if n not in answer]
    assert missing == []


@pytest.mark.parametrize(
    ("language", "chart", "document", "original"),
    [
        ("fr", "évolution de ma glycémie", "montre-moi l'ordonnance du 3 mars", b"%PDF new"),
        (
            "en",
            "chart my blood sugar",
            "show me the lab report of 20 February 2026",
            b"%PDF-1.4 x",
        ),
    ],
)
async def test_chart_photo_original_document_and_export_in_the_users_language(
    bot_api: FakeBotApi, carnet: Any, language: str, chart: str, document: str, original: bytes
):
    user = bot_api.user(1001, language_code=language)
    seed(carnet, user, language)

    photos = [c for c in await ask(user, chart) if c.method == "sendPhoto"]
    assert len(photos) == 1 and photos[0].upload().data[:8] == b"\x89PNG\r\n\x1a\n"

    files = [c for c in await ask(user, document) if c.method == "sendDocument"]
    assert [f.upload().data for f in files] == [original], "the original, byte for byte"

    await user.send_command("/export")
    sent = [await user.expect(lambda c: c.method == "sendDocument") for _ in range(2)]
    assert all(c.error is None for c in sent)
    by_kind = {c.upload().filename.rsplit(".", 1)[-1]: c.upload().data for c in sent}
    with zipfile.ZipFile(io.BytesIO(by_kind["zip"])) as archive:
        assert archive.namelist(), "the FHIR archive is not empty"
        bundle = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Levothyrox" in bundle and b"resourceType" in bundle
    summary = PdfReader(io.BytesIO(by_kind["pdf"]))
    assert len(summary.pages) == 1, "a one-page summary to show a doctor"
    text = summary.pages[0].extract_text()
    assert "Levothyrox" in text and "pénicilline" in text and "Vaxigrip" in text
    heading = "Traitements en cours" if language == "fr" else "Current treatments"
    dose = "1 comprimé" if language == "fr" else "1 tablet"
    assert heading in text and dose in text, "in the user's language"


async def test_long_list_is_paged_with_a_more_button_until_the_end(
    bot_api: FakeBotApi, carnet: Any
):
    alice = bot_api.user(1001)
    seed(carnet, alice, "fr", ten_years=True)
    with carnet.store.vault(alice.id) as vault:
        documents = len(vault.list_documents())

    first = await ask(alice, "/documents")
    [page] = [c for c in first if c.method == "sendMessage"]
    seen = [line for line in page.text.split("\n") if line.startswith("• ")]
    pages = 1
    while (more := [d for d in page.callback_data if d.startswith(MORE)]) != []:
        assert len(more) == 1 and len(more[0].encode()) <= 64
        query = await alice.press(more[0], message_id=page.result["message_id"])
        answered = await bot_api.wait_for(
            lambda c, q=query["id"]: (
                c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == q
            )
        )
        assert answered[1].error is None, "the button's spinner is stopped"
        page = await alice.expect(lambda c: c.method == "sendMessage")
        assert page.error is None
        items = [line for line in page.text.split("\n") if line.startswith("• ")]
        assert 0 < len(items) <= PAGE_ITEMS
        assert f"(page {pages + 1}/" in page.text
        seen += items
        pages += 1
    assert pages > 3
    assert len(seen) == len(set(seen)), "no document shown twice across pages"
    assert len(seen) == documents, "every document reachable, page by page"


async def test_menus_are_registered_in_both_languages_and_every_entry_answers(
    bot_api: FakeBotApi, carnet: Any
):
    menus = {
        c.params.get("language_code"): c.params["commands"]
        for c in bot_api.calls_of("setMyCommands")
    }
    assert [c["command"] for c in menus["fr"]] == MENU["fr"]
    assert [c["command"] for c in menus[None]] == MENU["en"], "English is the default menu"
    assert all(c["description"] for menu in menus.values() for c in menu)
    assert menus["fr"][0]["description"] != menus[None][0]["description"]

    for language, user_id in (("fr", 1001), ("en", 2002)):
        user = bot_api.user(user_id, language_code=language)
        seed(carnet, user, language)
        unknown = translator(language)("fallback.unknown")
        for name in MENU[language]:
            answer = await said(user, f"/{name}")
            assert answer.strip() and unknown not in answer, f"/{name} ({language})"


@pytest.mark.parametrize(
    ("language", "statement", "question", "date"),
    [
        ("fr", "je prends du Levothyrox 75 le matin", "mes prochains rappels ?", "11 mars 2026"),
        ("en", "I take Levothyrox 75 in the morning", "my next reminders", "11 March 2026"),
    ],
)
async def test_upcoming_reminders_of_a_confirmed_treatment(
    bot_api: FakeBotApi, carnet: Any, language: str, statement: str, question: str, date: str
):
    user = bot_api.user(1001, language_code=language)
    with carnet.store.vault(user.id) as vault:
        history.onboarded(vault, carnet.engine.clock.now(), language=language)
    await user.send_text(statement)
    await user.expect_buttons()
    await user.press("st:ok")
    await user.expect_text("⏰")  # the reminders planned, after "saved"
    assert f"{date} 08:00 — Levothyrox" in await said(user, question)


async def test_a_double_tap_on_more_sends_the_next_page_once(bot_api: FakeBotApi, carnet: Any):
    alice = bot_api.user(1001)
    seed(carnet, alice, "fr", ten_years=True)
    [first] = [c for c in await ask(alice, "/documents") if c.method == "sendMessage"]
    [more] = [d for d in first.callback_data if d.startswith(MORE)]
    taps = [
        await alice.press(more, message_id=first.result["message_id"]),
        await alice.press(more, message_id=first.result["message_id"]),
    ]
    for tap in taps:
        await bot_api.wait_for(
            lambda c, q=tap["id"]: (
                c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == q
            )
        )
    await bot_api.wait_quiet(0.2)
    pages = [c for c in alice.replies() if c.method == "sendMessage" and c is not first]
    assert len(pages) == 1 and "(page 2/" in pages[0].text, "page 2 once, both taps answered"
