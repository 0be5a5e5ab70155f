"""The lab snapshot in chunks: a question opens only its chunks; any chunk tampering is caught.

The store tests cut snapshots in chunks of 512 bytes (``conftest.small_snapshot_chunks``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, delete, select, update

from store import LabResult, RecordStatus, Store, TamperDetected
from store.sql.codec import Codec
from store.sql.schema import snapshots
from store.sql.snapshot import ChunkReader, LabKey, LabSnapshot
from tests.store.conftest import USER, Opener


@pytest.fixture
def opened_chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The numbers of the chunks each read opened."""
    numbers: list[int] = []
    real = ChunkReader._open

    def spy(self: ChunkReader, number: int, cell: bytes) -> None:
        numbers.append(number)
        real(self, number, cell)

    monkeypatch.setattr(ChunkReader, "_open", spy)
    return numbers


def _labs(n: int) -> list[LabResult]:
    return [
        LabResult(
            name=f"Test {i % 8}",
            value=float(i),
            unit="g/L",
            effective_date=date(2020, 1, 1) + timedelta(days=i),
            status=RecordStatus.CONFIRMED,
        )
        for i in range(n)
    ]


def _is_five(name: str, normalized: str | None) -> bool:
    return name == "Test 5"


def _chunk_rows(raw: Engine) -> dict[str, tuple[int, bytes]]:
    with raw.connect() as conn:
        return {
            kind: (version, payload)
            for kind, version, payload in conn.execute(
                select(snapshots.c.kind, snapshots.c.version, snapshots.c.payload).where(
                    snapshots.c.kind.startswith("lab")
                )
            )
        }


def _filled(store: Store, n: int = 400) -> list[LabResult]:
    labs = _labs(n)
    with store.vault(USER) as vault:
        vault.save_all(labs)
    with store.vault(USER) as vault:
        vault.records(LabResult)  # full read: writes the chunked snapshot
    return labs


def test_a_trend_and_the_latest_open_only_their_chunks(
    store: Store, opener: Opener, raw: Engine, opened_chunks: list[int]
):
    labs = _filled(store)
    chunks = len(_chunk_rows(raw))
    assert chunks > 50
    opened_chunks.clear()
    with opener(cache_profiles=0).vault(USER) as vault:
        found = vault.lab_results(_is_five)
    assert sorted(r.id for r in found) == sorted(r.id for r in labs if r.name == "Test 5")
    assert len(opened_chunks) < chunks / 4  # one test of eight, the header
    opened_chunks.clear()
    with opener(cache_profiles=0).vault(USER) as vault:
        latest = vault.latest_lab_results(RecordStatus.CONFIRMED)
    assert sorted(r.id for r in latest) == sorted(r.id for r in labs[-8:])
    assert len(opened_chunks) < 6  # the header and the latest copies
    opened_chunks.clear()
    with opener(cache_profiles=0).vault(USER) as vault:
        assert sorted(r.id for r in vault.records(LabResult)) == sorted(r.id for r in labs)
    assert sorted(opened_chunks) == list(range(chunks))  # a full load opens every chunk once


