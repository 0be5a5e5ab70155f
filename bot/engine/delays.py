"""Delays in words ("dans 3 mois", "in two weeks") and the cue of a follow-up request."""

from __future__ import annotations

import re

NUMBERS = {
    "un": 1,
    "une": 1,
    "a": 1,
    "an": 1,
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
    "neuf": 9,
    "nine": 9,
    "dix": 10,
    "ten": 10,
    "douze": 12,
    "twelve": 12,
}
UNITS = {
    "jour": "days",
    "jours": "days",
    "day": "days",
    "days": "days",
    "semaine": "weeks",
    "semaines": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "mois": "months",
    "month": "months",
    "months": "months",
    "an": "years",
    "ans": "years",
    "annee": "years",
    "annees": "years",
    "year": "years",
    "years": "years",
}
DELAY = re.compile(
    r"\b(?:dans|d ici|in|within|sous)\s+(\d+|"
    + "|".join(NUMBERS)
    + r")\s+("
    + "|".join(UNITS)
    + r")\b"
)
FOLLOW_UP_CUE = re.compile(
    r"^.*?\b(?:rappelle(?:r|z)?(?: moi)?|remind me|fais moi penser|fait moi penser|"
    r"penser a|pense a|n oublie pas de|don t let me forget to|help me remember to)\s+"
    r"(?:de |d |to |que |qu )?"
)


def delay_in(text: str) -> dict[str, int] | None:
    """``{"months": 3}`` from "dans 3 mois" / "in three months" (normalised text), or None."""
    match = DELAY.search(text)
    if match is None:
        return None
    raw, unit = match.groups()
    number = int(raw) if raw.isdigit() else NUMBERS[raw]
    kind = UNITS[unit]
    if kind == "years":
        return {"months": 12 * number}
    return {kind: number}
