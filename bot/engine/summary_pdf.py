"""A one-page PDF summary to show a doctor: treatments, allergies, vaccinations, abnormal results.

Only confirmed records are shown: proposals still awaiting the user's confirmation are not facts
to put in front of a doctor. Always one page: when a section has more items than fit, the newest
are kept and a line says how many were left out. Strings are in ``STRINGS`` (one dict per
language) until they move to ``bot/i18n``. Pure: the date is passed in, nothing is read from the
clock or the environment.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from store.records import (
    Allergy,
    AllergyKind,
    Interpretation,
    LabResult,
    Language,
    Medication,
    MedicationStatus,
    Posology,
    Quantity,
    RecordStatus,
    Sex,
    UserProfile,
    Vaccination,
)

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Résumé médical",
        "generated": "Généré le {date}",
        "born": "né(e) en {year}",
        "female": "femme",
        "male": "homme",
        "other": "autre",
        "treatments": "Traitements en cours",
        "allergies": "Allergies et intolérances",
        "vaccinations": "Vaccinations",
        "labs": "Derniers résultats hors normes",
        "none_treatments": "Aucun traitement en cours enregistré.",
        "none_allergies": "Aucune allergie connue enregistrée.",
        "none_vaccinations": "Aucune vaccination enregistrée.",
        "none_labs": "Aucun résultat hors normes parmi les derniers résultats.",
        "more": "… et {n} autre(s)",
        "footer": "Établi par carnet à partir des documents et déclarations du patient ; "
        "à vérifier.",
        "intolerance": "intolérance",
        "class": "classe",
        "reaction": "réaction",
        "lot": "lot",
        "date_unknown": "date inconnue",
        "high": "élevé",
        "low": "bas",
        "abnormal": "anormal",
        "range": "normes",
        "no_posology": "posologie non précisée",
        "as_needed": "si besoin",
        "max_per_day": "maximum {q} par jour",
        "every_hours": "toutes les {n} heures",
        "once": "1 fois",
        "twice": "2 fois",
        "times": "{n} fois",
        "times_per": "{times} par {unit}",
        "times_every": "{times} tous les {p} {unit}",
        "for": "pendant {d}",
        "and": "et",
        "since": "depuis le {date}",
        "months": "janvier février mars avril mai juin juillet août septembre octobre "
        "novembre décembre",
        "unit_h": "heure|heures",
        "unit_d": "jour|jours",
        "unit_wk": "semaine|semaines",
        "unit_mo": "mois|mois",
        "unit_a": "an|ans",
        "MORN": "matin",
        "NOON": "midi",
        "AFT": "après-midi",
        "EVE": "soir",
        "HS": "au coucher",
        "C": "au repas",
        "AC": "avant le repas",
        "PC": "après le repas",
        "CM": "au petit-déjeuner",
        "CD": "au déjeuner",
        "CV": "au dîner",
    },
    "en": {
        "title": "Medical summary",
        "generated": "Generated on {date}",
        "born": "born in {year}",
        "female": "female",
        "male": "male",
        "other": "other",
        "treatments": "Current treatments",
        "allergies": "Allergies and intolerances",
        "vaccinations": "Vaccinations",
        "labs": "Latest out-of-range results",
        "none_treatments": "No current treatment recorded.",
        "none_allergies": "No known allergy recorded.",
        "none_vaccinations": "No vaccination recorded.",
        "none_labs": "No out-of-range value among the latest results.",
        "more": "… and {n} more",
        "footer": "Prepared by carnet from the patient's documents and statements; to be checked.",
        "intolerance": "intolerance",
        "class": "class",
        "reaction": "reaction",
        "lot": "lot",
        "date_unknown": "date unknown",
        "high": "high",
        "low": "low",
        "abnormal": "abnormal",
        "range": "range",
        "no_posology": "dosage not specified",
        "as_needed": "as needed",
        "max_per_day": "at most {q} a day",
        "every_hours": "every {n} hours",
        "once": "once",
        "twice": "twice",
        "times": "{n} times",
        "times_per": "{times} a {unit}",
        "times_every": "{times} every {p} {unit}",
        "for": "for {d}",
        "and": "and",
        "since": "since {date}",
        "months": "January February March April May June July August September October "
        "November December",
        "unit_h": "hour|hours",
        "unit_d": "day|days",
        "unit_wk": "week|weeks",
        "unit_mo": "month|months",
        "unit_a": "year|years",
        "MORN": "morning",
        "NOON": "noon",
        "AFT": "afternoon",
        "EVE": "evening",
        "HS": "at bedtime",
        "C": "with meals",
        "AC": "before meals",
        "PC": "after meals",
        "CM": "at breakfast",
        "CD": "at lunch",
        "CV": "at dinner",
    },
}

_PAGE_WIDTH, _PAGE_HEIGHT = A4
_MARGIN = 18 * mm
_BODY_SIZE = 9.5
_LINE = 12.5
_HEADING_SIZE = 11.5
_HEADING_SPACE = 27.0
_HEADER_SPACE = 58.0
_FOOTER_SPACE = 24.0


@dataclass
class _Section:
    heading: str
    items: list[list[str]]
    empty: str
    shown: int = 0
    more: bool = field(default=False)


def _fonts() -> tuple[str, str]:
    """DejaVu Sans (shipped with matplotlib: covers µ, ≥, ’) else Helvetica; registered once."""
    if "CarnetSans" in pdfmetrics.getRegisteredFontNames():
        return "CarnetSans", "CarnetSans-Bold"
    try:
        import matplotlib

        folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont("CarnetSans", str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("CarnetSans-Bold", str(folder / "DejaVuSans-Bold.ttf")))
    except (ImportError, OSError):
        return "Helvetica", "Helvetica-Bold"
    return "CarnetSans", "CarnetSans-Bold"


def _number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def _quantity(quantity: Quantity, lang: str) -> str:
    """``2 comprimés`` / ``2 tablets``: dosage units in the summary's language, as in the chat."""
    from bot.engine.answers.common import quantity_words
    from bot.i18n import translator

    return quantity_words(quantity.value, quantity.unit, translator(lang))


