"""Vaccinations done, and which are due or overdue (``bot.reminders.calendar`` when present)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date

from bot.engine.answers.common import Facts, bullet, cite
from bot.engine.nlu import find_vaccine, normalize
from bot.engine.replies import Reply, Text
from bot.i18n import Translator
from store.records import Condition, UserProfile, Vaccination


def vaccine_key(vaccination: Vaccination) -> str | None:
    """The canonical vaccine key of a record (``influenza``)."""
    for text in (vaccination.normalized_name, vaccination.product, *vaccination.diseases):
        if text:
            key = find_vaccine(normalize(text))
            if key:
                return key
    return None


def listing(
    facts: Facts,
    tr: Translator,
    vaccine: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Reply]:
    """Vaccinations done (one vaccine or all), most recent first, with sources."""
    shots = list(facts.vaccinations)
    if vaccine:
        shots = [v for v in shots if vaccine_key(v) == vaccine]
    if start and end:
        shots = [v for v in shots if v.date and start <= v.date <= end]
    if not shots:
        return [Text(text=tr("vaccines.none"))]
    shots.sort(key=lambda v: v.date or date.min, reverse=True)
    lines = []
    for shot in shots:
        when = tr.date(shot.date) if shot.date else tr("date.unknown")
        lot = " " + tr("vaccines.lot", lot=shot.lot_number) if shot.lot_number else ""
        lines.append(bullet(f"{shot.product} — {when}{lot} ({cite(shot, facts, tr)})"))
    return [Text(text=tr("vaccines.header", n=len(shots)) + "\n" + "\n".join(lines))]


@dataclass(frozen=True)
class Due:
    """A vaccination to do: which, since when (None: no date known), why."""

    vaccine: str
    due: date | None
    overdue: bool
    reason_key: str
    edition: int | None = None
    label: str | None = None


def builtin_due(profile: UserProfile, shots: list[Vaccination], today: date) -> list[Due]:
    """A minimal adult calendar (dTP boosters, yearly flu and COVID at 65+) as a fallback."""
    found: list[Due] = []
    last_tetanus = max(
        (v.date for v in shots if v.date and vaccine_key(v) == "tetanus"), default=None
    )
    if profile.birth_year:
        age = today.year - profile.birth_year
        booster_ages = [25, 45, 65, *range(75, 120, 10)]
        passed = [a for a in booster_ages if a <= age]
        if passed:
            due_year = profile.birth_year + passed[-1]
            due_day = date(due_year, 1, 1)
            if last_tetanus is None or last_tetanus.year < due_year - 1:
                found.append(Due("tetanus", due_day, due_day < today, "calendar.dtp"))
        if age >= 65:
            season = date(today.year if today.month >= 10 else today.year - 1, 10, 15)
            for key in ("influenza", "covid19"):
                last = max(
                    (v.date for v in shots if v.date and vaccine_key(v) == key), default=None
                )
                if last is None or last < season:
                    found.append(Due(key, season, season <= today, f"calendar.{key}_65"))
    elif last_tetanus is None:
        found.append(Due("tetanus", None, False, "calendar.dtp"))
    return found


def _calendar_due(
    profile: UserProfile, shots: list[Vaccination], conditions: list[Condition], today: date
) -> list[Due] | None:
    """Items of ``bot.reminders.calendar.due_vaccinations`` (None when it is not shipped)."""
    try:
        calendar = importlib.import_module("bot.reminders.calendar")
    except ImportError:
        return None
    fn = getattr(calendar, "due_vaccinations", None)
    if fn is None:
        return None
    items = fn(profile, shots, today, conditions)
    out: list[Due] = []
    for item in items:
        key = getattr(item, "vaccine", None) or getattr(item, "label", "")
        when = getattr(item, "due_from", None)
        edition = getattr(item, "edition", None)
        out.append(
            Due(
                vaccine=str(key),
                due=when if isinstance(when, date) else None,
                overdue=bool(getattr(item, "overdue", False)),
                reason_key="calendar.edition",
                edition=edition if isinstance(edition, int) else None,
                label=str(getattr(item, "label", key)),
            )
        )
    return out


def due(facts: Facts, tr: Translator, profile: UserProfile, today: date) -> list[Reply]:
    """Vaccinations due or overdue according to the calendar and the record."""
    items = _calendar_due(profile, facts.vaccinations, facts.conditions, today)
    if items is None:
        items = builtin_due(profile, facts.vaccinations, today)
    hint = "" if profile.birth_year else "\n" + tr("vaccines.need_birth_year")
    if not items:
        return [Text(text=tr("vaccines.up_to_date") + hint)]
    lines = []
    for item in items:
        key = f"vaccine.{item.vaccine}"
        name = tr(key) if tr.has(key) else (item.label or item.vaccine)
        if item.due is None:
            status = tr("vaccines.no_record")
        elif item.overdue:
            status = tr("vaccines.overdue", date=tr.date(item.due))
        else:
            status = tr("vaccines.due_on", date=tr.date(item.due))
        reason = tr(item.reason_key, edition=item.edition or "")
        lines.append(bullet(tr("vaccines.item", name=name, status=status, reason=reason)))
    return [
        Text(
            text=tr("vaccines.due_header")
            + "\n"
            + "\n".join(lines)
            + hint
            + "\n"
            + tr("vaccines.ask_professional")
        )
    ]
