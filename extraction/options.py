"""ExtractionOptions: every knob of the pipeline, passed in (never read from the environment)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ExtractionOptions(BaseModel):
    """Thresholds, languages, limits and the OCR engine to use."""

    model_config = ConfigDict(frozen=True)

    languages: str = "fra+eng"
    ocr_engine: str = "tesseract"
    #: second reader of doubtful number cells on lab-report pages: "rapidocr" or "none"
    cell_reader: str = "rapidocr"
    confidence_threshold: float = 0.80
    fuzzy_threshold: float = 88.0
    max_megapixels: float = 50.0
    max_pdf_pages: int = 30
    max_bytes: int = 20 * 1024 * 1024
    ocr_timeout_seconds: float = 60.0
    target_dpi: int = 300
