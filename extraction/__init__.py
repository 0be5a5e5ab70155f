"""Documents in, proposed records out. Pure: no database, no Telegram, no network."""

from extraction.api import extract, extract_document, read_files
from extraction.errors import ExtractionError
from extraction.options import ExtractionOptions
from extraction.result import ExtractedDocument, InputFile
from extraction.text import ReadPage, TextLine, Word

__all__ = [
    "ExtractedDocument",
    "ExtractionError",
    "ExtractionOptions",
    "InputFile",
    "ReadPage",
    "TextLine",
    "Word",
    "extract",
    "extract_document",
    "read_files",
]
