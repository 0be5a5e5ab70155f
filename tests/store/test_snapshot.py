"""Sealed snapshots: a cold load opens one blob per kind, never serves old data, stays private."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, update

import bot.maintenance as maintenance
from bot.settings import Settings
from store import Document, LabResult, Medication, Store, TamperDetected, open_store
from store.crypto import keys
from store.sql import vault as sql_vault
from store.sql.codec import Codec
from store.sql.schema import records, snapshots
from tests.store.conftest import OTHER, USER, Opener, Scenario, fill


@pytest.fixture
def opened_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows each row read decrypted (a snapshot read decrypts none)."""
    counts: list[int] = []
    real_records, real_documents = Codec.open_record_parts, Codec.open_document_parts

    def records(self: Codec, kind: str, rows):  # type: ignore[no-untyped-def]
        rows = list(rows)
        counts.append(len(rows))
        return real_records(self, kind, rows)

    def documents(self: Codec, rows):  # type: ignore[no-untyped-def]
        rows = list(rows)
        counts.append(len(rows))
        return real_documents(self, rows)

    monkeypatch.setattr(Codec, "open_record_parts", records)
    monkeypatch.setattr(Codec, "open_document_parts", documents)
    return counts


def _labs(n: int, start: int = 0) -> list[LabResult]:
    return [
        LabResult(name=f"Test {i % 7}", value=float(i), effective_date=date(2020, 1, 1 + i % 28))
        for i in range(start, start + n)
    ]


def _everything(store: Store, user: int = USER) -> tuple[list[object], ...]:
    with store.vault(user) as vault:
        return (
            sorted(vault.records(LabResult), key=lambda r: r.id),
            sorted(vault.records(Medication), key=lambda r: r.id),
            sorted(vault.list_documents(), key=lambda d: d.id),
        )


def _snapshot_versions(raw: Engine) -> dict[str, int]:
    with raw.connect() as conn:
        return {  # one row per kind (a lab snapshot's other chunks are ``lab:n`` rows)
            kind: version
            for kind, version in conn.execute(select(snapshots.c.kind, snapshots.c.version))
            if ":" not in kind
        }


def test_cold_load_opens_the_snapshot_not_the_rows(
    store: Store, scenario: Scenario, opener: Opener, raw: Engine, opened_rows: list[int]
):
    fill(store, USER, scenario)
    with store.vault(USER) as vault:
        vault.save_all(_labs(40))
    expected = _everything(store)  # first full read: writes the snapshots
    assert set(_snapshot_versions(raw)) == {"lab", "medication", "document"}
    opened_rows.clear()
    cold = opener(cache_profiles=0)
    assert _everything(cold) == expected
    assert opened_rows == []  # three blobs opened, no row decrypted
    rows_only = opener(cache_profiles=0, snapshot_min=0)
    assert _everything(rows_only) == expected
    assert sorted(opened_rows) == [1, 2, 42]


def test_writes_after_a_snapshot_are_never_missed(
    store: Store, scenario: Scenario, opener: Opener, opened_rows: list[int], now
):
    labs = _labs(30)
    with store.vault(USER) as vault:
        vault.save_all(labs)
        vault.add_document(Document(received_at=now, title="first"))
    _everything(store)
    other = opener()
    with other.vault(USER) as vault:
        vault.save(labs[3].model_copy(update={"value": 33.0}))
        vault.delete(LabResult, labs[4].id)
        vault.save(LabResult(name="new", value=1.0))
        vault.add_document(Document(received_at=now, title="second"))
    opened_rows.clear()
    cold = opener(cache_profiles=0)
    with cold.vault(USER) as vault:
        values = {r.id: r.value for r in vault.records(LabResult)}
        titles = sorted(d.title or "" for d in vault.list_documents())
        # this vault's own uncommitted writes are seen too
        vault.save(labs[5].model_copy(update={"value": 55.0}))
        vault.delete(LabResult, labs[6].id)
        mine = {r.id: r.value for r in vault.records(LabResult)}
    assert opened_rows[:2] == [2, 1]  # only the rows written since the snapshot
    assert values[labs[3].id] == 33.0 and labs[4].id not in values and len(values) == 30
    assert titles == ["first", "second"]
    assert mine[labs[5].id] == 55.0 and labs[6].id not in mine and len(mine) == 29
    for options in ({"snapshot_min": 0}, {}):
        assert _everything(opener(cache_profiles=0, **options)) == _everything(store)


