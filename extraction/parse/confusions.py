"""OCR digit confusions (``0`` read as ``8``, ``6`` or ``9`` on photos) checked against references.

A medication strength is compared with the strengths the drug reference knows for the product;
a lab value with the range printed on its row. When what was read does not fit and exactly one
single-digit substitution does, that candidate is taken and the field flagged
``ocr_corrected`` (the written text as the flag's value) so the user confirms it; when several
fit, the value is kept as read and flagged (``uncertain_strength``, ``implausible_value``). A
strength the reference does not know and no substitution explains is kept without a flag: the
reference lists only some strengths of a product (Levothyrox 75 µg is missing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

#: For a digit as read, the digits it is often a misreading of (Tesseract, photographed pages).
DIGIT_CONFUSIONS: dict[str, str] = {
    "8": "036",
    "6": "085",
    "9": "04",
    "0": "869",
    "3": "8",
    "5": "6",
    "1": "7",
    "7": "1",
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_UNIT_FACTORS: dict[str, tuple[str, float]] = {
    "g": ("mg", 1000.0),
    "mg": ("mg", 1.0),
    "milligramme": ("mg", 1.0),
    "milligrammes": ("mg", 1.0),
    "µg": ("µg", 1.0),
    "ug": ("µg", 1.0),
    "mcg": ("µg", 1.0),
    "microgramme": ("µg", 1.0),
    "microgrammes": ("µg", 1.0),
    "ui": ("ui", 1.0),
    "iu": ("ui", 1.0),
    "ml": ("ml", 1.0),
    "%": ("%", 1.0),
}
_STRENGTH = re.compile(r"^\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>[a-zµ%]+)?(?P<rest>.*)$")


def substitutions(text: str) -> Iterator[str]:
    """``text`` with one digit replaced by a digit it is often misread for, each way once."""
    for index, char in enumerate(text):
        for replacement in DIGIT_CONFUSIONS.get(char, ""):
            candidate = text[:index] + replacement + text[index + 1 :]
            if len(candidate) > 1 and candidate[0] == "0" and candidate[1].isdigit():
                continue  # "08" is no number anyone writes
            yield candidate


def strength_key(text: str) -> tuple[float, str, str] | None:
    """(amount in mg / µg / UI..., base unit, rest such as ``/2 ml``) of a strength, or None."""
    folded = text.lower().replace(",", ".").replace(" ", "")
    match = _STRENGTH.match(folded)
    if not match:
        return None
    amount = float(match.group("num"))
    unit = match.group("unit") or ""
    base, factor = _UNIT_FACTORS.get(unit, (unit, 1.0))
    return round(amount * factor, 6), base, match.group("rest")


def _fits(key: tuple[float, str, str], known: Iterable[tuple[float, str, str]]) -> bool:
    for other in known:
        if key[0] != other[0] or key[2] != other[2]:
            continue
        if not key[1] or not other[1] or key[1] == other[1]:  # "Kardegic 75": no unit written
            return True
    return False


def check_strength(written: str, known: Iterable[str]) -> tuple[str, str | None]:
    """(strength to keep, flag reason or None) for ``written`` given the reference strengths.

    No reference strengths, a known strength, or no known substitution: kept, no flag. The one
    single-digit substitution that is known is returned with ``ocr_corrected``; with several,
    ``written`` is kept with ``uncertain_strength``.
    """
    keys = [k for k in (strength_key(s) for s in known) if k is not None]
    key = strength_key(written)
    if not keys or key is None or _fits(key, keys):
        return written, None
    number = _NUMBER.search(written)
    if number is None:
        return written, None
    fitting: set[str] = set()
    for candidate in substitutions(number.group(0)):
        text = written[: number.start()] + candidate + written[number.end() :]
        candidate_key = strength_key(text)
        if candidate_key is not None and _fits(candidate_key, keys):
            fitting.add(text)
    if len(fitting) == 1:
        return fitting.pop(), "ocr_corrected"
    return written, "uncertain_strength" if fitting else None


def within(value: float, low: float | None, high: float | None) -> bool:
    """Whether ``value`` lies in the range (a missing bound does not limit)."""
    return (low is None or value >= low) and (high is None or value <= high)


def candidates_where(value_text: str, accept: Callable[[float], bool]) -> list[float]:
    """Single-digit substitutions of ``value_text`` (as numbers) that ``accept`` takes."""
    found: set[float] = set()
    for candidate in substitutions(value_text):
        try:
            number = float(candidate.replace(",", ".").replace(":", "."))
        except ValueError:
            continue
        if accept(number):
            found.add(number)
    return sorted(found)


def value_candidates(value_text: str, low: float | None, high: float | None) -> list[float]:
    """Single-digit substitutions of ``value_text`` that lie inside the printed range."""
    return candidates_where(value_text, lambda number: within(number, low, high))
