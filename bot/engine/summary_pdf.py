"""A one-page PDF summary to show a doctor: treatments, allergies, vaccinations, abnormal results.

Only confirmed records are shown: proposals still awaiting the user's confirmation are not facts
to put in front of a doctor. Always one page: when a section has more items than fit, the newest
are kept and a line says how many were left out. Texts are in ``bot/i18n`` (``summary.*`` keys,
plus the chat's ``posology.*``, ``duration.*`` and unit words). Pure: the date is passed in,
nothing is read from the clock or the environment.
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

from bot.engine.answers.common import duration_words, quantity_words, times_words
from bot.i18n import Translator, translator
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


def _quantity(quantity: Quantity, tr: Translator) -> str:
    """``2 comprimés`` / ``2 tablets``: dosage units in the summary's language, as in the chat."""
    return quantity_words(quantity.value, quantity.unit, tr)


def _unit(tr: Translator, unit: str, count: float) -> str:
    return tr(f"duration.{unit}.{'one' if count == 1 else 'many'}")


def _join(words: list[str], tr: Translator) -> str:
    if len(words) <= 1:
        return "".join(words)
    return tr("posology.join", first=", ".join(words[:-1]), last=words[-1])


def _date(value: date, tr: Translator) -> str:
    """``10 mars 2026``, ``1er mars 2026`` / ``1 March 2026``."""
    day = tr("summary.first_day") if value.day == 1 else str(value.day)
    return f"{day} {tr.month(value)}"


def posology_words(posology: Posology, lang: str) -> str:
    """A posology in plain words, compact for a printed line (``1 comprimé matin et soir``).

    The chat's wording (``bot.engine.answers.common.posology_words``, ``1 comprimé, le matin et
    le soir``) is shared where the two read the same: units, durations, ``si besoin``, maxima.
    """
    tr = translator(lang)
    parts: list[str] = []
    schedule: list[str] = []
    if posology.dose is not None:
        schedule.append(_quantity(posology.dose, tr))
    if posology.when:
        schedule.append(_join([tr(f"summary.when.{w.value}") for w in posology.when], tr))
    elif posology.interval_hours:
        schedule.append(tr("posology.every_hours", hours=_number(posology.interval_hours, lang)))
    elif posology.frequency is not None:
        unit = posology.period_unit.value if posology.period_unit else "d"
        period = posology.period or 1
        count = posology.frequency
        times = times_words(count, tr)
        if period == 1:
            schedule.append(tr("summary.times_per", times=times, unit=_unit(tr, unit, 1)))
        else:
            schedule.append(
                tr(
                    "summary.times_every",
                    times=times,
                    period=_number(period, lang),
                    unit=_unit(tr, unit, period),
                )
            )
    if posology.as_needed:
        schedule.append(posology.as_needed_reason or tr("posology.as_needed"))
    if schedule:
        parts.append(" ".join(schedule))
    if posology.max_per_day is not None:
        parts.append(tr("posology.max_per_day", what=_quantity(posology.max_per_day, tr)))
    if posology.duration is not None:
        what = duration_words(posology.duration.value, posology.duration.unit.value, tr)
        parts.append(tr("posology.during", what=what))
    if not parts:
        return posology.text or tr("posology.unknown")
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


def _lab_line(result: LabResult, tr: Translator) -> str:
    lang = tr.language
    flag = _flag(result)
    word = {Interpretation.HIGH: tr("summary.high"), Interpretation.LOW: tr("summary.low")}.get(
        flag or Interpretation.ABNORMAL, tr("summary.abnormal")
    )
    if result.value is not None:
        value = _quantity(Quantity(value=result.value, unit=result.unit), tr)
    else:
        value = result.value_text or ""
    text = tr("summary.lab", name=result.name, value=value)
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
            text += f" ({tr('summary.range', bounds=bounds)})"
    text += f" — {word}"
    if result.effective_date is not None:
        text += f", {_date(result.effective_date, tr)}"
    return text


def _allergy_line(allergy: Allergy, tr: Translator) -> str:
    text = allergy.substance
    extras = []
    if allergy.kind is AllergyKind.INTOLERANCE:
        extras.append(tr("allergies.kind.intolerance"))
    if allergy.drug_class:
        extras.append(tr("summary.drug_class", name=allergy.drug_class))
    if allergy.reaction:
        extras.append(tr("summary.reaction", reaction=allergy.reaction))
    return f"{text} ({', '.join(extras)})" if extras else text


def _vaccination_line(vaccination: Vaccination, tr: Translator) -> str:
    when = _date(vaccination.date, tr) if vaccination.date else tr("summary.date_unknown")
    text = f"{vaccination.product} — {when}"
    if vaccination.diseases:
        text += f" ({', '.join(vaccination.diseases)})"
    if vaccination.lot_number:
        text += f", {tr('summary.lot', lot=vaccination.lot_number)}"
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
    tr = translator(lang)
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
        _Section(tr("summary.treatments"), treatments, tr("summary.none_treatments")),
        _Section(
            tr("summary.allergies"),
            [wrap(_allergy_line(a, tr)) for a in allergies],
            tr("summary.none_allergies"),
        ),
        _Section(
            tr("summary.vaccinations"),
            [wrap(_vaccination_line(v, tr)) for v in vaccines],
            tr("summary.none_vaccinations"),
        ),
        _Section(
            tr("summary.labs"),
            [wrap(_lab_line(r, tr)) for r in latest_out_of_range(lab_results)],
            tr("summary.none_labs"),
        ),
    ]
    body = _PAGE_HEIGHT - 2 * _MARGIN - _HEADER_SPACE - _FOOTER_SPACE
    _allocate(sections, int((body - len(sections) * _HEADING_SPACE) // _LINE))

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(tr("summary.title"))
    y = _PAGE_HEIGHT - _MARGIN - 16
    canvas.setFont(bold, 16)
    canvas.drawString(_MARGIN, y, tr("summary.title"))
    who = [profile.display_name] if profile.display_name else []
    if profile.birth_year:
        who.append(tr("summary.born", year=profile.birth_year))
    if profile.sex is not None:
        who.append(tr(f"summary.sex.{Sex(profile.sex).value}"))
    y -= 18
    canvas.setFont(regular, _BODY_SIZE)
    canvas.drawString(
        _MARGIN, y, " · ".join([*who, tr("summary.generated", date=_date(today, tr))])
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
                _MARGIN + indent, y, tr("summary.more", n=len(section.items) - section.shown)
            )
            y -= _LINE
    canvas.setFont(regular, 7.5)
    canvas.drawString(_MARGIN, _MARGIN, tr("summary.footer"))
    canvas.showPage()
    canvas.save()
    return out.getvalue()
