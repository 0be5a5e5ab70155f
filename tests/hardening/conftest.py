"""Hardening fixtures: the Telegram fixtures (fake Bot API, real carnet) and store probes."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from bot.i18n import translator
from store.records import Allergy, Condition, LabResult, Medication, Vaccination
from tests.fakes.bot_api import FakeUser
from tests.telegram.conftest import (  # noqa: F401  (fixtures re-exported for this folder)
    bot_api,
    carnet,
    carnet_clock,
    migrated_database,
    start_bot,
    tg_master_key,
    tg_settings,
)

READING = ("intake.reading_one",)
CLINICAL = (Medication, LabResult, Vaccination, Allergy, Condition)


def store_state(store: Any, user_id: int) -> tuple[int, Counter[str]]:
    """(clinical records of ``user_id``, their documents counted by status)."""
    with store.vault(user_id, create=False) as vault:
        records = sum(len(vault.records(kind)) for kind in CLINICAL)
        statuses = Counter(str(d.status.value) for d in vault.list_documents())
    return records, statuses


async def user_quiet(user: FakeUser, quiet: float, within: float = 15.0) -> None:
    """Return once the bot made no call to ``user``'s chat for ``quiet`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        count = sum(1 for c in user.api.calls if c.chat_id == user.id)
        await asyncio.sleep(quiet)
        if sum(1 for c in user.api.calls if c.chat_id == user.id) == count:
            return
    raise AssertionError("the bot kept writing to this chat")


async def answer_to(user: FakeUser, label: str, *, within: float = 20.0) -> str:
    """The last message shown to ``user`` once the answer settled; every call succeeded."""
    start = user.cursor
    await user.expect(lambda c: c.method in {"sendMessage", "editMessageText"}, within=within)
    await user_quiet(user, 0.25)
    reading = {translator(lang)(key) for lang in ("fr", "en") for key in READING}
    for _ in range(int(within * 10)):  # the progress message is edited into the outcome
        if user.visible_texts()[-1] not in reading:
            break
        await asyncio.sleep(0.1)
    await user_quiet(user, 0.1)
    calls = [c for c in user.api.calls[start:] if c.chat_id == user.id]
    assert all(c.error is None for c in calls), f"{label}: Telegram refused an answer"
    user.cursor = len(user.api.calls)
    shown = user.visible_texts()[-1]
    assert shown.strip(), f"{label}: empty answer"
    return shown
