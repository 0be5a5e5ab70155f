"""Telegram's Bot API failing under the real carnet (429 with retry_after, 5xx, timeouts) at every
step of a document's life: polling, download, progress, summary, confirmation, export. Every
call is retried with backoff and nothing is lost: the record is saved once, the export arrives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.engine.intake import OK
from store.records import Medication
from tests.fakes.bot_api import FakeBotApi
from tests.hardening.conftest import user_quiet
from tests.synthetic.corpus import build_document, render_document
from tests.telegram.conftest import onboard

FAULTS = [
    ("getUpdates", 502, None),
    ("getFile", 502, None),
    ("getFile", 429, 1),
    ("sendChatAction", 500, None),
    ("sendMessage", 429, 1),
    ("editMessageText", 503, None),
    ("sendMessage", 502, None),
    ("sendDocument", 502, None),
    ("sendDocument", 429, 1),
]
"""(method, status, retry_after) injected once each, in this order of the scenario."""


@pytest.mark.slow
async def test_a_document_goes_through_every_kind_of_bot_api_failure_and_nothing_is_lost(
    bot_api: FakeBotApi, carnet: Any, tmp_path: Path
):
    truth, draft = build_document(5, "prescription", 0)
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    pdf = (tmp_path / files["text_pdf"][0]).read_bytes()
    alice = bot_api.user(1001)
    await onboard(alice)

    for method, status, retry_after in FAULTS:
        bot_api.fail(method, status=status, retry_after=retry_after)
    await alice.send_document(pdf, file_name="ordonnance.pdf")
    summary = await alice.expect(lambda c: OK in " ".join(c.callback_data), within=40)
    await user_quiet(alice, 0.3)
    await alice.press(next(d for d in summary.callback_data if d.startswith(OK)))
    await alice.expect(lambda c: not c.buttons and c.method == "sendMessage", within=20)
    await alice.send_command("/export")
    await alice.expect(lambda c: c.method == "sendDocument" and c.error is None, within=40)
    await user_quiet(alice, 0.5)

    injected = sum(1 for c in bot_api.calls if c.error in {"429", "500", "502", "503"})
    not_taken = [f.method for f in bot_api.faults if f.times > 0]
    assert not_taken == ["getUpdates"] or not_taken == [], f"faults not met: {not_taken}"
    assert injected >= len(FAULTS) - 1
    with carnet.store.vault(alice.id, create=False) as vault:
        names = [m.name for m in vault.records(Medication)]
    assert len(names) == len(truth.medications) == len(set(names)), "saved once, all of it"
    summaries = [c for c in alice.replies() if c.error is None and OK in " ".join(c.callback_data)]
    assert len(summaries) == 1, "the summary was shown once, not repeated by a retry"
