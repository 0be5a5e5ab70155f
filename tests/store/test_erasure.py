"""Erasure: the data keys are destroyed first, then every row; nothing decryptable remains."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from store import (
    Erased,
    Medication,
    Occurrence,
    Reminder,
    ReminderKind,
    Store,
    UnknownUser,
    open_store,
)
from store.sql import accounts as acc
from store.sql.database import normalise_url
from store.sql.schema import metadata
from tests.store.conftest import OTHER, USER, Scenario, fill


def _dump(url: str) -> dict[str, list[dict[str, object]]]:
    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        tables = {
            t.name: [dict(r._mapping) for r in conn.execute(select(t))]
            for t in metadata.sorted_tables
        }
    engine.dispose()
    return tables


def _blobs(url: str) -> list[bytes]:
    """Every ciphertext of user data (the key-check value and lookup key belong to no user)."""
    return [
        value
        for name, rows in _dump(url).items()
        if name not in {"master_keys", "system_keys"}
        for row in rows
        for value in row.values()
        if isinstance(value, bytes)
    ]


def test_erased_account_is_gone_and_others_untouched(
    store: Store, database_url: str, scenario: Scenario, now
):
    fill(store, USER, scenario)
    fill(store, OTHER, scenario)
    child = store.add_profile(USER, "Enfant")
    with store.vault(USER) as vault:
        account_id, profile_id = vault.account_id, vault.profile_id
        reminder = Reminder(kind=ReminderKind.RENEWAL, label="Renouveler Zorbatrixine")
        vault.save_reminder(reminder)
        vault.save_occurrences(
            [Occurrence(reminder_id=reminder.id, due_at=now + timedelta(days=1))]
        )
    with store.vault(OTHER) as vault:
        others_before = vault.records(Medication)
    before = set(_blobs(database_url))
    assert store.erase_account(USER) is True
    assert store.erase_account(USER) is False
    assert not store.has_account(USER)
    assert store.profiles(USER) == []
    assert store.claim_due(now + timedelta(days=2)) == []
    for pid in (profile_id, child):
        with pytest.raises((UnknownUser, Erased)), store.vault_for_account(account_id, pid):
            pass
    with store.vault(OTHER) as vault:
        assert vault.records(Medication) == others_before
    tables = _dump(database_url)
    for name, rows in tables.items():
        for row in rows:
            assert account_id not in row.values(), name
            assert profile_id not in row.values() and child not in row.values(), name
    assert set(_blobs(database_url)) < before  # only the other account's unchanged rows remain
    with store.vault(USER) as vault:  # the same person may start again, from nothing
        assert vault.records(Medication) == []
        assert vault.account_id != account_id


def test_sqlite_file_keeps_no_trace_after_erasure(
    tmp_path: Path, master_key: bytes, scenario: Scenario, now
):
    url = f"sqlite:///{tmp_path / 'carnet.db'}"
    store = open_store(url, master_key, clock=lambda: now)
    fill(store, USER, scenario)
    secrets_before = [b for b in _blobs(url) if len(b) >= 16]
    assert len(secrets_before) > 10
    assert store.erase_account(USER)
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("carnet.db*"))
    leaked = [blob for blob in secrets_before if blob[-16:] in raw]
    assert leaked == []


def test_interrupted_erasure_is_already_final(
    store: Store, database_url: str, master_key: bytes, scenario: Scenario
):
    fill(store, USER, scenario)
    with store.vault(USER) as vault:
        account_id = vault.account_id
    engine = create_engine(normalise_url(database_url))
    acc.shred_account(engine, account_id)  # then crash before the rows are deleted
    engine.dispose()
    owned = [r for r in _dump(database_url)["profiles"] if r["account_id"] == account_id]
    assert owned and all(r["wrapped_key"] is None and r["payload"] is None for r in owned)
    assert not store.has_account(USER)
    with store.vault(USER) as vault:  # a new account, nothing of the old one
        assert vault.records(Medication) == []
    open_store(database_url, master_key).close()  # start-up finishes the deletion
    assert [r for r in _dump(database_url)["profiles"] if r["account_id"] == account_id] == []
