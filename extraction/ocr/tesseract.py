"""Tesseract: probed once through pytesseract (version, languages), then run with a timeout.

The probe names the Debian packages to install when the binary or a language is missing. A run
writes the page as an uncompressed PGM to a temporary file and parses the TSV output into words
with boxes and confidences, then lines (``layout``). pytesseract wrote a PNG for every call
instead: compressing it took as much CPU as the OCR itself on a 12 MP photo (0.7-1.3 s a page).
"""

from __future__ import annotations

import functools
import io
import logging
import os
import subprocess
import tempfile
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
        tsv = run_tesseract(
            image, ["-l", self.languages, "--psm", "6", "tsv"], timeout=self.timeout
        )
        words = parse_tsv(tsv)
        log.debug("tesseract read %d words in %.2fs", len(words), time.perf_counter() - started)
        return ReadPage(
            number=1,
            lines=build_lines(words),
            width=image.width,
            height=image.height,
            source="ocr",
        )


def pgm_bytes(image: Image.Image) -> bytes:
    """The image as an uncompressed grayscale PGM (P5): no encoding cost, read by Leptonica."""
    buffer = io.BytesIO()
    (image if image.mode == "L" else image.convert("L")).save(buffer, format="PPM")
    return buffer.getvalue()


def run_tesseract(image: Image.Image, arguments: list[str], timeout: float) -> str:
    """Run ``tesseract FILE stdout ARGUMENTS`` on ``image`` and return its standard output.

    The image goes through a temporary file written at once: fed on stdin, subprocess wrote it
    512 bytes per system call (0.09 s of CPU for a 5 MB page).

    Raises:
        OcrEngineMissing: the binary is not installed.
        OcrFailed: it timed out or failed.
    """
    try:
        with tempfile.NamedTemporaryFile(prefix="carnet-", suffix=".pgm") as file:
            file.write(pgm_bytes(image))
            file.flush()
            command = [pytesseract.pytesseract.tesseract_cmd, file.name, "stdout", *arguments]
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except (FileNotFoundError, PermissionError) as exc:
        raise OcrEngineMissing("tesseract not found: apt-get install tesseract-ocr") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed("tesseract timeout") from exc
    if done.returncode != 0:
        log.debug("tesseract failed: status %s", done.returncode)
        raise OcrFailed("tesseract error")
    return done.stdout.decode("utf-8", errors="replace")


def parse_tsv(tsv: str) -> list[Word]:
    """Words (level 5 rows with text and a confidence) of Tesseract's TSV output."""
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11]
        confidence = float(cells[10])
        if not text.strip() or confidence < 0:
            continue
        box = Box(x=int(cells[6]), y=int(cells[7]), width=int(cells[8]), height=int(cells[9]))
        words.append(Word(text=text, box=box, confidence=round(confidence / 100, 4)))
    return words
