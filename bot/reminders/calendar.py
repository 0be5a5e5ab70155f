"""The French vaccination and screening calendar: rules as data, pure evaluation.

The rules live in ``data/calendar_<edition>.json`` (one file per edition of the "Calendrier des
vaccinations et recommandations vaccinales"), each with its sources, a ``verified_on`` date and a
``needs_check`` flag for what the reference marks [know]. This module only interprets the small
vocabulary of schedule types below; it holds no medical rule itself.

| schedule type   | meaning                                                                   |
| --------------- | ------------------------------------------------------------------------- |
| milestones      | boosters at fixed ages (25, 45, 65) then every N years (adult dTP)        |
| seasonal        | one dose per campaign (influenza, COVID-19 autumn / spring)               |
| series          | N doses with intervals once eligible (Shingrix, PCV20, RSV, HPV, MenACWY) |
| infant          | doses at ages in months (needs the birth date; birth year → 1 July)       |
| per_condition   | per pregnancy, from/to weeks after the pregnancy's onset                  |
| interval        | screenings every N months (breast, colorectal, cervical)                  |
| once_in_window  | one check-up per age window ("Mes rendez-vous prévention")                |

Only the birth year is usually known, so an age "a" is reached during the calendar year
``birth_year + a`` (the 25-year booster is due in the year of the 25th birthday, with tolerance).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

from store.records import Condition, Sex, UserProfile, Vaccination

DEFAULT_HORIZON = timedelta(days=183)
PRESUMED_BIRTHDAY = (7, 1)


class DueStatus(StrEnum):
    """Where a prevention item stands today."""

    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Eligibility(_Frozen):
    """Who a rule is for: sex, age range (years reached this year), risk groups, birth years."""

    sex: Sex | None = None
    min_age: int | None = None
    max_age: int | None = None
    born_from: int | None = None
    risk_groups: list[str] | None = None
    risk_any_age: bool = False


class Schedule(_Frozen):
    """The timing of a rule; which fields apply depends on ``type`` (see the module table)."""

    type: Literal[
        "milestones", "seasonal", "series", "infant", "per_condition", "interval", "once_in_window"
    ]
    ages: list[int] = Field(default_factory=list)
    then_every_years: int | None = None
    due_window_years: int = 1
    accept_before_years: int = 0
    min_gap_years: int = 0
    offer_from: str | None = None
    campaign_start: str | None = None
    campaign_end: str | None = None
    min_gap_months: int | None = None
    doses: int = 1
    interval_months: int | None = None
    intervals_months: list[int] | None = None
    window_months: int = 2
    count_from_age: int | None = None
    done_if_doses: int | None = None
    done_if_before_age: int | None = None
    season_from: str | None = None
    season_to: str | None = None
    ages_months: list[int] = Field(default_factory=list)
    condition: str | None = None
    from_weeks: int | None = None
    to_weeks: int | None = None
    every_months: int | None = None
    first_repeat_months: int | None = None
    after_previous_test_months: int | None = None
    previous: str | None = None


class Rule(_Frozen):
    """One sourced rule of the calendar."""

    id: str
    kind: Literal["vaccination", "screening", "checkup"]
    label: str
    vaccine: str | None = None
    diseases: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    eligibility: Eligibility = Field(default_factory=Eligibility)
    schedule: Schedule
    sources: list[str]
    verified_on: date | None
    needs_check: bool
    note: str | None = None
    check_fields: list[str] = Field(default_factory=list)
    mandatory: bool = False


class Calendar(_Frozen):
    """One edition of the calendar."""

    edition: int
    title: str
    transcribed_on: date
    notes: str
    sources: dict[str, str]
    risk_groups: dict[str, list[str]]
    rules: list[Rule]
    screenings: list[Rule]

    @property
    def all_rules(self) -> list[Rule]:
        """Vaccination rules then screenings and check-ups."""
        return [*self.rules, *self.screenings]

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError if unknown)."""
        for rule in self.all_rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


