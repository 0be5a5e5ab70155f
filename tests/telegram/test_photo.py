"""A prescription photographed and sent in Telegram: read by the real OCR pipeline, confirmed,
then listed. The synthetic prescription is dated; carnet's clock is set a few days after it."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.engine.intake import OK as INTAKE_OK
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.clock import FakeClock
from tests.synthetic.corpus import build_document, render_document
from tests.telegram.conftest import onboard

pytestmark = pytest.mark.usefixtures("carnet")

SEED, INDEX = 7, 0


@pytest.fixture
def carnet_clock() -> FakeClock:
    """Three days after the prescription was written."""
    truth, _ = build_document(SEED, "prescription", INDEX)
    assert truth.date is not None
    return FakeClock(datetime.combine(truth.date + timedelta(days=3), time(9), tzinfo=UTC))


def prescription_photo(tmp_path: Path) -> tuple[bytes, list[str]]:
    truth, draft = build_document(SEED, "prescription", INDEX)
    files = render_document(tmp_path, truth, draft, ["image"])
    image = (tmp_path / files["image"][0]).read_bytes()
    return image, [m.name for m in truth.medications]


@pytest.mark.tesseract
@pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="needs the tesseract binary (make run installs it)"
)
async def test_prescription_photo_read_confirmed_then_listed(bot_api: FakeBotApi, tmp_path: Path):
    image, names = prescription_photo(tmp_path)
    alice = bot_api.user(1001)
    await onboard(alice)

    await alice.send_photo(image)
    summary = await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=45)
    for name in names:
        assert name in summary.text, f"{name} read from the photo"
    downloaded = bot_api.calls_of("getFile")
    assert downloaded, "the photo was fetched through getFile and the file URL"
    largest = max(
        bot_api.files.values(), key=lambda f: len(f.data) if f.path.startswith("photos") else 0
    )
    assert Image.open(io.BytesIO(largest.data)).size[1] == 1280, "Telegram's 1280 px JPEG"

    await alice.press(next(d for d in summary.callback_data if d.startswith(INTAKE_OK)))
    await alice.expect(lambda c: c.method in {"sendMessage", "editMessageText"})
    await bot_api.wait_quiet(0.2)

    await alice.send_text("quels sont mes traitements ?")
    listing = await alice.expect_text(*names)
    assert listing.error is None
