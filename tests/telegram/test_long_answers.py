"""Long answers through Telegram: split on line boundaries under 4096 characters, the buttons on
the last part, long lists paged, and HTML escaping that never breaks a message (the fake Bot API
parses HTML as Telegram does and refuses a bare ``<`` or ``&``). Real carnet, real PTB."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest

from bot.engine.intake import OK as INTAKE_OK
from bot.engine.paging import MORE
from store.records import (
    Medication,
    Posology,
    Provenance,
    Quantity,
    RecordStatus,
    TimeOfDay,
)
from tests.bot import history
from tests.fakes.bot_api import ApiCall, FakeBotApi, FakeUser
from tests.fakes.clock import FakeClock
from tests.synthetic.corpus import build_document
from tests.synthetic.render import text_pdf
from tests.telegram.conftest import onboard

pytestmark = pytest.mark.usefixtures("carnet")

LIMIT = 4096


@pytest.fixture
def carnet_clock() -> FakeClock:
    """10 March 2026, 09:00 UTC."""
    return FakeClock()


def visible(call: ApiCall) -> str:
    """What the user reads: the HTML sent, unescaped."""
    return html.unescape(call.text)


def calls_since(user: FakeUser, since: int) -> list[ApiCall]:
    return [c for c in user.api.calls[since:] if c.chat_id == user.id]


async def test_a_long_document_summary_is_split_cleanly_buttons_last(bot_api: FakeBotApi):
    pages: list[object] = []
    for index in range(7):  # seven lab reports, ten pages: a summary over 4096 characters
        _, draft = build_document(7, "lab_report", index)
        pages.extend(draft.writer.pages)
    alice = bot_api.user(1001)
    await onboard(alice)

    since = len(bot_api.calls)
    await alice.send_document(text_pdf(pages, "bilans"), file_name="bilans.pdf")  # type: ignore[arg-type]
    last = await alice.expect(lambda c: INTAKE_OK in " ".join(c.callback_data), within=45)
    shown = calls_since(alice, since)
    parts = [c for c in shown if c.method == "sendMessage"][1:]  # after the reading message
    assert len(parts) >= 2 and parts[-1] is last, "the summary came in several messages"
    assert all(c.error is None for c in shown), "Telegram accepted every part (HTML intact)"
    assert all(len(visible(c).encode("utf-16-le")) // 2 <= LIMIT for c in parts)
    assert [bool(c.buttons) for c in parts] == [False] * (len(parts) - 1) + [True]
    assert visible(parts[0]).startswith("J'ai lu : compte rendu d'analyses")
    lines = [line for c in parts for line in visible(c).split("\n")]
    bullets = [line for line in lines if line.startswith("• ")]
    assert all(re.match(r"• .+ : .*\d", line) for line in bullets), "no result line cut"
    assert any("< 2" in line or "<2" in line for line in bullets), "'<' shown as written"

    await alice.press(next(d for d in last.callback_data if d.startswith(INTAKE_OK)))
    saved = await alice.expect(lambda c: not c.buttons and "Enregistré" in c.text)
    assert f"{len(bullets)} résultat(s)" in saved.text, "every result shown once, none lost"


def html_like(number: int) -> str:
    return f"Crème <Zinc> & Co n°{number:02d} > 2 %"


async def test_html_like_names_in_a_paged_list_are_escaped_on_every_page(
    bot_api: FakeBotApi, carnet: Any
):
    alice = bot_api.user(1001)
    now = carnet.engine.clock.now()
    with carnet.store.vault(alice.id) as vault:
        history.onboarded(vault, now)
        vault.save_all(
            [
                Medication(
                    name=html_like(n),
                    posology=Posology(
                        dose=Quantity(value=1, unit="application"), when=[TimeOfDay.EVENING]
                    ),
                    start_date=date(2026, 3, 1),
                    provenance=Provenance(),
                    status=RecordStatus.CONFIRMED,
                    recorded_at=now,
                )
                for n in range(40)
            ]
        )

    since = len(bot_api.calls)
    await alice.send_command("/traitements")
    page = await alice.expect(lambda c: c.method == "sendMessage")
    seen: list[str] = []
    pages = 1
    while True:
        assert page.error is None, "Telegram accepted the page"
        text = visible(page)
        seen += [line for line in text.split("\n") if line.startswith("• ")]
        more = [d for d in page.callback_data if d.startswith(MORE)]
        if not more:
            break
        await alice.press(more[0], message_id=page.result["message_id"])
        page = await alice.expect(lambda c: c.method == "sendMessage")
        pages += 1
    assert pages == 3, "40 treatments, 15 a page"
    names = [re.sub(r"^• (.+?) — .*$", r"\1", line) for line in seen]
    assert sorted(names) == sorted(html_like(n) for n in range(40)), "each name once, as written"
    assert all(c.error is None for c in calls_since(alice, since))
