"""PDFs: text layers are read (never OCRed), scans are rendered, protected or broken files fail."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import RectangleObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extraction.errors import CorruptFile, EncryptedPdf, TooManyPages
from extraction.options import ExtractionOptions
from extraction.pdf import iter_pages

OPTIONS = ExtractionOptions()
LINES = [
    "Laboratoire Bioaxis - Compte rendu du 3 mars 2026",
    "Créatinine        82 µmol/L      59 - 104",
    "Potassium         4,6 mmol/L     3,5 - 5,1",
]


def text_pdf(lines: list[str] = LINES, pages: int = 1) -> bytes:
    """A PDF with a real text layer (as labs send them)."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for _ in range(pages):
        y = 780
        for line in lines:
            pdf.setFont("Helvetica", 11)
            pdf.drawString(60, y, line)
            y -= 24
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def scanned_pdf() -> bytes:
    """An image-only PDF page (a scan): no text layer at all."""
    image = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(image).rectangle((100, 100, 600, 140), fill=0)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150)
    return out.getvalue()


def encrypt(data: bytes, user: str, owner: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_text_layer_is_read_with_word_boxes_in_300_dpi_pixels():
    pages = list(iter_pages(text_pdf(), OPTIONS))
    assert len(pages) == 1
    page = pages[0].read
    assert page is not None and pages[0].image is None
    assert page.source == "pdf_text"
    assert [line.text for line in page.lines] == [" ".join(line.split()) for line in LINES]
    assert (page.width, page.height) == (2480, 3507)
    creatinine = page.lines[1]
    value = next(word for word in creatinine.words if word.text == "82")
    assert value.confidence == 1.0
    # drawn at x=60 pt, baseline y=756 pt from the bottom: about 250 px from the left at 300 dpi
    assert abs(creatinine.words[0].box.x - 250) <= 3
    assert abs(value.box.y + value.box.height - (842 - 756) * 300 / 72) <= 15


def test_every_page_is_read_in_order():
    pages = list(iter_pages(text_pdf(pages=3), OPTIONS))
    assert [p.number for p in pages] == [1, 2, 3]
    assert all(p.read is not None and p.read.lines[0].page == p.number for p in pages)


def test_scanned_page_is_rendered_for_ocr_at_300_dpi():
    pages = list(iter_pages(scanned_pdf(), OPTIONS))
    assert pages[0].read is None
    image = pages[0].image
    assert image is not None and image.mode == "L"
    assert abs(image.width - 2480) <= 2  # 1240 px at 150 dpi = 8.27 in, rendered at 300 dpi


def test_password_protected_pdf_is_a_clear_error():
    with pytest.raises(EncryptedPdf) as info:
        list(iter_pages(encrypt(text_pdf(), user="secret", owner="owner"), OPTIONS))
    assert info.value.code == "encrypted_pdf"


def test_pdf_restricted_by_an_owner_password_only_is_read():
    pages = list(iter_pages(encrypt(text_pdf(), user="", owner="owner"), OPTIONS))
    assert pages[0].read is not None
    assert "Créatinine" in pages[0].read.text


def test_too_many_pages():
    with pytest.raises(TooManyPages) as info:
        list(iter_pages(text_pdf(pages=3), ExtractionOptions(max_pdf_pages=2)))
    assert info.value.code == "too_many_pages"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\n%garbage that is not a PDF body\n", text_pdf()[:400]],
    ids=["garbage", "truncated"],
)
def test_malformed_pdf_is_corrupt(data):
    with pytest.raises(CorruptFile):
        list(iter_pages(data, OPTIONS))


def rotated_pdf(rotation: int) -> bytes:
    """The text PDF stored turned anticlockwise by ``rotation`` degrees, its /Rotate turning it
    back upright (as scanners and some lab systems write landscape or turned pages)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf())))
    page = writer.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    shift = {90: (height, 0), 180: (width, height), 270: (0, width)}[rotation]
    page.add_transformation(Transformation().rotate(rotation).translate(*shift))
    if rotation in (90, 270):
        page.mediabox = RectangleObject((0, 0, height, width))
    page.rotate(rotation)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_rotated_text_page_is_read_as_displayed(rotation):
    upright = next(iter_pages(text_pdf(), OPTIONS)).read
    page = next(iter_pages(rotated_pdf(rotation), OPTIONS)).read
    assert page is not None and upright is not None
    assert [line.text for line in page.lines] == [line.text for line in upright.lines]
    assert (page.width, page.height) == (upright.width, upright.height)
    for turned, straight in zip(page.lines, upright.lines, strict=True):
        assert abs(turned.box.x - straight.box.x) <= 2
        assert abs(turned.box.y - straight.box.y) <= 2
        assert abs(turned.box.width - straight.box.width) <= 2
