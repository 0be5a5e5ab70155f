"""A small FR/EN posology reader for what users type (``1 comprimé matin et soir``).

Used for typed statements and corrections; ``extraction.parse.parse_posology`` is preferred when it
is available, this is the fallback.

| phrasing                                   | fields                         |
| ------------------------------------------ | ------------------------------ |
| 2 comprimés / 1 cp / 500 mg / 2 tablets    | dose                           |
| matin, midi, soir, au coucher / morning... | when                           |
| 3 fois par jour / twice a day              | frequency per day              |
| toutes les 8 heures / every 6 hours        | interval_hours                 |
| pendant 7 jours / for 2 weeks              | duration                       |
| si besoin / as needed                      | as_needed                      |
"""

from __future__ import annotations

import re

from bot.engine.nlu import normalize
from store.records import Duration, PeriodUnit, Posology, Quantity, TimeOfDay

WHEN = {
    "matin": TimeOfDay.MORNING,
    "morning": TimeOfDay.MORNING,
    "midi": TimeOfDay.NOON,
    "noon": TimeOfDay.NOON,
    "lunch": TimeOfDay.NOON,
    "soir": TimeOfDay.EVENING,
    "evening": TimeOfDay.EVENING,
    "night": TimeOfDay.EVENING,
    "coucher": TimeOfDay.BEDTIME,
    "bedtime": TimeOfDay.BEDTIME,
}
UNITS = {
    "comprime": "comprimé",
    "comprimes": "comprimé",
    "cp": "comprimé",
    "cps": "comprimé",
    "cpr": "comprimé",
    "tablet": "comprimé",
    "tablets": "comprimé",
    "pill": "comprimé",
    "pills": "comprimé",
    "gelule": "gélule",
    "gelules": "gélule",
    "capsule": "gélule",
    "capsules": "gélule",
    "sachet": "sachet",
    "sachets": "sachet",
    "goutte": "goutte",
    "gouttes": "goutte",
    "drops": "goutte",
    "bouffee": "bouffée",
    "bouffees": "bouffée",
    "puff": "bouffée",
    "puffs": "bouffée",
    "cuillere": "cuillère",
    "cuilleres": "cuillère",
    "mg": "mg",
    "g": "g",
    "ml": "mL",
    "ui": "UI",
}
TIMES = {"une": 1, "deux": 2, "trois": 3, "quatre": 4, "once": 1, "twice": 2, "thrice": 3}
DURATION_UNITS = {
    "jour": PeriodUnit.DAY,
    "jours": PeriodUnit.DAY,
    "j": PeriodUnit.DAY,
    "day": PeriodUnit.DAY,
    "days": PeriodUnit.DAY,
    "semaine": PeriodUnit.WEEK,
    "semaines": PeriodUnit.WEEK,
    "week": PeriodUnit.WEEK,
    "weeks": PeriodUnit.WEEK,
    "mois": PeriodUnit.MONTH,
    "month": PeriodUnit.MONTH,
    "months": PeriodUnit.MONTH,
}


def read_posology(text: str) -> Posology:
    """The posology fields found in ``text`` (the text itself is kept)."""
    external = _external(text)
    if external is not None:
        return external
    t = normalize(text)
    fields: dict[str, object] = {"text": text.strip() or None}
    unit_words = "|".join(sorted(UNITS, key=len, reverse=True))
    dose = re.search(rf"\b(\d+(?:[.,]\d+)?|un|une|deux|trois|one|two)\s*({unit_words})\b", t)
    if dose:
        number = {"un": 1, "une": 1, "one": 1, "deux": 2, "two": 2, "trois": 3}.get(dose[1])
        value = float(number if number is not None else dose[1].replace(",", "."))
        fields["dose"] = Quantity(value=value, unit=UNITS[dose[2]])
    when = [WHEN[w] for w in re.findall(r"\b(" + "|".join(WHEN) + r")\b", t)]
    if when:
        fields["when"] = list(dict.fromkeys(when))
    freq = re.search(r"\b(\d+|une|deux|trois|quatre)\s*(?:fois|x)\s*(?:par|/)\s*jour\b", t)
    freq_en = re.search(r"\b(once|twice|thrice|\d+ times)\s*(?:a|per)\s*day\b", t)
    if freq:
        fields["frequency"] = int(TIMES.get(freq[1], freq[1]))  # type: ignore[call-overload]
        fields["period"], fields["period_unit"] = 1, PeriodUnit.DAY
    elif freq_en:
        word = freq_en[1].split()[0]
        fields["frequency"] = int(TIMES.get(word, word))  # type: ignore[call-overload]
        fields["period"], fields["period_unit"] = 1, PeriodUnit.DAY
    interval = re.search(r"\b(?:toutes les|every)\s*(\d+)\s*(?:h|heures|hours)\b", t)
    if interval:
        fields["interval_hours"] = float(interval[1])
    duration = re.search(
        r"\b(?:pendant|durant|for)\s*(\d+)\s*(" + "|".join(DURATION_UNITS) + r")\b", t
    )
    if duration:
        fields["duration"] = Duration(value=float(duration[1]), unit=DURATION_UNITS[duration[2]])
    if re.search(r"\b(si besoin|en cas de besoin|as needed|if needed|prn)\b", t):
        fields["as_needed"] = True
    return Posology.model_validate(fields)


def _external(text: str) -> Posology | None:
    try:
        from extraction.parse import parse_posology  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        result = parse_posology(text)
    except Exception:
        return None
    posology = getattr(result, "posology", result)
    return posology if isinstance(posology, Posology) else None