def _unit(s: dict[str, str], unit: str, count: float) -> str:
    singular, plural = s[f"unit_{unit}"].split("|")
    return singular if count == 1 else plural


def _join(words: list[str], s: dict[str, str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {s['and']} {words[-1]}"


def _date(value: date, s: dict[str, str], lang: str) -> str:
    month = s["months"].split()[value.month - 1]
    day = "1er" if lang == "fr" and value.day == 1 else str(value.day)
    return f"{day} {month} {value.year}"


def posology_words(posology: Posology, lang: str) -> str:
    """A posology in plain words (``1 comprimé matin et soir, pendant 7 jours``)."""
    s = STRINGS[lang]
    parts: list[str] = []
    schedule: list[str] = []
    if posology.dose is not None:
        schedule.append(_quantity(posology.dose, lang))
    if posology.when:
        schedule.append(_join([s[w.value] for w in posology.when], s))
    elif posology.interval_hours:
        schedule.append(s["every_hours"].format(n=_number(posology.interval_hours, lang)))
    elif posology.frequency is not None:
        unit = posology.period_unit.value if posology.period_unit else "d"
        period = posology.period or 1
        count = posology.frequency
        times = {1: s["once"], 2: s["twice"]}.get(count) or s["times"].format(n=count)
        if period == 1:
            schedule.append(s["times_per"].format(times=times, unit=_unit(s, unit, 1)))
        else:
            schedule.append(
                s["times_every"].format(
                    times=times, p=_number(period, lang), unit=_unit(s, unit, period)
                )
            )
    if posology.as_needed:
        schedule.append(posology.as_needed_reason or s["as_needed"])
    if schedule:
        parts.append(" ".join(schedule))
    if posology.max_per_day is not None:
        parts.append(s["max_per_day"].format(q=_quantity(posology.max_per_day, lang)))
    if posology.duration is not None:
        length = posology.duration.value
        amount = f"{_number(length, lang)} {_unit(s, posology.duration.unit.value, length)}"
        parts.append(s["for"].format(d=amount))
    if not parts:
        return posology.text or s["no_posology"]
    return ", ".join(parts)


def _current(medications: Sequence[Medication], today: date) -> list[Medication]:
    current = [
        m
        for m in medications
        if m.med_status is MedicationStatus.ACTIVE and (m.end_date is None or m.end_date >= today)
    ]
    return sorted(current, key=lambda m: m.authored_on or m.start_date or date.min, reverse=True)


def _flag(result: LabResult) -> Interpretation | None:
    if result.interpretation is not None:
        return None if result.interpretation is Interpretation.NORMAL else result.interpretation
    rng = result.reference_range
    if result.value is None or rng is None:
        return None
    if rng.high is not None and result.value > rng.high:
        return Interpretation.HIGH
    if rng.low is not None and result.value < rng.low:
        return Interpretation.LOW
    return None


def latest_out_of_range(results: Sequence[LabResult]) -> list[LabResult]:
    """For each test, its latest result, kept when out of range; newest first."""
    latest: dict[str, LabResult] = {}
    for result in results:
        key = result.loinc or (result.normalized_name or result.name).strip().lower()
        seen = latest.get(key)
        if seen is None or (result.effective_date or date.min) >= (
            seen.effective_date or date.min
        ):
            latest[key] = result
    flagged = [r for r in latest.values() if _flag(r) is not None]
    return sorted(flagged, key=lambda r: r.effective_date or date.min, reverse=True)


def _lab_line(result: LabResult, s: dict[str, str], lang: str) -> str:
    flag = _flag(result)
    word = {Interpretation.HIGH: s["high"], Interpretation.LOW: s["low"]}.get(
        flag or Interpretation.ABNORMAL, s["abnormal"]
    )
    if result.value is not None:
        value = _quantity(Quantity(value=result.value, unit=result.unit), lang)
    else:
        value = result.value_text or ""
    text = f"{result.name} : {value}" if lang == "fr" else f"{result.name}: {value}"
    rng = result.reference_range
    if rng is not None:
        bounds = rng.text
        if bounds is None and rng.low is not None and rng.high is not None:
            bounds = f"{_number(rng.low, lang)} - {_number(rng.high, lang)}"
        elif bounds is None and rng.high is not None:
            bounds = f"< {_number(rng.high, lang)}"
        elif bounds is None and rng.low is not None:
            bounds = f"> {_number(rng.low, lang)}"
        if bounds:
            text += f" ({s['range']} {bounds})"
    text += f" — {word}"
    if result.effective_date is not None:
        text += f", {_date(result.effective_date, s, lang)}"
    return text


def _allergy_line(allergy: Allergy, s: dict[str, str]) -> str:
    text = allergy.substance
    extras = []
    if allergy.kind is AllergyKind.INTOLERANCE:
        extras.append(s["intolerance"])
    if allergy.drug_class:
        extras.append(f"{s['class']} {allergy.drug_class}")
    if allergy.reaction:
        extras.append(f"{s['reaction']} {allergy.reaction}")
    return f"{text} ({', '.join(extras)})" if extras else text


def _vaccination_line(vaccination: Vaccination, s: dict[str, str], lang: str) -> str:
    when = _date(vaccination.date, s, lang) if vaccination.date else s["date_unknown"]
    text = f"{vaccination.product} — {when}"
    if vaccination.diseases:
        text += f" ({', '.join(vaccination.diseases)})"
    if vaccination.lot_number:
        text += f", {s['lot']} {vaccination.lot_number}"
    return text


def _allocate(sections: list[_Section], lines: int) -> None:
    """Show items round-robin while they fit, keeping a line for '… and N more' when needed."""
    used = sum(1 for section in sections if not section.items)
    progressed = True
    while progressed:
        progressed = False
        for section in sections:
            if section.shown >= len(section.items):
                continue
            cost = len(section.items[section.shown])
            left_after = len(section.items) - section.shown - 1
            reserve = 1 if left_after else 0
            if used + cost + reserve + _reserved(sections, section) <= lines:
                used += cost
                section.shown += 1
                progressed = True
    for section in sections:
        section.more = section.shown < len(section.items)


def _reserved(sections: list[_Section], current: _Section) -> int:
    return sum(
        1
        for section in sections
        if section is not current and section.items and section.shown < len(section.items)
    )


def summary_pdf(
    profile: UserProfile,
    medications: Sequence[Medication],
    allergies: Sequence[Allergy],
    vaccinations: Sequence[Vaccination],
    lab_results: Sequence[LabResult],
    language: Language | str,
    today: date,
) -> bytes:
    """A one-page A4 PDF summary of a profile's record, in French or English.

    Args:
        profile: whose record (name, birth year and sex are printed when known).
        medications: all medications; the confirmed active ones not ended before ``today``
            are shown (confirmed records only, in every section).
        allergies: allergies and intolerances.
        vaccinations: vaccinations, newest first.
        lab_results: all lab results; each test's latest value is shown when out of range.
        language: ``fr`` or ``en``.
        today: the generation date printed on the page.
    """
    lang = Language(language).value
    medications = [m for m in medications if m.status is RecordStatus.CONFIRMED]
    allergies = [a for a in allergies if a.status is RecordStatus.CONFIRMED]
    vaccinations = [v for v in vaccinations if v.status is RecordStatus.CONFIRMED]
    lab_results = [r for r in lab_results if r.status is RecordStatus.CONFIRMED]
    s = STRINGS[lang]
    regular, bold = _fonts()
    width = _PAGE_WIDTH - 2 * _MARGIN
    indent = 10.0

    def wrap(text: str) -> list[str]:
        return simpleSplit(text, regular, _BODY_SIZE, width - indent) or [""]

    treatments = []
    for medication in _current(medications, today):
        line = f"{medication.name} — {posology_words(medication.posology, lang)}"
        treatments.append(wrap(line))
    vaccines = sorted(vaccinations, key=lambda v: v.date or date.min, reverse=True)
    sections = [
        _Section(s["treatments"], treatments, s["none_treatments"]),
        _Section(
            s["allergies"], [wrap(_allergy_line(a, s)) for a in allergies], s["none_allergies"]
        ),
        _Section(
            s["vaccinations"],
            [wrap(_vaccination_line(v, s, lang)) for v in vaccines],
            s["none_vaccinations"],
        ),
        _Section(
            s["labs"],
            [wrap(_lab_line(r, s, lang)) for r in latest_out_of_range(lab_results)],
            s["none_labs"],
        ),
    ]
    body = _PAGE_HEIGHT - 2 * _MARGIN - _HEADER_SPACE - _FOOTER_SPACE
    _allocate(sections, int((body - len(sections) * _HEADING_SPACE) // _LINE))

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(s["title"])
    y = _PAGE_HEIGHT - _MARGIN - 16
    canvas.setFont(bold, 16)
    canvas.drawString(_MARGIN, y, s["title"])
    who = [profile.display_name] if profile.display_name else []
    if profile.birth_year:
        who.append(s["born"].format(year=profile.birth_year))
    if profile.sex is not None:
        who.append(s[Sex(profile.sex).value])
    y -= 18
    canvas.setFont(regular, _BODY_SIZE)
    canvas.drawString(
        _MARGIN, y, " · ".join([*who, s["generated"].format(date=_date(today, s, lang))])
    )
    y = _PAGE_HEIGHT - _MARGIN - _HEADER_SPACE
    for section in sections:
        y -= _HEADING_SPACE - _LINE - 4
        canvas.setFont(bold, _HEADING_SIZE)
        canvas.drawString(_MARGIN, y, section.heading)
        canvas.setLineWidth(0.4)
        canvas.line(_MARGIN, y - 3, _MARGIN + width, y - 3)
        y -= _LINE + 4
        canvas.setFont(regular, _BODY_SIZE)
        if not section.items:
            canvas.drawString(_MARGIN + indent, y, section.empty)
            y -= _LINE
        for item in section.items[: section.shown]:
            canvas.drawString(_MARGIN, y, "•")
            for text in item:
                canvas.drawString(_MARGIN + indent, y, text)
                y -= _LINE
        if section.more:
            canvas.drawString(
                _MARGIN + indent, y, s["more"].format(n=len(section.items) - section.shown)
            )
            y -= _LINE
    canvas.setFont(regular, 7.5)
    canvas.drawString(_MARGIN, _MARGIN, s["footer"])
    canvas.showPage()
    canvas.save()
    return out.getvalue()
