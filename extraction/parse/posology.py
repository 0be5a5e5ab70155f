"""Posology text -> ``Posology``, French and English, with the span of each field found.

Handled phrasings (case and accents ignored):

====================================  ==========================================================
written                               read as
====================================  ==========================================================
``1 cp matin et soir``                dose 1 comprimé, frequency 2 / 1 d, when [MORN, EVE]
``1/2 cp le soir``, ``½ cp``          dose 0.5 comprimé, 1 / d, [EVE]
``matin, midi et soir``               3 / d, [MORN, NOON, EVE]
``1-0-1``                             2 / d, [MORN, EVE] (morning-noon-evening[-bedtime] grid)
``le soir au coucher``, ``at night``  1 / d, [HS]
``x3/j``, ``3x/j``, ``3/j``           3 / d
``3 fois par jour``, ``2 fois/sem``   3 / d; 2 / wk
``1 cp par jour``, ``daily``          1 / d
``1 jour sur 2``                      1 / 2 d
``toutes les 8h``, ``every 6 hours``  interval_hours 8 (frequency 1 / 8 h)
``twice daily``, ``BID``, ``TID``     2 / d; 3 / d
``pendant 7 jours``, ``for 10 days``  duration 7 d (``2 semaines`` 2 wk, ``1 mois`` 1 mo = 30 d)
``1 mois`` (alone)                    duration 1 mo
``QSP 3 mois``, ``28 days supply``    supply_duration (quantity dispensed), not duration
``si besoin``, ``si douleur``, PRN    as_needed (reason ``douleur``)
``max 3 g/jour``                      max_per_day 3 g
``sans dépasser 4 par jour``          max_per_day 4 (in the dose unit)
``max 8 in 24 hours``                 max_per_day 8
``à renouveler 2 fois``, ``AR 2``     renewals 2 (``Refills: 2`` too; ``non renouvelable`` 0)
``voie orale``, ``by mouth``          route oral (also sous-cutanée, IM, nasal, cutanée…)
``avant/après les repas``             when AC/PC (only with a schedule)
``le lundi et le jeudi``, ``on Mondays``  days_of_week [mon, thu], 2 / wk
====================================  ==========================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extraction.parse.patterns import durations, frequencies
from extraction.parse.patterns.normalize import simplify
from extraction.parse.patterns.numbers import COUNT, parse_number
from extraction.parse.patterns.times_of_day import (
    DAY,
    DAYS,
    GRID,
    GRID_SLOTS,
    INTAKE_TIMES,
    MEALS,
    TIMES,
)
from extraction.parse.patterns.units import DOSE_UNIT, UNIT, canonical_unit
from store.records import Duration, PeriodUnit, Posology, Quantity, TimeOfDay

_DOSE = re.compile(
    rf"(?<![\w/.,])(?P<n>{COUNT})\s*(?:(?:a|-|ou|to|or)\s*{COUNT}\s*)?(?P<unit>{DOSE_UNIT})"
)
_MASS_DOSE = re.compile(rf"(?<![\w/.,])(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>{UNIT})")
_MAX = re.compile(
    rf"\b(?:max(?:imum)?\.?(?:\s+of)?|sans depasser|ne pas depasser|not to exceed|do not exceed|"
    rf"no more than|jusqu'a)\s*:?\s*(?P<n>{COUNT})\s*(?P<unit>{UNIT})?\s*"
    r"(?:(?:/|par|per|in|a|each|toutes les|every)\s*(?P<period>24\s*h(?:eures|ours)?|j(?:our)?s?|"
    r"days?|24h)\b)?"
)
_RENEW = re.compile(
    rf"\b(?:(?:ordonnance\s+)?a renouveler|renouvelable|renouvellement\s*:?|renouveler|ar|"
    rf"refil+i?s?\s*:?|repeats?\s*:?|may refill)\s*(?:x\s*)?(?P<n>{COUNT})\s*(?:fois|times|x)?"
)
_NO_RENEW = re.compile(
    r"\bnon renouvelable\b|\bno refills?\b|\brefills?\s*:?\s*(?:none|0|o)(?![\w.,])"
)
_AS_NEEDED = re.compile(
    r"\b(?:si (?P<si>besoin|necessaire|douleurs?|fievre|nausees?|vomissements?|toux|crise|"
    r"insomnie|angoisse|anxiete|diarrhee|constipation|demangeaisons?|migraine|spasmes?|"
    r"brulures?)(?:\s+ou\s+(?P<si2>douleurs?|fievre|besoin))?|en cas de (?P<cas>[a-z']+)"
    r"|a la demande|prn|p\.r\.n\.?|as needed|as required|when required|when needed|if needed|"
    r"if required|if necessary)(?:\s+for\s+(?P<for>[a-z]+))?"
)
_ROUTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bvoie orale\b|\bper os\b|\bby mouth\b|\borally\b|\bp\.?o\.?\b(?!\w)"), "oral"),
    (
        re.compile(r"\bsous[- ]cutanee\b|\bsubcutaneous(?:ly)?\b|\bs\.?c\.?(?=\s|$)"),
        "subcutaneous",
    ),
    (
        re.compile(r"\bintra[- ]?musculaire\b|\bintramuscular(?:ly)?\b|\bi\.?m\.?(?=\s|$)"),
        "intramuscular",
    ),
    (re.compile(r"\bintra[- ]?veineuse\b|\bintravenous(?:ly)?\b"), "intravenous"),
    (re.compile(r"\bvoie rectale\b|\brectal(?:e|ly)?\b"), "rectal"),
    (re.compile(r"\bvoie vaginale\b|\bvaginal(?:e|ly)?\b"), "vaginal"),
    (re.compile(r"\bsublinguale?\b|\bsous la langue\b|\bunder the tongue\b"), "sublingual"),
    (re.compile(r"\bchaque narine\b|\bvoie nasale\b|\bintranasal\b|\beach nostril\b"), "nasal"),
    (re.compile(r"\bchaque oeil\b|\bvoie ophtalmique\b|\beach eye\b"), "ophthalmic"),
    (re.compile(r"\bvoie inhalee\b|\ben inhalation\b|\binhaled\b"), "inhalation"),
    (
        re.compile(
            r"\bvoie cutanee\b|\bapplication locale\b|\bsur les lesions\b|\btopical(?:ly)?\b"
            r"|\bapply to\b"
        ),
        "cutaneous",
    ),
]
_UNIT_CODES = {
    "h": PeriodUnit.HOUR,
    "d": PeriodUnit.DAY,
    "wk": PeriodUnit.WEEK,
    "mo": PeriodUnit.MONTH,
    "a": PeriodUnit.YEAR,
}


@dataclass
class PosologyReading:
    """A parsed posology and, for each field, the span of the text it was read from."""

    posology: Posology
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


class _Scanner:
    """Finds patterns in simplified text, masking what was consumed so it is read only once."""

    def __init__(self, text: str) -> None:
        self.work = simplify(text)
        self.spans: dict[str, tuple[int, int]] = {}

    def take(self, name: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.search(self.work)
        if match:
            self.consume(name, match.start(), match.end())
        return match

    def consume(self, name: str, start: int, end: int) -> None:
        self.work = self.work[:start] + " " * (end - start) + self.work[end:]
        if name in self.spans:
            old = self.spans[name]
            self.spans[name] = (min(old[0], start), max(old[1], end))
        else:
            self.spans[name] = (start, end)


def _number(text: str | None) -> float | None:
    return parse_number(text) if text else None


def _duration(scanner: _Scanner, name: str, patterns: list[re.Pattern[str]]) -> Duration | None:
    for pattern in patterns:
        match = scanner.take(name, pattern)
        if match:
            value = _number(match.group("n"))
            if value:
                return Duration(value=value, unit=_UNIT_CODES[durations.unit_of(match["unit"])])
    return None


def _read_when(scanner: _Scanner) -> list[TimeOfDay]:
    when: list[TimeOfDay] = []
    grid = scanner.take("when", GRID)
    if grid:
        for slot, amount in zip(GRID_SLOTS, grid.groups(), strict=False):
            if amount and amount not in {"0"}:
                when.append(slot)
        return when
    for pattern, codes in TIMES:
        while True:
            match = scanner.take("when", pattern)
            if not match:
                break
            when.extend(c for c in codes if c not in when)
    order = [
        TimeOfDay.MORNING,
        TimeOfDay.BREAKFAST,
        TimeOfDay.NOON,
        TimeOfDay.LUNCH,
        TimeOfDay.AFTERNOON,
        TimeOfDay.EVENING,
        TimeOfDay.DINNER,
        TimeOfDay.BEDTIME,
    ]
    return sorted(when, key=order.index)


def _read_frequency(scanner: _Scanner, pos: Posology) -> None:
    interval = scanner.take("frequency", frequencies.INTERVAL)
    if interval:
        hours = _number(interval.group("n"))
        if hours:
            pos.interval_hours = hours
            pos.frequency, pos.period, pos.period_unit = 1, hours, PeriodUnit.HOUR
            return
    if scanner.take("frequency", frequencies.EVERY_OTHER):
        pos.frequency, pos.period, pos.period_unit = 1, 2.0, PeriodUnit.DAY
        return
    for pattern in frequencies.PER_PERIOD:
        match = scanner.take("frequency", pattern)
        if match:
            count = _number(match.group("n"))
            if count and count == int(count) and 0 < count <= 24:
                period, unit = frequencies.period_of(match.groupdict().get("period") or "j")
                pos.frequency, pos.period, pos.period_unit = int(count), period, _UNIT_CODES[unit]
                return
    english = scanner.take("frequency", frequencies.ENGLISH_TIMES)
    if english:
        period, unit = frequencies.period_of(english.group("period"))
        pos.frequency = frequencies.ENGLISH_WORD_COUNT[english.group("word")]
        pos.period, pos.period_unit = period, _UNIT_CODES[unit]
        return
    latin = scanner.take("frequency", frequencies.LATIN)
    if latin:
        code = latin.group("code").replace(".", "")
        count = frequencies.LATIN_COUNT[code]
        pos.frequency, pos.period, pos.period_unit = count, 1.0, PeriodUnit.DAY
        if code == "qhs":
            pos.when = [TimeOfDay.BEDTIME]


def read_posology(text: str) -> PosologyReading:
    """Parse a posology and keep the span of each field (for per-field confidence)."""
    scanner = _Scanner(text)
    pos = Posology(text=text.strip() or None)
    pos.supply_duration = _duration(scanner, "supply_duration", durations.SUPPLY)
    if scanner.take("renewals", _NO_RENEW):
        pos.renewals = 0
    else:
        renew = scanner.take("renewals", _RENEW)
        if renew:
            count = _number(renew.group("n"))
            if count is not None and count == int(count) and count < 100:
                pos.renewals = int(count)
    cap = scanner.take("max_per_day", _MAX)
    cap_unit: str | None = None
    if cap:
        value = _number(cap.group("n"))
        cap_unit = canonical_unit(cap.group("unit")) if cap.group("unit") else None
        if value:
            pos.max_per_day = Quantity(value=value, unit=cap_unit)
    dose = scanner.take("dose", _DOSE) or scanner.take("dose", _MASS_DOSE)
    if dose:
        value = _number(dose.group("n"))
        if value:
            pos.dose = Quantity(value=value, unit=canonical_unit(dose.group("unit")))
    if pos.max_per_day and pos.max_per_day.unit is None and pos.dose:
        pos.max_per_day = Quantity(value=pos.max_per_day.value, unit=pos.dose.unit)
    needed = scanner.take("as_needed", _AS_NEEDED)
    if needed:
        pos.as_needed = True
        reason = needed.group("si") or needed.group("cas") or needed.group("for")
        if reason and reason not in {"besoin", "necessaire"}:
            extra = needed.group("si2")
            pos.as_needed_reason = f"{reason} ou {extra}" if extra else reason
    _read_frequency(scanner, pos)
    when = _read_when(scanner)
    pos.when = [*pos.when, *(w for w in when if w not in pos.when)]
    days: list[str] = []
    while True:
        day = scanner.take("days_of_week", DAY)
        if not day:
            break
        code = DAYS[day.group("day")]
        if code not in days:
            days.append(code)
    pos.days_of_week = days
    if days and pos.frequency is None:
        pos.frequency, pos.period, pos.period_unit = len(days), 1.0, PeriodUnit.WEEK
    meals = [code for pattern, code in MEALS if scanner.take("when", pattern)]
    intakes = [w for w in pos.when if w in INTAKE_TIMES]
    if pos.frequency is None and intakes:
        pos.frequency, pos.period, pos.period_unit = len(intakes), 1.0, PeriodUnit.DAY
    pos.supply_duration = pos.supply_duration or None
    pos.duration = _duration(scanner, "duration", durations.DURATION)
    if pos.frequency is None:
        once = scanner.take("frequency", frequencies.ONCE_PER)
        if once:
            period, unit = frequencies.period_of(once.group("period") or once.group("adverb"))
            pos.frequency, pos.period, pos.period_unit = 1, period, _UNIT_CODES[unit]
    if meals and (pos.frequency is not None or not pos.as_needed):
        pos.when = [*pos.when, *(m for m in meals if m not in pos.when)]
    for pattern, route in _ROUTES:
        if scanner.take("route", pattern):
            pos.route = route
            break
    return PosologyReading(posology=pos, spans=scanner.spans)


def parse_posology(text: str) -> Posology:
    """Parse a posology as written (``1 cp matin et soir pendant 7 jours``) into a Posology."""
    return read_posology(text).posology


def has_posology(text: str) -> bool:
    """Whether a text holds at least a schedule, a duration, an as-needed or a dose with a unit."""
    pos = parse_posology(text)
    return bool(
        pos.frequency
        or pos.when
        or pos.interval_hours
        or pos.duration
        or pos.supply_duration
        or pos.as_needed
        or (pos.dose is not None and pos.dose.unit is not None and pos.dose.unit not in _MASSES)
    )


_MASSES = {"mg", "g", "µg", "mL", "UI"}
