"""Frequencies and intervals: "x3/j", "3 fois par jour", "twice daily", "toutes les 8h", "q6h"."""

from __future__ import annotations

import re

from extraction.parse.patterns.numbers import COUNT

PERIOD_WORDS = (
    r"(?P<period>j(?:ours?)?|jr|24\s*h(?:eures)?|semaines?|sem|mois|an|ans|annee|"
    r"days?|d|24\s*hours|weeks?|wk|months?|years?)"
)
# n intakes per period
PER_PERIOD = [
    re.compile(rf"(?:x|fois)\s*(?P<n>\d+)\s*(?:/|par|per)\s*{PERIOD_WORDS}\b"),
    re.compile(
        rf"(?P<n>{COUNT})\s*(?:x|fois|times|prises?)\s*(?:/|par|per|a|an|dans l[ae]|each)\s*"
        rf"{PERIOD_WORDS}\b"
    ),
    re.compile(rf"(?P<n>{COUNT})\s*(?:x|fois|times)\s*(?:daily|quotidien(?:ne)?s?)\b"),
    re.compile(rf"(?P<n>\d+)\s*(?:/|par)\s*{PERIOD_WORDS}\b"),
]
ENGLISH_TIMES = re.compile(
    r"\b(?P<word>once|twice|thrice|three times|four times)\s*(?:a|per|each)?\s*"
    r"(?P<period>daily|day|week|weekly|month|monthly)\b"
)
ENGLISH_WORD_COUNT = {"once": 1, "twice": 2, "thrice": 3, "three times": 3, "four times": 4}
LATIN = re.compile(r"\b(?P<code>b\.?i\.?d|t\.?i\.?d|q\.?i\.?d|q\.?d|o\.?d|q\.?h\.?s)\b\.?")
LATIN_COUNT = {"bid": 2, "tid": 3, "qid": 4, "qd": 1, "od": 1, "qhs": 1}
EVERY_OTHER = re.compile(
    r"\b(?:1|un) jour sur (?:2|deux)\b|\bevery other day\b|\btous les (?:2|deux) jours\b"
)
ONCE_PER = re.compile(
    r"(?:\bpar\b|/|\bper\b|\ba\b|\bchaque\b|\beach\b|\btous les\b|\btoutes les\b)\s*"
    r"(?P<period>jours?|j|semaines?|sem|mois|days?|weeks?|months?)\b"
    r"|\b(?P<adverb>daily|weekly|monthly|quotidien(?:ne)?(?:ment)?|hebdomadaire|mensuel(?:le)?)\b"
)
INTERVAL = re.compile(
    rf"\b(?:toutes les|tous les|every|q)\s*(?P<n>{COUNT})\s*(?:(?:a|à|-|to|or|ou)\s*\d+\s*)?"
    r"(?P<unit>h\b|heures?|hours?|hrs?|hr)"
)


def period_of(word: str) -> tuple[float, str]:
    """(period, UCUM unit) for a period word: ``jour`` -> (1, d), ``24 h`` -> (1, d)."""
    token = re.sub(r"\s+", "", word.lower())
    if token.startswith(("24h", "24hour", "24heure")) or token in {"j", "jr", "d"}:
        return 1.0, "d"
    if token.startswith(("jour", "day", "daily", "quotid")):
        return 1.0, "d"
    if token.startswith(("sem", "week", "wk", "hebdo")):
        return 1.0, "wk"
    if token.startswith(("mois", "month", "mensu")):
        return 1.0, "mo"
    if token.startswith(("an", "year")):
        return 1.0, "a"
    return 1.0, "d"
