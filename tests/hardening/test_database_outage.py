"""The database goes away and comes back (a TCP proxy in front of PostgreSQL is cut, the shared
server keeps running): carnet answers a polite "try again shortly" meanwhile, keeps polling, and
serves again once the database is back, without a restart. Nothing confirmed is lost."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.i18n import translator
from bot.settings import Settings
from tests.fakes.bot_api import FakeBotApi
from tests.hardening.conftest import answer_to
from tests.hardening.proxy import CuttableProxy
from tests.telegram.conftest import StartBot, onboard, telegram_settings

pytestmark = pytest.mark.postgres


async def test_outage_gets_a_polite_answer_then_service_resumes_without_restart(
    bot_api: FakeBotApi,
    start_bot: StartBot,
    postgres_url: str,
    data_dir: Path,
    master_key: bytes,
):
    from bot.bootstrap import build_services

    url = make_url(postgres_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings: Settings = telegram_settings(bot_api, data_dir, master_key, via_proxy)
    services: Any = await asyncio.to_thread(build_services, settings)  # the proxy runs here
    fr = translator("fr")
    try:
        async with start_bot(services.engine, seen_update=services.store.seen_update):
            alice = bot_api.user(1001)
            await onboard(alice)
            await alice.send_text("je prends du Levothyrox 75 le matin")
            await alice.expect_buttons()
            await alice.press("st:ok")
            await alice.expect(lambda c: not c.buttons)
            await answer_to(alice, "statement saved")

            proxy.cut()
            for question in ("quels sont mes traitements ?", "et mes allergies ?"):
                await alice.send_text(question)
                shown = await answer_to(alice, "during the outage", within=30)
                assert html.unescape(shown) == fr("error.store"), "polite, not a crash"
            await alice.press("st:ok")  # an old button pressed during the outage
            assert html.unescape(await answer_to(alice, "button", within=30)) == fr("error.store")
            assert proxy.refused > 0, "carnet did try to reach the database"

            proxy.restore()
            await alice.send_text("quels sont mes traitements ?")
            back = await answer_to(alice, "after the outage", within=30)
            assert "Levothyrox" in back, "same process, database back: served again"

            proxy.cut()  # a blip shorter than the connection retries: nobody notices
            await alice.send_text("quels sont mes traitements ?")
            await asyncio.sleep(0.4)
            proxy.restore()
            blip = await answer_to(alice, "during a short blip", within=30)
            assert "Levothyrox" in blip, "the connection was retried, the question answered"
    finally:
        await asyncio.to_thread(services.close)
        await proxy.stop()
