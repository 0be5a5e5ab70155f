"""Text as read from a document, engine-agnostic: lines of words with boxes and confidences.

This is the contract between reading (PDF text layer, OCR) and parsing: parsers receive
``ReadPage``s and never know whether the text came from a text layer or an OCR engine.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from store.records import Box


class Word(BaseModel):
    """One word with its box (page pixels) and confidence in [0, 1]."""

    model_config = ConfigDict(frozen=True)

    text: str
    box: Box
    confidence: float = 1.0


class TextLine(BaseModel):
    """A line of words in reading order; ``text`` is the words joined by single spaces."""

    model_config = ConfigDict(frozen=True)

    text: str
    words: list[Word] = Field(default_factory=list)
    box: Box | None = None
    confidence: float = 1.0
    page: int = 1


class ReadPage(BaseModel):
    """One page's lines, top to bottom, with the page size in pixels (0 when unknown)."""

    model_config = ConfigDict(frozen=True)

    number: int
    lines: list[TextLine]
    width: int = 0
    height: int = 0
    source: str = "ocr"

    @property
    def text(self) -> str:
        """The page as plain text, one line per line."""
        return "\n".join(line.text for line in self.lines)
