"""Lines as the parsers see them: text, page, box, and the confidence of any character span."""

from __future__ import annotations

from dataclasses import dataclass, field

from extraction.parse.patterns.normalize import clean
from extraction.text import ReadPage, TextLine
from store.records import Box, FieldFlag, Provenance


@dataclass
class Line:
    """One line of a page, with the character offsets of its words for span confidences."""

    text: str
    page: int
    index: int
    source: TextLine
    offsets: list[tuple[int, int, float, int]] = field(default_factory=list)

    @property
    def box(self) -> Box | None:
        """The line's box, or the union of its word boxes."""
        if self.source.box is not None:
            return self.source.box
        return union([w.box for w in self.source.words])

    @property
    def x(self) -> int | None:
        """Left edge of the line in page pixels, when known."""
        box = self.box
        return box.x if box else None

    @property
    def confidence(self) -> float:
        """The lowest word confidence (or the line's own)."""
        confidences = [c for _, _, c, _ in self.offsets]
        return min([self.source.confidence, *confidences])

    def cut_before_x(self, x_limit: int) -> int:
        """Character offset where words at or right of ``x_limit`` start (len(text) if none)."""
        for start, _, _, x in self.offsets:
            if x >= x_limit:
                return max(start, 0)
        return len(self.text)

    def span_confidence(self, start: int, end: int) -> float:
        """Lowest confidence of the words overlapping ``text[start:end]``."""
        hits = [c for s, e, c, _ in self.offsets if s < end and start < e]
        return min(hits) if hits else self.source.confidence


def union(boxes: list[Box]) -> Box | None:
    """The smallest box holding all ``boxes`` (None for none)."""
    if not boxes:
        return None
    left = min(b.x for b in boxes)
    top = min(b.y for b in boxes)
    right = max(b.x + b.width for b in boxes)
    bottom = max(b.y + b.height for b in boxes)
    return Box(x=left, y=top, width=right - left, height=bottom - top)


def _offsets(text: str, line: TextLine) -> list[tuple[int, int, float, int]]:
    offsets: list[tuple[int, int, float, int]] = []
    cursor = 0
    for word in line.words:
        token = clean(word.text)
        if not token:
            continue
        found = text.find(token, cursor)
        if found < 0:
            continue
        offsets.append((found, found + len(token), word.confidence, word.box.x))
        cursor = found + len(token)
    return offsets


def _overlap(a: Box, b: Box) -> float:
    """Vertical overlap of two boxes as a share of the smaller height."""
    top, bottom = max(a.y, b.y), min(a.y + a.height, b.y + b.height)
    smaller = max(1, min(a.height, b.height))
    return max(0, bottom - top) / smaller


def _disjoint(a: TextLine, b: TextLine) -> bool:
    """Whether no word of ``a`` overlaps a word of ``b`` horizontally (pieces of one row)."""
    for word in a.words:
        for other in b.words:
            left = max(word.box.x, other.box.x)
            right = min(word.box.x + word.box.width, other.box.x + other.box.width)
            if right - left > 2:
                return False
    return True


def _flat(line: TextLine, box: Box) -> bool:
    """Whether a line is one horizontal row (not a column of words from a sideways page)."""
    heights = sorted(w.box.height for w in line.words)
    return box.height <= 2 * max(1, heights[len(heights) // 2])


def _line_box(line: TextLine) -> Box | None:
    return line.box or union([w.box for w in line.words])


def merge_split_lines(lines: list[TextLine]) -> list[TextLine]:
    """Rejoin pieces of one visual line that a reader split (words without ascenders, dashes).

    Lines whose boxes overlap vertically by a third of the smaller height, and whose words do not
    overlap horizontally, are merged, words in x order.
    """
    merged: list[TextLine] = []
    for line in lines:
        box = _line_box(line)
        target = None
        if box is not None and line.words and _flat(line, box):
            for index in range(len(merged) - 1, max(-1, len(merged) - 4), -1):
                other = merged[index]
                other_box = _line_box(other)
                if (
                    other_box is not None
                    and other.words
                    and _flat(other, other_box)
                    and _overlap(box, other_box) >= 0.35
                    and _disjoint(line, other)
                ):
                    target = index
                    break
        if target is None:
            merged.append(line)
            continue
        other = merged[target]
        words = sorted([*other.words, *line.words], key=lambda w: w.box.x)
        merged[target] = TextLine(
            text=" ".join(w.text for w in words),
            words=words,
            box=union([b for b in (_line_box(other), box) if b is not None]),
            confidence=min(other.confidence, line.confidence),
            page=other.page,
        )
    return merged


def lines_of(pages: list[ReadPage]) -> list[Line]:
    """Every non-empty line of every page, in reading order, text cleaned (µ/μ, dashes, quotes)."""
    out: list[Line] = []
    for page in pages:
        for source in merge_split_lines(list(page.lines)):
            text = clean(source.text).strip()
            if not text:
                continue
            raw = clean(source.text)
            shift = len(raw) - len(raw.lstrip())
            offsets = [(s - shift, e - shift, c, x) for s, e, c, x in _offsets(raw, source)]
            out.append(Line(text, page.number, len(out), source, offsets))
    return out


def provenance(
    document_id: str, lines: list[Line], score: float = 1.0, confidence: float | None = None
) -> Provenance:
    """Provenance of an item read from ``lines`` (first line's page, union box, joined text)."""
    first = lines[0]
    boxes = [b for b in (line.box for line in lines if line.page == first.page) if b]
    base = min(line.confidence for line in lines) if confidence is None else confidence
    return Provenance(
        document_id=document_id,
        page=first.page,
        box=union(boxes),
        confidence=max(0.0, min(1.0, base, score)),
        source_text="\n".join(line.text for line in lines),
    )


def flag(field_name: str, reason: str, value: object, confidence: float) -> FieldFlag:
    """A needs-confirmation flag for one field."""
    return FieldFlag(
        field=field_name,
        reason=reason,
        value=None if value is None else str(value),
        confidence=max(0.0, min(1.0, confidence)),
    )
