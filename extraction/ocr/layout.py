"""Words into lines: grouped by vertical overlap, ordered left to right, text normalised.

Lines span the whole page width, so that a lab-report row (name, value, unit, range, previous
results) stays one line even when the engine saw separate cells; each word keeps its box, so
columns can be rebuilt from x positions (:func:`column_starts`).

Normalisation: Unicode NFC; the Greek mu (U+03BC) becomes the micro sign (U+00B5); a ``u`` read
for ``µ`` in front of a unit (``umol/L``, ``ug/L``) is restored; typographic ligatures are split.
"""

from __future__ import annotations

import re
import statistics
import unicodedata

from extraction.text import ReadPage, TextLine, Word
from store.records import Box

_LIGATURES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "\u00a0": " "}
_MICRO_UNIT = re.compile(r"(?<![A-Za-zÀ-ÿ])[uμ](?=(?:mol|g|UI|IU|L|l|m)(?:/|\b))")


def normalize_text(text: str) -> str:
    """NFC, micro sign unified, ligatures split, inner whitespace collapsed."""
    text = unicodedata.normalize("NFC", text)
    for source, target in _LIGATURES.items():
        text = text.replace(source, target)
    text = text.replace("\u03bc", "\u00b5")
    text = _MICRO_UNIT.sub("\u00b5", text)
    return " ".join(text.split())


def _bottom(box: Box) -> int:
    return box.y + box.height


def _union(boxes: list[Box]) -> Box:
    left = min(b.x for b in boxes)
    top = min(b.y for b in boxes)
    right = max(b.x + b.width for b in boxes)
    bottom = max(_bottom(b) for b in boxes)
    return Box(x=left, y=top, width=right - left, height=bottom - top)


class _Row:
    """A line being built: its words and a running vertical centre and height."""

    def __init__(self, word: Word) -> None:
        self.words = [word]
        self.center = word.box.y + word.box.height / 2
        self.height = float(word.box.height)

    def accepts(self, word: Word) -> bool:
        center = word.box.y + word.box.height / 2
        tolerance = 0.5 * max(self.height, float(word.box.height), 1.0)
        return abs(center - self.center) <= tolerance

    def add(self, word: Word) -> None:
        self.words.append(word)
        n = len(self.words)
        self.center += (word.box.y + word.box.height / 2 - self.center) / n
        self.height = statistics.median(w.box.height for w in self.words)


def build_lines(words: list[Word], page: int = 1) -> list[TextLine]:
    """Group ``words`` into lines top to bottom, each left to right; empty words are dropped."""
    cleaned = []
    for word in words:
        text = normalize_text(word.text)
        if text:
            cleaned.append(word if text == word.text else word.model_copy(update={"text": text}))
    rows: list[_Row] = []
    for word in sorted(cleaned, key=lambda w: (w.box.y + w.box.height / 2, w.box.x)):
        candidates = [row for row in rows[-6:] if row.accepts(word)]
        if candidates:
            best = min(
                candidates, key=lambda r: abs(r.center - (word.box.y + word.box.height / 2))
            )
            best.add(word)
        else:
            rows.append(_Row(word))
    lines = []
    for row in sorted(rows, key=lambda r: r.center):
        ordered = sorted(row.words, key=lambda w: w.box.x)
        total = sum(len(w.text) for w in ordered)
        confidence = sum(w.confidence * len(w.text) for w in ordered) / max(total, 1)
        lines.append(
            TextLine(
                text=" ".join(w.text for w in ordered),
                words=ordered,
                box=_union([w.box for w in ordered]),
                confidence=round(confidence, 4),
                page=page,
            )
        )
    return lines


def lines_from_text(text: str, page: int = 1) -> list[TextLine]:
    """Lines of plain text (no boxes): one per non-blank line, normalised."""
    lines = []
    for raw in text.splitlines():
        normalized = normalize_text(raw)
        if normalized:
            lines.append(TextLine(text=normalized, page=page))
    return lines


def column_starts(lines: list[TextLine], min_rows: int = 3, tolerance: int = 12) -> list[int]:
    """Left x positions where words start on at least ``min_rows`` lines (table columns)."""
    starts = sorted(word.box.x for line in lines for word in line.words)
    clusters: list[list[int]] = []
    for x in starts:
        if clusters and x - clusters[-1][-1] <= tolerance:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [int(statistics.median(c)) for c in clusters if len(c) >= min_rows]


def page_confidence(pages: list[ReadPage]) -> float | None:
    """Character-weighted mean word confidence over OCR pages, None when nothing was read."""
    total = 0
    weighted = 0.0
    for page in pages:
        for line in page.lines:
            for word in line.words:
                total += len(word.text)
                weighted += word.confidence * len(word.text)
    return round(weighted / total, 4) if total else None