def test_a_rolled_back_vault_leaves_the_snapshot_as_it_was(
    store: Store, opener: Opener, raw: Engine
):
    labs = _labs(10)
    with store.vault(USER) as vault:
        vault.save_all(labs)
    expected = _everything(store)
    before = _snapshot_versions(raw)
    with pytest.raises(RuntimeError), store.vault(USER) as vault:
        vault.save(labs[0].model_copy(update={"value": -1.0}))
        vault.records(LabResult)
        raise RuntimeError("crash")
    assert _snapshot_versions(raw) == before
    assert _everything(opener(cache_profiles=0)) == expected


def test_many_changes_rewrite_the_snapshot(
    store: Store, opener: Opener, raw: Engine, opened_rows: list[int], monkeypatch
):
    monkeypatch.setattr(sql_vault, "_REWRITE_MIN", 5)
    labs = _labs(20)
    with store.vault(USER) as vault:
        vault.save_all(labs)
    _everything(store)
    first = _snapshot_versions(raw)["lab"]
    with store.vault(USER) as vault:
        vault.save_all([lab.model_copy(update={"value": 0.5}) for lab in labs[:3]])
    _everything(opener(cache_profiles=0))
    assert _snapshot_versions(raw)["lab"] == first  # 3 changed rows: decrypted, not rewritten
    with store.vault(USER) as vault:
        vault.save_all(_labs(8, start=100))
        for lab in labs[10:12]:
            vault.delete(LabResult, lab.id)
    cold = opener(cache_profiles=0)
    expected = _everything(cold)
    rewritten = _snapshot_versions(raw)["lab"]
    assert rewritten > first
    opened_rows.clear()
    assert _everything(opener(cache_profiles=0)) == expected
    assert sum(opened_rows) == 0  # up to date: no lab row decrypted (no medication, document)
    assert len(expected[0]) == 26


def _set_snapshot(raw: Engine, profile_id: str, kind: str, **values: object) -> None:
    with raw.begin() as conn:
        conn.execute(
            update(snapshots)
            .where(snapshots.c.profile_id == profile_id, snapshots.c.kind == kind)
            .values(**values)
        )


def _snapshot_row(raw: Engine, profile_id: str, kind: str) -> tuple[int, bytes]:
    with raw.connect() as conn:
        row = conn.execute(
            select(snapshots.c.version, snapshots.c.payload).where(
                snapshots.c.profile_id == profile_id, snapshots.c.kind == kind
            )
        ).one()
    return row.version, row.payload


@pytest.mark.parametrize("attack", ["flipped bit", "version edited", "other kind", "other user"])
def test_tampered_snapshot_is_detected(
    store: Store, scenario: Scenario, opener: Opener, raw: Engine, attack: str
):
    fill(store, USER, scenario)
    fill(store, OTHER, scenario)
    with store.vault(USER) as vault:
        mine = vault.profile_id
    _everything(store)
    with store.vault(OTHER) as vault:
        theirs = vault.profile_id
    _everything(store, OTHER)
    version, payload = _snapshot_row(raw, mine, "medication")
    if attack == "flipped bit":
        _set_snapshot(raw, mine, "medication", payload=payload[:-3] + b"\x00" + payload[-2:])
    elif attack == "version edited":
        _set_snapshot(raw, mine, "medication", version=version - 1)
    elif attack == "other kind":
        _set_snapshot(raw, mine, "medication", payload=_snapshot_row(raw, mine, "lab")[1])
    else:
        their_version, their_payload = _snapshot_row(raw, theirs, "medication")
        _set_snapshot(raw, mine, "medication", version=their_version, payload=their_payload)
    with pytest.raises(TamperDetected), opener(cache_profiles=0).vault(USER) as vault:
        vault.records(Medication)


