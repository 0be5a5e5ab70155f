"""A cold load (no in-process cache) returns exactly the records stored, old rows included."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, select, update

from store import (
    AuditAction,
    Coding,
    Document,
    DocumentKind,
    Duration,
    FieldFlag,
    Interpretation,
    LabResult,
    Medication,
    PeriodUnit,
    Posology,
    Provenance,
    Quantity,
    RecordStatus,
    ReferenceRange,
    Reminder,
    ReminderKind,
    Store,
    TamperDetected,
    TimeOfDay,
    open_store,
)
from store.sql.database import normalise_url
from store.sql.schema import documents, records
from tests.store.conftest import USER, Scenario, fill


def _rich(document_id: str) -> tuple[list[Medication], list[LabResult]]:
    """Records using every kind of field: nested models, lists, enums, dates, defaults."""
    medications = [
        Medication(
            name="Zorbatrixine 250 mg",
            substances=["zorbatrixine"],
            codings=[Coding(system="ATC", code="A10BA02", display="zorba")],
            posology=Posology(
                text="1 cp matin et soir pendant 7 jours",
                dose=Quantity(value=1, unit="cp"),
                frequency=2,
                period=1,
                period_unit=PeriodUnit.DAY,
                when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
                duration=Duration(value=7, unit=PeriodUnit.DAY),
                as_needed=True,
                renewals=0,
            ),
            provenance=Provenance(document_id=document_id, page=0, confidence=0.0),
            needs_confirmation=[FieldFlag(field="strength", reason="blurred", value="25O")],
            status=RecordStatus.CONFIRMED,
            recorded_at=datetime(2025, 1, 3, 10, 5, 7, 123456, tzinfo=UTC),
            start_date=date(2025, 1, 3),
        ),
        Medication(name="Quelvaprolol"),  # every other field at its default
    ]
    labs = [
        LabResult(
            name="Glucophrantine sérique",
            value=7.0,
            unit="mmol/L",
            reference_range=ReferenceRange(low=0.0, high=5.5, text="< 5,5"),
            interpretation=Interpretation.HIGH,
            effective_date=date(2025, 2, 11),
            provenance=Provenance(document_id=document_id, confidence=0.88),
        ),
        LabResult(name="Xylomarqueur", value_text="négatif"),
    ]
    return medications, labs


def _load(store: Store) -> tuple[list[Medication], list[LabResult], list[Document]]:
    with store.vault(USER) as vault:
        return vault.records(Medication), vault.records(LabResult), vault.list_documents()


def _by_id(items: list) -> dict:
    return {item.id: item for item in items}


@pytest.fixture
def cold(database_url: str, master_key: bytes) -> Iterator[Store]:
    """A second instance without a record cache: every load decrypts and validates every row."""
    opened = open_store(database_url, master_key, cache_profiles=0)
    yield opened
    opened.close()


def test_cold_load_equals_what_was_stored(store: Store, cold: Store, scenario: Scenario, now):
    document = Document(kind=DocumentKind.PRESCRIPTION, received_at=now, title="Ordonnance")
    medications, labs = _rich(document.id)
    with store.vault(USER) as vault:
        vault.add_document(document)
        vault.save_all([*medications, *labs])
    loaded_meds, loaded_labs, loaded_docs = _load(cold)
    assert _by_id(loaded_meds) == _by_id(medications)
    assert _by_id(loaded_labs) == _by_id(labs)
    assert loaded_docs == [document]
    assert isinstance(loaded_meds[0].posology.duration, Duration)
    assert _load(store) == _load(cold)  # warm (cached) and cold paths agree


def test_rows_written_in_full_json_before_compact_payloads_still_read(
    store: Store, cold: Store, database_url: str, now
):
    document = Document(kind=DocumentKind.LAB_REPORT, received_at=now)
    medications, labs = _rich(document.id)
    with store.vault(USER) as vault:
        vault.add_document(document)
        vault.save_all([*medications, *labs])
        codec = vault._codec  # type: ignore[attr-defined]
        profile_id = vault.profile_id
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.begin() as conn:
            for kind, items in (("medication", medications), ("lab", labs)):
                for item in items:
                    compact = conn.execute(
                        select(records.c.payload).where(
                            records.c.profile_id == profile_id, records.c.id == item.id
                        )
                    ).scalar_one()
                    full = codec.sealer.seal(
                        f"records:{kind}", item.id, "payload", item.model_dump_json().encode()
                    )
                    assert len(compact) < len(full)  # defaults are not written any more
                    conn.execute(
                        update(records)
                        .where(records.c.profile_id == profile_id, records.c.id == item.id)
                        .values(payload=full)
                    )
            body = document.model_dump_json(exclude={"pages"}).encode()
            conn.execute(
                update(documents)
                .where(documents.c.id == document.id)
                .values(payload=codec.sealer.seal("documents", document.id, "payload", body))
            )
    finally:
        engine.dispose()
    loaded_meds, loaded_labs, loaded_docs = _load(cold)
    assert _by_id(loaded_meds) == _by_id(medications)
    assert _by_id(loaded_labs) == _by_id(labs)
    assert loaded_docs == [document]


def test_garbage_collector_is_back_after_loads_and_failures(
    store: Store, cold: Store, database_url: str, scenario: Scenario
):
    fill(store, USER, scenario)
    with store.vault(USER) as vault:
        vault.save_reminder(Reminder(kind=ReminderKind.INTAKE, label="matin"))
        vault.audit(AuditAction.ADDED, "medication")
    assert gc.isenabled()
    errors: list[BaseException] = []

    def load() -> None:
        try:
            for _ in range(5):
                _load(cold)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # loaded records are promoted, never left frozen

    engine = create_engine(normalise_url(database_url))
    try:
        with engine.begin() as conn:
            conn.execute(
                update(records).where(records.c.kind == "lab").values(payload=b"\x01" + b"0" * 40)
            )
    finally:
        engine.dispose()
    with pytest.raises(TamperDetected):
        _load(cold)
    assert gc.isenabled()

    gc.disable()
    try:
        with cold.vault(USER) as vault:
            vault.records(Medication)
        assert not gc.isenabled()  # a collector disabled by the application stays disabled
    finally:
        gc.enable()

    gc.freeze()  # an application that froze its objects (pre-fork servers do) keeps them frozen
    try:
        frozen = gc.get_freeze_count()
        with cold.vault(USER) as vault:
            vault.records(Medication)
        assert 0 < gc.get_freeze_count() <= frozen  # none thawed, none added (some freed)
    finally:
        gc.unfreeze()
