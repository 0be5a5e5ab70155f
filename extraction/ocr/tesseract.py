"""Tesseract through pytesseract: probed once (version, languages), then run with a timeout.

The probe names the Debian packages to install when the binary or a language is missing. A run
parses ``image_to_data`` into words with boxes and confidences, then lines (``layout``).
"""

from __future__ import annotations

import functools
import logging
import os
import time
from dataclasses import dataclass

import pytesseract
from PIL import Image

from extraction.errors import OcrEngineMissing, OcrFailed
from extraction.ocr.layout import build_lines
from extraction.options import ExtractionOptions
from extraction.text import ReadPage, Word
from store.records import Box

log = logging.getLogger(__name__)

_PACKAGES = {"fra": "tesseract-ocr-fra", "eng": "tesseract-ocr-eng", "osd": "tesseract-ocr-osd"}


@dataclass(frozen=True)
class TesseractInfo:
    """What the probe found."""

    version: str
    languages: frozenset[str]


@functools.cache
def _probe_binary() -> TesseractInfo:
    try:
        version = str(pytesseract.get_tesseract_version())
        languages = frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrEngineMissing("tesseract not found: apt-get install tesseract-ocr") from exc
    return TesseractInfo(version=version, languages=languages)


def probe(languages: str = "fra+eng") -> TesseractInfo:
    """Check that Tesseract and each of ``languages`` are installed (cached after the first call).

    Raises:
        OcrEngineMissing: naming the apt package to install.
    """
    info = _probe_binary()
    for language in languages.split("+"):
        if language not in info.languages:
            package = _PACKAGES.get(language, f"tesseract-ocr-{language}")
            raise OcrEngineMissing(
                f"tesseract language {language} missing: apt-get install {package}"
            )
    return info


def has_osd() -> bool:
    """Whether orientation detection data is installed."""
    try:
        return "osd" in _probe_binary().languages
    except OcrEngineMissing:
        return False


class TesseractEngine:
    """The OcrEngine every installation has."""

    name = "tesseract"

    def __init__(self, options: ExtractionOptions) -> None:
        """Probe now, so a missing engine is reported before the first document.

        Tesseract's OpenMP threads spin while waiting: on two shared cores one thread per run
        halves its CPU time and is faster in wall time too (measured with the CLI under load).
        An operator's own ``OMP_THREAD_LIMIT`` is kept.
        """
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        self.info = probe(options.languages)
        self.languages = options.languages
        self.timeout = options.ocr_timeout_seconds

    def read(self, image: Image.Image) -> ReadPage:
        """OCR ``image`` as one block of text (psm 6: lines are rebuilt by ``layout``).

        psm 6 keeps every column of a lab table; the automatic segmentation (psm 3) dropped
        whole columns on photographed tables (bench/ocr_engines.py).
        """
        started = time.perf_counter()
        try:
            data = pytesseract.image_to_data(
                image,
                lang=self.languages,
                config="--psm 6",
                timeout=self.timeout,
                output_type=pytesseract.Output.DICT,
            )
        except pytesseract.TesseractNotFoundError as exc:
            raise OcrEngineMissing("tesseract not found: apt-get install tesseract-ocr") from exc
        except RuntimeError as exc:  # pytesseract signals its timeout this way
            raise OcrFailed("tesseract timeout") from exc
        except pytesseract.TesseractError as exc:
            log.debug("tesseract failed: status %s", exc.status)
            raise OcrFailed("tesseract error") from exc
        words = []
        for i, text in enumerate(data["text"]):
            confidence = float(data["conf"][i])
            if not text or not text.strip() or confidence < 0:
                continue
            box = Box(
                x=int(data["left"][i]),
                y=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
            )
            words.append(Word(text=text, box=box, confidence=round(confidence / 100, 4)))
        log.debug("tesseract read %d words in %.2fs", len(words), time.perf_counter() - started)
        return ReadPage(
            number=1,
            lines=build_lines(words),
            width=image.width,
            height=image.height,
            source="ocr",
        )
