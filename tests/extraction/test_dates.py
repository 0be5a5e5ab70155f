"""Dates as French and English documents write them, read day first."""

from __future__ import annotations

from datetime import date

import pytest

from extraction.parse import parse_date
from extraction.parse.dates import find_dates

CASES = [
    ("Le 3 mars 2026", date(2026, 3, 3)),
    ("Lyon, le 1er février 2025", date(2025, 2, 1)),  # "1er" is the first
    ("03/03/26", date(2026, 3, 3)),  # two-digit year
    ("le 03.03.2026", date(2026, 3, 3)),  # dotted
    ("04/05/2025", date(2025, 5, 4)),  # day first, never May 4th US-style
    ("3-3-2026", date(2026, 3, 3)),
    ("2026-03-03", date(2026, 3, 3)),  # ISO
    ("March 3, 2026", date(2026, 3, 3)),
    ("3 Mar 2026", date(2026, 3, 3)),
    ("Date: 12 August 2025", date(2025, 8, 12)),
    ("Né(e) le 05/11/58", date(1958, 11, 5)),  # old two-digit years are 19xx
    ("Prélevé le 04/05/2025 à 08h15", date(2025, 5, 4)),
    ("Édité le 1 décembre 2024", date(2024, 12, 1)),
    ("le 15 aout 2024", date(2024, 8, 15)),  # no accent
    ("Marseille, le ler juillet 2024", date(2024, 7, 1)),  # "1er" as OCR reads it on a photo
    ("Le Ier mars 2026", date(2026, 3, 1)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text, ["fr", "en"]) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",  # impossible
        "mars 2026",  # no day: a partial date is not a day
        "Tél. : 04 72 11 22 33",
        "RPPS : 10123456789",
        "à appeler juillet 2024",  # a word ending in "ler" is no "1er"
        "1 cp x3/j pendant 7 jours",
        "",
    ],
)
def test_not_a_date(text: str) -> None:
    assert parse_date(text, ["fr", "en"]) is None


def test_a_year_glued_to_the_next_column_is_still_read() -> None:
    # text layers join a long English date with the lot number printed right after it
    assert parse_date("Efluelda October 3, 2017CY4824 Dr Roux") == date(2017, 10, 3)


def test_all_dates_of_a_line_in_order() -> None:
    found = find_dates("du 01/02/2025 au 15 mars 2025")
    assert [d for d, _ in found] == [date(2025, 2, 1), date(2025, 3, 15)]
