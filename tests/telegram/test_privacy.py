"""No health data, message text, file name or bot token in the logs of a Telegram scenario,
even with every logger at DEBUG (python-telegram-bot logs whole updates at DEBUG)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.engine.intake import OK as INTAKE_OK
from tests.fakes.bot_api import FakeBotApi
from tests.synthetic.corpus import build_document, render_document
from tests.telegram.conftest import onboard

pytestmark = pytest.mark.usefixtures("carnet")


async def test_debug_logs_of_a_full_scenario_hold_no_health_data(
    bot_api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    truth, draft = build_document(7, "lab_report", 0)
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    pdf = (tmp_path / files["text_pdf"][0]).read_bytes()

    alice = bot_api.user(1001, first_name="Albertine")
    await onboard(alice)
    await alice.send_text("je prends du Levothyrox 75 le matin")
    await alice.expect_buttons()
    await alice.press("st:ok")
    await alice.expect(lambda c: not c.buttons)
    await alice.send_text("je suis allergique à la pénicilline")
    await alice.expect_buttons()
    await alice.press("st:ok")
    await alice.expect(lambda c: not c.buttons)
    await alice.send_document(pdf, file_name="bilan-sodium-albertine.pdf")
    summary = await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=30)
    await alice.press(next(d for d in summary.callback_data if d.startswith(INTAKE_OK)))
    await alice.expect(lambda c: not c.buttons)
    await alice.send_text("quels sont mes traitements ?")
    await alice.expect_text("Levothyrox")
    await bot_api.wait_quiet(0.2)

    logs = caplog.text.lower()
    assert len(caplog.records) > 10, "the scenario was logged (ids, counts, timings)"
    secrets = [
        "levothyrox",
        "pénicilline",
        "penicilline",
        "albertine",
        "bilan-sodium",
        "quels sont mes traitements",
        bot_api.token.lower(),
        *(lab.name.lower() for lab in truth.lab_results),
    ]
    leaked = [s for s in secrets if s in logs]
    assert leaked == []
