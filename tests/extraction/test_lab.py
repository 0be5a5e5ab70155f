"""Lab reports: values, units, ranges and flags; previous results are never the current value."""

from __future__ import annotations

from datetime import date

import pytest

from extraction.options import ExtractionOptions
from extraction.parse import parse_document, parse_text
from extraction.text import ReadPage, TextLine, Word
from store.records import Box, DocumentKind, Interpretation, RecordStatus

OPTIONS = ExtractionOptions()

REPORT = """Laboratoire de Biologie Médicale Exemple
12 rue des Lilas - 69003 Lyon
Patient : Jean MARTIN
Né(e) le 05/11/1958
Prescripteur : Dr Marie Durand
Prélevé le 04/05/2025
Analyse Résultat Unités Valeurs de référence
HÉMATOLOGIE
{rows}
Résultats validés par le biologiste."""


def _one(row: str):
    doc = parse_text(REPORT.format(rows=row), "lab-1", OPTIONS)
    assert doc.kind == DocumentKind.LAB_REPORT
    assert len(doc.lab_results) == 1, [r.name for r in doc.lab_results]
    return doc.lab_results[0]


@pytest.mark.parametrize(
    ("row", "value", "unit", "low", "high", "flag"),
    [
        # decimal comma, range with a dash
        ("Potassium 5,8 mmol/L 3,5 - 5,1", 5.8, "mmol/L", 3.5, 5.1, Interpretation.HIGH),
        # written flag L, range in parentheses
        ("Hémoglobine 11,2 L g/dL (13,0 - 17,0)", 11.2, "g/dL", 13.0, 17.0, Interpretation.LOW),
        # star flag: the range says which way
        ("HbA1c 6,8 * % 4,0 à 6,0", 6.8, "%", 4.0, 6.0, Interpretation.HIGH),
        # upper bound only
        ("CRP 12,0 mg/L < 5,0", 12.0, "mg/L", None, 5.0, Interpretation.HIGH),
        # lower bound only, unit with a number and a superscript in it
        (
            "DFG estimé (CKD-EPI) 48 mL/min/1,73 m² > 60",
            48.0,
            "mL/min/1,73 m²",
            60.0,
            None,
            Interpretation.LOW,
        ),
        # no unit
        ("INR 1,05 0,80 - 1,20", 1.05, None, 0.8, 1.2, Interpretation.NORMAL),
        # dot leaders
        (
            "Leucocytes ........ 6,54 G/L 4,00 - 10,00",
            6.54,
            "G/L",
            4.0,
            10.0,
            Interpretation.NORMAL,
        ),
        # decimal point (English report)
        ("Platelets 512 G/L 150 - 400", 512.0, "G/L", 150.0, 400.0, Interpretation.HIGH),
        # an arrow flag
        ("Ferritine 8 ↓ µg/L 30 - 400", 8.0, "µg/L", 30.0, 400.0, Interpretation.LOW),
    ],
)
def test_row(row, value, unit, low, high, flag) -> None:
    result = _one(row)
    assert result.value == value
    assert result.unit == unit
    assert result.reference_range is not None
    assert (result.reference_range.low, result.reference_range.high) == (low, high)
    assert result.interpretation == flag


def test_previous_value_after_the_range_is_ignored_without_boxes() -> None:
    result = _one("Créatinine 85 µmol/L 60 - 110 132")
    assert result.value == 85
    assert result.interpretation == Interpretation.NORMAL


def test_result_is_coded_dated_and_proposed() -> None:
    result = _one("Hémoglobine glyquée HbA1c 6,2 % 4,0 - 6,0")
    assert result.loinc == "4548-4"
    assert result.normalized_name == "Hémoglobine glyquée"
    assert result.effective_date == date(2025, 5, 4)  # "Prélevé le", not the birth date
    assert result.status == RecordStatus.PROPOSED
    assert result.provenance.document_id == "lab-1"
    assert result.provenance.source_text == "Hémoglobine glyquée HbA1c 6,2 % 4,0 - 6,0"


def test_ocr_misreading_of_hba1c_is_still_coded() -> None:
    assert _one("HbAlc 7,1 % 4,0 - 6,0").loinc == "4548-4"


def test_unknown_test_with_unit_and_range_is_kept_and_flagged() -> None:
    result = _one("Zonuline sérique 12,5 ng/mL 2,0 - 10,0")
    assert result.loinc is None
    assert [f.reason for f in result.needs_confirmation] == ["unknown_test"]


def _word(text: str, x: int, y: int, confidence: float = 0.95) -> Word:
    return Word(
        text=text, box=Box(x=x, y=y, width=12 * len(text), height=30), confidence=confidence
    )


def _line(cells: list[tuple[str, int]], y: int, confidence: float = 0.95) -> TextLine:
    words = [
        _word(part, x + 14 * i, y, confidence)
        for text, x in cells
        for i, part in enumerate(text.split())
    ]
    return TextLine(text=" ".join(w.text for w in words), words=words)


