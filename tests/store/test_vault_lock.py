"""Two instances on one PostgreSQL database: a vault opened while another instance holds the
user's vault waits for it, then reads what it committed (the lock, then the profile row)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
import pytest

from store import DialogueState, Medication, open_store
from tests.store.conftest import USER

pytestmark = pytest.mark.postgres


def _waiting_on_lock(url: str) -> int:
    """Server sessions of this database waiting for a lock."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
        return int(row[0]) if row else 0


def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the second vault never waited for the lock"
        time.sleep(0.02)  # polling the server's view of the waiting session


@pytest.mark.parametrize("by_account", [False, True])
def test_a_second_instance_waits_then_sees_the_committed_turn(
    postgres_url: str, master_key: bytes, by_account: bool
) -> None:
    first = open_store(postgres_url, master_key)
    second = open_store(postgres_url, master_key)
    try:
        with first.vault(USER) as vault:
            vault.save_dialogue(DialogueState(step="asked"))
            ids = (vault.account_id, vault.profile_id)
        with second.vault(USER) as vault:  # the second instance knows the profile already
            assert vault.get_dialogue().step == "asked"
        seen: list[tuple[str, list[str]]] = []

        def other_turn() -> None:
            opening = second.vault_for_account(*ids) if by_account else second.vault(USER)
            with opening as vault:
                seen.append(
                    (vault.get_dialogue().step, [m.name for m in vault.records(Medication)])
                )

        with first.vault(USER) as vault:
            thread = threading.Thread(target=other_turn)
            thread.start()
            _until(lambda: _waiting_on_lock(postgres_url) >= 1)
            vault.save_dialogue(DialogueState(step="answered"))
            vault.save(Medication(name="Levothyrox"))
        thread.join(10)
        assert seen == [("answered", ["Levothyrox"])]
    finally:
        first.close()
        second.close()
