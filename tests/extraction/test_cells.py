"""Doubtful number cells read again (extraction.ocr.cells, extraction.reread): the rule on
hand-written readings, and RapidOCR's recogniser on cells of a rendered lab table."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from PIL import Image, ImageDraw, ImageFont

from extraction.ocr.cells import cell_box, cells_of, doubtful, reread_page, second_reading
from extraction.ocr.layout import build_lines
from extraction.options import ExtractionOptions
from extraction.reread import reread_numbers
from extraction.text import ReadPage, Word
from store.records import Box

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _word(text: str, x: int, confidence: float = 0.95, width: int | None = None) -> Word:
    box = Box(x=x, y=100, width=width or 20 * len(text), height=34)
    return Word(text=text, box=box, confidence=confidence)


@pytest.mark.parametrize(
    ("first", "confidence", "second", "score", "expected", "expected_confidence"),
    [
        ("61", 0.4, "61", 0.99, "61", 0.99),  # agreement: confirmed
        ("3", 0.21, "61", 1.0, "61", 1.0),  # a sure reading of digits replaces
        ("3,55", 0.49, "3,5 à 5,1", 0.99, "3,5 à 5,1", 0.99),  # a whole range in one cell
        ("8,31", 0.73, "８.31", 1.0, "8.31", 1.0),  # full-width digit folded
        ("96", 0.66, "90", 0.6, "96", 0.66),  # unsure second reading: first kept
        ("96", 0.66, "mg/L", 1.0, "96", 0.66),  # no digit: not a number cell
        ("12", 0.5, "12 Hémoglobine", 0.95, "12", 0.5),  # a neighbour's word, not a cell
        ("12", 0.5, "1号2", 0.95, "12", 0.5),  # a Chinese character: noise
        ("12", 0.5, "", 1.0, "12", 0.5),
    ],
)
def test_second_reading_confirms_replaces_or_keeps(
    first, confidence, second, score, expected, expected_confidence
):
    word = _word(first, 500, confidence)
    read = second_reading(word, second, score)
    assert (read.text, read.confidence) == (expected, expected_confidence)
    assert read.box == word.box


def test_only_unsure_words_with_digits_are_doubtful():
    assert doubtful(_word("4,6", 0, 0.6))
    assert not doubtful(_word("4,6", 0, 0.9))
    assert not doubtful(_word("Potassium", 0, 0.2))


def test_a_cell_stops_halfway_to_its_neighbours():
    # "Potassium" ends at 240, "4,6" spans 250-310, "mmol/L" starts at 316
    line = build_lines([_word("Potassium", 60), _word("4,6", 250), _word("mmol/L", 316)])[0]
    left, top, right, bottom = cell_box(line, 1, 2, 2000, 1000)
    assert (left, right) == (245, 313)  # halfway, not the margin of 34 // 3 = 11
    assert top < 100 and bottom > 134
    assert cell_box(line, 0, 1, 2000, 1000)[0] == 60 - 34 // 3  # no neighbour: a margin


def test_a_cell_split_into_unsure_fragments_is_read_whole():
    # "(3,5 - 5,1)" read as "(3,5", "-9" and "D": "-9 D" is one cell, "(3,5" another (two
    # doubtful numbers read as one ran together); an unsure unit is not a fragment
    words = [
        _word("Potassium", 60),
        _word("mmol/L", 300, 0.5),
        _word("(3,5", 460, 0.23),
        _word("-9", 560, 0.49),
        _word("D", 620, 0.65),
        _word("5,8", 700, 0.97),
    ]
    line = build_lines(words)[0]
    assert cells_of(line) == [(2, 3), (3, 5)]
    unit_first = build_lines([_word("MCH", 60), _word("pg", 300, 0.5), _word("27:90", 400, 0.4)])
    assert cells_of(unit_first[0]) == [(2, 3)]  # "pg 27.0" read as one was "pg27.0"
    left, _, right, _ = cell_box(line, 3, 5, 2000, 1000)
    assert (left, right) == ((540 + 560) // 2, 640 + 11)  # "-9" to "D", a margin of 34 // 3


class _Readings:
    """A second reader that returns written readings (the rule is what is under test)."""

    def __init__(self, readings: list[tuple[str, float]]) -> None:
        self.readings = readings
        self.crops: list[Image.Image] = []

    def read_cells(self, crops):
        self.crops = list(crops)
        return self.readings[: len(crops)]


def test_reread_page_replaces_doubtful_cells_least_confident_first():
    words = [
        _word("Potassium", 60),
        _word("4,8", 300, 0.7),
        _word("mmol/L", 380),
        _word("3,55", 560, 0.3),
        _word("5,1", 680, 0.95),
    ]
    page = ReadPage(number=1, lines=build_lines(words), width=1000, height=300)
    reader = _Readings([("3,5", 0.99), ("4,6", 0.98)])
    read, changed = reread_page(page, Image.new("L", (1000, 300), 255), reader)
    assert changed == 2
    assert read.lines[0].text == "Potassium 4,6 mmol/L 3,5 5,1"
    assert len(reader.crops) == 2
    assert reader.crops[0].width < reader.crops[1].width + 40  # "3,55" first (0.3 < 0.7)
    assert read.lines[0].words[1].confidence == 0.98


def test_a_cell_read_whole_becomes_one_word_and_a_confirmed_one_stays_as_it_was():
    words = [
        _word("Potassium", 60),
        _word("(3,5", 460, 0.23),
        _word("-9", 560, 0.49),
        _word("D", 620, 0.65),
        _word("Sodium", 900),
        _word("140", 1100, 0.6),
    ]
    page = ReadPage(number=1, lines=build_lines(words), width=1500, height=300)
    reader = _Readings([("(3,5", 0.99), ("- 5,1)", 0.97), ("140", 0.99)])
    read, changed = reread_page(page, Image.new("L", (1500, 300), 255), reader)
    assert changed == 1
    texts = [w.text for w in read.lines[0].words]
    assert texts == ["Potassium", "(3,5", "- 5,1)", "Sodium", "140"]
    assert read.lines[0].words[2].box == Box(x=560, y=100, width=640 - 560, height=34)
    assert [read.lines[0].words[i].confidence for i in (1, 4)] == [0.99, 0.99]


def _lab_row_image(cells: list[tuple[str, int]], size: int = 34) -> tuple[Image.Image, list[Word]]:
    """A rendered lab row and its words with true boxes (texts as written)."""
    font = ImageFont.truetype(str(FONT), size)
    image = Image.new("L", (1500, 160), 255)
    draw = ImageDraw.Draw(image)
    words = []
    for text, x in cells:
        draw.text((x, 60), text, font=font, fill=0)
        left, top, right, bottom = draw.textbbox((x, 60), text, font=font)
        box = Box(x=left, y=top, width=right - left, height=bottom - top)
        words.append(Word(text=text, box=box, confidence=0.96))
    return image, words


ROW = [("Potassium", 60), ("4,6", 420), ("mmol/L", 560), ("3,5", 800), ("-", 880), ("5,1", 920)]


def test_rapidocr_reads_misread_cells_of_a_rendered_row_again():
    pytest.importorskip("rapidocr", reason="RapidOCR is optional (pip install carnet[ocr-rapid])")
    from extraction.ocr.rapid import cell_reader

    image, words = _lab_row_image(ROW)
    # as Tesseract misreads a photographed row: 4,6 -> "4,8" and 3,5 -> "335", both unsure
    words[1] = words[1].model_copy(update={"text": "4,8", "confidence": 0.41})
    words[3] = words[3].model_copy(update={"text": "335", "confidence": 0.52})
    page = ReadPage(number=1, lines=build_lines(words), width=image.width, height=image.height)
    read, changed = reread_page(page, image, cell_reader())
    assert changed == 2
    assert read.lines[0].text == "Potassium 4,6 mmol/L 3,5 - 5,1"


def test_only_lab_pages_are_read_again_and_the_switch_turns_it_off():
    pytest.importorskip("rapidocr", reason="RapidOCR is optional (pip install carnet[ocr-rapid])")
    image, words = _lab_row_image([*ROW, ("Prélevé", 1060)])
    words[1] = words[1].model_copy(update={"text": "4,8", "confidence": 0.41})
    header = [
        Word(text=text, box=Box(x=60 + 260 * i, y=10, width=200, height=30), confidence=0.95)
        for i, text in enumerate(["Laboratoire", "Valeurs", "de", "référence", "mmol/L"])
    ]
    lab = ReadPage(number=1, lines=build_lines([*header, *words]), width=1500, height=160)
    letter = ReadPage(number=1, lines=build_lines(words[:3]), width=1500, height=160)
    on = ExtractionOptions()
    assert "Potassium 4,6 mmol/L" in reread_numbers(lab, image, "tesseract", on).text
    assert "Potassium 4,8 mmol/L" in reread_numbers(letter, image, "tesseract", on).text
    off = ExtractionOptions(cell_reader="none")
    assert "Potassium 4,8 mmol/L" in reread_numbers(lab, image, "tesseract", off).text
    assert "Potassium 4,8 mmol/L" in reread_numbers(lab, image, "rapidocr", on).text