class DueItem(_Frozen):
    """Something of the calendar that is due, overdue or upcoming for one person."""

    rule_id: str
    kind: Literal["vaccination", "screening", "checkup"]
    label: str
    vaccine: str | None = None
    status: DueStatus
    due_from: date
    due_until: date | None = None
    dose: int | None = None
    reason: str
    edition: int
    sources: list[str]
    needs_check: bool
    cycle: str = ""

    @property
    def key(self) -> str:
        """The vaccine slug (``influenza``, ``tetanus``...) or, for screenings, the label."""
        return self.vaccine or self.label

    @property
    def due_date(self) -> date:
        """Same as ``due_from`` (the day it becomes due)."""
        return self.due_from

    @property
    def overdue(self) -> bool:
        """Whether the item is past its window."""
        return self.status == DueStatus.OVERDUE

    @property
    def cycle_key(self) -> str:
        """Identifies this round of the rule, stable from day to day (to offer it once).

        A milestone age, a flu season, a dose number, a pregnancy, the last screening date.
        """
        return f"{self.rule_id}:{self.cycle or self.due_from.isoformat()}"


def available_editions() -> list[int]:
    """Editions shipped in ``bot/reminders/data``, oldest first."""
    folder = resources.files("bot.reminders") / "data"
    names = [p.name for p in folder.iterdir() if p.name.startswith("calendar_")]
    return sorted(int(n.removeprefix("calendar_").removesuffix(".json")) for n in names)


@cache
def load_calendar(edition: int | None = None) -> Calendar:
    """The calendar of ``edition`` (the latest shipped one when None)."""
    year = edition if edition is not None else available_editions()[-1]
    path = resources.files("bot.reminders") / "data" / f"calendar_{year}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return Calendar.model_validate(data)


def risk_groups_of(conditions: Iterable[Condition], calendar: Calendar, today: date) -> set[str]:
    """Risk groups from active conditions: their ``risk_groups`` plus keyword matches on names."""
    groups: set[str] = set()
    for condition in conditions:
        if condition.resolved is not None and condition.resolved <= today:
            continue
        groups.update(condition.risk_groups)
        text = f"{condition.name} {condition.normalized_name or ''}".lower()
        for group, keywords in calendar.risk_groups.items():
            if any(k in text for k in keywords):
                groups.add(group)
    return groups


