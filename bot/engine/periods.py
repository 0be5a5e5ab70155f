"""Dates and periods in French and English phrasing, resolved against "today".

| phrasing (FR / EN)                               | result                                  |
| ------------------------------------------------ | --------------------------------------- |
| en mars, au mois de mars / in March              | last March not in the future            |
| mars 2025, en 2024 / March 2025, in 2024         | that month / that year                  |
| l'an dernier, l'année passée / last year         | previous calendar year                  |
| cette année / this year                          | 1 January to today                      |
| le mois dernier, ce mois-ci / last month         | calendar month                          |
| la semaine dernière / last week                  | 7 days ending a week ago                |
| l'été dernier, cet hiver / last summer           | Jun-Aug, Dec-Feb, Mar-May, Sep-Nov      |
| les 3 derniers mois / the past 3 months          | today minus 3 months to today           |
| il y a 2 ans / 2 years ago                       | that day to today                       |
| depuis janvier / since January                   | start to today                          |
| entre janvier et mars / between Jan and March    | first to last month                     |
| entre 2016 et 2020 / from 2016 to 2020           | 1 January to 31 December (or today)     |
| le 3 mars, du 03/03/2026 / on March 3rd          | that day (start == end)                 |
| hier, aujourd'hui / yesterday, today             | that day                                |

Input is normalised text (lowercase, no accents). Partial dates stay as ranges.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from bot.engine.delays import NUMBERS
from extraction.parse.dates import MONTHS

MONTH_WORDS = sorted(MONTHS, key=len, reverse=True)
_M = "(" + "|".join(MONTH_WORDS) + ")"

SEASONS = {
    "ete": 6,
    "summer": 6,
    "hiver": 12,
    "winter": 12,
    "printemps": 3,
    "spring": 3,
    "automne": 9,
    "autumn": 9,
    "fall": 9,
}
_S = "(" + "|".join(SEASONS) + ")"

UNITS = {
    "jour": "d",
    "jours": "d",
    "day": "d",
    "days": "d",
    "semaine": "w",
    "semaines": "w",
    "week": "w",
    "weeks": "w",
    "mois": "m",
    "month": "m",
    "months": "m",
    "an": "y",
    "ans": "y",
    "annee": "y",
    "annees": "y",
    "year": "y",
    "years": "y",
}
_U = "(" + "|".join(sorted(UNITS, key=len, reverse=True)) + ")"
NUMBER_WORDS = NUMBERS
_N = r"(\d{1,2}|" + "|".join(NUMBER_WORDS) + ")"

Range = tuple[date, date]


def month_range(year: int, month: int) -> Range:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _last_month_named(month: int, today: date) -> int:
    return today.year if month <= today.month else today.year - 1


def _minus(today: date, count: int, unit: str) -> date:
    if unit == "d":
        return today - timedelta(days=count)
    if unit == "w":
        return today - timedelta(weeks=count)
    months = count * (12 if unit == "y" else 1)
    total = today.year * 12 + today.month - 1 - months
    year, month = divmod(total, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def _season(name: str, today: date, last: bool) -> Range:
    """The most recent season that has started (``this``) or fully ended (``last``)."""
    first = SEASONS[name]
    for year in (today.year + 1, today.year, today.year - 1, today.year - 2):
        start = date(year - 1, 12, 1) if first == 12 else date(year, first, 1)
        end_month = (first + 1) % 12 + 1
        end = month_range(start.year + (1 if first == 12 else 0), end_month)[1]
        if (end < today) if last else (start <= today):
            return start, end
    raise AssertionError(name)


def _number(token: str) -> int:
    return int(token) if token.isdigit() else NUMBER_WORDS[token]


def find_date(text: str, today: date) -> date | None:
    """A single day written in ``text``, or None."""
    match = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if match:
        return _safe(int(match[1]), int(match[2]), int(match[3]))
    match = re.search(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\b", text)
    if match:
        year = int(match[3]) if match[3] else today.year
        year = year + 2000 if year < 100 else year
        found = _safe(year, int(match[2]), int(match[1]))
        if found and not match[3] and found > today:
            found = _safe(year - 1, int(match[2]), int(match[1]))
        return found
    match = re.search(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)?\s+{_M}\b(?:\s+(\d{{4}}))?", text)
    if match:
        return _day_month(int(match[1]), MONTHS[match[2]], match[3], today)
    match = re.search(rf"\b{_M}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", text)
    if match:
        return _day_month(int(match[2]), MONTHS[match[1]], match[3], today)
    if re.search(r"\b(hier|yesterday)\b", text):
        return today - timedelta(days=1)
    if re.search(r"\b(aujourd hui|today)\b", text):
        return today
    return None


def _day_month(day: int, month: int, year_text: str | None, today: date) -> date | None:
    if year_text:
        return _safe(int(year_text), month, day)
    found = _safe(today.year, month, day)
    if found and found > today:
        found = _safe(today.year - 1, month, day)
    return found


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_period(text: str, today: date) -> Range | None:
    """A date range written in ``text`` (see the module table), or None."""
    day = find_date(text, today)
    if day is not None:
        return day, day
    match = re.search(
        rf"\b(?:entre|between|de|from)\s+{_M}(?:\s+(\d{{4}}))?\s+(?:et|and|a|to)\s+{_M}(?:\s+(\d{{4}}))?",
        text,
    )
    if match:
        m1, m2 = MONTHS[match[1]], MONTHS[match[3]]
        y2 = int(match[4]) if match[4] else _last_month_named(m2, today)
        y1 = int(match[2]) if match[2] else (y2 if m1 <= m2 else y2 - 1)
        return month_range(y1, m1)[0], month_range(y2, m2)[1]
    match = re.search(r"\b(?:entre|between|de|from)\s+(\d{4})\s+(?:et|and|a|to)\s+(\d{4})\b", text)
    if match and int(match[1]) <= int(match[2]):
        last = int(match[2])
        end = date(last, 12, 31) if last != today.year else today
        return date(int(match[1]), 1, 1), end
    match = re.search(rf"\b(?:depuis|since)\s+(?:le mois de\s+)?{_M}(?:\s+(\d{{4}}))?", text)
    if match:
        month = MONTHS[match[1]]
        year = int(match[2]) if match[2] else _last_month_named(month, today)
        return date(year, month, 1), today
    match = re.search(rf"\b(?:depuis|since|for the past|over the last)\s+{_N}\s+{_U}", text)
    if match:
        return _minus(today, _number(match[1]), UNITS[match[2]]), today
    match = re.search(r"\b(?:depuis|since)\s+(\d{4})\b", text)
    if match:
        return date(int(match[1]), 1, 1), today
    match = re.search(rf"\b{_M}\s+(\d{{4}})\b", text)
    if match:
        return month_range(int(match[2]), MONTHS[match[1]])
    match = re.search(
        rf"\b(?:en|in|au mois de|during|durant|pendant|mois de|de|d|of|du mois de|from)\s+{_M}\b",
        text,
    )
    if match:
        month = MONTHS[match[1]]
        return month_range(_last_month_named(month, today), month)
    match = re.search(rf"\b{_M} s\b|\b(?:the|my|last|that)\s+{_M}\b", text)
    if match:  # English possessive or adjunct: "december's blood test", "the march prescription"
        month = MONTHS[match[1] or match[2]]
        return month_range(_last_month_named(month, today), month)
    match = re.search(r"\b(?:en|in|annee|year|during|de|of|du|for|from)\s+(\d{4})\b", text)
    if match:
        year = int(match[1])
        return date(year, 1, 1), date(year, 12, 31)
    if re.search(
        r"\b(l an dernier|l annee derniere|l an passe|l annee passee|last year|an dernier)\b", text
    ):
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if re.search(r"\b(cette annee|this year)\b", text):
        return date(today.year, 1, 1), today
    if re.search(r"\b(le mois dernier|le mois passe|last month|mois dernier)\b", text):
        first = date(today.year, today.month, 1) - timedelta(days=1)
        return month_range(first.year, first.month)
    if re.search(r"\b(ce mois ci|ce mois|this month)\b", text):
        return date(today.year, today.month, 1), today
    if re.search(r"\b(la semaine derniere|last week|semaine passee)\b", text):
        return today - timedelta(days=today.weekday() + 7), today - timedelta(
            days=today.weekday() + 1
        )
    match = re.search(
        rf"\b(?:l |le |la |last |this |cet |cette |ce )?{_S}\s*(dernier|derniere|passe|passee)?\b",
        text,
    )
    if match:
        last = bool(match[2]) or "last " in match[0]
        return _season(match[1], today, last)
    match = re.search(
        rf"\b(?:les|the|ces|these|des|mes|my)\s+(?:{_N}\s+)?(?:derniers?|dernieres?|last|past)\s+(?:{_N}\s+)?{_U}",
        text,
    )
    if match:
        count = _number(match[1] or match[2] or "1")
        return _minus(today, count, UNITS[match[3]]), today
    match = re.search(rf"\b(?:the\s+)?(?:last|past)\s+{_N}\s+{_U}", text)
    if match:
        return _minus(today, _number(match[1]), UNITS[match[2]]), today
    match = re.search(rf"\bil y a\s+{_N}\s+{_U}|\b{_N}\s+{_U}\s+ago\b", text)
    if match:
        count = _number(match[1] or match[3])
        unit = UNITS[match[2] or match[4]]
        return _minus(today, count, unit), today
    return None
