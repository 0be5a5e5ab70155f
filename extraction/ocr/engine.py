"""The OcrEngine port: an image in, a ``ReadPage`` (words with boxes and confidences) out."""

from __future__ import annotations

import threading
from typing import Protocol

from PIL import Image

from extraction.errors import OcrEngineMissing
from extraction.options import ExtractionOptions
from extraction.text import ReadPage

ENGINES = ("tesseract", "rapidocr")


class OcrEngine(Protocol):
    """Reads one upright, prepared page image."""

    name: str

    def read(self, image: Image.Image) -> ReadPage:
        """Read ``image`` (grayscale or RGB) into lines of words; page number is 1."""
        ...


_cache: dict[tuple[str, str, float], OcrEngine] = {}
_lock = threading.Lock()


def resolve_engine_name(requested: str, languages: str = "fra+eng") -> str:
    """The engine to use for ``requested``.

    ``auto`` is Tesseract when it is installed (as accurate on Telegram photos, 1.4-3x faster
    than RapidOCR in ``bench/ocr_engines.py``), else RapidOCR when that is installed.
    """
    if requested == "auto":
        from extraction.ocr.tesseract import probe

        try:
            probe(languages)
        except OcrEngineMissing:
            try:
                import rapidocr  # noqa: F401
            except ImportError:
                return "tesseract"  # reported missing, naming the apt package
            return "rapidocr"
        return "tesseract"
    if requested not in ENGINES:
        raise OcrEngineMissing(f"unknown OCR engine {requested!r}")
    return requested


def create_engine(options: ExtractionOptions) -> OcrEngine:
    """The engine named by ``options.ocr_engine``, probed once and reused.

    Raises:
        OcrEngineMissing: the engine (or its language data) is not installed.
    """
    name = resolve_engine_name(options.ocr_engine, options.languages)
    key = (name, options.languages, options.ocr_timeout_seconds)
    with _lock:
        engine = _cache.get(key)
        if engine is None:
            engine = _build(name, options)
            _cache[key] = engine
        return engine


def _build(name: str, options: ExtractionOptions) -> OcrEngine:
    if name == "rapidocr":
        from extraction.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine(options)
    from extraction.ocr.tesseract import TesseractEngine

    return TesseractEngine(options)
