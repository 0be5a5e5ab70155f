"""OCR digit confusions: a strength or lab value that does not fit is corrected only when one
candidate fits, and always asked back."""

from __future__ import annotations

import pytest

from extraction.options import ExtractionOptions
from extraction.parse import parse_text
from extraction.parse.confusions import check_strength, value_candidates
from store.records import Interpretation

OPTIONS = ExtractionOptions()

RX = """Docteur Jean MARTIN
Lyon, le 3 mars 2026
TAHOR {strength} comprimé pelliculé
1 cp le soir
Dr Jean Martin"""

LAB = """Laboratoire de Biologie Médicale Exemple
Prélevé le 04/05/2025
Analyse Résultat Unités Valeurs de référence
{row}
Résultats validés par le biologiste."""


@pytest.mark.parametrize(
    ("written", "known", "kept", "reason"),
    [
        ("19 mg", ["10 mg", "20 mg"], "10 mg", "ocr_corrected"),  # 0 read as 9
        ("88 mg", ["80 mg", "40 mg"], "80 mg", "ocr_corrected"),  # 0 read as 8
        ("20 mg", ["10 mg", "20 mg"], "20 mg", None),
        ("1 g", ["1000 mg"], "1 g", None),  # same strength in another unit
        ("75 µg", ["100 microgrammes"], "75 µg", None),  # the reference lacks it: no guess
        ("160 mg", ["100 mg", "150 mg"], "160 mg", "uncertain_strength"),  # two candidates
        ("500 mg", [], "500 mg", None),
    ],
)
def test_strength_checked_against_the_reference(written, known, kept, reason):
    assert check_strength(written, known) == (kept, reason)


def test_misread_strength_is_corrected_and_asked_back():
    doc = parse_text(RX.format(strength="19 mg"), "rx-c", OPTIONS)
    (tahor,) = doc.medications
    assert tahor.strength == "10 mg"
    flags = {(f.field, f.reason, f.value) for f in tahor.needs_confirmation}
    assert ("strength", "ocr_corrected", "19 mg") in flags


def test_known_strength_is_not_flagged():
    doc = parse_text(RX.format(strength="40 mg"), "rx-d", OPTIONS)
    (tahor,) = doc.medications
    assert tahor.strength == "40 mg"
    assert not [f for f in tahor.needs_confirmation if f.field == "strength"]


def test_value_candidates_inside_the_printed_range():
    assert value_candidates("8,48", 0.2, 1.0) == [0.48]
    assert value_candidates("0,05", 0.27, 4.2) == [0.65, 0.85, 0.95]


def test_lab_value_with_zero_read_as_eight_is_corrected_and_asked_back():
    doc = parse_text(LAB.format(row="Monocytes 8,48 G/L 0,20 - 1,00"), "lab-c", OPTIONS)
    (result,) = doc.lab_results
    assert result.value == 0.48
    reasons = {(f.field, f.reason, f.value) for f in result.needs_confirmation}
    assert ("value", "ocr_corrected", "8,48") in reasons


def test_truly_abnormal_value_is_kept_and_asked_back():
    doc = parse_text(LAB.format(row="Plaquettes 18 G/L 150 - 400"), "lab-d", OPTIONS)
    (result,) = doc.lab_results
    assert result.value == 18
    assert any(f.reason == "implausible_value" for f in result.needs_confirmation)


def test_value_inside_its_range_is_left_alone():
    doc = parse_text(LAB.format(row="Monocytes 0,48 G/L 0,20 - 1,00"), "lab-e", OPTIONS)
    (result,) = doc.lab_results
    assert result.value == 0.48
    assert not [f for f in result.needs_confirmation if f.field == "value"]


@pytest.mark.parametrize(
    ("row", "unit", "reason"),
    [
        ("Glycémie à jeun 0,97 g/t 0,70 - 1,10", "g/L", "unit_corrected"),
        ("ALAT 16 U/L < 45", "UI/L", "unit_corrected"),
        ("DFG estimé 83 ml/min/1 > 60", "mL/min/1,73 m²", "unit_corrected"),
        ("Créatinine 87 pimol/L 60 - 110", "µmol/L", "unit_corrected"),
        ("Ferritine 120 ng/mL 30 - 400", "ng/mL", None),  # another lab's unit is kept
        ("Taux de prothrombine 91 70 - 100", "%", "unit_assumed"),
    ],
)
def test_misread_unit_is_snapped_to_the_usual_one(row, unit, reason):
    doc = parse_text(LAB.format(row=row), "lab-u", OPTIONS)
    (result,) = doc.lab_results
    assert result.unit == unit
    reasons = [f.reason for f in result.needs_confirmation if f.field == "unit"]
    assert reasons == ([reason] if reason else [])


def test_value_contradicting_its_printed_flag_is_corrected_and_asked_back():
    doc = parse_text(LAB.format(row="T4 libre 18,9 L pmol/L (12,0 - 22,0)"), "lab-f", OPTIONS)
    (result,) = doc.lab_results
    assert result.value == 10.9
    assert result.interpretation is Interpretation.LOW
    assert ("value", "ocr_corrected") in {(f.field, f.reason) for f in result.needs_confirmation}


