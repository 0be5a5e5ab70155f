"""Logs carry ids, counts and timings only: a whole conversation leaves no health data in them."""

from __future__ import annotations

import logging

from bot.logs import RedactionFilter
from tests.bot.conftest import Chat

SCENARIO = (
    "pénicilline",
    "penicilline",
    "Doliprane",
    "Amoxicilline",
    "Levothyrox",
    "Claire",
    "allergique",
    "traitements",
    "1975",
)


async def test_a_conversation_logs_no_health_data(chat: Chat, caplog):
    caplog.set_level(logging.DEBUG)
    await chat.say("/start")
    await chat.press("J'accepte")
    await chat.say("1975")
    await chat.photo(name="ordonnance-Levothyrox.jpg")
    await chat.press("Confirmer")
    await chat.say("je suis allergique à la pénicilline")
    await chat.press("Oui")
    await chat.say("quels sont mes traitements ?")
    await chat.say("puis-je prendre de l'augmentin ?")
    assert "handled kind=TextIn" in caplog.text
    for secret in SCENARIO:
        assert secret not in caplog.text, secret


def test_redaction_filter_masks_bot_tokens():
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "HTTP Request: POST https://api.telegram.org/bot123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345/getMe",
        None,
        None,
    )
    RedactionFilter().filter(record)
    assert "ABCdef" not in record.getMessage() and "bot<redacted>" in record.getMessage()


def test_redaction_filter_blanks_third_party_debug_arguments():
    record = logging.LogRecord(
        "telegram.ext.ExtBot",
        logging.DEBUG,
        __file__,
        1,
        "Call to Bot API endpoint `%s` finished with return value `%s`",
        ("sendMessage", {"text": "Vos traitements : Levothyrox"}),
        None,
    )
    RedactionFilter().filter(record)
    assert "Levothyrox" not in record.getMessage()
    own = logging.LogRecord("carnet.engine", logging.INFO, __file__, 1, "handled n=%d", (3,), None)
    RedactionFilter().filter(own)
    assert own.getMessage() == "handled n=3"
