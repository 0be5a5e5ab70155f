"""The one-page summary for a doctor: what it says, in French and English, and that it fits."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from bot.engine.summary_pdf import latest_out_of_range, posology_words, summary_pdf
from bot.i18n import translator
from store.records import (
    Allergy,
    AllergyKind,
    Duration,
    Interpretation,
    LabResult,
    Language,
    Medication,
    MedicationStatus,
    PeriodUnit,
    Posology,
    Quantity,
    RecordStatus,
    ReferenceRange,
    Sex,
    TimeOfDay,
    UserProfile,
    Vaccination,
)

TODAY = date(2026, 3, 10)


def confirmed(records):
    """Stored facts: the summary shows confirmed records only."""
    return [r.model_copy(update={"status": RecordStatus.CONFIRMED}) for r in records]


PROFILE = UserProfile(display_name="Camille Durand", birth_year=1979, sex=Sex.FEMALE)
MEDICATIONS = confirmed(
    [
        Medication(
            name="AMOXICILLINE 1 g",
            posology=Posology(
                dose=Quantity(value=1, unit="cp"),
                when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
                duration=Duration(value=7, unit=PeriodUnit.DAY),
            ),
            authored_on=date(2026, 3, 3),
        ),
        Medication(
            name="DOLIPRANE 1000 mg",
            posology=Posology(
                dose=Quantity(value=1, unit="cp"),
                interval_hours=6,
                as_needed=True,
                max_per_day=Quantity(value=3, unit="g"),
            ),
        ),
        Medication(name="KARDEGIC 75 mg", posology=Posology(text="1 sachet le midi")),
        Medication(name="SPASFON", med_status=MedicationStatus.STOPPED),
        Medication(name="LEVOTHYROX 50", end_date=date(2026, 1, 31)),
    ]
)
ALLERGIES = confirmed(
    [
        Allergy(substance="pénicilline", drug_class="bêta-lactamines", reaction="urticaire"),
        Allergy(substance="lactose", kind=AllergyKind.INTOLERANCE),
    ]
)
VACCINATIONS = confirmed(
    [
        Vaccination(product="REVAXIS", date=date(2019, 5, 14), lot_number="T1234"),
        Vaccination(product="COMIRNATY", date=date(2023, 10, 2)),
    ]
)
LABS = confirmed(
    [
        LabResult(
            name="Potassium",
            value=5.4,
            unit="mmol/L",
            reference_range=ReferenceRange(low=3.5, high=5.1),
            interpretation=Interpretation.HIGH,
            effective_date=date(2026, 2, 27),
        ),
        # An older high glucose, superseded by a normal one: not shown.
        LabResult(
            name="Glycémie",
            value=1.4,
            unit="g/L",
            reference_range=ReferenceRange(low=0.7, high=1.1),
            effective_date=date(2025, 6, 1),
        ),
        LabResult(
            name="Glycémie",
            value=0.95,
            unit="g/L",
            reference_range=ReferenceRange(low=0.7, high=1.1),
            effective_date=date(2026, 2, 27),
        ),
        # No interpretation written: computed from the range.
        LabResult(
            name="Ferritine",
            value=12,
            unit="µg/L",
            reference_range=ReferenceRange(low=15, high=150),
            effective_date=date(2026, 1, 5),
        ),
    ]
)


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            Language.FR,
            [
                "Résumé médical",
                "Camille Durand",
                "né(e) en 1979",
                "Généré le 10 mars 2026",
                "Traitements en cours",
                "AMOXICILLINE 1 g — 1 comprimé matin et soir, pendant 7 jours",
                "DOLIPRANE 1000 mg — 1 comprimé toutes les 6 heures si besoin, maximum 3 g par "
                "jour",
                "KARDEGIC 75 mg — 1 sachet le midi",
                "pénicilline (classe bêta-lactamines, réaction urticaire)",
                "lactose (intolérance)",
                "REVAXIS — 14 mai 2019, lot T1234",
                "COMIRNATY — 2 octobre 2023",
                "Potassium : 5,4 mmol/L (normes 3,5 - 5,1) — élevé, 27 février 2026",
                "Ferritine : 12 µg/L (normes 15 - 150) — bas",
            ],
        ),
        (
            Language.EN,
            [
                "Medical summary",
                "born in 1979",
                "Generated on 10 March 2026",
                "Current treatments",
                "AMOXICILLINE 1 g — 1 tablet morning and evening, for 7 days",
                "DOLIPRANE 1000 mg — 1 tablet every 6 hours as needed, at most 3 g a day",
                "pénicilline (class bêta-lactamines, reaction urticaire)",
                "REVAXIS — 14 May 2019, lot T1234",
                "Potassium: 5.4 mmol/L (range 3.5 - 5.1) — high, 27 February 2026",
                "Ferritine: 12 µg/L (range 15 - 150) — low",
            ],
        ),
    ],
)
def test_summary_says_what_a_doctor_needs_on_one_page(language, expected):
    medications = [*MEDICATIONS, Medication(name="PROPOSED DRUG")]  # awaiting confirmation
    allergies = [*ALLERGIES, Allergy(substance="proposed allergen")]
    pdf = summary_pdf(PROFILE, medications, allergies, VACCINATIONS, LABS, language, TODAY)
    pages, text = _text(pdf)

    assert pages == 1
    for item in expected:
        assert item in text
    for absent in ("SPASFON", "LEVOTHYROX", "Glycémie", "PROPOSED DRUG", "proposed allergen"):
        assert absent not in text


def test_empty_record_says_so():
    _, text = _text(summary_pdf(UserProfile(), [], [], [], [], "fr", TODAY))

    assert "Aucun traitement en cours enregistré." in text
    assert "Aucune vaccination enregistrée." in text


def test_a_ten_year_record_still_fits_on_one_page_and_says_what_was_left_out():
    medications = confirmed(
        Medication(
            name=f"MEDICAMENT {n} avec un nom assez long pour passer à la ligne",
            posology=Posology(text="1 comprimé le matin au petit-déjeuner pendant trois mois"),
            authored_on=TODAY - timedelta(days=n),
        )
        for n in range(60)
    )
    labs = confirmed(
        LabResult(
            name=f"Test {n}",
            value=10,
            reference_range=ReferenceRange(high=5),
            effective_date=TODAY - timedelta(days=n),
        )
        for n in range(200)
    )
    vaccinations = confirmed(
        Vaccination(product=f"VACCIN {n}", date=TODAY - timedelta(days=30 * n)) for n in range(40)
    )
    pdf = summary_pdf(PROFILE, medications, ALLERGIES, vaccinations, labs, "en", TODAY)
    pages, text = _text(pdf)

    assert pages == 1
    assert "MEDICAMENT 0 " in text  # newest first
    assert "lactose (intolerance)" in text
    assert "VACCIN 0 " in text
    assert "Test 0: 10 (range < 5) — high" in text
    assert len(re.findall(r"… and \d+ more", text)) == 3


def test_posology_in_plain_words():
    assert (
        posology_words(
            Posology(
                frequency=3,
                period=1,
                period_unit=PeriodUnit.DAY,
                dose=Quantity(value=0.5, unit="comprimé"),
            ),
            "fr",
        )
        == "0,5 comprimé 3 fois par jour"
    )
    assert posology_words(Posology(frequency=1, period=2, period_unit=PeriodUnit.DAY), "en") == (
        "once every 2 days"
    )
    assert posology_words(Posology(), "en") == "dosage not specified"


def test_latest_result_decides_whether_a_test_is_out_of_range():
    assert [r.name for r in latest_out_of_range(LABS)] == ["Potassium", "Ferritine"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_summary_text_comes_from_the_catalogue(language):
    """A missing key would print the key itself: none shows, whatever the branch taken."""
    tr = translator(language)
    assert all(tr.has(f"summary.when.{w.value}") for w in TimeOfDay)
    assert all(tr.has(f"summary.sex.{s.value}") for s in Sex)
    medications = confirmed(
        [
            Medication(name="A", posology=Posology(when=list(TimeOfDay))),
            Medication(
                name="B", posology=Posology(frequency=4, period=3, period_unit=PeriodUnit.WEEK)
            ),
            Medication(name="C", posology=Posology()),
        ]
    )
    vaccinations = confirmed(
        [Vaccination(product="V"), Vaccination(product="W", date=date(2025, 6, 1))]
    )
    labs = confirmed([LabResult(name="L", value_text="+", interpretation=Interpretation.ABNORMAL)])
    profile = UserProfile(sex=Sex.MALE, birth_year=1950)
    _, text = _text(
        summary_pdf(profile, medications, ALLERGIES, vaccinations, labs, language, TODAY)
    )

    assert not re.search(r"\b(summary|posology|duration|unit)\.\w", text)
    assert tr("summary.sex.male") in text and tr("summary.date_unknown") in text