def test_flag_contradiction_without_a_single_candidate_is_only_asked_back():
    doc = parse_text(LAB.format(row="Potassium 4,2 H mmol/L (3,5 - 5,1)"), "lab-g", OPTIONS)
    (result,) = doc.lab_results
    assert result.value == 4.2
    assert "flag_mismatch" in {f.reason for f in result.needs_confirmation}


def test_range_bound_one_confusion_from_the_usual_bound_is_put_back():
    row = "Phosphatases alcalines 81 UI/L (48 - 130)"
    (result,) = parse_text(LAB.format(row=row), "lab-h", OPTIONS).lab_results
    assert result.reference_range is not None
    assert (result.reference_range.low, result.reference_range.high) == (40, 130)
    flags = {(f.field, f.reason) for f in result.needs_confirmation}
    assert ("reference_range", "ocr_corrected") in flags


def test_a_lab_s_own_range_is_kept():
    row = "Phosphatases alcalines 81 UI/L (35 - 104)"
    (result,) = parse_text(LAB.format(row=row), "lab-i", OPTIONS).lab_results
    assert result.reference_range is not None
    assert (result.reference_range.low, result.reference_range.high) == (35, 104)
    assert result.needs_confirmation == []


@pytest.mark.parametrize(
    ("row", "name", "value"),
    [
        ("4 TCMH 28,99 pg (27,0 - 32,0)", "TCMH", 28.99),
        ("1 Glycémie à jeun 1,27 H g/L (0,70 - 1,10)", "Glycémie à jeun", 1.27),
        ("x Hématocrite 42,6 % (40,0 - 52,0)", "Hématocrite", 42.6),
        ("Hb 13,5 g/dL 13,0 - 17,0", "Hb", 13.5),  # a short test name stays
    ],
)
def test_a_stray_mark_from_the_page_edge_is_not_the_value(row, name, value):
    (result,) = parse_text(LAB.format(row=row), "lab-j", OPTIONS).lab_results
    assert (result.name, result.value) == (name, value)


def test_range_whose_decimal_mark_was_read_as_a_digit_is_put_back():
    # "(3,5 - 5,1)" photographed: the comma read as "3", the dash as "=-"
    row = "Potassium 5,7 H mmol/L (335 =-5,1) 5,8"
    (result,) = parse_text(LAB.format(row=row), "lab-k", OPTIONS).lab_results
    assert result.reference_range is not None
    assert (result.reference_range.low, result.reference_range.high) == (3.5, 5.1)
    assert result.interpretation is Interpretation.HIGH
    flags = {(f.field, f.reason) for f in result.needs_confirmation}
    assert ("reference_range", "ocr_corrected") in flags


def test_only_a_plausible_candidate_above_a_lower_bound_is_taken():
    # "0.48" read "6.48" above "> 0.40": 5.48 and 8.48 are above it too, but far from plausible
    row = "HDL cholesterol 6.48 g/L > 0.40 0.41"
    (result,) = parse_text(LAB.format(row=row), "lab-l", OPTIONS).lab_results
    assert result.value == 0.48
    assert ("value", "ocr_corrected") in {(f.field, f.reason) for f in result.needs_confirmation}


@pytest.mark.parametrize(
    ("row", "unit"),
    [
        ("Ferritine 376 g/L 30 - 400 383", "µg/L"),  # the µ lost
        ("Créatinine 87 mol/L 60 - 110", "µmol/L"),
    ],
)
def test_unit_that_lost_its_prefix_is_snapped_and_asked_back(row, unit):
    (result,) = parse_text(LAB.format(row=row), "lab-m", OPTIONS).lab_results
    assert result.unit == unit
    assert ("unit", "unit_corrected") in {(f.field, f.reason) for f in result.needs_confirmation}


@pytest.mark.parametrize(
    "row",
    [
        "Alkaline phosphatase 165 H UI/L A0 - 130 162",  # "4" read as "A"
        "Phosphatases alcalines 81 UI/L (A0 - 130)",
    ],
)
def test_letter_read_for_the_first_digit_of_a_bound_is_put_back_and_asked(row):
    (result,) = parse_text(LAB.format(row=row), "lab-n", OPTIONS).lab_results
    assert result.reference_range is not None
    assert (result.reference_range.low, result.reference_range.high) == (40, 130)
    flags = {(f.field, f.reason) for f in result.needs_confirmation}
    assert ("reference_range", "ocr_corrected") in flags


@pytest.mark.parametrize(
    ("row", "value"),
    [
        ("Total PSA 2512 ng/mL < 4.00", 2.12),  # "2.12": the point read as a 5
        ("Calcium 2525 mmol/L 2,20 - 2,60", 2.25),
        ("Glycémie à jeun 1532 H g/L 0,70 - 1,10", 1.32),
    ],
)
def test_decimal_mark_read_as_a_digit_is_put_back_and_asked(row, value):
    (result,) = parse_text(LAB.format(row=row), "lab-o", OPTIONS).lab_results
    assert result.value == value
    assert ("value", "ocr_corrected") in {(f.field, f.reason) for f in result.needs_confirmation}