def test_erasure_leaves_no_snapshot(store: Store, scenario: Scenario, raw: Engine):
    fill(store, USER, scenario)
    fill(store, OTHER, scenario)
    _everything(store)
    _everything(store, OTHER)
    with store.vault(OTHER) as vault:
        kept = vault.profile_id
    assert store.erase_account(USER)
    with raw.connect() as conn:
        left = {row.profile_id for row in conn.execute(select(snapshots.c.profile_id))}
    assert left == {kept}


def test_snapshot_outlives_key_rotation(
    database_url: str, data_dir: Path, scenario: Scenario, opened_rows: list[int]
):
    settings = Settings(data_dir=data_dir, database_url=database_url)
    old = maintenance.load_master_key(settings, create=True)
    store = open_store(database_url, old, snapshot_min=1)
    try:
        fill(store, USER, scenario)
        expected = _everything(store)
    finally:
        store.close()
    assert maintenance.rotate_keys(settings) == 0
    new = keys.read_key_file(settings.effective_key_file)
    opened_rows.clear()
    cold = open_store(database_url, new, cache_profiles=0)
    try:
        assert _everything(cold) == expected
    finally:
        cold.close()
    assert opened_rows == []


def test_snapshots_reveal_nothing_at_rest(tmp_path: Path, master_key: bytes, scenario: Scenario):
    path = tmp_path / "carnet.db"
    store = open_store(f"sqlite:///{path}", master_key, snapshot_min=1)
    try:
        fill(store, USER, scenario)
        _everything(store)
        dump = b"".join(p.read_bytes() for p in sorted(tmp_path.glob("carnet.db*")))
    finally:
        store.close()
    dump += b"".join(p.read_bytes() for p in sorted(tmp_path.glob("carnet.db*")))
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        kinds = {row.kind.split(":")[0] for row in conn.execute(select(snapshots.c.kind))}
        assert kinds == {"lab", "medication", "document"}
    engine.dispose()
    assert [n for n in scenario.needles() if n in dump] == []


def test_concurrent_writer_never_makes_a_snapshot_lose_an_update(
    database_url: str, master_key: bytes, opener: Opener, monkeypatch
):
    """A writer adds and updates labs while another instance keeps loading cold (and
    rewriting snapshots after every change): every committed write is in the last load."""
    monkeypatch.setattr(sql_vault, "_REWRITE_MIN", 0)
    writer = opener(snapshot_min=1)
    counter = LabResult(name="counter", value=0.0)
    with writer.vault(USER) as vault:
        vault.save_all([counter, *_labs(20)])
    errors: list[BaseException] = []
    rounds = 25

    def write() -> None:
        try:
            for i in range(rounds):
                with writer.vault(USER) as vault:
                    current = vault.get(LabResult, counter.id)
                    assert current is not None and current.value is not None
                    vault.save(current.model_copy(update={"value": current.value + 1}))
                    vault.save(LabResult(name=f"added {i}", value=float(i)))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def read() -> None:
        reader = opener(cache_profiles=0, snapshot_min=1)
        try:
            for _ in range(rounds):
                _everything(reader)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    from_snapshot = _everything(opener(cache_profiles=0))
    labs = {r.name: r.value for r in from_snapshot[0]}  # type: ignore[attr-defined]
    assert labs["counter"] == rounds
    assert {f"added {i}" for i in range(rounds)} <= set(labs)
    assert from_snapshot == _everything(opener(cache_profiles=0, snapshot_min=0))


def test_a_row_tampered_behind_a_snapshot_is_never_served(
    store: Store, scenario: Scenario, opener: Opener, raw: Engine
):
    fill(store, USER, scenario)
    expected = _everything(store)
    with store.vault(USER) as vault:
        mine = vault.profile_id
    with raw.begin() as conn:
        conn.execute(
            update(records)
            .where(records.c.profile_id == mine, records.c.kind == "medication")
            .values(payload=b"\x01" + b"0" * 40)
        )
    # up-to-date snapshot: the rows are not read, the authenticated snapshot is served
    assert _everything(opener(cache_profiles=0)) == expected
    with raw.begin() as conn:
        conn.execute(snapshots.delete().where(snapshots.c.kind == "medication"))
    with pytest.raises(TamperDetected), opener(cache_profiles=0).vault(USER) as vault:
        vault.records(Medication)
