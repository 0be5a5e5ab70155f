"""Vaccination record pages and certificates: brand, date, lot, diseases covered."""

from __future__ import annotations

from datetime import date

from extraction.options import ExtractionOptions
from extraction.parse import parse_text
from store.records import DocumentKind

OPTIONS = ExtractionOptions()


def test_carnet_table() -> None:
    text = """VACCINATIONS
Nom : MARTIN    Prénom : Jean
Vaccin Date Lot Signature et cachet du médecin
Infanrix Hexa 12/03/2015 AB1234 Dr Martin
Prevenar 13 14/05/2015 C12D34 Dr Roux
Priorix 01/02/2016 Dr Roux
M-M-RvaxPro 01/03/2017 T1X60B Dr Roux"""
    doc = parse_text(text, "vac-1", OPTIONS)
    assert doc.kind == DocumentKind.VACCINATION_RECORD
    rows = [(v.product, v.date, v.lot_number) for v in doc.vaccinations]
    assert rows == [
        ("Infanrix Hexa", date(2015, 3, 12), "AB1234"),
        ("Prevenar 13", date(2015, 5, 14), "C12D34"),
        ("Priorix", date(2016, 2, 1), None),  # no lot written: none invented
        ("M-M-RvaxPro", date(2017, 3, 1), "T1X60B"),
    ]
    assert "hepatitis_b" in doc.vaccinations[0].diseases
    assert doc.vaccinations[0].codings[0].code == "J07CA09"
    assert doc.document_date is None  # a table page has no date of its own


def test_french_certificate() -> None:
    text = """Dr Jean Martin
RPPS : 10123456789
CERTIFICAT DE VACCINATION
Je soussigné(e), Dr Jean Martin, certifie avoir vacciné
Mme Sophie DURAND :
- Gardasil 9, le 3 mars 2020, lot n° AB1234
- Boostrix Tetra, le 1er avril 2021
Fait à Lyon, le 1er avril 2021
Signature"""
    doc = parse_text(text, "vac-2", OPTIONS)
    assert doc.kind == DocumentKind.VACCINATION_RECORD
    gardasil, boostrix = doc.vaccinations
    assert (gardasil.product, gardasil.date, gardasil.lot_number) == (
        "Gardasil 9",
        date(2020, 3, 3),
        "AB1234",
    )
    assert gardasil.diseases == ["hpv"]
    assert boostrix.normalized_name == "Boostrixtetra"
    assert "pertussis" in boostrix.diseases
    assert doc.document_date == date(2021, 4, 1)
    assert doc.prescriber == "Jean Martin"


def test_english_certificate_with_batch() -> None:
    text = """Dr Anne Faure
CERTIFICATE OF VACCINATION
I, the undersigned Dr Anne Faure, certify that Hugo Simon
has received:
- Shingrix on 3 March 2024, batch X12345
Date: 3 March 2024"""
    doc = parse_text(text, "vac-3", OPTIONS)
    (shot,) = doc.vaccinations
    assert (shot.product, shot.date, shot.lot_number) == ("Shingrix", date(2024, 3, 3), "X12345")
    assert shot.diseases == ["zoster"]


def test_lot_by_keyword_anywhere_and_missing_date_flagged() -> None:
    text = """Carnet de vaccination
Vaxigrip Tetra - Lot : U1234
Revaxis 15/10/2025 lot R5678"""
    doc = parse_text(text, "vac-4", OPTIONS)
    vaxigrip, revaxis = doc.vaccinations
    assert vaxigrip.lot_number == "U1234"
    assert [(f.field, f.reason) for f in vaxigrip.needs_confirmation] == [("date", "missing")]
    assert revaxis.lot_number == "R5678"
    assert revaxis.needs_confirmation == []


def test_misread_brand_is_corrected() -> None:
    text = "VACCINATIONS\nVaccin Date Lot\nShingrlx 02/02/2024 AB1234"
    (shot,) = parse_text(text, "vac-5", OPTIONS).vaccinations
    assert shot.product == "Shingrlx"
    assert shot.normalized_name == "Shingrix"


def test_table_rule_read_before_the_lot_is_dropped() -> None:
    text = "VACCINATIONS\nVaccin Date Lot\nRepevax 19/09/2016 |YNP9383 Dr Leroy"
    (shot,) = parse_text(text, "vac-6", OPTIONS).vaccinations
    assert shot.lot_number == "YNP9383"


def test_unknown_vaccine_row_on_a_record_is_kept_as_read_and_flagged() -> None:
    text = """VACCINATIONS
Vaccin Date Lot
Revaxis 15/10/2025 R5678 Dr Roux
walwinrix Adulte 20/12/2021 N76765 Dr Durand"""
    doc = parse_text(text, "vac-7", OPTIONS)
    revaxis, unknown = doc.vaccinations
    assert revaxis.needs_confirmation == []
    assert unknown.product == "walwinrix Adulte"
    assert unknown.normalized_name is None
    assert (unknown.date, unknown.lot_number) == (date(2021, 12, 20), "N76765")
    assert [(f.field, f.reason) for f in unknown.needs_confirmation] == [
        ("product", "unknown_vaccine")
    ]


def test_unknown_names_with_dates_elsewhere_are_not_vaccines() -> None:
    text = "Commande Ramette 12/01/2025 AB1234\nLivraison 15/01/2025 XY9876"
    assert parse_text(text, "doc", OPTIONS).vaccinations == []