def _page(number: int, rows: list[list[tuple[str, int]]], header_date: bool = True) -> ReadPage:
    lines = [
        _line([("Laboratoire Synlab Exemple", 100)], 100),
        _line([("Prélevé le 02/06/2025", 100)], 160),
        _line(
            [
                ("Analyse", 100),
                ("Résultat", 700),
                ("Unités", 800),
                ("Valeurs de référence", 1000),
                ("Antériorités", 1500),
            ],
            240,
        ),
    ]
    if header_date:
        lines.append(_line([("12/03/24", 1500)], 280))
    lines += [_line(cells, 330 + 50 * i) for i, cells in enumerate(rows)]
    return ReadPage(number=number, lines=lines, width=2000, height=2800)


def test_previous_results_column_is_dropped_by_position() -> None:
    # the previous value sits in the "Antériorités" column, here *before* any range is written
    page = _page(
        1,
        [
            [("Sodium", 100), ("139", 700), ("mmol/L", 800), ("150", 1520)],
            [
                ("Potassium", 100),
                ("4,1", 700),
                ("mmol/L", 800),
                ("3,5 - 5,1", 1000),
                ("6,2", 1520),
            ],
        ],
    )
    doc = parse_document([page], "lab-2", OPTIONS)
    values = {r.name: r.value for r in doc.lab_results}
    assert values == {"Sodium": 139.0, "Potassium": 4.1}


def test_several_pages_keep_their_page_numbers() -> None:
    first = _page(
        1, [[("Leucocytes", 100), ("6,5", 700), ("G/L", 800), ("4,0 - 10,0", 1000), ("7,0", 1520)]]
    )
    second = _page(
        2, [[("Ferritine", 100), ("20", 700), ("µg/L", 800), ("30 - 400", 1000), ("25", 1520)]]
    )
    doc = parse_document([first, second], "lab-3", OPTIONS)
    pages = {r.name: r.provenance.page for r in doc.lab_results}
    assert pages == {"Leucocytes": 1, "Ferritine": 2}
    assert doc.document_date == date(2025, 6, 2)
    assert doc.lab_results[1].interpretation == Interpretation.LOW


def test_low_confidence_value_is_flagged_with_its_box() -> None:
    words = [
        _word("Glycémie", 100, 330),
        _word("1,26", 700, 330, 0.41),
        _word("g/L", 800, 330),
        _word("0,70", 1000, 330),
        _word("-", 1060, 330),
        _word("1,10", 1090, 330),
    ]
    row = TextLine(text=" ".join(w.text for w in words), words=words)
    page = _page(1, [])
    page = ReadPage(number=1, lines=[*page.lines, row], width=2000, height=2800)
    doc = parse_document([page], "lab-4", OPTIONS)
    (result,) = doc.lab_results
    assert result.value == 1.26
    assert [(f.field, f.reason) for f in result.needs_confirmation] == [
        ("value", "low_confidence")
    ]
    assert result.provenance.confidence == pytest.approx(0.41)
    assert result.provenance.box is not None
    assert result.provenance.box.y == 330


def test_dot_leaders_read_as_letters_are_not_part_of_the_name() -> None:
    # Tesseract turns "Urée ........" into letters
    result = _one("Urée vice ccc cece eee ee eee eee eens 8,4 * mmol/L 2,5 - 7,5")
    assert result.name == "Urée"
    assert result.loinc == "22664-7"
    assert result.interpretation == Interpretation.HIGH


@pytest.mark.parametrize(
    ("row", "unit"),
    [
        ("Créatinine 85 pmol/L 60 - 110", "µmol/L"),  # µ read as p
        ("Acide urique 300 umot/L 210 - 420", "µmol/L"),
        ("DFG estimé (CKD-EPI) 83 mL/min/1,73 m? > 60", "mL/min/1,73 m²"),
        ("T4 libre 15,2 pmol/L 12,0 - 22,0", "pmol/L"),  # a real pmol/L stays
        ("Créatinine 9,6 mg/L 6,0 - 12,0", "mg/L"),  # another real unit stays
    ],
)
def test_unit_misreadings_are_corrected_against_the_test(row: str, unit: str) -> None:
    assert _one(row).unit == unit


def test_garbled_name_in_a_table_row_is_guessed_from_its_unit_and_flagged() -> None:
    result = _one("PLAGUETTOS si o etre rois 216 G/L 150 - 400")
    assert result.loinc == "777-3"
    assert result.name.startswith("PLAGUETTOS")  # kept as read
    assert [(f.field, f.reason) for f in result.needs_confirmation] == [("name", "uncertain_test")]


def test_colon_read_for_a_decimal_point() -> None:
    result = _one("Neutrophils 1:95 G/L 1.50 - 7.00")
    assert result.value == 1.95


def test_range_in_parentheses_without_its_dash() -> None:
    result = _one("TSH 2.19 mUI/L (0.27 4.20)")
    assert result.reference_range is not None
    assert (result.reference_range.low, result.reference_range.high) == (0.27, 4.2)


