"""Ruled tables (vaccination carnets): the borders are erased so Tesseract reads every row."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extraction import ExtractionOptions, InputFile, extract_document
from extraction.imaging.rules import remove_rules
from store.records import DocumentKind

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"
ROWS = [
    ("Vaccin", "Date", "Lot", "Signature, cachet"),
    ("Infanrix Hexa", "15/06/2014", "BPP7304", "Dr Bertrand"),
    ("Prevenar 13", "20/03/2015", "U55188", "Dr David"),
    ("Nimenrix", "03/07/2015", "X24202", "Dr Leroy"),
    ("Gardasil 9", "16/03/2017", "T99095", "Dr Guérin"),
]
COLUMNS = (200, 900, 1270, 1640, 2280)


def ruled_table() -> Image.Image:
    """A carnet page at 300 dpi: title, then a table with a border around every cell."""
    font = ImageFont.truetype(str(FONT), 42)
    image = Image.new("L", (2480, 1400), 255)
    draw = ImageDraw.Draw(image)
    draw.text((980, 200), "VACCINATIONS", font=ImageFont.truetype(str(FONT), 60), fill=0)
    top, row_height = 400, 118
    for row, cells in enumerate(ROWS):
        y = top + row * row_height
        for x, cell in zip(COLUMNS, cells, strict=False):
            draw.text((x + 18, y + 30), cell, font=font, fill=0)
    bottom = top + len(ROWS) * row_height
    for row in range(len(ROWS) + 1):
        y = top + row * row_height
        draw.line([(COLUMNS[0], y), (COLUMNS[-1], y)], fill=0, width=3)
    for x in COLUMNS:
        draw.line([(x, top), (x, bottom)], fill=0, width=3)
    return image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_rulings_are_erased_and_text_is_kept():
    gray = np.asarray(ruled_table(), dtype=np.uint8)
    cleaned, changed = remove_rules(gray, 32.0)
    assert changed > 0
    row_line = 400 + 118  # the horizontal rule under the header
    assert cleaned[row_line, 300:2200].min() > 200
    assert cleaned[700, 900] > 200  # a vertical rule
    ink_before = int((gray < 128).sum())
    ink_after = int((cleaned < 128).sum())
    assert 0.4 * ink_before < ink_after < ink_before  # the letters stay


def test_page_without_rulings_is_unchanged():
    image = ruled_table().crop((0, 0, 2480, 380))  # title only
    gray = np.asarray(image, dtype=np.uint8)
    cleaned, changed = remove_rules(gray, 32.0)
    assert changed == 0
    assert np.array_equal(cleaned, gray)


@pytest.mark.tesseract
def test_ruled_vaccination_table_is_read_row_by_row():
    options = ExtractionOptions(ocr_engine="tesseract")
    document = extract_document([InputFile(name="carnet.png", data=_png(ruled_table()))], options)
    assert document.kind is DocumentKind.VACCINATION_RECORD
    dates = {v.date for v in document.vaccinations}
    assert dates >= {date(2014, 6, 15), date(2015, 3, 20), date(2015, 7, 3), date(2017, 3, 16)}
    lots = {v.lot_number for v in document.vaccinations}
    assert {"BPP7304", "X24202", "T99095"} <= lots


def test_lone_separator_lines_are_kept():
    # A lab report's rule under its header is no table grid: the page is left as it is.
    image = ruled_table()
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 390, 2480, 1400), fill=255)
    draw.line([(200, 500), (2280, 500)], fill=0, width=3)
    gray = np.asarray(image, dtype=np.uint8)
    cleaned, changed = remove_rules(gray, 32.0)
    assert changed == 0
    assert np.array_equal(cleaned, gray)
