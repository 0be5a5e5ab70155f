"""A raw dump of the database after a realistic scenario reveals none of the scenario's data."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from store import (
    AuditAction,
    DialogueState,
    Occurrence,
    OccurrenceAnswer,
    Reminder,
    ReminderKind,
    Store,
)
from tests.store.conftest import OTHER, USER, Scenario, fill


def _play(store: Store, scenario: Scenario, now) -> None:
    """Store the scenario, then use it the way the bot does."""
    fill(store, USER, scenario)
    fill(store, OTHER, scenario)
    child = store.add_profile(USER, scenario.display_name)
    with store.vault(USER, child) as vault:
        vault.save_all(scenario.others())
    with store.vault(USER) as vault:
        reminder = Reminder(kind=ReminderKind.INTAKE, label=f"{scenario.drugs[0]} matin")
        vault.save_reminder(reminder)
        occurrence = Occurrence(reminder_id=reminder.id, due_at=now + timedelta(hours=1))
        vault.save_occurrences([occurrence])
        vault.save_occurrences(
            [
                occurrence.model_copy(
                    update={"answer": OccurrenceAnswer.SKIPPED, "answered_at": now}
                )
            ]
        )
        vault.save_dialogue(
            DialogueState(step="confirm", draft=f'{{"name": "{scenario.labs[0]}"}}')
        )
        vault.audit(AuditAction.ADDED, "medication", count=2)
        assert len(vault.records(type(scenario.medications("x")[0]))) == 2


def _assert_clean(dump: bytes, scenario: Scenario) -> None:
    assert len(dump) > 1000
    found = [needle for needle in scenario.needles() if needle in dump]
    assert found == []


def test_sqlite_file_reveals_nothing(tmp_path: Path, master_key: bytes, scenario: Scenario, now):
    from store import open_store

    path = tmp_path / "carnet.db"
    store = open_store(f"sqlite:///{path}", master_key, clock=lambda: now)
    _play(store, scenario, now)
    # Read the files while the store is still open: the WAL holds recent pages.
    files = sorted(tmp_path.glob("carnet.db*"))
    dump = b"".join(p.read_bytes() for p in files)
    store.close()
    dump += b"".join(p.read_bytes() for p in sorted(tmp_path.glob("carnet.db*")))
    _assert_clean(dump, scenario)


def test_pg_dump_reveals_nothing(postgres_url: str, master_key: bytes, scenario: Scenario, now):
    from store import open_store

    store = open_store(postgres_url, master_key, clock=lambda: now)
    _play(store, scenario, now)
    store.close()
    url = make_url(postgres_url)
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            url.database or "",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    assert b"COPY public.records" in dump
    _assert_clean(dump, scenario)
    # bytea is dumped as hex: look for the hex form too.
    hexdump = dump.lower()
    assert [n for n in scenario.needles() if n.hex().encode() in hexdump] == []
