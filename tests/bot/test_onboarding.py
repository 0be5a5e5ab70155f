"""Onboarding: nothing stored before consent, then birth year, sex, timezone, hours; settings."""

from __future__ import annotations

from datetime import time

from bot.engine.events import ButtonIn, TextIn
from tests.bot.conftest import Chat


async def test_nothing_is_stored_before_the_consent_button(chat: Chat, store):
    text = await chat.say("/start")
    assert "avis médical" in text and "chiffrées" in text
    await chat.say("je suis allergique à la pénicilline")
    await chat.photo()
    assert not store.has_account(chat.user.user_id)
    assert "J'accepte" in chat.button("accepte").label


async def test_declining_keeps_nothing(chat: Chat, store):
    await chat.say("/start")
    text = await chat.press("Non merci")
    assert "je ne conserve rien" in text
    assert not store.has_account(chat.user.user_id)


async def test_consent_then_profile_questions_are_saved(chat: Chat, store):
    await chat.say("/start")
    text = await chat.press("J'accepte")
    assert "année de naissance" in text
    assert store.has_account(chat.user.user_id)
    assert "pas reconnu" in await chat.say("je ne sais pas")
    assert "sexe" in await chat.say("né en 1958")
    assert "Europe/Paris" in await chat.press("Femme")
    assert "Heures de rappel" in await chat.say("Montréal")
    text = await chat.say("7h30 12h 19h 22h30")
    assert "C'est prêt" in text and "07:30" in text
    with store.vault(chat.user.user_id) as vault:
        profile = vault.get_profile()
        assert [a.action.value for a in vault.audit_log()] == ["consented"]
    assert profile.consent.given and profile.consent.at is not None
    assert profile.birth_year == 1958
    assert profile.sex is not None and profile.sex.value == "female"
    assert profile.timezone == "America/Toronto"
    assert profile.reminders.morning == time(7, 30)
    assert profile.reminders.bedtime == time(22, 30)
    assert profile.onboarded


async def test_language_follows_the_client_until_chosen(engine):
    english = Chat(engine, user_id=2002, language="en")
    text = await english.say("/start")
    assert "Do you agree" in text
    await english.onboard()
    assert "I have no current treatment" in await english.say("/treatments")
    await english.say("/langue")
    text = await english.press("Français")
    assert "français" in text
    assert "Je n'ai aucun traitement" in await english.say("what are my medications?")


async def test_timezone_and_reminder_settings_commands(chat: Chat, store):
    await chat.onboard()
    assert "Europe/Paris" in await chat.say("/fuseau")
    assert "Indian/Reunion" in await chat.say("La Réunion")
    assert "Indian/Reunion" in await chat.say("/timezone la reunion")
    text = await chat.say("/rappels")
    assert "Rappels activés" in text
    await chat.press("Changer les heures")
    assert "06:45" in await chat.say("6h45 20h")
    await chat.say("/reminders")
    assert "Rappels désactivés" in await chat.press("Désactiver")
    with store.vault(chat.user.user_id) as vault:
        profile = vault.get_profile()
    assert profile.timezone == "Indian/Reunion"
    assert profile.reminders.morning == time(6, 45)
    assert profile.reminders.evening == time(20, 0)
    assert not profile.reminders.enabled


async def test_a_group_chat_is_refused_and_left(engine, store):
    from bot.engine.events import UserRef
    from bot.engine.replies import LeaveChat

    group = UserRef(user_id=5, chat_id=-100, chat_type="group", language_code="fr")
    replies = await engine.handle(group, TextIn(text="quels sont mes traitements ?"))
    assert any(isinstance(r, LeaveChat) for r in replies)
    assert not store.has_account(5)


async def test_a_forged_button_does_nothing(chat: Chat, store):
    await chat.onboard()
    await chat.send(ButtonIn(data="doc:ok:" + "0" * 32))
    assert "n'est plus en attente" in chat.text
