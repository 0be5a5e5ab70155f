"""Treatments: current ones, past ones over a period, and what/when/who about one product."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz

from bot.engine import drugs
from bot.engine.answers.common import (
    Facts,
    bullet,
    cite,
    end_of,
    is_current,
    med_keys,
    med_label,
    overlaps,
    posology_words,
    start_of,
)
from bot.engine.nlu import normalize
from bot.engine.replies import Reply, Text
from bot.i18n import Translator
from store.records import Medication


def describe(med: Medication, facts: Facts, tr: Translator, today: date) -> str:
    """One treatment line: name, posology in words, until when, source."""
    line = f"{med_label(med)} — {posology_words(med.posology, tr)}"
    end = end_of(med)
    if end is not None:
        key = "treatments.until" if end >= today else "treatments.ended"
        line += " " + tr(key, date=tr.date(end))
    return bullet(f"{line} ({cite(med, facts, tr)})")


def current(facts: Facts, tr: Translator, today: date) -> list[Reply]:
    """The treatments taken today."""
    latest: dict[str, Medication] = {}
    for med in sorted(
        (m for m in facts.medications if is_current(m, today)),
        key=lambda m: start_of(m) or date.min,
    ):
        latest[normalize(med_label(med))] = med  # a renewal replaces the previous line
    meds = sorted(latest.values(), key=lambda m: m.name.lower())
    if not meds:
        return [Text(text=tr("treatments.none_current"))]
    lines = [describe(m, facts, tr, today) for m in meds]
    return [Text(text=tr("treatments.current_header", n=len(meds)) + "\n" + "\n".join(lines))]


def past(
    facts: Facts,
    tr: Translator,
    today: date,
    start: date | None,
    end: date | None,
    product: str | None = None,
) -> list[Reply]:
    """Treatments taken at some point in a period (all past ones when no period)."""
    if start is None or end is None:
        meds = [m for m in facts.medications if not is_current(m, today)]
        header = tr("treatments.past_header_all")
    else:
        meds = [m for m in facts.medications if overlaps(m, start, end, today)]
        header = tr("treatments.past_header", start=tr.date(start), end=tr.date(end))
    if product:
        meds = [m for m in meds if matches(m, product)]
    if not meds:
        return [Text(text=tr("treatments.none_past"))]
    groups: dict[str, list[Medication]] = {}
    for med in sorted(meds, key=lambda m: start_of(m) or date.min):
        groups.setdefault(normalize(med_label(med)), []).append(med)  # renewals grouped
    newest_first = sorted(groups.values(), key=lambda g: start_of(g[-1]) or date.min, reverse=True)
    return [Text(text=header + "\n" + "\n".join(_past_line(g, facts, tr) for g in newest_first))]


def _past_line(group: list[Medication], facts: Facts, tr: Translator) -> str:
    """One past treatment (its renewals counted on the same line), newest source cited."""
    latest = group[-1]
    begin = start_of(group[0])
    if len(group) > 1 and begin is not None:
        last = start_of(latest) or begin
        when = tr("treatments.renewed", n=len(group), first=tr.date(begin), last=tr.date(last))
        return bullet(f"{med_label(latest)} — {when} ({cite(latest, facts, tr)})")
    since = tr("treatments.from", date=tr.date(begin)) if begin else ""
    return bullet(f"{med_label(latest)} {since} ({cite(latest, facts, tr)})".replace("  ", " "))


def matches(med: Medication, product: str) -> bool:
    """Whether a user's word for a product designates this medication (typos allowed)."""
    return _matches(med_keys(med), tuple(normalize(x) for x in med.substances), product)


@lru_cache(maxsize=16384)
def _matches(keys: frozenset[str], substances: tuple[str, ...], product: str) -> bool:
    wanted = normalize(product)
    for key in keys:
        if wanted == key or wanted in key.split() or fuzz.ratio(wanted, key) >= 85:
            return True
        if key.split() and fuzz.ratio(wanted, key.split()[0]) >= 85:
            return True
    info = drugs.lookup(product)
    return bool(set(info.substances) & set(substances))


def find(facts: Facts, product: str | None, today: date) -> list[Medication]:
    """The medications a product word designates, current ones first."""
    if not product:
        return []
    found = [m for m in facts.medications if matches(m, product)]
    return sorted(
        found, key=lambda m: (not is_current(m, today), -(start_of(m) or date.min).toordinal())
    )


def about(
    facts: Facts, tr: Translator, today: date, product: str | None, question: str
) -> list[Reply]:
    """``purpose`` / ``start`` / ``prescriber`` of one product."""
    if not product:
        return [Text(text=tr("treatments.which_product"))]
    meds = find(facts, product, today)
    if not meds:
        return [Text(text=tr("treatments.not_found", product=product))]
    med = meds[0]
    source = cite(med, facts, tr)
    label = med_label(med)
    if question == "purpose":
        if med.reason:
            return [
                Text(text=tr("treatments.purpose", name=label, reason=med.reason, source=source))
            ]
        return [Text(text=tr("treatments.purpose_unknown", name=label, source=source))]
    if question == "start":
        begin = start_of(med)
        if begin is None:
            return [Text(text=tr("treatments.start_unknown", name=label, source=source))]
        first = min((start_of(m) or begin) for m in meds)
        return [Text(text=tr("treatments.start", name=label, date=tr.date(first), source=source))]
    prescriber = next((m.prescriber for m in meds if m.prescriber), None)
    if prescriber is None:
        return [Text(text=tr("treatments.prescriber_unknown", name=label, source=source))]
    return [Text(text=tr("treatments.prescriber", name=label, who=prescriber, source=source))]
