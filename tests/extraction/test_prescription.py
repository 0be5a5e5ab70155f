"""Prescriptions, French and English: prescriber, date, products, posologies, renewals, flags."""

from __future__ import annotations

from datetime import date

import pytest

from extraction.options import ExtractionOptions
from extraction.parse import parse_document, parse_text
from extraction.text import ReadPage, TextLine, Word
from store.records import Box, DocumentKind, RecordStatus, TimeOfDay

OPTIONS = ExtractionOptions()

FRENCH = """Docteur Jean MARTIN
Médecine générale
12 rue des Lilas
69003 Lyon
Tél. : 04 72 11 22 33
RPPS : 10123456789
Lyon, le 3 mars 2026
Mme Sophie DURAND
Née le 05/11/1958
Poids : 62 kg
DOLIPRANE 1000 mg comprimé
1 cp si douleur, max 3 g/jour
Amoxicilline 1 g comprimé dispersible
1 cp matin et soir pendant 7 jours
Levothyrox 75 µg comprimé sécable
1/2 cp le matin à jeun QSP 3 mois
Kardegic 75 mg, poudre pour solution buvable en sachet
1 sachet par jour
Dr Jean Martin
Signature"""


def test_french_prescription() -> None:
    doc = parse_text(FRENCH, "rx-1", OPTIONS)
    assert doc.kind == DocumentKind.PRESCRIPTION
    assert doc.prescriber == "Jean Martin"  # capitalised, title dropped
    assert doc.document_date == date(2026, 3, 3)  # not the birth date
    names = [m.name for m in doc.medications]
    assert names == ["DOLIPRANE", "Amoxicilline", "Levothyrox", "Kardegic"]
    doliprane, amoxicilline, levothyrox, kardegic = doc.medications
    assert doliprane.strength == "1000 mg"
    assert doliprane.form == "comprimé"
    assert doliprane.substances == ["paracétamol"]
    assert doliprane.atc == "N02BE01"
    assert doliprane.posology.as_needed
    assert doliprane.posology.max_per_day is not None
    assert doliprane.posology.max_per_day.value == 3
    assert amoxicilline.posology.intakes_per_day == 2
    assert amoxicilline.posology.when == [TimeOfDay.MORNING, TimeOfDay.EVENING]
    assert amoxicilline.posology.duration is not None
    assert amoxicilline.posology.duration.days == 7
    assert levothyrox.strength == "75 µg"
    assert levothyrox.posology.dose is not None
    assert levothyrox.posology.dose.value == 0.5
    assert levothyrox.posology.supply_duration is not None
    assert levothyrox.posology.duration is None
    assert kardegic.form == "poudre pour solution buvable en sachet"
    for med in doc.medications:
        assert med.status == RecordStatus.PROPOSED
        assert med.authored_on == date(2026, 3, 3)
        assert med.prescriber == "Jean Martin"
        assert med.provenance.document_id == "rx-1"
        assert med.needs_confirmation == []
    assert doc.medications[1].provenance.source_text == (
        "Amoxicilline 1 g comprimé dispersible\n1 cp matin et soir pendant 7 jours"
    )


def test_numbered_lines_with_posology_on_the_same_line_and_a_wrap() -> None:
    text = """Dr Claire Roux
Le 12/01/25
1) Cétirizine 10 mg, comprimé pelliculé sécable : 1 comprimé le soir pendant 15 jours.
Renouvelable 3 fois
2. AUGMENTIN 1 g/125 mg, poudre pour suspension buvable en sachet : 1 sachet x3/j
pendant 7 jours
- Spasfon 80 mg : 2 cp si douleur, sans dépasser 6 par jour"""
    doc = parse_text(text, "rx-2", OPTIONS)
    cetirizine, augmentin, spasfon = doc.medications
    assert cetirizine.posology.renewals == 3
    assert augmentin.strength == "1 g/125 mg"
    assert augmentin.posology.intakes_per_day == 3
    assert augmentin.posology.duration is not None  # read from the wrapped line
    assert augmentin.posology.duration.days == 7
    assert augmentin.atc == "J01CR02"
    assert spasfon.posology.max_per_day is not None
    assert spasfon.posology.max_per_day.value == 6
    assert spasfon.posology.renewals is None
    assert doc.document_date == date(2025, 1, 12)


def test_global_renewal_applies_to_every_product() -> None:
    text = """Dr Luc Petit
Le 5 mai 2025
Metformine 850 mg comprimé pelliculé
1 cp matin et soir
Tahor 20 mg comprimé pelliculé
1 cp le soir
Ordonnance à renouveler 5 fois"""
    doc = parse_text(text, "rx-3", OPTIONS)
    assert [m.posology.renewals for m in doc.medications] == [5, 5]


