"""OCR engines (real Tesseract, real RapidOCR) and the layout that turns words into lines."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from PIL import Image, ImageDraw, ImageFont

from extraction.errors import OcrEngineMissing, OcrFailed
from extraction.ocr import tesseract
from extraction.ocr.engine import create_engine, resolve_engine_name
from extraction.ocr.layout import build_lines, column_starts, normalize_text
from extraction.options import ExtractionOptions
from extraction.text import Word
from store.records import Box

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
LAB_ROWS = [
    ("Hémoglobine", "13,8", "g/dL", "13,0 - 17,0", "14,1"),
    ("Créatinine", "82", "µmol/L", "59 - 104", "79"),
    ("Potassium", "4,6", "mmol/L", "3,5 - 5,1", "4,2"),
]
COLUMNS = (60, 520, 700, 980, 1260)


def lab_table(size: int = 34) -> Image.Image:
    """Three lab rows in five columns, black on white, about 300 dpi."""
    font = ImageFont.truetype(str(FONT), size)
    image = Image.new("L", (1450, 110 + 80 * len(LAB_ROWS)), 255)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(LAB_ROWS):
        for x, cell in zip(COLUMNS, cells, strict=True):
            draw.text((x, 60 + 80 * row), cell, font=font, fill=0)
    return image


def _word(text: str, x: int, y: int, h: int = 30, conf: float = 0.9) -> Word:
    return Word(text=text, box=Box(x=x, y=y, width=12 * len(text), height=h), confidence=conf)


def test_words_of_a_table_row_make_one_line_even_when_slightly_uneven():
    words = [
        _word("13,8", 520, 103),
        _word("Hémoglobine", 60, 100),
        _word("g/dL", 700, 98),
        _word("82", 520, 183),
        _word("Créatinine", 60, 180),
    ]
    lines = build_lines(words, page=2)
    assert [line.text for line in lines] == ["Hémoglobine 13,8 g/dL", "Créatinine 82"]
    assert all(line.page == 2 for line in lines)
    assert lines[0].box == Box(x=60, y=98, width=700 + 48 - 60, height=35)


def test_column_starts_are_rebuilt_from_word_boxes():
    words = [
        _word(text, x, 100 + 80 * row)
        for row in range(4)
        for x, text in zip(COLUMNS[:3], ("Sodium", "139", "mmol/L"), strict=True)
    ]
    assert column_starts(build_lines(words)) == list(COLUMNS[:3])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("350 μmol/L", "350 µmol/L"),  # Greek mu -> micro sign
        ("350 umol/L", "350 µmol/L"),  # Tesseract's u for µ, before a unit only
        ("Cre\u0301atinine", "Créatinine"),  # decomposed accent -> NFC
        ("ofﬁce  du   jour", "office du jour"),
        ("un soir", "un soir"),
    ],
)
def test_text_is_normalised(raw, expected):
    assert normalize_text(raw) == expected


def test_tesseract_probe_names_the_package_for_a_missing_language():
    with pytest.raises(OcrEngineMissing) as info:
        tesseract.probe("fra+klingon")
    assert "tesseract-ocr-klingon" in str(info.value)
    assert info.value.code == "ocr_engine_missing"


def test_tesseract_probe_finds_french_and_english():
    info = tesseract.probe("fra+eng")
    assert info.version.startswith(("4", "5"))
    assert {"fra", "eng"} <= info.languages


def test_unknown_engine_is_reported():
    with pytest.raises(OcrEngineMissing):
        resolve_engine_name("abbyy")


def _cells(page_text: str) -> str:
    return page_text.replace(" ", "")


@pytest.mark.tesseract
def test_tesseract_reads_a_lab_table_into_rows_with_boxes_and_confidences():
    page = create_engine(ExtractionOptions(ocr_engine="tesseract")).read(lab_table())
    assert len(page.lines) == 3
    first = page.lines[0]
    assert first.text.startswith("Hémoglobine 13,8 g/dL")
    assert "Potassium4,6mmol/L3,5-5,14,2" in _cells(page.text)
    assert all(0.0 <= w.confidence <= 1.0 for w in first.words)
    value = next(w for w in first.words if w.text == "13,8")
    assert abs(value.box.x - COLUMNS[1]) < 15


@pytest.mark.tesseract
def test_tesseract_timeout_is_an_ocr_failure():
    engine = tesseract.TesseractEngine(ExtractionOptions(ocr_timeout_seconds=0.001))
    with pytest.raises(OcrFailed):
        engine.read(lab_table())


def test_rapidocr_reads_accents_and_micro_sign():
    pytest.importorskip("rapidocr", reason="RapidOCR is optional (pip install carnet[ocr-rapid])")
    page = create_engine(ExtractionOptions(ocr_engine="rapidocr")).read(lab_table())
    text = _cells(page.text)
    assert "Hémoglobine13,8g/dL13,0-17,014,1" in text
    assert "Créatinine82µmol/L59-10479" in text
    assert len(page.lines) == 3
    value = next(w for w in page.lines[1].words if w.text == "82")
    assert abs(value.box.x - COLUMNS[1]) < 25


def test_missing_tesseract_binary_names_the_apt_package(monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    tesseract._probe_binary.cache_clear()
    try:
        with pytest.raises(OcrEngineMissing) as info:
            tesseract.probe()
        assert "apt-get install tesseract-ocr" in str(info.value)
    finally:
        tesseract._probe_binary.cache_clear()


def test_auto_prefers_tesseract_when_installed():
    assert resolve_engine_name("auto") == "tesseract"
