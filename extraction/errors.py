"""Extraction errors, each with a stable ``code`` and no user-facing text.

The bot translates codes into messages in one place (``bot/engine/errors.py``); the CLI into one
stderr line and an exit code.
"""

from __future__ import annotations


class ExtractionError(Exception):
    """Base of every extraction error."""

    code = "extraction_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class EmptyFile(ExtractionError):
    """The file has no bytes."""

    code = "empty_file"


class UnsupportedFormat(ExtractionError):
    """Not an image, a PDF or text (a video, an archive, a file that lies about its type)."""

    code = "unsupported_format"


class ImageTooLarge(ExtractionError):
    """More pixels than allowed (decompression bombs included)."""

    code = "image_too_large"


class TooManyPages(ExtractionError):
    """A PDF with more pages than allowed."""

    code = "too_many_pages"


class EncryptedPdf(ExtractionError):
    """A password-protected PDF."""

    code = "encrypted_pdf"


class CorruptFile(ExtractionError):
    """A truncated or malformed image or PDF."""

    code = "corrupt_file"


class UnreadableDocument(ExtractionError):
    """Readable file, but no text could be read from it (blank, too blurry, a landscape)."""

    code = "unreadable_document"


class ImageTooSmall(ExtractionError):
    """A photo too small to read: suggest sending it as a file."""

    code = "image_too_small"


class OcrEngineMissing(ExtractionError):
    """Tesseract (or its fra/eng data) is not installed."""

    code = "ocr_engine_missing"


class OcrFailed(ExtractionError):
    """The OCR engine crashed or timed out."""

    code = "ocr_failed"
