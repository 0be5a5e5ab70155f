"""Durations and supplies: "pendant 7 jours", "1 mois", "QSP 3 mois", "for 10 days", "x 7 days"."""

from __future__ import annotations

import re

from extraction.parse.patterns.numbers import COUNT

UNIT_WORDS = (
    r"(?P<unit>jours?|j|jrs?|semaines?|sem|mois|ans?|annees?|days?|weeks?|wks?|months?|mths?|"
    r"years?)(?![a-z])"
)
SUPPLY = [
    re.compile(
        rf"\b(?:q\.?\s?s\.?\s?p\.?|quantite suffisante pour|supply\s*:?|for a supply of)\s*"
        rf"(?P<n>{COUNT})\s*{UNIT_WORDS}"
    ),
    re.compile(rf"(?P<n>{COUNT})\s*-?\s*{UNIT_WORDS}\s*(?:'s\s*)?supply\b"),
]
DURATION = [
    re.compile(
        rf"\b(?:pendant|durant|pdt|sur|for|during|over|x|traitement de|duree\s*:?|duration\s*:?)"
        rf"\s*(?P<n>{COUNT})\s*{UNIT_WORDS}"
    ),
    re.compile(rf"(?<![/\d])(?P<n>\d+)\s*{UNIT_WORDS}(?!\s*(?:sur|/))"),
]


def unit_of(word: str) -> str:
    """UCUM unit for a duration word: ``jours`` -> d, ``mois`` -> mo."""
    token = word.lower()
    if token.startswith(("j", "d")):
        return "d"
    if token.startswith(("sem", "w")):
        return "wk"
    if token.startswith(("mois", "mo", "mth")):
        return "mo"
    return "a"