@pytest.mark.parametrize(
    "attack", ["chunk deleted", "chunks swapped", "older chunk", "frame edited", "version edited"]
)
def test_a_tampered_chunk_is_detected(store: Store, opener: Opener, raw: Engine, attack: str):
    labs = _filled(store)
    before = _chunk_rows(raw)
    with store.vault(USER) as vault:  # a newer snapshot (rewritten: many rows changed)
        vault.save_all([r.model_copy(update={"value": -r.value}) for r in labs[:300]])
    with opener(cache_profiles=0).vault(USER) as vault:
        vault.records(LabResult)
    rows = _chunk_rows(raw)
    assert rows["lab"][0] > before["lab"][0]
    numbers = sorted(int(k.split(":")[1]) for k in rows if ":" in k)
    target = f"lab:{numbers[len(numbers) // 2]}"  # a chunk in the middle of the body
    with raw.begin() as conn:
        where = snapshots.c.kind == target
        if attack == "chunk deleted":
            conn.execute(delete(snapshots).where(where))
        elif attack == "chunks swapped":
            conn.execute(update(snapshots).where(where).values(payload=rows["lab:1"][1]))
        elif attack == "older chunk":
            conn.execute(update(snapshots).where(where).values(payload=before[target][1]))
        elif attack == "frame edited":  # the chunk count in clear
            first = rows["lab"][1]
            edited = first[:17] + (int.from_bytes(first[17:21], "big") - 1).to_bytes(4, "big")
            conn.execute(
                update(snapshots)
                .where(snapshots.c.kind == "lab")
                .values(payload=edited + first[21:])
            )
        else:
            conn.execute(update(snapshots).where(where).values(version=rows["lab"][0] - 1))
    with pytest.raises(TamperDetected), opener(cache_profiles=0).vault(USER) as vault:
        vault.records(LabResult)
    with pytest.raises(TamperDetected), opener(cache_profiles=0).vault(USER) as vault:
        vault.lab_results(lambda name, normalized: True)  # every test's chunks


def test_a_rewritten_snapshot_leaves_no_chunk_behind(store: Store, opener: Opener, raw: Engine):
    labs = _filled(store)
    first = _chunk_rows(raw)
    with opener().vault(USER) as vault:
        for record in labs[:350]:
            vault.delete(LabResult, record.id)
    with opener(cache_profiles=0).vault(USER) as vault:
        assert len(vault.records(LabResult)) == 50  # rewritten: many rows gone
    rows = _chunk_rows(raw)
    assert len(rows) < len(first) / 4
    frame_count = int.from_bytes(rows["lab"][1][17:21], "big")
    assert set(rows) == {"lab", *(f"lab:{n}" for n in range(1, frame_count))}
    assert {version for version, _ in rows.values()} == {rows["lab"][0]}
    with opener(cache_profiles=0).vault(USER) as vault:
        assert sorted(r.id for r in vault.lab_results(_is_five)) == sorted(
            r.id for r in labs[350:] if r.name == "Test 5"
        )


def test_lab_keys_default_like_lab_results():
    """Records are sealed without default fields: the keys must read them back the same."""
    for field, info in LabKey.model_fields.items():
        if field != "id":
            assert info.default == LabResult.model_fields[field].default, field


def test_rows_only_added_since_are_merged_without_reading_the_ids(
    store: Store, opener: Opener, monkeypatch: pytest.MonkeyPatch
):
    labs = _filled(store, 80)
    added = [
        LabResult(name="Test 5", value=500.0, status=RecordStatus.CONFIRMED),  # undated
        LabResult(
            name="Test 5",
            value=501.0,
            effective_date=date(2030, 1, 1),  # the new latest
            status=RecordStatus.CONFIRMED,
        ),
        LabResult(name="Test 1", value=100.0, effective_date=date(2031, 1, 1)),  # proposed
        LabResult(name="Test 42", value=42.0, status=RecordStatus.CONFIRMED),  # a new name
    ]
    with opener().vault(USER) as vault:
        vault.save_all(added)
    reads: list[int] = []
    real = LabSnapshot.ids

    def ids(self: LabSnapshot) -> list[str]:
        reads.append(1)
        return real(self)

    monkeypatch.setattr(LabSnapshot, "ids", ids)
    with opener(cache_profiles=0).vault(USER) as vault:
        trend = vault.lab_results(_is_five)
        latest = vault.latest_lab_results(RecordStatus.CONFIRMED)
    assert reads == []
    every = labs + added
    assert sorted(r.id for r in trend) == sorted(r.id for r in every if r.name == "Test 5")
    by_name = {r.name: r for r in latest}
    assert by_name["Test 5"].value == 501.0 and by_name["Test 42"].value == 42.0
    assert by_name["Test 1"].id == labs[-7].id  # the newer one is only proposed
    with opener(cache_profiles=0, snapshot_min=0).vault(USER) as vault:
        assert sorted(latest, key=lambda r: r.id) == sorted(
            vault.latest_lab_results(RecordStatus.CONFIRMED), key=lambda r: r.id
        )
        assert sorted(trend, key=lambda r: r.id) == sorted(
            vault.lab_results(_is_five), key=lambda r: r.id
        )


