"""Lab-report pages: the number cells Tesseract was unsure of, read again by a second reader.

Only on pages whose words already say "lab report" (``classify`` on the page's text, before any
parsing): the re-read serves values and ranges, and a prescription or a letter never pays for it.
The reader is RapidOCR's recogniser (``extraction.ocr.cells`` says why, and the rule); without
rapidocr installed, or with ``options.cell_reader == "none"``, pages stay as Tesseract read them.
"""

from __future__ import annotations

import logging
import time

from PIL import Image

from extraction.classify import classify
from extraction.errors import OcrEngineMissing
from extraction.ocr.cells import doubtful, reread_page
from extraction.options import ExtractionOptions
from extraction.text import ReadPage
from store.records import DocumentKind

log = logging.getLogger(__name__)


def reread_numbers(
    page: ReadPage, image: Image.Image, engine_name: str, options: ExtractionOptions
) -> ReadPage:
    """``page`` (read by ``engine_name`` from ``image``) with its doubtful number cells read
    again when it is a lab-report page (unchanged otherwise)."""
    if options.cell_reader == "none" or engine_name != "tesseract" or page.source != "ocr":
        return page
    if not any(doubtful(word) for line in page.lines for word in line.words):
        return page
    if classify(page.text).kind is not DocumentKind.LAB_REPORT:
        return page
    from extraction.ocr.rapid import cell_reader

    try:
        reader = cell_reader()
    except OcrEngineMissing:
        log.debug("no cell reader installed: numbers not read again")
        return page
    started = time.perf_counter()
    page, changed = reread_page(page, image, reader)
    log.debug("cells read again: %d changed in %.2fs", changed, time.perf_counter() - started)
    return page
