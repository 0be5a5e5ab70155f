"""The Telegram flow on PostgreSQL (the scaled deployment's database): two users side by side."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.fakes.bot_api import FakeBotApi, FakeUser
from tests.telegram.conftest import StartBot, onboard, telegram_settings

pytestmark = pytest.mark.postgres


async def state_treatment(user: FakeUser, text: str) -> None:
    await user.send_text(text)
    await user.expect_buttons()
    await user.press("st:ok")
    await user.expect(lambda c: not c.buttons)


async def test_two_users_on_postgresql_see_only_their_own_record(
    bot_api: FakeBotApi, start_bot: StartBot, postgres_url: str, data_dir: Path, master_key: bytes
):
    from bot.bootstrap import build_services

    settings: Settings = telegram_settings(bot_api, data_dir, master_key, postgres_url)
    services = build_services(settings)
    try:
        async with start_bot(services.engine, settings=settings):
            alice = bot_api.user(1001, language_code="fr")
            bob = bot_api.user(2002, language_code="en")
            await asyncio.gather(onboard(alice), onboard(bob))
            await asyncio.gather(
                state_treatment(alice, "je prends du Levothyrox 75 le matin"),
                state_treatment(bob, "I take Kardegic 75 in the morning"),
            )
            await alice.send_text("quels sont mes traitements ?")
            await bob.send_text("what are my medications?")
            await alice.expect_text("Levothyrox")
            await bob.expect_text("Kardegic")
            await bot_api.wait_quiet(0.2)
    finally:
        services.close()
    assert not any("Kardegic" in c.text for c in alice.replies())
    assert not any("Levothyrox" in c.text for c in bob.replies())