def test_english_prescription() -> None:
    text = """Dr Hugo Blanc, MD
Family Medicine
Date: March 3, 2026
Patient: Léa Girard
DOB: 4 Jul 1980
Allergies: penicillin
Rx
1. Amoxicillin 500 mg capsules
Sig: 1 capsule three times a day for 7 days
Refills: 0
2. Ibuprofen 400 mg tablets
Sig: Take 1 tablet every 6 hours when required for pain, max 4 in 24 hours
Supply: 30 days    Refills: 2
Metformin 500 mg tablets - 1 tablet twice daily, 90 days supply. Refills: 3
Signed: Dr Hugo Blanc"""
    doc = parse_text(text, "rx-4", OPTIONS)
    assert doc.prescriber == "Hugo Blanc"
    assert doc.document_date == date(2026, 3, 3)
    amoxicillin, ibuprofen, metformin = doc.medications
    assert amoxicillin.substances == ["amoxicilline"]
    assert amoxicillin.form == "capsules"
    assert amoxicillin.posology.intakes_per_day == 3
    assert amoxicillin.posology.renewals == 0
    assert ibuprofen.posology.interval_hours == 6
    assert ibuprofen.posology.as_needed
    assert ibuprofen.posology.supply_duration is not None
    assert ibuprofen.posology.supply_duration.days == 30
    assert ibuprofen.posology.renewals == 2
    assert metformin.posology.intakes_per_day == 2
    assert metformin.posology.renewals == 3
    assert [a.substance for a in doc.allergies] == ["penicillin"]


def test_unknown_product_is_kept_as_written_and_flagged() -> None:
    text = """Dr Anne Morel
Le 02/02/2026
Zorbaxifène 20 mg comprimé
1 cp le soir pendant 10 jours"""
    doc = parse_text(text, "rx-5", OPTIONS)
    (med,) = doc.medications
    assert med.name == "Zorbaxifène"
    assert med.substances == []
    assert [(f.field, f.reason) for f in med.needs_confirmation] == [("name", "unknown_drug")]
    assert "low_confidence" in doc.warnings


def test_ocr_error_in_a_brand_is_corrected() -> None:
    text = "Dr Anne Morel\nLe 02/02/2026\nDOLIPRAME 1000 mg comprimé\n1 cp x3/j si douleur"
    (med,) = parse_text(text, "rx-6", OPTIONS).medications
    assert med.name == "DOLIPRAME"  # as read
    assert med.normalized_name == "DOLIPRANE"
    assert med.substances == ["paracétamol"]
    assert med.provenance.confidence < 1.0


def _words(text: str, x: int, y: int, low: set[str]) -> TextLine:
    words, cursor = [], x
    for token in text.split():
        confidence = 0.35 if token in low else 0.97
        words.append(
            Word(
                text=token,
                box=Box(x=cursor, y=y, width=14 * len(token), height=32),
                confidence=confidence,
            )
        )
        cursor += 14 * len(token) + 12
    return TextLine(text=text, words=words)


def test_low_confidence_words_flag_their_fields_and_indented_renewals_stay_local() -> None:
    lines = [
        _words("Dr Paul Garcia", 100, 100, set()),
        _words("Le 10/10/2025", 1400, 200, set()),
        _words("Tahor 20 mg comprimé pelliculé", 100, 400, set()),
        _words("1 cp le soir pendant 3 mois", 160, 450, {"3"}),
        _words("À renouveler 2 fois", 160, 500, set()),  # indented: Tahor only
        _words("Seroplex 10 mg comprimé", 100, 600, {"Seroplex"}),
        _words("1 cp le matin", 160, 650, set()),
        _words("À renouveler 5 fois", 100, 800, set()),  # margin, after a gap: global
    ]
    page = ReadPage(number=1, lines=lines, width=2000, height=2800)
    doc = parse_document([page], "rx-7", OPTIONS)
    tahor, seroplex = doc.medications
    assert tahor.posology.renewals == 2
    assert seroplex.posology.renewals == 5
    assert [(f.field, f.reason) for f in tahor.needs_confirmation] == [
        ("posology.duration", "low_confidence")
    ]
    assert ("name", "low_confidence") in [(f.field, f.reason) for f in seroplex.needs_confirmation]
    assert tahor.provenance.page == 1
    assert tahor.provenance.box is not None
    assert (tahor.provenance.box.x, tahor.provenance.box.y) == (100, 400)


def test_letterhead_and_patient_lines_are_not_products() -> None:
    doc = parse_text(FRENCH, "rx-8", OPTIONS)
    sources = "\n".join(m.provenance.source_text or "" for m in doc.medications)
    for text in ("Lilas", "RPPS", "DURAND", "Signature", "Poids"):
        assert text not in sources


def test_pasted_one_line_prescriptions() -> None:
    text = """doliprane 1 cp matin et soir
Amoxicilline 1g matin et soir 7 jours
Ventoline 2 bouffées si besoin
Kardegic 75 : 1 sachet/j"""
    doc = parse_text(text, "rx-9", OPTIONS)
    rows = [
        (m.name, m.strength, m.posology.intakes_per_day, m.posology.as_needed)
        for m in doc.medications
    ]
    assert rows == [
        ("doliprane", None, 2.0, False),
        ("Amoxicilline", "1g", 2.0, False),
        ("Ventoline", None, None, True),
        ("Kardegic", "75", 1.0, False),  # a strength written without its unit
    ]
    assert doc.medications[1].posology.duration is not None


@pytest.mark.parametrize("unit", ["pg", "ig", "ug"])
def test_microgram_misread_by_ocr_is_fixed_in_the_strength(unit: str) -> None:
    text = f"Dr Anne Morel\nLe 02/02/2026\nLevothyrox 100 {unit} comprimé sécable\n1 cp le matin"
    (med,) = parse_text(text, "rx-10", OPTIONS).medications
    assert (med.name, med.strength) == ("Levothyrox", "100 µg")
