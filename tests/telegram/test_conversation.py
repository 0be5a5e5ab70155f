"""carnet end to end in Telegram: the real engine, encrypted store and OCR behind the real PTB
application, talking to the fake Bot API over HTTP as a user's Telegram client would."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.engine.intake import OK as INTAKE_OK
from bot.i18n import translator
from tests.fakes.bot_api import FakeBotApi
from tests.synthetic.corpus import build_document, render_document
from tests.telegram.conftest import onboard

pytestmark = pytest.mark.usefixtures("carnet")


async def test_start_asks_consent_before_anything_and_onboards(bot_api: FakeBotApi):
    alice = bot_api.user(1001, language_code="fr")
    await alice.send_command("/start")
    welcome = await alice.expect_buttons()
    assert "carnet" in welcome.text
    assert welcome.callback_data == ["consent:yes", "consent:no"]
    assert welcome.params["parse_mode"] == "HTML"
    alice.cursor = 0
    await onboard(alice)
    texts = [c.text for c in alice.replies()]
    assert any("08:00" in t for t in texts), "reminder hours confirmed"


async def test_english_client_is_answered_in_english(bot_api: FakeBotApi):
    bob = bot_api.user(2002, language_code="en")
    await bob.send_command("/start")
    welcome = await bob.expect_buttons()
    assert welcome.text.startswith("Hello, I am carnet")
    assert "Bonjour" not in welcome.text


async def test_nothing_is_stored_before_consent_and_refusing_stores_nothing(
    bot_api: FakeBotApi, carnet
):
    from bot.engine.onboarding import CONSENT_NO

    alice = bot_api.user(1001)
    await alice.send_command("/start")
    await alice.expect_buttons()
    await alice.send_text("je suis allergique à la pénicilline")
    again = await alice.expect_buttons()
    assert "consent:yes" in again.callback_data, "consent asked again, nothing recorded"
    await alice.press(CONSENT_NO)
    await alice.expect(lambda c: c.method in {"sendMessage", "editMessageText"})
    await bot_api.wait_quiet(0.2)
    assert not carnet.store.has_account(alice.id)


async def test_english_onboarding_then_language_follows_the_client_until_chosen(
    bot_api: FakeBotApi,
):
    bob = bot_api.user(2002, language_code="en")
    await onboard(bob)
    shown = "\n".join(c.text for c in bob.replies())
    assert "Bonjour" not in shown and "08:00" in shown, "onboarded in English"

    bob.language_code = "fr"  # the Telegram app now runs in French: carnet follows
    await bob.send_text("mes allergies ?")
    await bob.expect_text(translator("fr")("allergies.none"))

    await bob.send_command("/language")
    await bob.expect(lambda c: "lang:en" in c.callback_data)
    await bob.press("lang:en")
    await bob.expect_text(translator("en")("settings.language_set"))
    await bob.send_text("mes allergies ?")
    await bob.expect_text(translator("en")("allergies.none"))  # chosen: whatever the client says


async def test_treatment_said_in_words_is_confirmed_and_listed(bot_api: FakeBotApi):
    alice = bot_api.user(1001)
    await onboard(alice)
    await alice.send_text("je prends du Levothyrox 75 le matin")
    question = await alice.expect_buttons()
    assert "Levothyrox" in question.text
    await alice.press("st:ok")
    await alice.expect(lambda c: not c.buttons)
    await alice.send_text("quels sont mes traitements ?")
    await alice.expect_text("Levothyrox 75", "le matin")


async def test_two_users_side_by_side_never_see_each_other(bot_api: FakeBotApi):
    import asyncio

    alice = bot_api.user(1001, language_code="fr")
    bob = bot_api.user(2002, language_code="en")
    await asyncio.gather(onboard(alice), onboard(bob))

    async def state(user, text: str) -> None:
        await user.send_text(text)
        await user.expect_buttons()
        await user.press("st:ok")
        await user.expect(lambda c: not c.buttons)

    await asyncio.gather(
        state(alice, "je prends du Levothyrox 75 le matin"),
        state(bob, "I take Kardegic 75 in the morning"),
    )
    await alice.send_text("quels sont mes traitements ?")
    await bob.send_text("what are my medications?")
    await alice.expect_text("Levothyrox")
    await bob.expect_text("Kardegic")
    await bot_api.wait_quiet(0.2)
    assert not any("Kardegic" in c.text for c in alice.replies())
    assert not any("Levothyrox" in c.text for c in bob.replies())


async def test_group_chat_is_refused_and_left_without_any_record_data(bot_api: FakeBotApi):
    alice = bot_api.user(1001)
    await onboard(alice)
    await alice.send_text("je prends du Levothyrox 75 le matin")
    await alice.expect_buttons()
    await alice.press("st:ok")
    await alice.expect(lambda c: not c.buttons)

    group = alice.in_group(-100999, "Famille")
    await alice.send_text("quels sont mes traitements ?", chat=group)
    await bot_api.wait_for(lambda c: c.method == "leaveChat" and c.chat_id == -100999)
    to_group = [c for c in bot_api.calls if c.chat_id == -100999]
    assert [c.method for c in to_group] == ["sendMessage", "leaveChat"]
    assert "Levothyrox" not in to_group[0].text
    assert "priv" in to_group[0].text.lower()


async def test_unknown_html_like_text_gets_a_clean_answer(bot_api: FakeBotApi):
    alice = bot_api.user(1001)
    await onboard(alice)
    await alice.send_text("<b>bonjour</b> & <script>")
    reply = await alice.expect(lambda c: c.method == "sendMessage")
    assert reply.error is None, "Telegram accepted the HTML"


async def test_lab_pdf_confirmed_then_chart_photo_and_export_documents(
    bot_api: FakeBotApi, tmp_path: Path
):
    truth, draft = build_document(7, "lab_report", 0)
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    pdf = (tmp_path / files["text_pdf"][0]).read_bytes()
    alice = bot_api.user(1001)
    await onboard(alice)

    await alice.send_document(pdf, file_name="bilan.pdf")
    summary = await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=30)
    assert "Sodium" in summary.text and "↑" in summary.text, "out-of-range value marked"
    progress = [c for c in alice.replies() if c.method == "editMessageText"]
    assert progress and progress[0].error is None, "the progress message is edited in place"
    assert any(c.method == "sendChatAction" for c in bot_api.calls), "typing… shown"
    assert summary.error is None, "'<' and '&' of lab lines were escaped"
    await alice.press(next(d for d in summary.callback_data if d.startswith(INTAKE_OK)))
    await alice.expect(lambda c: not c.buttons)

    await alice.send_text("évolution du sodium")
    chart = await alice.expect(lambda c: c.method == "sendPhoto")
    assert chart.upload().data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "227" in chart.text

    await alice.send_command("/export")
    archive = await alice.expect(lambda c: c.method == "sendDocument")
    summary_pdf = await alice.expect(lambda c: c.method == "sendDocument")
    assert archive.upload().filename.endswith(".zip")
    assert archive.upload().data[:2] == b"PK"
    assert summary_pdf.upload().data[:5] == b"%PDF-"

    assert truth.date is not None
    await alice.send_text(f"montre-moi le bilan du {truth.date:%d/%m/%Y}")
    original = await alice.expect(lambda c: c.method == "sendDocument")
    assert original.upload().data == pdf, "the original is kept and sent back as received"


async def test_forged_button_with_another_users_document_id_changes_nothing(
    bot_api: FakeBotApi, tmp_path: Path
):
    import asyncio
    import zipfile

    truth, draft = build_document(7, "lab_report", 0)
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    pdf = (tmp_path / files["text_pdf"][0]).read_bytes()
    alice = bot_api.user(1001)
    mallory = bot_api.user(6666)
    await asyncio.gather(onboard(alice), onboard(mallory))

    await alice.send_document(pdf, file_name="bilan.pdf")
    summary = await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=30)
    alice_ok = next(d for d in summary.callback_data if d.startswith(INTAKE_OK))

    await mallory.press_data(alice_ok)
    await mallory.press_data(alice_ok.replace(INTAKE_OK, "doc:no:"))
    await bot_api.wait_quiet(0.2)
    assert not any("Sodium" in c.text for c in mallory.replies())

    await alice.press(alice_ok)
    saved = await alice.expect(lambda c: not c.buttons)
    assert "15" in saved.text, "Alice's document was neither confirmed nor discarded by Mallory"

    await mallory.send_command("/export")
    archive = await mallory.expect(lambda c: c.method == "sendDocument")
    with zipfile.ZipFile(io.BytesIO(archive.upload().data)) as zipped:
        content = b"".join(zipped.read(name) for name in zipped.namelist())
    assert b"Sodium" not in content and b"Natr" not in content


async def test_an_update_delivered_twice_is_handled_once(bot_api: FakeBotApi):
    alice = bot_api.user(1001)
    await onboard(alice)
    await alice.send_text("je prends du Levothyrox 75 le matin")
    await alice.expect_buttons()
    await alice.press("st:ok")
    await alice.expect(lambda c: not c.buttons)
    confirm = alice.last_update
    assert confirm is not None
    await bot_api.wait_quiet(0.2)
    answered = len(alice.replies())

    await bot_api.redeliver(confirm)  # e.g. the last polled batch again after a crash
    await alice.send_text("quels sont mes traitements ?")
    listing = await alice.expect_text("Levothyrox")
    await bot_api.wait_quiet(0.2)
    assert len(alice.replies()) == answered + 1, "the replayed press got no answer"
    assert listing.text.count("Levothyrox") == 1


async def test_deletion_erases_the_record_and_starts_over(bot_api: FakeBotApi, carnet):
    from bot.engine.onboarding import CONSENT_YES, ERASE_YES

    alice = bot_api.user(1001)
    await onboard(alice)
    await alice.send_text("je prends du Levothyrox 75 le matin")
    await alice.expect_buttons()
    await alice.press("st:ok")
    await alice.expect(lambda c: not c.buttons)

    await alice.send_command("/supprimer")
    await alice.expect(lambda c: ERASE_YES in c.callback_data)
    await alice.press(ERASE_YES)
    await alice.expect(lambda c: c.method == "sendMessage")
    await bot_api.wait_quiet(0.2)

    await alice.send_text("quels sont mes traitements ?")
    again = await alice.expect(lambda c: bool(c.buttons))
    assert CONSENT_YES in again.callback_data, "no account any more: consent is asked again"
    assert "Levothyrox" not in again.text
    assert not carnet.store.has_account(alice.id), "the account and its record are erased"


async def test_allergy_stated_then_conflicting_prescription_is_warned(
    bot_api: FakeBotApi, tmp_path: Path
):
    truth, draft = build_document(1, "prescription", 17)  # Amoxicilline + Nurofen
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    pdf = (tmp_path / files["text_pdf"][0]).read_bytes()
    alice = bot_api.user(1001)
    await onboard(alice)
    await alice.send_text("je suis allergique à la pénicilline")
    await alice.expect_buttons()
    await alice.press("st:ok")
    await alice.expect(lambda c: not c.buttons)
    await alice.send_text("je prends de l'Advil 200 le soir")
    await alice.expect_buttons()
    await alice.press("st:ok")
    await alice.expect(lambda c: not c.buttons)

    await alice.send_document(pdf, file_name="ordonnance.pdf")
    summary = await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=30)
    shown = summary.text.lower()
    assert "amoxicilline" in shown
    assert "allergi" in shown and "pénicilline" in shown, "the conflict is named"
    assert "ibuprof" in shown and "advil" in shown, "the duplicate substance is named"
    assert "médecin" in shown or "pharmacien" in shown, "advises to check with a professional"


async def test_a_document_or_button_in_a_group_is_never_read_nor_stored(
    bot_api: FakeBotApi, carnet
):
    alice = bot_api.user(1001)
    await onboard(alice)
    group = alice.in_group(-100888, "Bureau")
    await alice.send_document(b"%PDF-1.4 ordonnance", file_name="ordonnance.pdf", chat=group)
    await bot_api.wait_for(lambda c: c.method == "leaveChat" and c.chat_id == -100888)
    await bot_api.wait_quiet(0.2)
    assert bot_api.calls_of("getFile") == [], "nothing sent in a group is downloaded"
    to_group = [c for c in bot_api.calls if c.chat_id == -100888]
    assert [c.method for c in to_group] == ["sendMessage", "leaveChat"]
    with carnet.store.vault(alice.id) as vault:
        assert vault.list_documents() == []


async def test_a_misread_value_is_corrected_by_typing_before_it_is_stored(
    bot_api: FakeBotApi, tmp_path: Path
):
    from bot.engine.intake import FIX as INTAKE_FIX

    truth, draft = build_document(7, "lab_report", 0)  # Sodium printed 227 mmol/L
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    pdf = (tmp_path / files["text_pdf"][0]).read_bytes()
    alice = bot_api.user(1001)
    await onboard(alice)

    await alice.send_document(pdf, file_name="bilan.pdf")
    summary = await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=30)
    await alice.press(next(d for d in summary.callback_data if d.startswith(INTAKE_FIX)))
    await alice.expect(lambda c: c.method == "sendMessage")
    await alice.send_text("la valeur du sodium c'est 141")
    corrected = await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data))
    assert "Sodium : 141 mmol/L" in corrected.text and "227" not in corrected.text
    await alice.press(next(d for d in corrected.callback_data if d.startswith(INTAKE_OK)))
    await alice.expect(lambda c: not c.buttons)

    await alice.send_text("ma dernière natrémie ?")
    answer = await alice.expect(lambda c: c.method == "sendMessage")
    assert "141" in answer.text and "227" not in answer.text
