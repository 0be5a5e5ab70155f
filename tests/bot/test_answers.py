"""Each family of question answered from the record, in French and in English, citing sources."""

from __future__ import annotations

import pytest

from bot.engine.replies import File, Image
from tests.bot import history
from tests.bot.conftest import Chat


@pytest.fixture
def fr(chat: Chat, store, clock) -> Chat:
    with store.vault(chat.user.user_id) as vault:
        history.basic(vault, clock.now())
    return chat


@pytest.fixture
def en(engine, store, clock) -> Chat:
    chat = Chat(engine, user_id=3003, language="en")
    with store.vault(chat.user.user_id) as vault:
        history.basic(vault, clock.now())
        profile = vault.get_profile()
        vault.save_profile(profile.model_copy(update={"language": history.Language.EN}))
    return chat


async def test_current_treatments(fr: Chat, en: Chat):
    text = await fr.say("quels sont mes traitements ?")
    assert "Levothyrox 75 µg — 1 comprimé, le matin (ordonnance du 3 mars 2026)" in text
    assert "Doliprane" in text and "Amoxicilline" not in text
    text = await en.say("what meds am I on?")
    assert "Levothyrox 75 µg — 1 tablet, in the morning (prescription of 3 March 2026)" in text
    assert "3 times a day, as needed" in text
    assert "Levothyrox" in await fr.say("/traitements")


async def test_past_treatments_over_a_period(fr: Chat, en: Chat):
    text = await fr.say("qu'est-ce que j'ai pris l'été dernier ?")
    assert "Amoxicilline 1 g" in text and "ordonnance du 10 juillet 2025" in text
    assert "Levothyrox" not in text
    assert "Amoxicilline" in await fr.say("quels médicaments en juillet 2025 ?")
    text = await en.say("what did I take last summer?")
    assert "Amoxicilline 1 g from 10 July 2025 (prescription of 10 July 2025)" in text
    assert "no treatment" in (await en.say("what did I take in 2019?")).lower()


async def test_what_for_when_started_who_prescribed(fr: Chat, en: Chat):
    assert "hypothyroïdie (ordonnance du 3 mars 2026)" in await fr.say(
        "à quoi sert le levothyrox ?"
    )
    assert "le 10 juillet 2025" in await fr.say("quand ai-je commencé l'amoxicilline ?")
    assert "Dr Paul Durand" in await fr.say("qui m'a prescrit l'amoxiciline ?")
    assert "Dr Claire Martin" in await en.say("who prescribed doliprane?")
    assert "not written" in await en.say("what is doliprane for?")
    assert "on 3 March 2026" in await en.say("when did I start levothyrox?")


async def test_allergies_and_can_i_take(fr: Chat, en: Chat):
    assert "pénicilline (allergie) — famille : pénicillines" in await fr.say("mes allergies ?")
    text = await fr.say("puis-je prendre de l'augmentin ?")
    assert "pénicillines" in text and "médecin ou de votre pharmacien" in text
    text = await fr.say("je peux prendre du dafalgan ?")
    assert "paracetamol" in text and "Doliprane 1000 mg" in text
    text = await fr.say("puis-je prendre de l'ibuprofène ?")
    assert "Je ne vois rien dans votre carnet" in text and "pas un avis médical" in text
    text = await en.say("can I take amoxicillin?")
    assert "penicillins" in text and "told by you on 10 March 2026" in text
    assert "allergy" in (await en.say("/allergies")).lower()


async def test_vaccinations_done_and_due(fr: Chat, en: Chat):
    text = await fr.say("quels vaccins ai-je faits ?")
    assert "Vaxigrip Tetra — 15 octobre 2025 (lot AB123)" in text
    assert "certificat de vaccination du 15 octobre 2025" in text
    text = await fr.say("quels vaccins dois-je faire ?")
    assert "diphtérie-tétanos-polio" in text
    text = await en.say("am I up to date with my vaccines?")
    assert "Vaccinations due" in text or "nothing is due" in text
    assert "Vaxigrip" in await en.say("/vaccines")


