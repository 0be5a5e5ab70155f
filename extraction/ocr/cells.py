"""A second reading of doubtful number cells: low-confidence words with digits, cropped and read
again one by one by another reader.

Tesseract misreads digits of photographed lab tables (``61`` read ``3``, ``90`` read ``96``,
``3,5 à 5,1`` read ``3,55 5,1``) and says so with a low word confidence. The page reader cannot
do better on the whole page, but a cell read alone by RapidOCR's recogniser (no detection, one
small crop each, ~0.01 s CPU a cell) comes out right: on the seed-2 phone photos 50 of 50 such
value and range words against 25 of 50 for Tesseract on the page (and 35 of 50 for Tesseract on
the crops stacked into one strip).

The rule (:func:`second_reading`): a reading that agrees with the first one confirms it (its
confidence rises to the second reader's score); a different one replaces it only when the
second reader is sure of it, reads digits, and keeps to characters a number cell holds. The
parsers then check what they take from it as before (a value against its printed range and
flag): a replaced value that does not fit is still asked back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from PIL import Image

from extraction.ocr.layout import normalize_text
from extraction.text import ReadPage, TextLine, Word

#: Words read with less confidence than this are read again (Tesseract's wrong digits on the
#: seed-2 photos: 0.01-0.83; right ones mostly above 0.85).
REREAD_BELOW = 0.85
#: A second reading replaces the first only at or above this score.
ACCEPT_SCORE = 0.9
#: At most this many cells a page are read again (the least confident first).
MAX_CELLS = 60

_DIGIT = re.compile(r"\d")
# What a number cell of a lab row holds: digits, marks, comparison signs, flags, "à" of ranges.
_CELL_TEXT = re.compile(r"^[\d\s.,:;<>≤≥=()*+\-–/%à a-zA-Z]+$")
_MAX_LETTERS = 3


class CellReader(Protocol):
    """Reads small crops, each holding one word or a few (a value, a range)."""

    def read_cells(self, crops: Sequence[Image.Image]) -> list[tuple[str, float]]:
        """The text and a score in [0, 1] of each crop, in order."""
        ...


def doubtful(word: Word, below: float = REREAD_BELOW) -> bool:
    """Whether ``word`` holds a digit and was read with a confidence under ``below``."""
    return word.confidence < below and _DIGIT.search(word.text) is not None


def cell_box(line: TextLine, index: int, width: int, height: int) -> tuple[int, int, int, int]:
    """The crop (left, top, right, bottom) around word ``index`` of ``line``: a margin of a
    third of the line height, but never past the middle of the gap to a neighbouring word."""
    word = line.words[index].box
    line_box = line.box or word
    margin = max(2, line_box.height // 3)
    left = word.x - margin
    right = word.x + word.width + margin
    if index > 0:
        before = line.words[index - 1].box
        left = max(left, (before.x + before.width + word.x) // 2)
    if index + 1 < len(line.words):
        after = line.words[index + 1].box
        right = min(right, (word.x + word.width + after.x + 1) // 2)
    top = min(word.y, line_box.y) - margin // 2
    bottom = max(word.y + word.height, line_box.y + line_box.height) + margin // 2
    return max(0, left), max(0, top), min(width, right), min(height, bottom)


def _clean(text: str) -> str:
    """Full-width forms (the recogniser's dictionary is Chinese) to ASCII, then normalised."""
    folded = "".join(
        unicodedata.normalize("NFKC", ch) if "\uff00" <= ch <= "\uffef" or ch == "\u3000" else ch
        for ch in text
    )
    return normalize_text(folded)


def second_reading(word: Word, text: str, score: float) -> Word:
    """``word`` confirmed or replaced by a second reading ``text`` with ``score`` (see module)."""
    read = _clean(text)
    if not read:
        return word
    if read.replace(" ", "") == word.text.replace(" ", ""):
        return word.model_copy(update={"confidence": max(word.confidence, round(score, 4))})
    letters = sum(ch.isalpha() and ch not in "à" for ch in read)
    if (
        score < ACCEPT_SCORE
        or _DIGIT.search(read) is None
        or _CELL_TEXT.match(read) is None
        or letters > _MAX_LETTERS
        or len(read) > 2 * len(word.text) + 4
    ):
        return word
    return word.model_copy(update={"text": read, "confidence": round(score, 4)})


def reread_page(
    page: ReadPage, image: Image.Image, reader: CellReader, below: float = REREAD_BELOW
) -> tuple[ReadPage, int]:
    """``page`` with its doubtful words read again from ``image`` (the image it was read from)
    by ``reader``, in one call; and how many words changed text."""
    spots: list[tuple[int, int]] = []
    for line_index, line in enumerate(page.lines):
        for word_index, word in enumerate(line.words):
            if doubtful(word, below):
                spots.append((line_index, word_index))
    if not spots:
        return page, 0
    spots.sort(key=lambda spot: page.lines[spot[0]].words[spot[1]].confidence)
    spots = spots[:MAX_CELLS]
    crops = []
    for line_index, word_index in spots:
        box = cell_box(page.lines[line_index], word_index, image.width, image.height)
        crops.append(image.crop(box))
    readings = reader.read_cells(crops)
    replaced: dict[tuple[int, int], Word] = {}
    changed = 0
    for spot, (text, score) in zip(spots, readings, strict=True):
        first = page.lines[spot[0]].words[spot[1]]
        second = second_reading(first, text, score)
        changed += second.text != first.text
        replaced[spot] = second
    lines = list(page.lines)
    for line_index in {spot[0] for spot in replaced}:
        line = lines[line_index]
        words = [replaced.get((line_index, i), word) for i, word in enumerate(line.words)]
        lines[line_index] = _line_of(line, words)
    return page.model_copy(update={"lines": lines}), changed


def _line_of(line: TextLine, words: list[Word]) -> TextLine:
    """``line`` with ``words`` (same boxes, some texts or confidences changed)."""
    total = sum(len(w.text) for w in words)
    confidence = sum(w.confidence * len(w.text) for w in words) / max(total, 1)
    return line.model_copy(
        update={
            "text": " ".join(w.text for w in words),
            "words": words,
            "confidence": round(confidence, 4),
        }
    )
