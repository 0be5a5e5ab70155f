"""Synthetic record histories for answer tests and the latency benchmark (seeded, no real data)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from store.records import (
    Allergy,
    Coding,
    Consent,
    Document,
    DocumentKind,
    DocumentPage,
    DocumentStatus,
    Duration,
    Interpretation,
    LabResult,
    Language,
    Medication,
    MedicationStatus,
    PeriodUnit,
    Posology,
    Provenance,
    Quantity,
    RecordStatus,
    ReferenceRange,
    TimeOfDay,
    Vaccination,
)
from store.vault import Vault

CONFIRMED = RecordStatus.CONFIRMED


def onboarded(vault: Vault, now: datetime, language: str = "fr", birth_year: int = 1960) -> None:
    """Give the profile consent and finish its onboarding."""
    profile = vault.get_profile()
    vault.save_profile(
        profile.model_copy(
            update={
                "consent": Consent(given=True, at=now),
                "birth_year": birth_year,
                "onboarded": True,
                "language": Language(language),
                "language_chosen": True,
            }
        )
    )


def _doc(vault: Vault, kind: DocumentKind, day: date, content: bytes = b"%PDF-1.4 x") -> str:
    document = Document(
        kind=kind,
        status=DocumentStatus.CONFIRMED,
        document_date=day,
        received_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        pages=[DocumentPage(filename="scan.pdf", media_type="application/pdf", content=content)],
    )
    vault.add_document(document)
    return document.id


def basic(vault: Vault, now: datetime) -> dict[str, str]:
    """A small record: two prescriptions (one current, one past), labs over 3 dates, shots."""
    onboarded(vault, now)
    rx_old = _doc(vault, DocumentKind.PRESCRIPTION, date(2025, 7, 10), b"%PDF old")
    rx_new = _doc(vault, DocumentKind.PRESCRIPTION, date(2026, 3, 3), b"%PDF new")
    vault.save_all(
        [
            Medication(
                name="Levothyrox 75 µg",
                substances=["levothyroxine"],
                codings=[Coding(system="ATC", code="H03AA01")],
                posology=Posology(
                    dose=Quantity(value=1, unit="comprimé"), when=[TimeOfDay.MORNING]
                ),
                prescriber="Dr Claire Martin",
                reason="hypothyroïdie",
                authored_on=date(2026, 3, 3),
                start_date=date(2026, 3, 3),
                provenance=Provenance(document_id=rx_new),
                status=CONFIRMED,
            ),
            Medication(
                name="Doliprane 1000 mg",
                substances=["paracetamol"],
                posology=Posology(
                    dose=Quantity(value=1, unit="comprimé"),
                    frequency=3,
                    period=1,
                    period_unit=PeriodUnit.DAY,
                    as_needed=True,
                ),
                prescriber="Dr Claire Martin",
                authored_on=date(2026, 3, 3),
                start_date=date(2026, 3, 3),
                provenance=Provenance(document_id=rx_new),
                status=CONFIRMED,
            ),
            Medication(
                name="Amoxicilline 1 g",
                substances=["amoxicilline"],
                posology=Posology(
                    dose=Quantity(value=1, unit="comprimé"),
                    when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
                    duration=Duration(value=7, unit=PeriodUnit.DAY),
                ),
                prescriber="Dr Paul Durand",
                authored_on=date(2025, 7, 10),
                start_date=date(2025, 7, 10),
                provenance=Provenance(document_id=rx_old),
                status=CONFIRMED,
            ),
        ]
    )
    for day, value in (
        (date(2025, 3, 1), 1.02),
        (date(2025, 9, 1), 1.15),
        (date(2026, 2, 20), 1.32),
    ):
        lab = _doc(vault, DocumentKind.LAB_REPORT, day)
        high = value > 1.10
        vault.save(
            LabResult(
                name="Glycémie à jeun",
                value=value,
                unit="g/L",
                reference_range=ReferenceRange(low=0.70, high=1.10),
                interpretation=Interpretation.HIGH if high else Interpretation.NORMAL,
                effective_date=day,
                provenance=Provenance(document_id=lab),
                status=CONFIRMED,
            )
        )
        vault.save(
            LabResult(
                name="Potassium",
                value=4.2,
                unit="mmol/L",
                reference_range=ReferenceRange(low=3.5, high=5.0),
                effective_date=day,
                provenance=Provenance(document_id=lab),
                status=CONFIRMED,
            )
        )
    vax = _doc(vault, DocumentKind.VACCINATION_RECORD, date(2025, 10, 15))
    vault.save(
        Vaccination(
            product="Vaxigrip Tetra",
            diseases=["influenza"],
            date=date(2025, 10, 15),
            lot_number="AB123",
            provenance=Provenance(document_id=vax),
            status=CONFIRMED,
        )
    )
    vault.save(
        Allergy(
            substance="pénicilline",
            drug_class="J01C",
            provenance=Provenance(),
            status=CONFIRMED,
            recorded_at=now,
        )
    )
    return {"rx_new": rx_new, "rx_old": rx_old}


PRODUCTS = [
    ("Doliprane 1000 mg", "paracetamol"),
    ("Amoxicilline 1 g", "amoxicilline"),
    ("Spasfon", "phloroglucinol"),
    ("Ibuprofène 400 mg", "ibuprofene"),
    ("Inexium 20 mg", "esomeprazole"),
    ("Ventoline", "salbutamol"),
    ("Smecta", "diosmectite"),
    ("Zyrtec", "cetirizine"),
    ("Augmentin", "amoxicilline"),
    ("Solupred 20 mg", "prednisolone"),
]
TESTS = [
    ("Glycémie", "g/L", 0.7, 1.1, 0.95),
    ("Cholestérol total", "g/L", None, 2.0, 1.9),
    ("LDL-cholestérol", "g/L", None, 1.6, 1.3),
    ("Créatinine", "µmol/L", 60, 110, 85),
    ("TSH", "mUI/L", 0.27, 4.2, 2.0),
    ("Hémoglobine", "g/dL", 12, 16, 13.5),
    ("Potassium", "mmol/L", 3.5, 5.0, 4.2),
    ("Ferritine", "µg/L", 15, 150, 60),
]


def ten_years(vault: Vault, now: datetime, seed: int = 7) -> int:
    """About ten years of history: monthly-ish prescriptions, quarterly labs, yearly flu shots."""
    rng = random.Random(seed)
    onboarded(vault, now)
    today = now.date()
    count = 0
    day = today - timedelta(days=3650)
    while day < today:
        rx = _doc(vault, DocumentKind.PRESCRIPTION, day, b"%PDF rx")
        meds = []
        for name, substance in rng.sample(PRODUCTS, 2):
            meds.append(
                Medication(
                    name=name,
                    substances=[substance],
                    posology=Posology(
                        dose=Quantity(value=1, unit="comprimé"),
                        frequency=rng.choice([1, 2, 3]),
                        period=1,
                        period_unit=PeriodUnit.DAY,
                        duration=Duration(value=rng.choice([5, 7, 10]), unit=PeriodUnit.DAY),
                    ),
                    prescriber="Dr Test",
                    authored_on=day,
                    start_date=day,
                    med_status=MedicationStatus.ACTIVE,
                    provenance=Provenance(document_id=rx),
                    status=CONFIRMED,
                )
            )
        vault.save_all(meds)
        count += 1 + len(meds)
        if day.month % 3 == 0:
            lab = _doc(vault, DocumentKind.LAB_REPORT, day, b"%PDF lab")
            results = []
            for name, unit, low, high, mid in TESTS:
                value = round(mid * rng.uniform(0.75, 1.3), 2)
                results.append(
                    LabResult(
                        name=name,
                        value=value,
                        unit=unit,
                        reference_range=ReferenceRange(low=low, high=high),
                        effective_date=day,
                        provenance=Provenance(document_id=lab),
                        status=CONFIRMED,
                    )
                )
            vault.save_all(results)
            count += 1 + len(results)
        if day.month == 10:
            vault.save(
                Vaccination(
                    product="Vaxigrip Tetra",
                    diseases=["influenza"],
                    date=day,
                    provenance=Provenance(),
                    status=CONFIRMED,
                    recorded_at=now,
                )
            )
            count += 1
        day += timedelta(days=rng.randint(25, 40))
    vault.save(
        Allergy(substance="pénicilline", drug_class="J01C", status=CONFIRMED, recorded_at=now)
    )
    return count + 1
