"""The in-process record cache never serves stale or rolled-back records."""

from __future__ import annotations

import pytest

from store import Document, LabResult, Medication, Store, open_store
from tests.store.conftest import USER


def test_write_by_another_instance_is_seen(store: Store, database_url: str, master_key: bytes):
    with store.vault(USER) as vault:
        vault.save(Medication(name="first"))
    with store.vault(USER) as vault:
        assert [m.name for m in vault.records(Medication)] == ["first"]  # now cached
    other = open_store(database_url, master_key)
    try:
        with other.vault(USER) as vault:
            (first,) = vault.records(Medication)
            vault.save(first.model_copy(update={"name": "renamed"}))
            vault.save(Medication(name="second"))
    finally:
        other.close()
    with store.vault(USER) as vault:
        assert sorted(m.name for m in vault.records(Medication)) == ["renamed", "second"]


def test_rollback_forgets_changes_made_to_cached_records(store: Store):
    with store.vault(USER) as vault:
        vault.save(Medication(name="kept"))
    with store.vault(USER) as vault:
        vault.records(Medication)
    with pytest.raises(RuntimeError), store.vault(USER) as vault:
        (cached,) = vault.records(Medication)
        cached.name = "mutated in place"
        vault.save(cached)
        raise RuntimeError("crash")
    with store.vault(USER) as vault:
        assert [m.name for m in vault.records(Medication)] == ["kept"]


def test_cache_follows_saves_and_deletes(store: Store, database_url: str, master_key: bytes, now):
    labs = [LabResult(name=f"lab {i}", value=float(i)) for i in range(5)]
    with store.vault(USER) as vault:
        vault.save_all(labs)
        vault.add_document(Document(received_at=now))
    with store.vault(USER) as vault:
        vault.records(LabResult)
        vault.list_documents()
    with store.vault(USER) as vault:
        vault.delete(LabResult, labs[0].id)
        vault.save(labs[1].model_copy(update={"value": 99.0}))
        assert len(vault.records(LabResult)) == 4  # sees its own writes
        vault.add_document(Document(received_at=now, title="new"))
    with store.vault(USER) as vault:
        warm = sorted((r.id, r.value) for r in vault.records(LabResult))
        warm_docs = sorted(d.id for d in vault.list_documents())
    cold = open_store(database_url, master_key, cache_profiles=0)
    try:
        with cold.vault(USER) as vault:
            assert sorted((r.id, r.value) for r in vault.records(LabResult)) == warm
            assert sorted(d.id for d in vault.list_documents()) == warm_docs
    finally:
        cold.close()
    assert (labs[1].id, 99.0) in warm and len(warm_docs) == 2


def test_cache_is_bounded_in_profiles_and_records():
    from store.sql.cache import RecordCache

    cache = RecordCache(max_profiles=2, max_records=5)
    items = [Medication(name=str(i)) for i in range(4)]
    cache.put("a", 1, "medication", items[:3])
    cache.put("b", 1, "medication", items[:1])
    assert cache.get("a", 1, "medication") is not None
    cache.put("c", 1, "medication", items[:1])  # three profiles: the least recent (b) goes
    assert cache.get("b", 1, "medication") is None
    cache.put("c", 1, "lab", items)  # over the record budget: a goes
    assert cache.get("a", 1, "medication") is None
    assert cache.get("c", 1, "lab") is not None
    assert cache.get("c", 2, "lab") is None  # another version is never served


def test_another_instances_write_refreshes_only_changed_rows(
    store: Store, database_url: str, master_key: bytes, monkeypatch: pytest.MonkeyPatch, now
):
    from store.sql.codec import Codec

    labs = [LabResult(name=f"lab {i}", value=float(i)) for i in range(30)]
    with store.vault(USER) as vault:
        vault.save_all(labs)
        vault.add_document(Document(received_at=now))
    with store.vault(USER) as vault:
        vault.records(LabResult)
        vault.list_documents()
    other = open_store(database_url, master_key)
    try:
        with other.vault(USER) as vault:
            vault.save(labs[3].model_copy(update={"value": 33.0}))
            vault.delete(LabResult, labs[4].id)
            vault.save(LabResult(name="new", value=1.0))
            vault.add_document(Document(received_at=now, title="other"))
    finally:
        other.close()
    decoded: list[int] = []
    real = Codec.open_record_parts

    def spy(self: Codec, kind, rows):  # type: ignore[no-untyped-def]
        rows = list(rows)
        decoded.append(len(rows))
        return real(self, kind, rows)

    monkeypatch.setattr(Codec, "open_record_parts", spy)
    with store.vault(USER) as vault:
        refreshed = {r.id: r.value for r in vault.records(LabResult)}
        titles = sorted(d.title or "" for d in vault.list_documents())
    assert decoded == [2]  # the updated and the new row, not 30
    assert refreshed[labs[3].id] == 33.0 and labs[4].id not in refreshed
    assert len(refreshed) == 30 and titles == ["", "other"]
    cold = open_store(database_url, master_key, cache_profiles=0)
    try:
        with cold.vault(USER) as vault:
            assert {r.id: r.value for r in vault.records(LabResult)} == refreshed
    finally:
        cold.close()
