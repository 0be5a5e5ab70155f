"""Reference data shipped in the package: drugs (BDPM), lab tests, vaccines, and their lookups."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import pytest

from extraction.parse import drug_class_of, lookup_drug, lookup_lab_test, lookup_vaccine

DATA = resources.files("extraction.reference").joinpath("data")


def test_shipped_files_are_small_and_self_contained() -> None:
    total = 0
    for name in ("drugs.json.gz", "labtests.json", "vaccines.json"):
        total += len(DATA.joinpath(name).read_bytes())
    assert total < 3 * 1024 * 1024
    drugs = json.loads(gzip.decompress(DATA.joinpath("drugs.json.gz").read_bytes()))
    assert len(drugs["brands"]) > 5000
    assert "ANSM" in drugs["attribution"]
    assert len(json.loads(DATA.joinpath("labtests.json").read_text("utf-8"))) >= 50
    assert len(json.loads(DATA.joinpath("vaccines.json").read_text("utf-8"))) >= 40


def test_the_product_never_reads_the_shared_source_folder() -> None:
    root = Path(__file__).resolve().parents[2] / "extraction"
    for path in root.rglob("*.py"):
        assert "/work/shared" not in path.read_text("utf-8"), path


@pytest.mark.parametrize(
    ("written", "name", "substances", "atc"),
    [
        ("Doliprane 1000 mg", "DOLIPRANE", ["paracétamol"], "N02BE01"),
        ("DOLIPRAME", "DOLIPRANE", ["paracétamol"], "N02BE01"),  # OCR error corrected
        ("Kardégic 75 mg", "KARDEGIC", ["acide acétylsalicylique"], "B01AC06"),
        ("Levothyrox 75 µg", "LEVOTHYROX", ["lévothyroxine"], "H03AA01"),
        ("amoxicilline", "amoxicilline", ["amoxicilline"], "J01CA04"),
        ("Amoxicillin", "amoxicilline", ["amoxicilline"], "J01CA04"),  # English INN
        ("Paracetamol", "paracétamol", ["paracétamol"], "N02BE01"),
        ("Tylenol", "TYLENOL", ["paracétamol"], "N02BE01"),  # English brand
        ("Co-codamol 30/500 mg", "CO-CODAMOL", ["codéine", "paracétamol"], "N02AJ06"),
    ],
)
def test_drug_lookup(written: str, name: str, substances: list[str], atc: str) -> None:
    match = lookup_drug(written)
    assert match is not None
    assert match.name == name
    assert match.substances == substances
    assert match.atc == atc


def test_combination_has_both_substances_and_the_combination_atc() -> None:
    match = lookup_drug("Amoxicilline/Acide clavulanique 1 g/125 mg")
    assert match is not None
    assert set(match.substances) == {"amoxicilline", "acide clavulanique"}
    assert match.atc == "J01CR02"
    augmentin = lookup_drug("Augmentin")
    assert augmentin is not None
    assert augmentin.atc == "J01CR02"


def test_brand_carries_forms_and_strengths() -> None:
    match = lookup_drug("Doliprane")
    assert match is not None
    assert "1000 mg" in match.strengths
    assert match.forms


def test_unknown_or_too_far_names_are_not_matched() -> None:
    assert lookup_drug("Câble USB-C") is None
    assert lookup_drug("Xqzwvrt") is None
    # a stricter threshold refuses a correction the default accepts
    assert lookup_drug("DOLIPRAME", 95.0) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("amoxicilline", "penicillins"),
        ("Augmentin", "penicillins"),
        ("pénicilline", "penicillins"),
        ("céfuroxime", "cephalosporins"),
        ("ibuprofène", "nsaids"),
        ("Advil", "nsaids"),
        ("aspirine", "nsaids"),
        ("Bactrim", "sulfonamides"),
        ("sulfamides", "sulfonamides"),
        ("azithromycine", "macrolides"),
        ("ciprofloxacine", "quinolones"),
        ("tramadol", "opioids"),
    ],
)
def test_drug_classes(name: str, expected: str) -> None:
    assert expected in drug_class_of(name)


def test_most_specific_class_comes_first() -> None:
    assert drug_class_of("amoxicilline")[0] == "penicillins"
    assert drug_class_of("paracétamol") == ["anilides"]
    assert drug_class_of("Xqzwvrt") == []


@pytest.mark.parametrize(
    ("written", "key", "loinc"),
    [
        ("Hémoglobine", "hemoglobin", "718-7"),
        ("Hemoglobine", "hemoglobin", "718-7"),
        ("HbAlc", "hba1c", "4548-4"),  # Tesseract reads 1 as l
        ("Hémoglobine glyquée HbA1c", "hba1c", "4548-4"),
        ("V-GT", "ggt", "2324-2"),  # γ-GT as Tesseract reads it
        ("DFG estimé (CKD-EPI)", "egfr", "62238-1"),
        ("ASAT (TGO)", "ast", "1920-8"),
        ("TSH ultrasensible", "tsh", "3016-3"),
        ("Vitamin D (25-OH)", "vitamin_d", "62292-8"),
        ("White blood cells", "wbc", "6690-2"),
        ("Leucocytse", "wbc", "6690-2"),  # typo corrected
    ],
)
def test_lab_test_lookup(written: str, key: str, loinc: str) -> None:
    match = lookup_lab_test(written)
    assert match is not None
    assert match.test.key == key
    assert match.test.loinc == loinc


def test_lab_lookup_refuses_non_tests() -> None:
    assert lookup_lab_test("Page") is None
    assert lookup_lab_test("Résultats validés par le biologiste") is None


@pytest.mark.parametrize(
    ("written", "name", "disease"),
    [
        ("Gardasil 9", "Gardasil 9", "hpv"),  # the longest name wins over "Gardasil"
        ("VAXIGRIPTETRA", "Vaxigrip Tetra", "influenza"),  # spaces do not matter
        ("Vaxigrip Tetra", "Vaxigrip Tetra", "influenza"),
        ("Shingrlx", "Shingrix", "zoster"),  # i read as l
        ("Boostrix Tetra", "Boostrixtetra", "pertussis"),
        ("M-M-RvaxPro", "M-M-RvaxPro", "measles"),
        ("Prevenar 20", "Prevenar 20", "pneumococcus"),
        ("Beyfortus 50 mg", "Beyfortus", "rsv"),
        ("Twinrix Adulte", "Twinrix", "hepatitis_b"),
        ("Revaxls", "Revaxis", "tetanus"),  # OCR error corrected
    ],
)
def test_vaccine_lookup(written: str, name: str, disease: str) -> None:
    match = lookup_vaccine(written)
    assert match is not None
    assert match.name == name
    assert disease in match.diseases


def test_beyfortus_is_an_antibody_not_a_vaccine() -> None:
    match = lookup_vaccine("Beyfortus")
    assert match is not None
    assert match.kind == "antibody"