def test_many_rows_since_make_a_lab_question_rewrite_the_snapshot(
    store: Store, opener: Opener, raw: Engine
):
    labs = _filled(store, 300)
    with opener().vault(USER) as vault:  # 150 new, 30 deleted, 30 changed: 210 > 200
        vault.save_all(
            [
                LabResult(
                    name=f"Test {i % 9}",
                    value=1000.0 + i,
                    effective_date=date(2031, 1, 1 + i % 28),
                    status=RecordStatus.CONFIRMED,
                )
                for i in range(150)
            ]
        )
        for record in labs[:30]:
            vault.delete(LabResult, record.id)
        vault.save_all(
            [r.model_copy(update={"value": -1.0, "name": "Test 5"}) for r in labs[30:60]]
        )
    cold = opener(cache_profiles=0)
    with cold.vault(USER) as vault:
        trend = vault.lab_results(_is_five)
        version = vault.version  # type: ignore[attr-defined]
    rows = _chunk_rows(raw)
    assert rows["lab"][0] == version  # rewritten at this version
    frame_count = int.from_bytes(rows["lab"][1][17:21], "big")
    assert set(rows) == {"lab", *(f"lab:{n}" for n in range(1, frame_count))}
    with opener(cache_profiles=0, snapshot_min=0).vault(USER) as vault:
        every = sorted(vault.records(LabResult), key=lambda r: r.id)
        latest_rows = sorted(vault.latest_lab_results(RecordStatus.CONFIRMED), key=lambda r: r.id)
    assert sorted(trend, key=lambda r: r.id) == [r for r in every if r.name == "Test 5"]
    with opener(cache_profiles=0).vault(USER) as vault:  # from the rewritten snapshot
        assert sorted(vault.lab_results(_is_five), key=lambda r: r.id) == [
            r for r in every if r.name == "Test 5"
        ]
        latest = sorted(vault.latest_lab_results(RecordStatus.CONFIRMED), key=lambda r: r.id)
        assert latest == latest_rows
        assert sorted(vault.records(LabResult), key=lambda r: r.id) == every


@pytest.mark.parametrize("old_format", [b"\x01", b"\x02"])
def test_a_single_envelope_indexed_snapshot_is_read_in_full_and_rewritten_chunked(
    store: Store, opener: Opener, raw: Engine, old_format: bytes
):
    labs = _filled(store, 40)
    with store.vault(USER) as vault:
        profile_id, version = vault.profile_id, vault.version  # type: ignore[attr-defined]
        codec: Codec = vault._codec  # type: ignore[attr-defined]
    index = b'{"an index":"of the old layout"}'  # skipped: only the array after it is read
    array_ = b"[" + b",".join(r.model_dump_json().encode() for r in labs) + b"]"
    body = old_format + len(index).to_bytes(4, "big") + index + array_
    with raw.begin() as conn:
        conn.execute(delete(snapshots).where(snapshots.c.kind.startswith("lab:")))
        conn.execute(
            update(snapshots)
            .where(snapshots.c.profile_id == profile_id, snapshots.c.kind == "lab")
            .values(payload=codec.seal_snapshot("lab", version, body))
        )
    with opener(cache_profiles=0).vault(USER) as vault:
        assert sorted(r.id for r in vault.lab_results(_is_five)) == sorted(
            r.id for r in labs if r.name == "Test 5"
        )
    rows = _chunk_rows(raw)
    assert rows["lab"][1][:1] == b"\x03" and len(rows) > 1  # rewritten in chunks
    with opener(cache_profiles=0).vault(USER) as vault:
        assert sorted(r.id for r in vault.records(LabResult)) == sorted(r.id for r in labs)
