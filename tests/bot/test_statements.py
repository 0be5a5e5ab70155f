"""Things said in words are proposed, confirmed, then stored; safety warnings cite the record."""

from __future__ import annotations

from datetime import date

from store.records import Allergy, Condition, Medication, MedicationStatus, Vaccination
from tests.bot.conftest import Chat
from tests.fakes.ocr import prescription


def _all(store, user_id, kind):
    with store.vault(user_id) as vault:
        return vault.records(kind)


async def test_allergy_is_stored_only_after_confirmation(chat: Chat, store):
    await chat.onboard()
    text = await chat.say("je suis allergique à la pénicilline")
    assert "allergie à pénicilline" in text and "pénicillines" in text
    assert _all(store, chat.user.user_id, Allergy) == []
    assert "enregistré" in await chat.press("Oui, enregistrer")
    [allergy] = _all(store, chat.user.user_id, Allergy)
    assert allergy.drug_class == "J01C" and allergy.status.value == "confirmed"


async def test_refusing_a_statement_stores_nothing(chat: Chat, store):
    await chat.onboard()
    await chat.say("allergic to peanuts")
    assert "je n'enregistre rien" in await chat.say("non")
    assert _all(store, chat.user.user_id, Allergy) == []


async def test_english_statements(engine, store):
    chat = Chat(engine, user_id=4004, language="en")
    await chat.onboard()
    assert "allergy to peanuts" in await chat.say("I'm allergic to peanuts")
    await chat.press("Yes")
    assert "asthma" in await chat.say("I have asthma")
    await chat.press("Yes")
    text = await chat.say("I take metformin 500 mg twice a day")
    assert "Metformin 500 mg — twice a day" in text
    await chat.press("Yes")
    [med] = _all(store, chat.user.user_id, Medication)
    assert med.atc == "A10BA02" and med.posology.frequency == 2
    assert [c.normalized_name for c in _all(store, chat.user.user_id, Condition)] == ["asthma"]


async def test_vaccination_treatment_stop_and_condition(chat: Chat, store):
    await chat.onboard()
    text = await chat.say("vaccin grippe le 15 octobre")
    assert "vaccin grippe, le 15 octobre 2025" in text
    await chat.press("Oui")
    [shot] = _all(store, chat.user.user_id, Vaccination)
    assert shot.date == date(2025, 10, 15) and shot.normalized_name == "influenza"

    text = await chat.say("je prends du Levothyrox 75 le matin")
    assert "Levothyrox 75 — le matin" in text
    await chat.press("Oui")
    assert "Levothyrox 75" in await chat.say("mes traitements")

    assert "arrêt de Levothyrox 75" in await chat.say("j'ai arrêté le levothyrox")
    await chat.press("Oui")
    [med] = _all(store, chat.user.user_id, Medication)
    assert med.med_status is MedicationStatus.STOPPED and med.end_date == date(2026, 3, 10)
    assert "aucun traitement en cours" in await chat.say("mes traitements")

    assert "diabète" in await chat.say("je suis diabétique")
    await chat.press("Oui")
    assert len(_all(store, chat.user.user_id, Condition)) == 1


async def test_prescription_conflicting_with_an_allergy_is_warned(chat: Chat, extractor):
    await chat.onboard()
    await chat.say("je suis allergique à la pénicilline")
    await chat.press("Oui")
    extractor.queue[:] = [prescription("Augmentin 1 g", "Doliprane 1000 mg")]
    text = await chat.photo()
    assert "⚠️ Attention" in text
    assert "Augmentin 1 g fait partie des pénicillines" in text
    assert "dit par vous le 10 mars 2026" in text
    assert "médecin ou votre pharmacien" in text


async def test_duplicate_substance_is_warned(chat: Chat, extractor):
    await chat.onboard()
    await chat.photo()
    await chat.press("Confirmer")
    extractor.queue[:] = [prescription("Dafalgan 500 mg")]
    text = await chat.photo()
    assert "Dafalgan 500 mg contient paracetamol, comme Doliprane 1000 mg" in text
    text = await chat.say("je prends de l'Efferalgan le soir")
    assert "paracetamol" in text and "Doliprane 1000 mg" in text


async def test_nsaid_allergy_in_english(engine):
    chat = Chat(engine, user_id=4005, language="en")
    await chat.onboard()
    await chat.say("I am allergic to NSAIDs")
    await chat.press("Yes")
    text = await chat.say("can I take advil?")
    assert "NSAIDs" in text and "doctor or pharmacist" in text


async def test_two_users_never_see_each_other(any_store, clock, extractor):
    from bot.engine.engine import Engine

    store = any_store
    engine = Engine(store=store, clock=clock, extract=extractor)
    alice = Chat(engine, user_id=7001)
    bob = Chat(engine, user_id=7002, language="en")
    await alice.onboard()
    await bob.onboard()
    await alice.photo()
    await alice.say("je suis allergique à la pénicilline")
    await alice.press("Oui")
    assert "no current treatment" in (await bob.say("what are my medications?")).lower()
    assert "No allergy" in await bob.say("/allergies")
    assert "I have no matching document" in await bob.say("/documents")
    # Bob cannot press Alice's confirm button
    await alice.say("quels sont mes traitements ?")
    await alice.photo()
    confirm = alice.button("Confirmer")
    bob.last = alice.last
    await bob.press("Confirmer")
    assert "no longer pending" in bob.text
    assert _all(store, bob.user.user_id, Medication) == []
    assert confirm.data.startswith("doc:ok:")


async def test_new_allergy_is_checked_against_current_treatments(chat: Chat):
    await chat.onboard()
    await chat.photo()
    await chat.press("Confirmer")
    text = await chat.say("je suis allergique à la pénicilline")
    assert "Vous prenez Amoxicilline 1 g (ordonnance du 3 mars 2026)" in text
    assert "médecin ou votre pharmacien" in text
