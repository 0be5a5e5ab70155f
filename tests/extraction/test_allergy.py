"""Allergies written on documents."""

from __future__ import annotations

from extraction.options import ExtractionOptions
from extraction.parse import parse_text
from store.records import AllergyKind

OPTIONS = ExtractionOptions()
HEADER = "Dr Jean Martin\nLe 3 mars 2026\n{line}\nDoliprane 1000 mg comprimé\n1 cp x3/j si douleur"


def _allergies(line: str):
    return parse_text(HEADER.format(line=line), "doc", OPTIONS).allergies


def test_french_allergy_with_its_class() -> None:
    (allergy,) = _allergies("Allergie : pénicilline")
    assert allergy.substance == "pénicilline"
    assert allergy.drug_class == "penicillins"
    assert allergy.kind == AllergyKind.ALLERGY
    assert allergy.provenance.source_text == "Allergie : pénicilline"


def test_several_allergies_on_one_line() -> None:
    found = _allergies("Allergies : aspirine, sulfamides et iode")
    assert [a.substance for a in found] == ["aspirine", "sulfamides", "iode"]
    assert found[0].drug_class == "nsaids"
    assert found[1].drug_class == "sulfonamides"


def test_english_allergy_and_intolerance() -> None:
    (allergy,) = _allergies("Allergies: codeine")
    assert allergy.drug_class == "opioids"
    (intolerance,) = _allergies("Intolérance : lactose")
    assert intolerance.kind == AllergyKind.INTOLERANCE
    assert intolerance.drug_class is None


def test_no_allergy_statements_give_nothing() -> None:
    for line in (
        "Allergies: none",
        "Allergies : aucune",
        "Allergies: NKDA",
        "Allergie : RAS",
        "Allergies : néant",
        "Aucune allergie connue",
        "Allergies:",
    ):
        assert _allergies(line) == [], line
