"""Page layout primitives shared by every renderer: positioned text runs and rules on A4 pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import matplotlib
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

PAGE_WIDTH = 595.0  # A4 in PDF points
PAGE_HEIGHT = 842.0

FAMILIES: dict[str, tuple[str, str]] = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
}


def font_path(family: str, bold: bool = False) -> Path:
    """The bundled matplotlib TTF file of a family (sans, serif, mono)."""
    regular, heavy = FAMILIES[family]
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / (heavy if bold else regular)


def font_name(family: str, bold: bool = False) -> str:
    """The reportlab name of a family's font, registering it on first use."""
    name = f"carnet-{family}{'-bold' if bold else ''}"
    _register(name, str(font_path(family, bold)))
    return name


@cache
def _register(name: str, path: str) -> None:
    pdfmetrics.registerFont(TTFont(name, path))


def text_width(text: str, family: str, size: float, bold: bool = False) -> float:
    """Width of a text run in points."""
    return float(pdfmetrics.stringWidth(text, font_name(family, bold), size))


@dataclass(frozen=True)
class Run:
    """A text run: ``x`` and ``y`` are the left end of its baseline in points from the top-left."""

    x: float
    y: float
    text: str
    size: float
    family: str
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    """A straight line (table borders, separators) in points from the top-left."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.6


@dataclass
class Page:
    """One page: text runs and rules, in reading order."""

    runs: list[Run] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The page's text, one run per line (what a perfect reader would get, roughly)."""
        return "\n".join(run.text for run in self.runs)


class Writer:
    """Lays out text top to bottom on pages, with a cursor, a font family and a base size."""

    def __init__(self, family: str, size: float, margin: float = 56.0) -> None:
        self.family = family
        self.size = size
        self.margin = margin
        self.pages: list[Page] = [Page()]
        self.y = margin

    @property
    def page(self) -> Page:
        """The page being written."""
        return self.pages[-1]

    @property
    def right(self) -> float:
        """The right margin's x."""
        return PAGE_WIDTH - self.margin

    def new_page(self) -> None:
        """Start a new page."""
        self.pages.append(Page())
        self.y = self.margin

    def room(self, lines: float = 1.0) -> bool:
        """Whether ``lines`` more lines fit on the page."""
        return self.y + lines * self.size * 1.5 < PAGE_HEIGHT - self.margin

    def width(self, text: str, size: float | None = None, bold: bool = False) -> float:
        """Width of a text run in this writer's family."""
        return text_width(text, self.family, size or self.size, bold)

    def put(
        self,
        text: str,
        x: float | None = None,
        *,
        size: float | None = None,
        bold: bool = False,
        align: str = "left",
    ) -> None:
        """Place a run on the current line without moving down (x anchors the alignment)."""
        size = size or self.size
        if not text:
            return
        anchor = self.margin if x is None else x
        if align == "right":
            anchor -= self.width(text, size, bold)
        elif align == "center":
            anchor -= self.width(text, size, bold) / 2
        self.page.runs.append(Run(anchor, self.y + size, text, size, self.family, bold))

    def line(
        self,
        text: str = "",
        x: float | None = None,
        *,
        size: float | None = None,
        bold: bool = False,
        align: str = "left",
        spacing: float = 1.45,
    ) -> None:
        """Write a line and move the cursor down."""
        size = size or self.size
        self.put(text, x, size=size, bold=bold, align=align)
        self.y += size * spacing

    def skip(self, points: float) -> None:
        """Move the cursor down."""
        self.y += points

    def rule(self, x1: float | None = None, x2: float | None = None, width: float = 0.6) -> None:
        """A horizontal rule at the cursor."""
        self.page.rules.append(
            Rule(self.margin if x1 is None else x1, self.y, x2 or self.right, self.y, width)
        )

    def wrap(self, text: str, width: float, size: float | None = None) -> list[str]:
        """Split text into lines no wider than ``width`` points."""
        words, lines, current = text.split(), [], ""
        for word in words:
            candidate = f"{current} {word}".strip()
            if current and self.width(candidate, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        return lines
