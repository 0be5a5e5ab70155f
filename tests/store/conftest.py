"""Store fixtures: an open store on each backend, and a realistic synthetic scenario."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, create_engine

from store import (
    Allergy,
    Condition,
    Document,
    DocumentKind,
    DocumentPage,
    DocumentStatus,
    Interpretation,
    LabResult,
    Medication,
    Posology,
    Provenance,
    Quantity,
    RecordStatus,
    ReferenceRange,
    Store,
    Vaccination,
    open_store,
)
from store.sql import snapshot
from store.sql.codec import Codec
from store.sql.database import normalise_url

CHAT_ID = 918273645
USER = 5550001
OTHER = 5550002


@pytest.fixture(autouse=True)
def small_snapshot_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lab snapshots in chunks of 512 bytes: every store test crosses chunk boundaries."""
    monkeypatch.setattr(snapshot, "CHUNK_SIZE", 512)


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many records each bulk validation built (rows or snapshot spans)."""
    counts: list[int] = []
    real = Codec.validate_slices

    def slices(self: Codec, model, pieces):  # type: ignore[no-untyped-def]
        built = real(self, model, pieces)
        counts.append(len(built))
        return built

    monkeypatch.setattr(Codec, "validate_slices", slices)
    return counts


@pytest.fixture
def fixed_clock(now: datetime):
    """A clock that always says ``now``."""
    return lambda: now


@pytest.fixture
def store(database_url: str, master_key: bytes, fixed_clock) -> Iterator[Store]:
    """An open store on SQLite (and PostgreSQL when configured).

    Every kind read in full gets a sealed snapshot (``snapshot_min=1``), so every test using
    this store also goes through snapshots.
    """
    opened = open_store(database_url, master_key, clock=fixed_clock, snapshot_min=1)
    try:
        yield opened
    finally:
        opened.close()


Opener = Callable[..., Store]


@pytest.fixture
def opener(database_url: str, master_key: bytes) -> Iterator[Opener]:
    """Open more instances on the same database (nothing comes from another one's cache),
    with another master key or store options if given; closed at the end."""
    opened: list[Store] = []

    def _open(key: bytes = master_key, **options: object) -> Store:
        opened.append(open_store(database_url, key, **options))  # type: ignore[arg-type]
        return opened[-1]

    yield _open
    for each in opened:
        each.close()


@pytest.fixture
def raw(database_url: str) -> Iterator[Engine]:
    """A plain engine on the same database (the attacker with write access, or a look at the
    tables)."""
    engine = create_engine(normalise_url(database_url))
    yield engine
    engine.dispose()


class Scenario:
    """Synthetic health data with distinctive strings to look for in raw dumps."""

    drugs = ("Zorbatrixine 250 mg", "Quelvaprolol 5 mg")
    labs = ("Glucophrantine sérique", "Xylomarqueur hépatique")
    values = (7.3819, 142.6637)
    vaccine = "Vaxiprotecta Tetra"
    vaccine_date = date(2019, 4, 17)
    allergy = "Pénicillinoxyde"
    condition = "Syndrome de Brevanport"
    page_bytes = b"%PDF-1.7 synthetic page ORDONNANCE-ZORBATRIXINE"
    display_name = "Hortensine Vallombreuse"

    def medications(self, document_id: str) -> list[Medication]:
        """The scenario's medications."""
        return [
            Medication(
                name=name,
                posology=Posology(text="1 comprimé matin et soir", frequency=2),
                provenance=Provenance(document_id=document_id, page=0, confidence=0.91),
                status=RecordStatus.CONFIRMED,
                start_date=date(2025, 1, 3),
            )
            for name in self.drugs
        ]

    def lab_results(self, document_id: str) -> list[LabResult]:
        """The scenario's lab results."""
        return [
            LabResult(
                name=name,
                value=value,
                unit="mmol/L",
                reference_range=ReferenceRange(low=3.9, high=5.5),
                interpretation=Interpretation.HIGH,
                effective_date=date(2025, 2, 11),
                provenance=Provenance(document_id=document_id, confidence=0.88),
            )
            for name, value in zip(self.labs, self.values, strict=True)
        ]

    def others(self) -> list[Vaccination | Allergy | Condition]:
        """A vaccination, an allergy and a condition."""
        return [
            Vaccination(product=self.vaccine, date=self.vaccine_date, lot_number="LOT77Q1"),
            Allergy(substance=self.allergy),
            Condition(name=self.condition),
        ]

    def document(self) -> Document:
        """A confirmed prescription with one page."""
        return Document(
            kind=DocumentKind.PRESCRIPTION,
            status=DocumentStatus.CONFIRMED,
            title="Ordonnance Dr Pimprenelle",
            document_date=date(2025, 1, 3),
            received_at=datetime(2025, 1, 3, 10, 0, tzinfo=UTC),
            pages=[
                DocumentPage(
                    filename="ordo.pdf", media_type="application/pdf", content=self.page_bytes
                )
            ],
            text="Zorbatrixine 250 mg 1 cp matin et soir",
        )

    def needles(self) -> list[bytes]:
        """Every string that must never appear in clear in the database."""
        texts = [
            *self.drugs,
            *self.labs,
            *(f"{v}" for v in self.values),
            self.vaccine,
            self.vaccine_date.isoformat(),
            self.allergy,
            self.condition,
            "Pimprenelle",
            self.display_name,
            str(CHAT_ID),
        ]
        needles = [t.encode() for t in texts] + [self.page_bytes]
        needles += [t.encode("utf-16-le") for t in texts if not t[0].isdigit()]
        return needles


@pytest.fixture
def scenario() -> Scenario:
    """The synthetic scenario."""
    return Scenario()


def fill(store: Store, user: int, scenario: Scenario) -> str:
    """Store the whole scenario for ``user``; returns the document id."""
    document = scenario.document()
    with store.vault(user) as vault:
        vault.set_chat_id(CHAT_ID)
        profile = vault.get_profile()
        vault.save_profile(profile.model_copy(update={"display_name": scenario.display_name}))
        vault.add_document(document)
        vault.save_all(scenario.medications(document.id))
        vault.save_all(scenario.lab_results(document.id))
        vault.save_all(scenario.others())
    return document.id


__all__ = ["CHAT_ID", "OTHER", "USER", "Quantity", "Scenario", "fill"]