@pytest.mark.parametrize(
    ("row", "value", "flag"),
    [
        ("Hématocrite 65,0°H % 40,0 à 52,0", 65.0, Interpretation.HIGH),
        ("LDL-cholestérol calculé 2,30:H g/L < 1,60", 2.3, Interpretation.HIGH),
        ("Hémoglobine glyquée HbA1c 9,5: % 4,0 à 6,0", 9.5, Interpretation.HIGH),
        ("ASAT (TGO) 71H UI/L < 40 82", 71.0, Interpretation.HIGH),  # no space before the H
        ("T4 libre 10,9L pmol/L (12,0 - 22,0)", 10.9, Interpretation.LOW),
    ],
)
def test_flags_glued_to_the_value_by_ocr(row: str, value: float, flag: Interpretation) -> None:
    result = _one(row)
    assert (result.value, result.interpretation) == (value, flag)


def test_a_value_lost_by_ocr_is_asked_back_not_taken_from_the_range() -> None:
    # the value column is empty: the range's low bound must not become the value
    page = _page(1, [[("Ferritine", 100), ("µg/L", 800), ("30 - 400", 1000), ("453", 1520)]])
    (result,) = parse_document([page], "lab-5", OPTIONS).lab_results
    assert result.value is None
    assert result.unit == "µg/L"
    assert result.reference_range is not None
    assert result.reference_range.low == 30
    assert [(f.field, f.reason) for f in result.needs_confirmation] == [("value", "missing")]


def test_previous_results_date_is_not_the_sampling_date() -> None:
    lines = [
        _line([("Prélèvement du", 100), ("Antériorités", 1500)], 100),
        _line([("Références", 1000), ("07/03/25", 1520)], 140),  # a row merged by a skewed photo
        _line([("Édité le 03/06/2025", 100)], 180),
        _line([("Analyse", 100), ("Résultat", 700), ("Unités", 800), ("Références", 1000)], 240),
        _line([("Sodium", 100), ("139", 700), ("mmol/L", 800), ("135 - 145", 1000)], 300),
    ]
    doc = parse_document([ReadPage(number=1, lines=lines)], "lab-6", OPTIONS)
    assert doc.document_date == date(2025, 6, 3)  # the edition date, the best left


def test_ocr_noise_and_section_titles_are_not_tests() -> None:
    noisy = [_word(t, 100 + 60 * i, 330, 0.2) for i, t in enumerate(["RICO", "ie", "en"])]
    values = [
        _word("2,50", 700, 330),
        _word("mmol/L", 800, 330),
        _word("2,20", 1000, 330),
        _word("-", 1060, 330),
        _word("2,60", 1090, 330),
    ]
    words = noisy + values
    row = TextLine(text=" ".join(w.text for w in words), words=words)
    page = _page(1, [])
    page = ReadPage(number=1, lines=[*page.lines, row], width=2000, height=2800)
    assert parse_document([page], "lab-7", OPTIONS).lab_results == []
    doc = parse_text(REPORT.format(rows="BILAN HEPATIQUE 29 UI/L 40 - 130"), "lab-8", OPTIONS)
    assert doc.lab_results == []


@pytest.mark.parametrize(
    ("row", "value", "low", "high", "fields"),
    [
        # "33,7" read as "337": only 33.7 fits the test (32-36)
        ("CCMH 337 g/dL 32,0 - 36,0", 33.7, 32.0, 36.0, ["value"]),
        ("Lymphocytes 232 G/L 1,00 - 4,00", 2.32, 1.0, 4.0, ["value"]),
        # the range lost its commas too: both are put back
        ("Potassium 4,6 mmol/L 35 - 51", 4.6, 3.5, 5.1, ["reference_range"]),
        # a plausible integer stays as read
        ("Sodium 139 mmol/L 135 - 145", 139.0, 135.0, 145.0, []),
    ],
)
def test_decimal_marks_lost_by_ocr_are_restored_and_asked_back(row, value, low, high, fields):
    result = _one(row)
    assert result.value == pytest.approx(value)
    assert result.reference_range is not None
    assert result.reference_range.low == pytest.approx(low)
    assert result.reference_range.high == pytest.approx(high)
    assert [f.field for f in result.needs_confirmation if f.reason == "decimal_restored"] == fields


def test_range_operator_glued_to_a_long_unit_in_columns() -> None:
    page = _page(
        1,
        [
            [
                ("DFG estimé (CKD-EPI)", 100),
                ("34", 700),
                ("mL/min/1,73", 800),
                ("m²>", 960),
                ("60", 1030),
            ]
        ],
    )
    (result,) = parse_document([page], "lab-9", OPTIONS).lab_results
    assert result.unit == "mL/min/1,73 m²"
    assert result.reference_range is not None
    assert result.reference_range.low == 60
    assert result.interpretation == Interpretation.LOW


def test_colon_read_for_a_decimal_point_in_a_range() -> None:
    result = _one("Urée 4,7 mmol/L (2.5- 7:5)")
    assert result.reference_range is not None
    assert (result.reference_range.low, result.reference_range.high) == (2.5, 7.5)
