"""Two instances on one database: no lost update, reminders claimed exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from store import DialogueState, Medication, Occurrence, Reminder, ReminderKind, Store, open_store
from tests.store.conftest import USER

ROUNDS = 12


@pytest.fixture
def instances(database_url: str, master_key: bytes) -> Iterator[tuple[Store, Store]]:
    """Two independent stores (own engine, pool and cache) on the same database."""
    first = open_store(database_url, master_key)
    second = open_store(database_url, master_key)
    yield first, second
    first.close()
    second.close()


def _in_threads(*jobs: Callable[[], None]) -> None:
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_two_instances_never_lose_an_update(instances: tuple[Store, Store]):
    with instances[0].vault(USER) as vault:
        vault.save_dialogue(DialogueState(data={"n": "0"}))
        vault.records(Medication)  # warm the first instance's cache

    def increment(store: Store, tag: str) -> Callable[[], None]:
        def job() -> None:
            for i in range(ROUNDS):
                with store.vault(USER) as vault:
                    state = vault.get_dialogue()
                    count = int(state.data["n"]) + 1
                    vault.save_dialogue(state.model_copy(update={"data": {"n": str(count)}}))
                    vault.save(Medication(name=f"{tag}-{i}"))
                    vault.records(Medication)

        return job

    _in_threads(increment(instances[0], "a"), increment(instances[1], "b"))
    for store in instances:
        with store.vault(USER) as vault:
            assert vault.get_dialogue().data["n"] == str(2 * ROUNDS)
            assert len(vault.records(Medication)) == 2 * ROUNDS


def test_claim_due_is_exactly_once(instances: tuple[Store, Store], now):
    reminder = Reminder(kind=ReminderKind.INTAKE, label="x")
    due = [
        Occurrence(reminder_id=reminder.id, due_at=now - timedelta(minutes=i)) for i in range(40)
    ]
    later = Occurrence(reminder_id=reminder.id, due_at=now + timedelta(hours=1))
    with instances[0].vault(USER) as vault:
        vault.save_reminder(reminder)
        vault.save_occurrences([*due, later])
    claimed: list[list[str]] = [[], []]

    def claimer(index: int) -> Callable[[], None]:
        def job() -> None:
            store = instances[index]
            while batch := store.claim_due(now, limit=3):
                for item in batch:
                    claimed[index].append(item.occurrence_id)
                    assert store.mark_sent(item.occurrence_id, now)

        return job

    _in_threads(claimer(0), claimer(1))
    everything = claimed[0] + claimed[1]
    assert sorted(everything) == sorted(o.id for o in due)
    assert len(set(everything)) == len(everything)
    assert instances[0].mark_sent(due[0].id, now) is False


def test_expired_lease_is_claimable_again(instances: tuple[Store, Store], now):
    store = instances[0]
    reminder = Reminder(kind=ReminderKind.INTAKE, label="x")
    occurrence = Occurrence(reminder_id=reminder.id, due_at=now)
    with store.vault(USER) as vault:
        vault.save_reminder(reminder)
        vault.save_occurrences([occurrence])
        account_id, profile_id = vault.account_id, vault.profile_id
    (first,) = store.claim_due(now, lease=timedelta(minutes=5))
    assert (first.account_id, first.profile_id, first.due_at) == (account_id, profile_id, now)
    assert instances[1].claim_due(now + timedelta(minutes=1)) == []
    (again,) = instances[1].claim_due(now + timedelta(minutes=6))
    assert again.occurrence_id == occurrence.id
    assert instances[1].mark_sent(occurrence.id, now) is True
    assert store.claim_due(now + timedelta(days=1)) == []
    with store.vault(USER) as vault:  # re-planning never resends a sent occurrence
        vault.save_occurrences([occurrence])
        (listed,) = vault.list_occurrences()
        assert listed.sent_at == now
    assert store.claim_due(now + timedelta(days=1)) == []


def test_seen_update_deduplicates(instances: tuple[Store, Store]):
    assert instances[0].seen_update(1001) is False
    assert instances[1].seen_update(1001) is True
    assert instances[0].seen_update(1002) is False


def test_old_update_ids_are_forgotten(instances: tuple[Store, Store], now):
    from store.sql.scheduling import forget_updates, seen_update

    engine = instances[0].engine  # type: ignore[attr-defined]
    assert seen_update(engine, 1, now - timedelta(days=8)) is False
    assert seen_update(engine, 2, now) is False
    assert forget_updates(engine, now - timedelta(days=7)) == 1
    assert seen_update(engine, 1, now) is False
    assert seen_update(engine, 2, now) is True
