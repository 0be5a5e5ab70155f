"""The whole pipeline on generated documents: photos, scans, text PDFs, text, albums, junk."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from bench.ocr_engines import photograph, render_page
from extraction import ExtractedDocument, ExtractionOptions, InputFile, extract, extract_document
from extraction.errors import EmptyFile, ImageTooSmall, UnreadableDocument
from store.records import DocumentKind
from tests.extraction.test_pdf import scanned_pdf, text_pdf

TESSERACT = ExtractionOptions(ocr_engine="tesseract")
PRESCRIPTION = (
    "Dr Anne Morel, médecin généraliste\n"
    "Le 3 mars 2026\n"
    "DOLIPRANE 1000 mg comprimé\n"
    "1 comprimé matin, midi et soir pendant 7 jours\n"
    "Allergie : pénicilline\n"
)


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def _items(document: ExtractedDocument) -> list:
    return [
        *document.medications,
        *document.lab_results,
        *document.vaccinations,
        *document.allergies,
    ]


def test_pasted_text_is_read_without_ocr_and_records_point_to_the_document():
    document = extract_document(
        [InputFile(name="ordonnance.txt", data=PRESCRIPTION.encode())], TESSERACT, "doc-1"
    )
    assert document.document_id == "doc-1"
    assert document.text_source == "text"
    assert document.ocr_confidence is None
    assert "DOLIPRANE 1000 mg comprimé" in document.text
    assert document.seconds > 0
    assert all(item.provenance.document_id == "doc-1" for item in _items(document))


@pytest.mark.tesseract
def test_telegram_photo_of_a_prescription_is_read():
    # RapidOCR reads the same pages (tests/extraction/test_ocr.py, bench/ocr_engines.py).
    page = render_page(2)
    data = photograph(page.image, 2, 1280, quarter=90)
    options = ExtractionOptions(ocr_engine="tesseract")
    document = extract_document([InputFile(name="photo.jpg", data=data)], options, "doc-p")
    assert document.text_source == "ocr"
    assert "low_resolution" not in document.warnings
    assert document.ocr_confidence is not None and document.ocr_confidence > 0.8
    read = " ".join(document.text.split()).lower()
    for line in page.truth.splitlines()[2:6]:  # title and the first products and posologies
        words = [w for w in line.lower().split() if len(w) > 3 and w.isalpha()]
        assert sum(w in read for w in words) >= len(words) - 1, line
    if document.medications:
        assert document.kind is DocumentKind.PRESCRIPTION
        assert all(m.provenance.document_id == "doc-p" for m in document.medications)


def test_album_files_are_the_pages_of_one_document():
    files = [
        InputFile(name="p1.pdf", data=text_pdf(pages=2)),
        InputFile(name="p2.txt", data=PRESCRIPTION.encode()),
    ]
    document = extract_document(files, TESSERACT, "doc-a")
    assert document.page_count == 3
    assert document.text_source == "mixed"
    assert document.source_name == "p1.pdf, p2.txt"
    assert "Créatinine 82 µmol/L 59 - 104" in document.text
    pages = {item.provenance.page for item in _items(document)}
    assert pages <= {1, 2, 3, None}


def test_text_pdf_is_not_ocred():
    document = extract_document([InputFile(name="labo.pdf", data=text_pdf())], TESSERACT)
    assert document.text_source == "pdf_text"
    assert document.ocr_confidence is None
    assert "Potassium 4,6 mmol/L 3,5 - 5,1" in document.text


@pytest.mark.tesseract
def test_scanned_pdf_is_rendered_and_ocred():
    image = Image.new("L", (1240, 877), 255)
    font_page = render_page(1).image.crop((0, 150, 2480, 1904)).resize((1240, 877))
    image.paste(font_page)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150)
    document = extract_document([InputFile(name="scan.pdf", data=out.getvalue())], TESSERACT)
    assert document.text_source == "ocr"
    assert "Examen" in document.text
    assert "mars 2026" in document.text


def test_blank_scan_is_unreadable():
    with pytest.raises(UnreadableDocument) as info:
        extract_document([InputFile(name="blank.pdf", data=scanned_pdf())], TESSERACT)
    assert info.value.code == "unreadable_document"


def test_landscape_photo_is_unreadable_and_invents_nothing():
    rng = np.random.default_rng(4)
    sky = np.tile(np.linspace(120, 230, 750, dtype=np.float32)[:, None], (1, 1000))
    image = Image.fromarray((sky + rng.normal(0, 10, sky.shape)).clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(10):
        x, y = (int(v) for v in rng.integers(0, 900, 2))
        draw.ellipse((x, 450 + y % 250, x + 150, 530 + y % 250), fill=int(rng.integers(20, 90)))
    files = [InputFile(name="vacances.jpg", data=_jpeg(image))]
    try:
        document = extract_document(files, TESSERACT)
    except UnreadableDocument:
        return
    assert _items(document) == []


def test_tiny_picture_asks_for_a_bigger_one():
    with pytest.raises(ImageTooSmall) as info:
        extract_document(
            [InputFile(name="t.jpg", data=_jpeg(Image.new("L", (120, 90))))], TESSERACT
        )
    assert info.value.code == "image_too_small"


def test_extract_returns_one_result_per_file_errors_in_place():
    results = extract(
        [
            InputFile(name="a.txt", data=PRESCRIPTION.encode()),
            InputFile(name="empty.jpg", data=b""),
        ],
        TESSERACT,
    )
    assert isinstance(results[0], ExtractedDocument)
    assert isinstance(results[1], EmptyFile)
    assert results[0].source_name == "a.txt"


@pytest.mark.tesseract
def test_small_photo_of_a_page_is_flagged_low_resolution():
    data = photograph(render_page(2).image, 3, 800)
    try:
        document = extract_document([InputFile(name="petit.jpg", data=data)], TESSERACT)
    except ImageTooSmall:
        return
    assert "low_resolution" in document.warnings  # the bot asks for the photo "as a file"
