"""SIGKILL of ``carnet run`` in the middle of a reminder dispatch: after the restart no
occurrence is sent twice and none is lost. The dispatcher marks an occurrence sent before the
message leaves (a duplicate "take your pill" is worse than a late one), so the kill may cost the
few messages in flight; occurrences the killed process had claimed but not reached come back when
their lease (5 minutes) expires, which the test checks by claiming past the lease.
The seed is printed on failure (``CARNET_HARDENING_SEED`` replays it)."""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.maintenance import load_master_key
from bot.settings import load_settings
from store import open_store
from store.records import Occurrence, Reminder, ReminderKind
from tests.fakes.bot_api import FakeBotApi
from tests.hardening.test_kill import carnet_process
from tests.telegram.conftest import onboard

pytestmark = pytest.mark.slow

REMINDERS = 40


def _store(data_dir: Path):
    settings = load_settings({"CARNET_DATA_DIR": str(data_dir)})
    return open_store(settings.effective_database_url, load_master_key(settings, create=False))


def _schedule(data_dir: Path, user_id: int, due: datetime) -> set[str]:
    """Store ``REMINDERS`` follow-up occurrences due at ``due``; returns their ids.

    The user gets no quiet hours: the real process holds reminders during them (22:30-07:30
    Paris by default), and this test must not depend on the time of day it runs at."""
    store = _store(data_dir)
    try:
        with store.vault(user_id, create=False) as vault:
            profile = vault.get_profile()
            prefs = profile.reminders.model_copy(
                update={"quiet_start": time(0), "quiet_end": time(0)}
            )
            vault.save_profile(profile.model_copy(update={"reminders": prefs}))
            ids: set[str] = set()
            for n in range(REMINDERS):
                reminder = Reminder(kind=ReminderKind.FOLLOW_UP, label=f"bilan {n}")
                vault.save_reminder(reminder)
                occurrence = Occurrence(reminder_id=reminder.id, due_at=due)
                vault.save_occurrences([occurrence])
                ids.add(occurrence.id)
    finally:
        store.close()
    return ids


def _unsent(data_dir: Path, user_id: int, ids: set[str]) -> set[str]:
    store = _store(data_dir)
    try:
        with store.vault(user_id, create=False) as vault:
            return {o.id for o in vault.list_occurrences() if o.id in ids and o.sent_at is None}
    finally:
        store.close()


def _claimable_after_lease(data_dir: Path) -> set[str]:
    """Occurrences a dispatcher would claim once every current lease has expired."""
    store = _store(data_dir)
    try:
        later = datetime.now(UTC) + timedelta(minutes=6)
        return {due.occurrence_id for due in store.claim_due(later, limit=1000)}
    finally:
        store.close()


async def test_sigkill_mid_dispatch_never_sends_an_occurrence_twice(
    bot_api: FakeBotApi, tmp_path: Path
):
    seed = int(os.environ.get("CARNET_HARDENING_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    why = f"seed={seed} (CARNET_HARDENING_SEED={seed} replays it)"
    data_dir = tmp_path / "data"
    alice = bot_api.user(2002)

    async with carnet_process(bot_api, tmp_path) as carnet:
        await carnet.start()
        await onboard(alice)
        await carnet.stop()
        ids = _schedule(data_dir, alice.id, datetime.now(UTC) - timedelta(minutes=1))

        def sent_per_occurrence() -> Counter[str]:
            seen: Counter[str] = Counter()
            for call in bot_api.calls:
                if call.chat_id != alice.id or call.error is not None:
                    continue
                for occurrence_id in ids:
                    if any(occurrence_id in data for data in call.callback_data):
                        seen[occurrence_id] += 1
                        break
            return seen

        await carnet.start()  # the first tick comes a few seconds after start
        for _ in range(300):
            if sent_per_occurrence():
                break
            await asyncio.sleep(0.05)
        assert sent_per_occurrence(), f"the dispatcher never started; {why}"
        await asyncio.sleep(rng.uniform(0.0, 0.5))
        await carnet.kill()
        before = sum(sent_per_occurrence().values())

        await carnet.start()
        await asyncio.sleep(6.0)  # past the first tick of the new process
        await bot_api.wait_quiet(1.0)

    sent = sent_per_occurrence()
    assert max(sent.values()) == 1, f"an occurrence was sent twice: {sent.most_common(3)}; {why}"
    unsent = _unsent(data_dir, alice.id, ids)
    assert unsent.isdisjoint(sent), f"a delivered occurrence is not marked sent; {why}"
    assert _claimable_after_lease(data_dir) >= unsent, f"an unsent occurrence is stuck; {why}"
    lost = REMINDERS - len(sent) - len(unsent)
    assert lost <= 2, f"{lost} messages lost in the kill window ({before} sent before); {why}"
