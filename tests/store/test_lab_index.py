"""One test's lab results from the snapshot's sealed index: same as filtering every result."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select, update

from store import LabResult, RecordStatus, Store, TamperDetected
from store.sql.codec import Codec
from store.sql.schema import snapshots
from tests.store.conftest import USER, Opener


def _labs(n: int) -> list[LabResult]:
    return [
        LabResult(
            name=f"Test {i % 5}",
            normalized_name="t3" if i % 5 == 3 else None,
            value=float(i),
            effective_date=date(2020, 1, 1 + i % 28),
        )
        for i in range(n)
    ]


def _is_three(name: str, normalized: str | None) -> bool:
    return normalized == "t3" or name == "Test 3"


def _expected(store: Store) -> list[LabResult]:
    with store.vault(USER) as vault:
        return sorted(
            (r for r in vault.records(LabResult) if _is_three(r.name, r.normalized_name)),
            key=lambda r: r.id,
        )


def _matching(store: Store) -> list[LabResult]:
    with store.vault(USER) as vault:
        return sorted(vault.lab_results(_is_three), key=lambda r: r.id)


def test_one_test_from_an_up_to_date_snapshot(store: Store, opener: Opener, validated: list[int]):
    with store.vault(USER) as vault:
        vault.save_all(_labs(50))
    expected = _expected(store)  # full read: writes the indexed snapshot
    assert len(expected) == 10
    cold = opener(cache_profiles=4)
    assert _matching(cold) == expected
    assert validated == [10]  # only that test's records were built
    with cold.vault(USER) as vault:  # the part was not kept as the whole kind
        assert len(vault.records(LabResult)) == 50
    assert _matching(cold) == expected  # cached kind: filtered


def test_writes_and_deletes_since_the_snapshot_are_merged(store: Store, opener: Opener):
    labs = _labs(50)
    with store.vault(USER) as vault:
        vault.save_all(labs)
    _expected(store)
    other = opener()
    with other.vault(USER) as vault:
        vault.save(labs[3].model_copy(update={"value": 333.0}))  # changed, still test 3
        vault.save(labs[8].model_copy(update={"name": "Test 4", "normalized_name": None}))
        vault.save(labs[4].model_copy(update={"name": "Test 3"}))  # moved into test 3
        vault.delete(LabResult, labs[13].id)
        vault.save(LabResult(name="Test 3", value=1.0))
    cold = opener(cache_profiles=0)
    found = _matching(cold)
    assert found == _expected(opener(cache_profiles=0, snapshot_min=0))
    values = {r.id: r.value for r in found}
    assert values[labs[3].id] == 333.0 and labs[4].id in values
    assert labs[8].id not in values and labs[13].id not in values and len(values) == 10
    with cold.vault(USER) as vault:  # this vault's own uncommitted writes are seen too
        vault.delete(LabResult, labs[18].id)
        vault.save(labs[23].model_copy(update={"value": 2323.0}))
        mine = {r.id: r.value for r in vault.lab_results(_is_three)}
    assert labs[18].id not in mine and mine[labs[23].id] == 2323.0 and len(mine) == 9


def test_a_snapshot_written_before_indexes_still_answers(
    store: Store, opener: Opener, raw: Engine, validated: list[int]
):
    labs = _labs(30)
    with store.vault(USER) as vault:
        vault.save_all(labs)
    expected = _expected(store)
    with store.vault(USER) as vault:
        profile_id, version = vault.profile_id, vault.version  # type: ignore[attr-defined]
        codec: Codec = vault._codec  # type: ignore[attr-defined]
        old = b"[" + b",".join(r.model_dump_json().encode() for r in labs) + b"]"
        payload = codec.seal_snapshot("lab", version, old)
    with raw.begin() as conn:
        conn.execute(
            update(snapshots)
            .where(snapshots.c.profile_id == profile_id, snapshots.c.kind == "lab")
            .values(payload=payload)
        )
    assert _matching(opener(cache_profiles=0)) == expected
    assert validated == []  # read in full, not from an index
    with opener(cache_profiles=0).vault(USER) as vault:  # a full load adds the index
        assert sorted(vault.records(LabResult), key=lambda r: r.id) == sorted(
            labs, key=lambda r: r.id
        )
    assert _matching(opener(cache_profiles=0)) == expected
    assert validated == [6]


def test_a_tampered_index_is_detected(store: Store, opener: Opener, raw: Engine):
    with store.vault(USER) as vault:
        vault.save_all(_labs(30))
        profile_id = vault.profile_id
    _expected(store)
    with raw.connect() as conn:
        payload = conn.execute(
            select(snapshots.c.payload).where(
                snapshots.c.profile_id == profile_id, snapshots.c.kind == "lab"
            )
        ).scalar_one()
    flipped = payload[:40] + bytes([payload[40] ^ 1]) + payload[41:]  # in the index
    with raw.begin() as conn:
        conn.execute(
            update(snapshots)
            .where(snapshots.c.profile_id == profile_id, snapshots.c.kind == "lab")
            .values(payload=flipped)
        )
    with pytest.raises(TamperDetected), opener(cache_profiles=0).vault(USER) as vault:
        vault.lab_results(_is_three)


CONFIRMED = RecordStatus.CONFIRMED


def _confirmed(n: int) -> list[LabResult]:
    """Confirmed results, but the newest of ``Test 1`` is only proposed."""
    return [
        r.model_copy(
            update={
                "status": RecordStatus.PROPOSED if i == 46 else CONFIRMED,  # Test 1's newest
                "effective_date": date(2020, 1, 1) + timedelta(days=i),
            }
        )
        for i, r in enumerate(_labs(n))
    ]


def _latest_expected(store: Store) -> dict[tuple[str, str | None], LabResult]:
    """The latest confirmed result of each name, from every result."""
    with store.vault(USER) as vault:
        every = [r for r in vault.records(LabResult) if r.status is CONFIRMED]
    latest: dict[tuple[str, str | None], LabResult] = {}
    for r in sorted(every, key=lambda r: r.effective_date or date.min):
        latest[(r.name, r.normalized_name)] = r
    return latest


def _latest(store: Store) -> dict[tuple[str, str | None], LabResult]:
    with store.vault(USER) as vault:
        found = vault.latest_lab_results(CONFIRMED)
    by_name = {(r.name, r.normalized_name): r for r in found}
    assert len(by_name) == len(found)  # one per name
    return by_name


def test_latest_of_each_name_from_the_index(store: Store, opener: Opener, validated: list[int]):
    labs = _confirmed(50)
    with store.vault(USER) as vault:
        vault.save_all(labs)
    expected = _latest_expected(store)
    assert expected[("Test 1", None)].id == labs[41].id  # not the proposed one
    assert _latest(opener(cache_profiles=0)) == expected
    assert validated == [5]  # one record per name built
    other = opener()
    with other.vault(USER) as vault:
        vault.delete(LabResult, expected[("Test 2", None)].id)  # the next one becomes latest
        vault.save(labs[0].model_copy(update={"effective_date": date(2021, 1, 1)}))
        vault.save(LabResult(name="Test 9", value=9.0, status=CONFIRMED))  # undated, new name
        vault.save(labs[46].model_copy(update={"status": CONFIRMED}))
    validated.clear()
    latest = _latest(opener(cache_profiles=0))
    assert latest == _latest_expected(opener(cache_profiles=0, snapshot_min=0))
    assert latest[("Test 0", None)].id == labs[0].id
    assert latest[("Test 1", None)].id == labs[46].id
    assert len(latest) == 6 and validated == [3]  # Test 0, 1 and 9 come from the new rows
    with opener(cache_profiles=0).vault(USER) as vault:  # own writes: from the full load
        vault.delete(LabResult, labs[0].id)
        assert labs[0].id not in {r.id for r in vault.latest_lab_results(CONFIRMED)}