class _Person:
    """Age arithmetic for one profile (exact with a birth date, else by calendar year)."""

    def __init__(self, birth_year: int, birth_date: date | None) -> None:
        self.birth_year = birth_year
        self.birth_date = birth_date

    def age_on(self, day: date) -> int:
        if self.birth_date is None:
            return day.year - self.birth_year
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def date_at_age(self, years: int) -> date:
        if self.birth_date is None:
            return date(self.birth_year + years, 1, 1)
        return add_months(self.birth_date, 12 * years)

    def last_day_at_age(self, years: int) -> date:
        return self.date_at_age(years + 1) - timedelta(days=1)

    def birth(self) -> date:
        return self.birth_date or date(self.birth_year, *PRESUMED_BIRTHDAY)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (the 31st becomes the month's last day)."""
    result: date = day + relativedelta(months=months)
    return result


def _md(text: str, year: int) -> date:
    month, day = (int(x) for x in text.split("-"))
    return date(year, month, day)


def _matching(rule: Rule, vaccinations: Iterable[Vaccination]) -> list[Vaccination]:
    """Recorded doses that count for ``rule`` (by disease or product name), oldest first."""
    diseases = {d.lower() for d in rule.diseases}
    found = []
    for v in vaccinations:
        names = {d.lower() for d in v.diseases}
        product = f"{v.product} {v.normalized_name or ''}".lower()
        if names & diseases or any(p in product for p in rule.products):
            found.append(v)
    return sorted(found, key=lambda v: v.date or date.min)


def _eligible(rule: Rule, person: _Person, sex: Sex | None, risks: set[str], day: date) -> bool:
    e = rule.eligibility
    if e.sex is not None and sex != e.sex:
        return False
    if e.born_from is not None and person.birth_year < e.born_from:
        return False
    age = person.age_on(day)
    has_ages = e.min_age is not None or e.max_age is not None
    age_ok = (e.min_age is None or age >= e.min_age) and (e.max_age is None or age <= e.max_age)
    if e.risk_groups is None:
        return age_ok
    has_risk = bool(risks & set(e.risk_groups))
    if e.risk_any_age:
        return has_risk or (has_ages and age_ok)
    return age_ok and has_risk


def _reason(rule: Rule, person: _Person, risks: set[str], day: date) -> str:
    e = rule.eligibility
    hit = sorted(risks & set(e.risk_groups or []))
    parts = [f"edition {{}} rule {rule.id}"]
    if e.min_age is not None or e.max_age is not None:
        parts.append(f"age {person.age_on(day)}")
    if hit:
        parts.append("risk " + ",".join(hit))
    return "; ".join(parts)


class _Evaluator:
    """Evaluates the rules for one person on one day."""

    def __init__(
        self,
        calendar: Calendar,
        person: _Person,
        sex: Sex | None,
        risks: set[str],
        vaccinations: list[Vaccination],
        conditions: list[Condition],
        screenings: Mapping[str, date],
        today: date,
        horizon: timedelta,
    ) -> None:
        self.calendar = calendar
        self.person = person
        self.sex = sex
        self.risks = risks
        self.vaccinations = vaccinations
        self.conditions = conditions
        self.screenings = screenings
        self.today = today
        self.horizon = horizon

    def item(
        self,
        rule: Rule,
        due_from: date,
        due_until: date | None,
        *,
        dose: int | None = None,
        reason: str | None = None,
        late_after: date | None = None,
        cycle: str = "",
    ) -> DueItem | None:
        """A DueItem with its status from the dates, or None when too far ahead."""
        if due_from > self.today:
            if due_from - self.today > self.horizon:
                return None
            status = DueStatus.UPCOMING
        elif late_after is not None and self.today > late_after:
            status = DueStatus.OVERDUE
        elif due_until is not None and self.today > due_until:
            return None
        else:
            status = DueStatus.DUE
        base = reason or _reason(rule, self.person, self.risks, self.today)
        return DueItem(
            rule_id=rule.id,
            kind=rule.kind,
            label=rule.label,
            vaccine=rule.vaccine,
            status=status,
            due_from=due_from,
            due_until=due_until,
            dose=dose,
            reason=base.format(self.calendar.edition),
            edition=self.calendar.edition,
            sources=[self.calendar.sources.get(s, s) for s in rule.sources],
            needs_check=rule.needs_check,
            cycle=cycle,
        )

    def eligible_now_or_soon(self, rule: Rule) -> date | None:
        """The first day (today or within the horizon) the person is eligible, else None."""
        if _eligible(rule, self.person, self.sex, self.risks, self.today):
            return self.today
        e = rule.eligibility
        if e.min_age is None:
            return None
        start = self.person.date_at_age(e.min_age)
        if self.today < start <= self.today + self.horizon and _eligible(
            rule, self.person, self.sex, self.risks, start
        ):
            return start
        return None

    def evaluate(self, rule: Rule) -> DueItem | None:
        """Dispatch on the schedule type."""
        handler = getattr(self, f"_{rule.schedule.type}")
        result: DueItem | None = handler(rule)
        return result

    def _milestones(self, rule: Rule) -> DueItem | None:
        s = rule.schedule
        doses = [v.date for v in _matching(rule, self.vaccinations) if v.date is not None]
        last = doses[-1] if doses else None
        age = self.person.age_on(self.today)
        ages = list(s.ages)
        if s.then_every_years:
            while ages[-1] <= age + s.then_every_years:
                ages.append(ages[-1] + s.then_every_years)
        passed = [a for a in ages if a <= age]
        following = [a for a in ages if a > age]
        if passed:
            milestone = passed[-1]
            start = self.person.date_at_age(milestone)
            accepted_from = self.person.date_at_age(milestone - s.accept_before_years)
            recent = last is not None and (
                last >= accepted_from or last >= add_months(start, -12 * s.min_gap_years)
            )
            if not recent:
                late = self.person.last_day_at_age(milestone + s.due_window_years - 1)
                reason = f"edition {{}} rule {rule.id}; milestone age {milestone}"
                if last is None:
                    reason += "; no recorded dose"
                return self.item(
                    rule, start, None, reason=reason, late_after=late, cycle=f"age{milestone}"
                )
        if following:
            nxt = following[0]
            reason = f"edition {{}} rule {rule.id}; milestone age {nxt}"
            return self.item(
                rule, self.person.date_at_age(nxt), None, reason=reason, cycle=f"age{nxt}"
            )
        return None

    def _season(self, s: Schedule) -> tuple[date, date, date]:
        """(offer, start, end) of the campaign running or next, for this person's today."""
        assert s.offer_from and s.campaign_start and s.campaign_end
        year = self.today.year
        wraps = _md(s.campaign_end, 2001) < _md(s.offer_from, 2001)
        for offset in (-1, 0, 1):
            y = year + offset
            offer, start = _md(s.offer_from, y), _md(s.campaign_start, y)
            end = _md(s.campaign_end, y + 1 if wraps else y)
            if self.today <= end:
                return offer, start, end
        raise AssertionError  # pragma: no cover - next year's campaign always qualifies

    def _seasonal(self, rule: Rule) -> DueItem | None:
        s = rule.schedule
        first_day = self.eligible_now_or_soon(rule)
        if first_day is None:
            return None
        offer, start, end = self._season(s)
        doses = [v.date for v in _matching(rule, self.vaccinations) if v.date is not None]
        if any(d >= add_months(offer, -1) for d in doses):
            return None
        due_from = max(start, first_day) if first_day > self.today else start
        if doses and s.min_gap_months:
            due_from = max(due_from, add_months(doses[-1], s.min_gap_months))
        if due_from > end:
            return None
        return self.item(rule, due_from, end, cycle=f"season{start.year}")

    def _series(self, rule: Rule) -> DueItem | None:
        s = rule.schedule
        first_day = self.eligible_now_or_soon(rule)
        if first_day is None:
            return None
        counted = _matching(rule, self.vaccinations)
        if s.done_if_doses and s.done_if_before_age is not None:
            young = self.person.date_at_age(s.done_if_before_age)
            if sum(1 for v in counted if v.date and v.date < young) >= s.done_if_doses:
                return None
        if s.count_from_age is not None:
            floor = self.person.date_at_age(s.count_from_age)
            counted = [v for v in counted if v.date is None or v.date >= floor]
        n = len(counted)
        if n >= s.doses:
            return None
        until = None
        if rule.eligibility.max_age is not None:
            until = self.person.last_day_at_age(rule.eligibility.max_age)
        if n == 0:
            due_from = first_day
            late = None
        else:
            gaps = s.intervals_months or [s.interval_months or 0] * (s.doses - 1)
            previous = counted[-1].date
            if previous is None:
                due_from, late = self.today, None
            else:
                due_from = add_months(previous, gaps[min(n - 1, len(gaps) - 1)])
                if first_day > self.today:
                    due_from = max(first_day, due_from)
                late = add_months(due_from, s.window_months)
        if s.season_from and s.season_to:
            due_from, season_end = self._next_season(due_from, s.season_from, s.season_to)
            until = season_end if until is None else min(until, season_end)
        return self.item(rule, due_from, until, dose=n + 1, late_after=late, cycle=f"dose{n + 1}")

    def _next_season(self, day: date, start: str, end: str) -> tuple[date, date]:
        """The season window containing ``day`` or the next one (season may wrap the year)."""
        for y in (day.year - 1, day.year, day.year + 1):
            s = _md(start, y)
            e = _md(end, y + 1 if _md(end, 2001) < _md(start, 2001) else y)
            if day <= e:
                return max(day, s), e
        raise AssertionError  # pragma: no cover

    def _infant(self, rule: Rule) -> DueItem | None:
        s = rule.schedule
        if not _eligible(rule, self.person, self.sex, self.risks, self.today):
            return None
        n = len(_matching(rule, self.vaccinations))
        if n >= len(s.ages_months):
            return None
        due_from = add_months(self.person.birth(), s.ages_months[n])
        late = add_months(due_from, s.window_months)
        return self.item(rule, due_from, None, dose=n + 1, late_after=late, cycle=f"dose{n + 1}")

    def _per_condition(self, rule: Rule) -> DueItem | None:
        s = rule.schedule
        if not _eligible(rule, self.person, self.sex, self.risks, self.today):
            return None
        group = s.condition or ""
        cases = [
            c
            for c in self.conditions
            if (c.resolved is None or c.resolved > self.today)
            and group in risk_groups_of([c], self.calendar, self.today)
        ]
        if not cases:
            return None
        onset = max((c.onset for c in cases if c.onset), default=None)
        doses = [v for v in _matching(rule, self.vaccinations) if v.date is not None]
        # A dose since the pregnancy began (its onset, else the last 40 weeks) counts.
        since = onset if onset is not None else self.today - timedelta(weeks=40)
        if any(v.date and v.date >= since for v in doses):
            return None
        if onset is None:
            due_from, until = self.today, None
        else:
            due_from = onset + timedelta(weeks=s.from_weeks or 0)
            until = onset + timedelta(weeks=s.to_weeks) if s.to_weeks else None
        if s.season_from and s.season_to:
            due_from, season_end = self._next_season(due_from, s.season_from, s.season_to)
            until = season_end if until is None else min(until, season_end)
            if until < due_from:
                return None
        return self.item(rule, due_from, until, cycle=f"onset{onset}")

    def _interval(self, rule: Rule) -> DueItem | None:
        s = rule.schedule
        first_day = self.eligible_now_or_soon(rule)
        if first_day is None:
            return None
        assert s.every_months is not None
        e = rule.eligibility
        until = self.person.last_day_at_age(e.max_age) if e.max_age is not None else None
        last = self.screenings.get(rule.id)
        previous = self.screenings.get(s.previous) if s.previous else None
        if last is not None:
            due_from = add_months(last, s.every_months)
            reason = f"edition {{}} rule {rule.id}; every {s.every_months} months since last test"
        elif previous is not None and s.after_previous_test_months:
            due_from = add_months(previous, s.after_previous_test_months)
            reason = (
                f"edition {{}} rule {rule.id}; "
                f"{s.after_previous_test_months} months after {s.previous}"
            )
        else:
            due_from = first_day
            reason = f"edition {{}} rule {rule.id}; no recorded test"
        if until is not None and due_from > until:
            return None
        late = add_months(due_from, 6) if last is not None else None
        anchor = last or previous
        return self.item(
            rule,
            max(due_from, first_day),
            until,
            reason=reason,
            late_after=late,
            cycle=f"after{anchor}" if anchor else "first",
        )

    def _once_in_window(self, rule: Rule) -> DueItem | None:
        first_day = self.eligible_now_or_soon(rule)
        if first_day is None:
            return None
        e = rule.eligibility
        start = self.person.date_at_age(e.min_age or 0)
        last = self.screenings.get(rule.id)
        if last is not None and last >= start:
            return None
        until = self.person.last_day_at_age(e.max_age) if e.max_age is not None else None
        return self.item(rule, first_day, until, cycle=f"window{e.min_age}")


def due_preventions(
    profile: UserProfile,
    vaccinations: Iterable[Vaccination],
    conditions: Iterable[Condition],
    today: date,
    *,
    screenings: Mapping[str, date] | None = None,
    birth_date: date | None = None,
    edition: int | None = None,
    horizon: timedelta = DEFAULT_HORIZON,
) -> list[DueItem]:
    """What of the calendar is due, overdue or upcoming (within ``horizon``) for this profile.

    Args:
        profile: gives the birth year and sex; nothing is computed without a birth year.
        vaccinations: recorded doses (matched by disease or product name).
        conditions: active conditions give the risk groups (diabetes, COPD, pregnancy...).
        today: the user's local date.
        screenings: last date each screening/check-up rule was done, by rule id.
        birth_date: the exact birth date when known (infant schedules need it).
        edition: calendar edition; the latest shipped one by default.
        horizon: how far ahead an item is reported as upcoming.
    """
    if profile.birth_year is None and birth_date is None:
        return []
    calendar = load_calendar(edition)
    person = _Person(birth_date.year if birth_date else profile.birth_year or 0, birth_date)
    condition_list = list(conditions)
    risks = risk_groups_of(condition_list, calendar, today)
    evaluator = _Evaluator(
        calendar,
        person,
        profile.sex,
        risks,
        list(vaccinations),
        condition_list,
        screenings or {},
        today,
        horizon,
    )
    items: dict[str, DueItem] = {}
    for rule in calendar.all_rules:
        found = evaluator.evaluate(rule)
        if found is None:
            continue
        # Rules of the same label (influenza at 65+ and for risk groups) are one reminder.
        key = f"{found.label}:{found.dose or 0}"
        if key not in items:
            items[key] = found
    order = {DueStatus.OVERDUE: 0, DueStatus.DUE: 1, DueStatus.UPCOMING: 2}
    return sorted(items.values(), key=lambda i: (order[i.status], i.due_from, i.rule_id))


def due_vaccinations(
    profile: UserProfile,
    vaccinations: Iterable[Vaccination],
    today: date,
    conditions: Iterable[Condition] = (),
) -> list[DueItem]:
    """Only the vaccinations of ``due_preventions`` (what the engine's "vaccins" answer lists)."""
    return [
        item
        for item in due_preventions(profile, vaccinations, conditions, today)
        if item.kind == "vaccination"
    ]
