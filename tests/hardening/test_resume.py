"""Embedded shape, real processes: ``carnet run`` (SQLite, polling the fake Bot API) SIGKILLed
while Tesseract reads a photo. At the next start the document is read again and its summary
sent once (confirmed once); with ``CARNET_JOB_MAX_ATTEMPTS=1`` it is given up instead and its
owner told so, kindly, in their language. In-process variants (SQLite and PostgreSQL, several
crashes): ``test_recovery.py``.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.engine.intake import OK
from bot.i18n import translator
from store.records import DocumentStatus
from tests.deploy.test_scaled import prescription_image, wait_for_tesseract
from tests.fakes.bot_api import FakeBotApi
from tests.hardening.conftest import user_quiet
from tests.hardening.test_kill import (
    CarnetProcess,
    job_states,
    job_states_become,
    settled,
    snapshot,
)
from tests.telegram.conftest import onboard

pytestmark = [
    pytest.mark.slow,
    pytest.mark.tesseract,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs the tesseract binary"),
]


class Carnet(CarnetProcess):
    """``carnet run`` with extra settings."""

    def __init__(self, api: FakeBotApi, folder: Path, **extra: str) -> None:
        super().__init__(api, folder / "data", folder / "carnet.log")
        self.extra = extra

    def env(self) -> dict[str, str]:
        return {**super().env(), "CARNET_LOG_LEVEL": "INFO", **self.extra}

    async def kill_while_reading(self) -> None:
        """SIGKILL once the OCR of the photo runs (Tesseract is a child process)."""
        assert self.process is not None
        await wait_for_tesseract(self.process.pid, within=60)
        await self.kill()


def head(language: str, key: str) -> str:
    """The text of ``key`` before its date."""
    return translator(language)(key, date="§", time="§").split("§")[0]


async def test_a_photo_whose_reading_was_killed_is_read_again_at_start(
    bot_api: FakeBotApi, tmp_path: Path
):
    photo = prescription_image(tmp_path)
    carnet = Carnet(bot_api, tmp_path)
    try:
        await carnet.start()
        alice = bot_api.user(1001)
        await onboard(alice)
        await alice.send_photo(photo)
        await carnet.kill_while_reading()
        assert job_states(carnet.data_dir) == ["running"], "killed in the middle of the reading"
        assert not [c for c in alice.replies() if OK in " ".join(c.callback_data)]

        await carnet.start()
        await alice.expect_text(head("fr", "intake.resumed"), within=60)
        summary = await alice.expect(lambda c: OK in " ".join(c.callback_data), within=60)
        docs = await settled(carnet.data_dir, alice.id)
        assert docs == {f"{DocumentStatus.READ.value}:": 1}
        assert await job_states_become(carnet.data_dir, ["done"])
        await user_quiet(alice, 0.5)
        summaries = [c for c in alice.replies() if OK in " ".join(c.callback_data)]
        assert len(summaries) == 1, "one summary"

        ok = next(d for d in summary.callback_data if d.startswith(OK))
        await alice.press_data(ok)
        await alice.expect(lambda c: not c.buttons and c.method == "sendMessage", within=30)
        meds, _ = snapshot(carnet.data_dir, alice.id)
        assert meds and max(meds.values()) == 1, "saved once"
    finally:
        await carnet.stop()


async def test_a_photo_that_kills_its_reading_is_given_up_and_its_owner_told(
    bot_api: FakeBotApi, tmp_path: Path
):
    photo = prescription_image(tmp_path)
    carnet = Carnet(bot_api, tmp_path, CARNET_JOB_MAX_ATTEMPTS="1")
    try:
        await carnet.start()
        bob = bot_api.user(2002, language_code="en")
        await onboard(bob)
        await bob.send_photo(photo)
        await carnet.kill_while_reading()  # the only attempt allowed

        await carnet.start()
        told = await bob.expect_text(head("en", "intake.gave_up"), within=60)
        assert "couldn't read" in told.text and "sharper photo" in told.text
        await asyncio.sleep(0.5)
        await user_quiet(bob, 0.5)
        assert not [c for c in bob.replies() if OK in " ".join(c.callback_data)], "not read"
        _, docs = snapshot(carnet.data_dir, bob.id)
        assert docs == {f"{DocumentStatus.FAILED.value}:gave_up": 1}
        assert await job_states_become(carnet.data_dir, ["failed"])
    finally:
        await carnet.stop()
    log = (tmp_path / "carnet.log").read_text(errors="replace")
    assert "given up" in log and "Doliprane" not in log
