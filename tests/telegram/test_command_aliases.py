"""Commands users type that are not in the menus still answer: /medications, /medicaments.

The real carnet behind the real PTB application and the fake Bot API; carnet's clock is 10 March
2026 (the dates of ``tests.bot.history.basic``).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine.commands import MENU
from bot.i18n import translator
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.clock import FakeClock
from tests.telegram.test_answers import said, seed

pytestmark = pytest.mark.usefixtures("carnet")


@pytest.fixture
def carnet_clock() -> FakeClock:
    """10 March 2026, 09:00 UTC."""
    return FakeClock()


@pytest.mark.parametrize(("language", "command"), [("en", "/medications"), ("fr", "/medicaments")])
async def test_medication_aliases_list_current_treatments(
    bot_api: FakeBotApi, carnet: Any, language: str, command: str
):
    user = bot_api.user(3003, language_code=language)
    seed(carnet, user, language)

    answer = await said(user, command)

    assert "Levothyrox" in answer and "Doliprane" in answer
    assert translator(language)("fallback.unknown") not in answer
    assert answer == await said(user, "/treatments" if language == "en" else "/traitements")


async def test_aliases_stay_out_of_the_menus(bot_api: FakeBotApi):
    menus = [c.params["commands"] for c in bot_api.calls_of("setMyCommands")]
    names = {c["command"] for menu in menus for c in menu}

    assert menus and not names & {"medications", "medicaments"}
    assert names == set(MENU["fr"]) | set(MENU["en"])
