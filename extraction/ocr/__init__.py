"""OCR behind one engine interface: Tesseract (every installation) and RapidOCR (optional)."""

from extraction.ocr.engine import OcrEngine, create_engine

__all__ = ["OcrEngine", "create_engine"]
