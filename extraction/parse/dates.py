"""Dates written on French and English documents, day first; dateparser as the fallback.

=================================  ================================
written                            read as
=================================  ================================
``Le 3 mars 2026``                 2026-03-03
``1er mars 2026``                  2026-03-01
``ler juillet 2024`` (OCR of 1er)  2024-07-01
``03/03/26``, ``03/03/2026``       2026-03-03 (day first)
``le 03.03.2026``, ``3-3-2026``    2026-03-03
``2026-03-03``                     2026-03-03 (ISO)
``March 3, 2026``, ``3 Mar 2026``  2026-03-03
``mars 2026`` (no day)             None: a partial date is not a day
=================================  ================================

Two-digit years below 50 are 20xx, others 19xx. Impossible dates (31/02) are skipped.
"""

from __future__ import annotations

import re
import warnings
from datetime import date
from functools import lru_cache

from extraction.parse.patterns.normalize import simplify

MONTHS: dict[str, int] = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "january": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "feb": 2,
    "february": 2,
    "mars": 3,
    "march": 3,
    "mar": 3,
    "avril": 4,
    "avr": 4,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "june": 6,
    "jun": 6,
    "juillet": 7,
    "juil": 7,
    "july": 7,
    "jul": 7,
    "aout": 8,
    "august": 8,
    "aug": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "september": 9,
    "octobre": 10,
    "oct": 10,
    "october": 10,
    "novembre": 11,
    "nov": 11,
    "november": 11,
    "decembre": 12,
    "dec": 12,
    "december": 12,
}
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

PATTERNS: list[re.Pattern[str]] = [
    re.compile(r"(?<![\d/.-])(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})(?![\d])"),
    re.compile(
        r"(?<![\d/.,-])(?P<day>\d{1,2})\s?[/.-]\s?(?P<mnum>\d{1,2})\s?[/.-]\s?"
        r"(?P<year>\d{4}|\d{2})(?![\d/])"
    ),
    # the year may be glued to what follows (a lot number in the next column)
    re.compile(rf"(?<![\d])(?P<day>\d{{1,2}})(?:er|st|nd|rd|th)?\s+{_MONTH}\s*,?\s*{_YEAR}"),
    # "1er" as OCR reads it on photos: "ler", "Ier", "l er"
    re.compile(rf"(?<![\w|])(?P<first>[li|]\s?er)\s+{_MONTH}\s*,?\s*{_YEAR}"),
    re.compile(
        rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*"
        rf"(?:(?=[a-z0-9-]*\d)(?=[a-z0-9-]*[a-z])[a-z0-9-]{{4,12}}\s+)?{_YEAR}"
    ),
]


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        return 2000 + value if value < 50 else 1900 + value
    return value


def find_dates(text: str) -> list[tuple[date, tuple[int, int]]]:
    """Every full date in a text, with its span, in reading order."""
    work = simplify(text)
    found: list[tuple[date, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []
    for pattern in PATTERNS:
        for match in pattern.finditer(work):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            groups = match.groupdict()
            month = int(groups["mnum"]) if groups.get("mnum") else MONTHS[groups["month"]]
            try:
                day = 1 if groups.get("first") else int(groups["day"])
                found.append((date(_year(groups["year"]), month, day), span))
            except ValueError:
                continue
            taken.append(span)
    return sorted(found, key=lambda item: item[1][0])


@lru_cache(maxsize=512)
def _dateparser(text: str, languages: tuple[str, ...]) -> date | None:
    import dateparser  # slow import, only when the regexes did not find a date

    settings = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(text, languages=list(languages), settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def parse_date(text: str, languages: tuple[str, ...] | list[str] = ("fr", "en")) -> date | None:
    """The first full date written in ``text`` (day first), or None.

    Args:
        text: a line or a short phrase (``Le 3 mars 2026``, ``03/03/26``, ``March 3, 2026``).
        languages: dateparser language codes for the fallback.
    """
    found = find_dates(text)
    if found:
        return found[0][0]
    stripped = text.strip()
    if not stripped or len(stripped) > 60 or not re.search(r"\d", stripped):
        return None
    if not re.search(r"\d{4}|\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{2}", stripped):
        return None
    try:
        return _dateparser(stripped, tuple(languages))
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None
