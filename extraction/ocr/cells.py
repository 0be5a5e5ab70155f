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
from store.records import Box

#: Words read with less confidence than this are read again (Tesseract's wrong digits on the
#: seed-2 photos: 0.01-0.83; right ones mostly above 0.85).
REREAD_BELOW = 0.85
#: A second reading replaces the first only at or above this score (right readings of number
#: cells on the seed-1 and seed-2 photos scored 0.87-1.0; ``<`` lowers the score most).
ACCEPT_SCORE = 0.8
#: At most this many cells a page are read again (the least confident first).
MAX_CELLS = 60
#: A cell spans at most this many consecutive unsure words.
MAX_RUN = 3

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


def cell_box(
    line: TextLine, start: int, end: int, width: int, height: int
) -> tuple[int, int, int, int]:
    """The crop (left, top, right, bottom) around words ``start:end`` of ``line``: a margin of a
    third of the line height, but never past the middle of the gap to a neighbouring word."""
    first, last = line.words[start].box, line.words[end - 1].box
    line_box = line.box or first
    margin = max(2, line_box.height // 3)
    left = first.x - margin
    right = last.x + last.width + margin
    if start > 0:
        before = line.words[start - 1].box
        left = max(left, (before.x + before.width + first.x) // 2)
    if end < len(line.words):
        after = line.words[end].box
        right = min(right, (last.x + last.width + after.x + 1) // 2)
    words = line.words[start:end]
    top = min(line_box.y, *(w.box.y for w in words)) - margin // 2
    bottom = max(line_box.y + line_box.height, *(w.box.y + w.box.height for w in words))
    return max(0, left), max(0, top), min(width, right), min(height, bottom + margin // 2)


def _fragment(word: Word, below: float) -> bool:
    """An unsure mark of one or two characters without a digit (``)`` read as ``D``)."""
    return word.confidence < below and len(word.text) <= 2 and _DIGIT.search(word.text) is None


def cells_of(line: TextLine, below: float = REREAD_BELOW) -> list[tuple[int, int]]:
    """Word ranges ``(start, end)`` of ``line`` read again as one cell each: every doubtful
    word, with the unsure fragments after it (``5,1)`` read as ``-9`` and ``D`` is read whole).

    Two doubtful words stay two cells: read as one, a range and the previous result beside it
    ran together (``2.5 -7.53.5``). Fragments before a number are left out: an unsure unit
    ``pg`` ran into its range (``pg27.0``).
    """
    cells: list[tuple[int, int]] = []
    words = line.words
    taken = 0
    for index, word in enumerate(words):
        if index < taken or not doubtful(word, below):
            continue
        start = index
        end = index + 1
        while end < len(words) and end - start < MAX_RUN and _fragment(words[end], below):
            end += 1
        cells.append((start, end))
        taken = end
    return cells


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


def _merged(words: list[Word]) -> Word:
    """One word standing for ``words`` (their texts joined, their box, their lowest confidence)."""
    left = min(w.box.x for w in words)
    top = min(w.box.y for w in words)
    box = Box(
        x=left,
        y=top,
        width=max(w.box.x + w.box.width for w in words) - left,
        height=max(w.box.y + w.box.height for w in words) - top,
    )
    text = " ".join(w.text for w in words)
    return Word(text=text, box=box, confidence=min(w.confidence for w in words))


def reread_page(
    page: ReadPage, image: Image.Image, reader: CellReader, below: float = REREAD_BELOW
) -> tuple[ReadPage, int]:
    """``page`` with its doubtful cells read again from ``image`` (the image it was read from)
    by ``reader``, in one call; and how many cells changed text."""
    spots = [
        (line_index, start, end)
        for line_index, line in enumerate(page.lines)
        for start, end in cells_of(line, below)
    ]
    if not spots:
        return page, 0
    spots.sort(key=lambda s: min(w.confidence for w in page.lines[s[0]].words[s[1] : s[2]]))
    spots = spots[:MAX_CELLS]
    crops = [
        image.crop(cell_box(page.lines[line], start, end, image.width, image.height))
        for line, start, end in spots
    ]
    readings = reader.read_cells(crops)
    replaced: dict[int, dict[int, list[Word]]] = {}
    changed = 0
    for (line_index, start, end), (text, score) in zip(spots, readings, strict=True):
        words = list(page.lines[line_index].words[start:end])
        first = _merged(words)
        second = second_reading(first, text, score)
        if second.text != first.text:
            changed += 1
            new = [second]
        else:  # confirmed (or kept): the words stay as they were, surer when confirmed
            raised = max(second.confidence, first.confidence)
            new = [w.model_copy(update={"confidence": max(w.confidence, raised)}) for w in words]
        replaced.setdefault(line_index, {})[start] = new
        for skipped in range(start + 1, end):
            replaced[line_index][skipped] = []
    lines = list(page.lines)
    for line_index, by_start in replaced.items():
        line = lines[line_index]
        words = [w for i, word in enumerate(line.words) for w in by_start.get(i, [word])]
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