async def test_lab_values_latest_at_a_date_out_of_range_and_trend(fr: Chat, en: Chat):
    text = await fr.say("ma dernière glycémie ?")
    assert "1,32 g/L (normes 0,7–1,1) ↑ élevé, le 20 février 2026" in text
    assert "compte rendu d'analyses du 20 février 2026" in text
    assert "1,15" in await fr.say("glycémie du 1er septembre 2025")
    text = await fr.say("qu'est-ce qui est hors norme ?")
    assert "Glycémie" in text and "Potassium" not in text
    replies = await fr.send(
        __import__("bot.engine.events", fromlist=["TextIn"]).TextIn(
            text="évolution de ma glycémie"
        )
    )
    images = [r for r in replies if isinstance(r, Image)]
    assert images and images[0].data.startswith(b"\x89PNG")
    assert "3 résultats" in fr.text
    text = await en.say("my latest potassium")
    assert "4.2 mmol/L (range 3.5–5)" in text
    replies = await en.send(
        __import__("bot.engine.events", fromlist=["TextIn"]).TextIn(text="chart my blood sugar")
    )
    assert any(isinstance(r, Image) for r in replies)
    assert "blood glucose" in (await en.say("/labs")).lower()


async def test_documents_list_and_original_sent_back(fr: Chat, en: Chat):
    assert "ordonnance du 3 mars 2026" in await fr.say("/documents")
    replies = await fr.send(
        __import__("bot.engine.events", fromlist=["TextIn"]).TextIn(
            text="montre-moi l'ordonnance du 3 mars"
        )
    )
    files = [r for r in replies if isinstance(r, File)]
    assert files and files[0].data == b"%PDF new" and files[0].media_type == "application/pdf"
    text = await en.say("show me my prescriptions")
    assert "Several documents match" in text
    await en.press("10 July 2025")
    assert any(isinstance(r, File) and r.data == b"%PDF old" for r in en.last)


async def test_reminders_and_unknown(fr: Chat, en: Chat):
    assert "Aucun rappel prévu" in await fr.say("mes rappels")
    assert "No reminder" in await en.say("/reminders")
    text = await fr.say("quelle est la capitale du Pérou ?")
    assert "Je n'ai pas compris" in text and "quels sont mes traitements" in text
    assert "I didn't understand" in await en.say("sing me a song")


async def test_export_sends_archive_and_summary(fr: Chat):
    replies = await fr.send(
        __import__("bot.engine.events", fromlist=["CommandIn"]).CommandIn(name="export")
    )
    names = [r.filename for r in replies if isinstance(r, File)]
    assert any(n.endswith(".zip") for n in names)
    assert any(n.endswith(".pdf") for n in names)


async def test_erase_needs_the_confirmation_button(fr: Chat, store):
    text = await fr.say("/supprimer")
    assert "irréversible" in text
    await fr.say("oui")
    assert store.has_account(fr.user.user_id)
    await fr.say("/supprimer")
    assert "effacées" in await fr.press("Oui, tout effacer")
    assert not store.has_account(fr.user.user_id)


async def test_open_ended_prescription_lapses_after_a_year_but_declared_ones_do_not(
    chat: Chat, store, clock
):
    from datetime import date

    from store.records import Medication, Provenance, RecordStatus

    with store.vault(chat.user.user_id) as vault:
        history.onboarded(vault, clock.now())
        old = history._doc(vault, history.DocumentKind.PRESCRIPTION, date(2024, 1, 5))
        vault.save_all(
            [
                Medication(
                    name="Tahor 10 mg",
                    start_date=date(2024, 1, 5),
                    provenance=Provenance(document_id=old),
                    status=RecordStatus.CONFIRMED,
                ),
                Medication(
                    name="Levothyrox 50",
                    start_date=date(2023, 6, 1),
                    status=RecordStatus.CONFIRMED,
                    recorded_at=clock.now(),
                ),
            ]
        )
    text = await chat.say("mes traitements")
    assert "Levothyrox 50" in text and "Tahor" not in text
    assert "Tahor 10 mg" in await chat.say("mes anciens traitements")
