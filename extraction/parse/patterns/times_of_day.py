"""Times of day and meals (matin, midi, soir, coucher, at bedtime…) -> FHIR EventTiming."""

from __future__ import annotations

import re

from store.records import TimeOfDay

# Ordered: longer phrases first; each match is consumed so "soir au coucher" is only HS.
TIMES: list[tuple[re.Pattern[str], tuple[TimeOfDay, ...]]] = [
    (re.compile(r"\b(?:le )?soir au coucher\b"), (TimeOfDay.BEDTIME,)),
    (
        re.compile(r"\b(?:au |le )?coucher\b|\bat bedtime\b|\bbedtime\b|\bat night\b|\bnightly\b"),
        (TimeOfDay.BEDTIME,),
    ),
    (re.compile(r"\bapres[- ]midi\b|\bafternoon\b"), (TimeOfDay.AFTERNOON,)),
    (re.compile(r"\bpetit[- ]dejeuner\b|\bbreakfast\b"), (TimeOfDay.BREAKFAST,)),
    (re.compile(r"\bmatins?\b|\bmorning\b|\ba\.?m\.?(?![a-z])"), (TimeOfDay.MORNING,)),
    (re.compile(r"\bmidi\b|\bnoon\b|\blunchtime\b|\bat lunch\b"), (TimeOfDay.NOON,)),
    (re.compile(r"\bsoirs?\b|\bevening\b|\bp\.?m\.?(?![a-z])"), (TimeOfDay.EVENING,)),
    (re.compile(r"\bdiner\b|\bdinner\b"), (TimeOfDay.DINNER,)),
]
MEALS: list[tuple[re.Pattern[str], TimeOfDay]] = [
    (
        re.compile(r"\bavant (?:les |chaque |le )?repas\b|\bbefore (?:meals|food|eating)\b"),
        TimeOfDay.BEFORE_MEAL,
    ),
    (
        re.compile(r"\bapres (?:les |chaque |le )?repas\b|\bafter (?:meals|food|eating)\b"),
        TimeOfDay.AFTER_MEAL,
    ),
    (
        re.compile(
            r"\b(?:au moment|pendant|au cours|lors) (?:des|du|de chaque) repas\b"
            r"|\b(?:aux|a chaque) repas\b|\bwith (?:meals|food)\b"
        ),
        TimeOfDay.MEAL,
    ),
]
# "1-0-1" or "1-1-1-1": morning-noon-evening(-bedtime) dose grid.
GRID = re.compile(
    r"(?<![\d/.,-])([0-3]|1/2|½)\s*-\s*([0-3]|1/2|½)\s*-\s*([0-3]|1/2|½)"
    r"(?:\s*-\s*([0-3]|1/2|½))?(?![\d/.,-])"
)
GRID_SLOTS = (TimeOfDay.MORNING, TimeOfDay.NOON, TimeOfDay.EVENING, TimeOfDay.BEDTIME)

# Times that count as a separate intake (meal relations do not).
INTAKE_TIMES = {
    TimeOfDay.MORNING,
    TimeOfDay.NOON,
    TimeOfDay.AFTERNOON,
    TimeOfDay.EVENING,
    TimeOfDay.BEDTIME,
    TimeOfDay.BREAKFAST,
    TimeOfDay.LUNCH,
    TimeOfDay.DINNER,
}

# Days of the week -> FHIR dayOfWeek codes.
DAYS: dict[str, str] = {
    "lundi": "mon",
    "monday": "mon",
    "mardi": "tue",
    "tuesday": "tue",
    "mercredi": "wed",
    "wednesday": "wed",
    "jeudi": "thu",
    "thursday": "thu",
    "vendredi": "fri",
    "friday": "fri",
    "samedi": "sat",
    "saturday": "sat",
    "dimanche": "sun",
    "sunday": "sun",
}
DAY = re.compile(r"\b(?P<day>" + "|".join(DAYS) + r")s?\b")
