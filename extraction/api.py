"""The extraction pipeline: files in, one ``ExtractedDocument`` (proposed records) out.

Reading (text, PDF text layer, or prepared image + OCR) gives ``ReadPage``s; parsing
(``extraction.parse``) turns them into records. Synchronous and CPU-bound: the bot runs it off
the event loop. Several files make one document (the photos of a Telegram album are its pages).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from PIL import Image

from extraction import imaging, progress
from extraction.errors import ExtractionError, ImageTooSmall, UnreadableDocument
from extraction.inputs import InputKind, check_size, decode_text, open_image, sniff
from extraction.ocr.engine import OcrEngine, create_engine
from extraction.ocr.layout import lines_from_text, page_confidence
from extraction.options import ExtractionOptions
from extraction.pdf import iter_pages
from extraction.reread import reread_numbers
from extraction.result import ExtractedDocument, InputFile
from extraction.text import ReadPage
from store.records import ClinicalRecord, new_id

if TYPE_CHECKING:
    from extraction.parse import ParsedDocument

log = logging.getLogger(__name__)

#: Smallest photo side (pixels) worth reading at all.
MIN_IMAGE_SIDE = 200
#: A picture without readable text is "too small" (send it as a file) only under this side.
SMALL_PICTURE_SIDE = 1000
_MIN_WORD_CONFIDENCE = 0.5
_MIN_READABLE_CHARS = 10


@dataclass
class _Reading:
    """Pages read so far from the files of one document."""

    pages: list[ReadPage] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    low_resolution: bool = False
    small_picture: bool = False


def _numbered(page: ReadPage, number: int) -> ReadPage:
    lines = [line.model_copy(update={"page": number}) for line in page.lines]
    return page.model_copy(update={"number": number, "lines": lines})


def read_image(
    image: Image.Image, engine: OcrEngine, steps: imaging.Steps = imaging.PHOTO
) -> tuple[ReadPage, imaging.Prepared]:
    """Prepare and OCR one page image (a page without any character-like mark is not OCRed).

    RapidOCR scales pages itself (to 2000 px): resampling before it only cost time, and read
    no better (CER 0.017 without, 0.021 with, Telegram photos, bench/ocr_engines.py --ablation).
    """
    name = getattr(engine, "name", "")
    if name == "rapidocr":
        steps = replace(steps, resample=False)
    elif name == "tesseract" and steps == imaging.SCAN:
        # Otsu on scanned pages: labs F1 0.93 -> 0.99. Not on photos and images: there it turned
        # 0 into 8 or 6 (photo lab values 0.91 -> 0.88, ranges 0.84 -> 0.66, strengths 1.00 ->
        # 0.85; bench extraction, scale 5, 2026-11-28).
        steps = replace(steps, binarize_unscaled=True)
    prepared = imaging.prepare(image, steps)
    if prepared.text_height is None:
        blank = ReadPage(
            number=1, lines=[], width=prepared.image.width, height=prepared.image.height
        )
        return blank, prepared
    return engine.read(prepared.image), prepared


def _read_photo(data: bytes, media_type: str, options: ExtractionOptions, into: _Reading) -> None:
    image = open_image(data, options, media_type)
    if max(image.size) < MIN_IMAGE_SIDE:
        raise ImageTooSmall(f"{image.width}x{image.height}")
    into.small_picture |= max(image.size) < SMALL_PICTURE_SIDE
    engine = create_engine(options)
    page, prepared = read_image(image, engine)
    # The photo as decoded (12 MB for a 50 MP JPEG) goes before the cell reader's model may be
    # loaded (RSS at that point on a 50 MP lab photo: 238 -> 226 MB).
    del image
    page = reread_numbers(page, prepared.image, engine.name, options)
    into.low_resolution |= prepared.low_resolution
    into.pages.append(_numbered(page, len(into.pages) + 1))
    into.sources.add("ocr")
    progress.page_read(len(into.pages))


def _read_pdf(data: bytes, options: ExtractionOptions, into: _Reading) -> None:
    for pdf_page in iter_pages(data, options):
        number = len(into.pages) + 1
        if pdf_page.read is not None:
            into.pages.append(_numbered(pdf_page.read, number))
            into.sources.add("pdf_text")
        elif pdf_page.image is not None:
            engine = create_engine(options)
            page, prepared = read_image(pdf_page.image, engine, imaging.SCAN)
            page = reread_numbers(page, prepared.image, engine.name, options)
            into.low_resolution |= prepared.low_resolution
            into.pages.append(_numbered(page, number))
            into.sources.add("ocr")
        progress.page_read(len(into.pages))


def _read_file(file: InputFile, options: ExtractionOptions, into: _Reading) -> None:
    check_size(file.data, options)
    sniffed = sniff(file.data)
    if sniffed.kind is InputKind.TEXT:
        number = len(into.pages) + 1
        lines = lines_from_text(decode_text(file.data), page=number)
        into.pages.append(ReadPage(number=number, lines=lines, source="text"))
        into.sources.add("text")
        progress.page_read(len(into.pages))
    elif sniffed.kind is InputKind.PDF:
        _read_pdf(file.data, options, into)
    else:
        _read_photo(file.data, sniffed.media_type, options, into)


def read_files(files: list[InputFile], options: ExtractionOptions) -> list[ReadPage]:
    """Read every file as consecutive pages of one document (no parsing)."""
    reading = _Reading()
    for file in files:
        _read_file(file, options, reading)
    return reading.pages


def _readable_chars(pages: list[ReadPage]) -> int:
    total = 0
    for page in pages:
        for line in page.lines:
            if not line.words:  # text input or text layer without boxes: trusted
                total += sum(ch.isalnum() for ch in line.text)
            for word in line.words:
                if word.confidence >= _MIN_WORD_CONFIDENCE:
                    total += sum(ch.isalnum() for ch in word.text)
    return total


def _parse(
    pages: list[ReadPage], document_id: str, options: ExtractionOptions
) -> ParsedDocument | None:
    try:
        from extraction.parse import parse_document
    except ImportError:  # parsers not installed yet: reading still works
        log.debug("extraction.parse unavailable: no records parsed")
        return None
    return parse_document(pages, document_id, options)


def _owned(items: Sequence[ClinicalRecord], document_id: str) -> None:
    for item in items:
        item.provenance = item.provenance.model_copy(update={"document_id": document_id})


def _text_source(sources: set[str]) -> str:
    if len(sources) == 1:
        return next(iter(sources))
    return "mixed" if sources else "ocr"


def extract_document(
    files: list[InputFile], options: ExtractionOptions, document_id: str | None = None
) -> ExtractedDocument:
    """Read ``files`` as the pages of one document and propose the records found on it.

    Raises:
        ExtractionError: the first file that cannot be read (its subclass names why), or
            ``UnreadableDocument`` / ``ImageTooSmall`` when no text could be read at all.
    """
    started = time.perf_counter()
    if not files:
        raise UnreadableDocument("no files")
    document_id = document_id or new_id()
    reading = _Reading()
    for file in files:
        _read_file(file, options, reading)
    pages = reading.pages
    if _readable_chars(pages) < _MIN_READABLE_CHARS:
        if reading.low_resolution and reading.small_picture:
            raise ImageTooSmall("no text at this resolution")
        raise UnreadableDocument("no text")
    ocr_pages = [page for page in pages if page.source == "ocr"]
    confidence = page_confidence(ocr_pages)
    warnings: list[str] = []
    if reading.low_resolution:
        warnings.append("low_resolution")
    if confidence is not None and confidence < options.confidence_threshold:
        warnings.append("low_confidence")
    document = ExtractedDocument(
        document_id=document_id,
        source_name=", ".join(file.name for file in files),
        page_count=len(pages),
        text="\n\n".join(page.text for page in pages),
        text_source=_text_source(reading.sources),
        ocr_confidence=confidence,
    )
    parsed = _parse(pages, document_id, options)
    if parsed is not None:
        for items in (parsed.medications, parsed.lab_results, parsed.vaccinations):
            _owned(items, document_id)
        _owned(parsed.allergies, document_id)
        document = document.model_copy(
            update={
                "kind": parsed.kind,
                "kind_confidence": parsed.kind_confidence,
                "document_date": parsed.document_date,
                "prescriber": parsed.prescriber,
                "medications": list(parsed.medications),
                "lab_results": list(parsed.lab_results),
                "vaccinations": list(parsed.vaccinations),
                "allergies": list(parsed.allergies),
            }
        )
        warnings.extend(w for w in parsed.warnings if w not in warnings)
    if document.item_count == 0 and "no_medical_content" not in warnings:
        warnings.append("no_medical_content")
    seconds = round(time.perf_counter() - started, 3)
    log.info(
        "extracted document %s: %d pages, %d items, %.2fs",
        document_id,
        len(pages),
        document.item_count,
        seconds,
    )
    return document.model_copy(update={"warnings": warnings, "seconds": seconds})


def extract(
    files: list[InputFile], options: ExtractionOptions
) -> list[ExtractedDocument | ExtractionError]:
    """One document per file (the CLI's view); an unreadable file gives its error in place."""
    results: list[ExtractedDocument | ExtractionError] = []
    for file in files:
        try:
            results.append(extract_document([file], options))
        except ExtractionError as exc:
            log.info("extraction failed: %s", exc.code)
            results.append(exc)
    return results
