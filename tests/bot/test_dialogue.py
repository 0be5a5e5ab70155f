"""The engine's static contracts: state table, catalogues, error mapping, command menus."""

from __future__ import annotations

import re
import string

from bot.engine import errors
from bot.engine.commands import COMMANDS, MENU, command_menu
from bot.engine.dialogue import ONBOARDING, TRANSITIONS, On, Step, diagram, step_of
from bot.engine.events import UnsupportedIn
from bot.i18n import translator
from bot.i18n.translator import CATALOGUES
from extraction import errors as extraction_errors
from store import errors as store_errors
from tests.bot.conftest import Chat


def test_every_step_is_reachable_and_answers_text_or_buttons():
    targets = {t for targets in TRANSITIONS.values() for t in targets}
    assert set(Step) - {Step.IDLE} <= targets
    for step in Step:
        assert (step, On.TEXT) in TRANSITIONS or (step, On.BUTTON) in TRANSITIONS, step
    assert all(step in Step for step in ONBOARDING)
    assert "confirm_document --> idle" in diagram()
    assert step_of("no-such-step") is Step.IDLE


def test_catalogues_have_the_same_keys_and_placeholders():
    fr, en = CATALOGUES["fr"], CATALOGUES["en"]
    assert set(fr) == set(en)
    for key in fr:
        fields_fr = {f for _, f, _, _ in string.Formatter().parse(fr[key]) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en[key]) if f}
        assert fields_fr == fields_en, key


def test_every_error_code_has_a_message_in_both_languages():
    codes = {
        cls.code
        for module in (extraction_errors, store_errors)
        for cls in vars(module).values()
        if isinstance(cls, type)
        and issubclass(cls, Exception)
        and isinstance(getattr(cls, "code", None), str)
    }
    for code in codes:
        for language in ("fr", "en"):
            tr = translator(language)
            key = errors.MESSAGE_KEYS.get(code, "error.internal")
            assert tr.has(key), (code, language)
            assert errors.message_for_code(code, tr)
    assert errors.message_for(RuntimeError("secret detail"), translator("fr")).startswith("Désolé")


def test_command_menus_list_known_commands_in_each_language():
    for language in ("fr", "en"):
        menu = command_menu(language)
        assert [name for name, _ in menu] == MENU[language]
        for name, description in menu:
            assert name in COMMANDS and re.fullmatch(r"[a-z_]{1,32}", name)
            assert 3 <= len(description) <= 256
    assert dict(command_menu("fr"))["traitements"] == "Mes traitements en cours"
    assert dict(command_menu("en"))["treatments"] == "My current treatments"
    assert "profil" in dict(command_menu("fr")) and "profile" in dict(command_menu("en"))
    assert COMMANDS["profil"] == COMMANDS["profile"] == "profile"


async def test_edited_message_gets_its_own_kind_message(engine):
    for language, expected in (
        ("fr", "Je ne lis que les nouveaux messages"),
        ("en", "I only read new messages; send your correction as a new message"),
    ):
        chat = Chat(engine, user_id=4001 if language == "fr" else 4002, language=language)
        await chat.onboard()
        await chat.send(UnsupportedIn(what="edited_message"))
        assert expected in chat.text
        await chat.send(UnsupportedIn(what="sticker"))
        assert expected not in chat.text
