"""Numbers as written on French and English documents: decimal commas, fractions, number words."""

from __future__ import annotations

import re

# A dose count: "1", "1,5", "1/2", "½", or a number word ("un", "deux", "two", "demi").
WORDS: dict[str, float] = {
    "un": 1,
    "une": 1,
    "one": 1,
    "deux": 2,
    "two": 2,
    "trois": 3,
    "three": 3,
    "quatre": 4,
    "four": 4,
    "cinq": 5,
    "five": 5,
    "six": 6,
    "sept": 7,
    "seven": 7,
    "huit": 8,
    "eight": 8,
    "dix": 10,
    "ten": 10,
    "douze": 12,
    "twelve": 12,
    "quinze": 15,
    "demi": 0.5,
    "half": 0.5,
}
FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}

DECIMAL = r"\d+(?:[.,]\d+)?"
COUNT = (
    r"(?:\d+\s*/\s*\d+(?![.,/]?\d)|\d+(?:[.,]\d+)?|[½¼¾]|"
    r"\b(?:une?|one|deux|two|trois|three|quatre|four|cinq|five|six|sept|seven|huit|eight|dix|ten|"
    r"douze|twelve|quinze|demi|half)\b)"
)
COUNT_RE = re.compile(COUNT)
_FRACTION = re.compile(r"^(\d+)\s*/\s*(\d+)$")
_SPACES = re.compile(r"\s+")


def parse_number(text: str) -> float | None:
    """A float from ``1,5``, ``1.5``, ``1/2``, ``½``, ``deux``; None when it is not a number."""
    token = _SPACES.sub(" ", text.strip().lower())
    if not token:
        return None
    if token in FRACTIONS:
        return FRACTIONS[token]
    if token in WORDS:
        return float(WORDS[token])
    fraction = _FRACTION.match(token)
    if fraction:
        denominator = int(fraction.group(2))
        return int(fraction.group(1)) / denominator if denominator else None
    try:
        return float(token.replace(" ", "").replace(",", "."))
    except ValueError:
        return None
