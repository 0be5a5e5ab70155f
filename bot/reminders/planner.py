"""Reminder planning: Reminder rows and UTC Occurrences from records, profile and now (pure).

Nothing here reads the clock or the store: ``now`` is passed in and a ``Plan`` is returned;
``sync`` (the one function taking a vault) applies plans and is what the engine calls after a
medication is confirmed, changed or stopped.

| posology                              | occurrences                                             |
| ------------------------------------- | ------------------------------------------------------- |
| ``when`` = matin/midi/soir/coucher    | the user's reminder hours, every day                    |
| ``frequency`` n per day, no ``when``  | 1: matin; 2: matin+soir; 3: +midi; 4: +coucher          |
| ``toutes les 8 heures``               | matin + k×8 h (daily slots when 24 is a multiple)       |
| ``1 fois par semaine``, days of week  | on those weekdays (the start weekday by default)        |
| ``un jour sur deux`` (period 2 d)     | every other day from the start                          |
| ``si besoin``                         | nothing                                                 |
| duration                              | exactly duration × intakes/day occurrences              |
| no duration (chronic)                 | a rolling horizon, extended by ``extend``, and a check  |

Local times are turned into UTC with ``zoneinfo`` day by day, so 08:00 stays 08:00 across a
daylight-saving change. A time inside the quiet hours is moved to the nearest edge (never 3 a.m.).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from bot.reminders.calendar import DueItem, DueStatus, add_months
from store.records import (
    Medication,
    MedicationStatus,
    Occurrence,
    PeriodUnit,
    Posology,
    RecordStatus,
    Reminder,
    ReminderKind,
    ReminderPrefs,
    TimeOfDay,
    UserProfile,
)
from store.vault import Vault

CHRONIC_HORIZON = timedelta(days=14)
EXTEND_WHEN_LEFT = timedelta(days=4)
CHRONIC_CHECK_EVERY = timedelta(days=90)
RENEWAL_NOTICE_DAYS = 5
LONG_TREATMENT_DAYS = 28
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RULE_VERSION = 1
# A silent weekly occurrence per profile: when the dispatcher claims it, the calendar is evaluated
# again and new offers are planned (a flu season opening, a birthday reaching a milestone).
PREVENTION_CHECK = "prevention-check"
PREVENTION_CHECK_EVERY = timedelta(days=7)


class Plan(BaseModel):
    """Reminders to save and the occurrences that go with them."""

    reminders: list[Reminder] = Field(default_factory=list)
    occurrences: list[Occurrence] = Field(default_factory=list)

    def extend(self, other: Plan) -> None:
        """Append another plan."""
        self.reminders.extend(other.reminders)
        self.occurrences.extend(other.occurrences)


class IntakeRule(BaseModel):
    """What an intake reminder needs to be extended and shown; stored in ``Reminder.rule``."""

    v: int = RULE_VERSION
    fp: str
    times: list[str] = Field(default_factory=list)
    interval_hours: float | None = None
    every_days: int = 1
    weekdays: list[int] = Field(default_factory=list)
    start: date
    begin: datetime | None = None
    total: int | None = None
    dose: str | None = None


def zone(profile: UserProfile) -> ZoneInfo:
    """The profile's timezone (Europe/Paris when unknown)."""
    try:
        return ZoneInfo(profile.timezone)
    except (KeyError, ValueError):
        return ZoneInfo("Europe/Paris")


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def in_quiet_hours(t: time, prefs: ReminderPrefs) -> bool:
    """Whether a local time falls strictly inside the quiet hours (the edges are allowed)."""
    start, end, m = _minutes(prefs.quiet_start), _minutes(prefs.quiet_end), _minutes(t)
    if start == end:
        return False
    if start < end:
        return start < m < end
    return m > start or m < end


def out_of_quiet(t: time, prefs: ReminderPrefs) -> time:
    """``t`` moved to the nearest edge of the quiet hours when it falls inside them."""
    if not in_quiet_hours(t, prefs):
        return t
    start, end, m = _minutes(prefs.quiet_start), _minutes(prefs.quiet_end), _minutes(t)
    since_start = (m - start) % 1440
    until_end = (end - m) % 1440
    return prefs.quiet_start if since_start < until_end else prefs.quiet_end


def _at(day: date, t: time, tz: ZoneInfo) -> datetime:
    """Local wall time on ``day`` as a UTC instant (a time skipped by DST moves forward)."""
    local = datetime.combine(day, t, tzinfo=tz)
    return local.astimezone(UTC)


def shift_out_of_quiet(instant: datetime, prefs: ReminderPrefs, tz: ZoneInfo) -> datetime:
    """An instant moved out of the quiet hours (to the nearest edge), in UTC."""
    local = instant.astimezone(tz)
    t = local.time().replace(second=0, microsecond=0)
    if not in_quiet_hours(t, prefs):
        return instant
    edge = out_of_quiet(t, prefs)
    day = local.date()
    if edge == prefs.quiet_start and t < edge:
        day -= timedelta(days=1)
    elif edge == prefs.quiet_end and t > edge:
        day += timedelta(days=1)
    return _at(day, edge, tz)


def _slot_time(code: TimeOfDay, prefs: ReminderPrefs) -> list[time]:
    meals = [prefs.morning, prefs.noon, prefs.evening]
    table: dict[TimeOfDay, list[time]] = {
        TimeOfDay.MORNING: [prefs.morning],
        TimeOfDay.BREAKFAST: [prefs.morning],
        TimeOfDay.NOON: [prefs.noon],
        TimeOfDay.LUNCH: [prefs.noon],
        TimeOfDay.AFTERNOON: [time(16, 0)],
        TimeOfDay.EVENING: [prefs.evening],
        TimeOfDay.DINNER: [prefs.evening],
        TimeOfDay.BEDTIME: [prefs.bedtime],
        TimeOfDay.MEAL: meals,
        TimeOfDay.BEFORE_MEAL: meals,
        TimeOfDay.AFTER_MEAL: meals,
    }
    return table[code]


def _default_times(n: int, prefs: ReminderPrefs) -> list[time]:
    table = {
        1: [prefs.morning],
        2: [prefs.morning, prefs.evening],
        3: [prefs.morning, prefs.noon, prefs.evening],
        4: [prefs.morning, prefs.noon, prefs.evening, prefs.bedtime],
    }
    if n in table:
        return table[n]
    first, last = _minutes(prefs.morning), _minutes(prefs.bedtime)
    step = (last - first) / (n - 1)
    return [time(*divmod(round(first + k * step), 60)) for k in range(n)]


def _fingerprint(medication: Medication, profile: UserProfile) -> str:
    payload = json.dumps(
        [
            medication.posology.model_dump(mode="json"),
            str(medication.start_date),
            str(medication.authored_on),
            str(medication.end_date),
            medication.status.value,
            medication.med_status.value,
            profile.reminders.model_dump(mode="json"),
            profile.timezone,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _dose_text(posology: Posology) -> str | None:
    if posology.dose is None:
        return None
    value = f"{posology.dose.value:g}"
    return f"{value} {posology.dose.unit}" if posology.dose.unit else value


def intake_rule(
    medication: Medication, profile: UserProfile, today: date, start: date | None = None
) -> IntakeRule | None:
    """The intake schedule of a medication, or None ('si besoin', nothing schedulable).

    The course starts on the medication's start date, else ``start`` (the first plan's start
    when re-planning), else ``today``.
    """
    p = medication.posology
    prefs = profile.reminders
    if p.as_needed:
        return None
    interval = p.interval_hours
    if interval is None and p.period_unit == PeriodUnit.HOUR and p.period:
        interval = p.period / (p.frequency or 1)
    every_days, weekdays = 1, []
    times: list[time] = []
    if p.when:
        times = sorted({t for code in p.when for t in _slot_time(code, prefs)})
    if interval and interval <= 24 and 24 % interval == 0:
        if not times:
            base = _minutes(prefs.morning)
            times = [
                time(*divmod(int((base + k * interval * 60) % 1440), 60))
                for k in range(int(24 // interval))
            ]
        interval = None
    elif interval and interval % 24 == 0:
        every_days = round(interval / 24)
        interval = None
    unit = p.period_unit or PeriodUnit.DAY
    if unit == PeriodUnit.WEEK or p.days_of_week:
        weekdays = sorted(
            {WEEKDAYS.index(d[:3].lower()) for d in p.days_of_week if d[:3].lower() in WEEKDAYS}
        )
        if not weekdays:
            weekdays = [(medication.start_date or start or today).weekday()]
        every_days = 1
        times = times or _default_times(1, prefs)
    elif unit == PeriodUnit.DAY and p.period and p.period > 1:
        every_days = round(p.period)
        times = times or _default_times(p.frequency or 1, prefs)
    elif unit in (PeriodUnit.MONTH, PeriodUnit.YEAR):
        every_days = 30 if unit == PeriodUnit.MONTH else 365
        every_days = round(every_days * (p.period or 1))
        times = times or _default_times(1, prefs)
    if not times and interval is None:
        if p.frequency is None:
            return None
        times = _default_times(p.frequency, prefs)
    shifted = sorted({out_of_quiet(t, prefs) for t in times})
    total = None
    per_day = _per_day(len(shifted), interval, every_days, len(weekdays))
    if p.duration is not None:
        total = max(1, round(p.duration.days * per_day))
    elif medication.end_date is not None:
        first = medication.start_date or start or today
        total = max(1, round(((medication.end_date - first).days + 1) * per_day))
    return IntakeRule(
        fp=_fingerprint(medication, profile),
        times=[t.strftime("%H:%M") for t in shifted] if interval is None else [],
        interval_hours=interval,
        every_days=every_days,
        weekdays=weekdays,
        start=medication.start_date or start or today,
        total=total,
        dose=_dose_text(p),
    )


def _per_day(n_times: int, interval: float | None, every_days: int, n_weekdays: int) -> float:
    if interval:
        return 24 / interval
    if n_weekdays:
        return n_times * n_weekdays / 7
    return n_times / every_days


def _instants(rule: IntakeRule, profile: UserProfile, start: datetime) -> Iterator[datetime]:
    """Every due instant of the rule from ``start`` on (UTC, increasing, unbounded)."""
    tz = zone(profile)
    prefs = profile.reminders
    if rule.interval_hours:
        instant = _at(rule.start, prefs.morning, tz)
        step = timedelta(hours=rule.interval_hours)
        while True:
            if instant >= start:
                yield shift_out_of_quiet(instant, prefs, tz)
            instant += step
    times = [time.fromisoformat(t) for t in rule.times]
    day = rule.start
    while True:
        ok = (day - rule.start).days % rule.every_days == 0
        if rule.weekdays:
            ok = day.weekday() in rule.weekdays
        if ok:
            for t in times:
                instant = _at(day, t, tz)
                if instant >= start:
                    yield instant
        day += timedelta(days=1)


def _start_instant(rule: IntakeRule, profile: UserProfile, now: datetime) -> datetime:
    local_today = now.astimezone(zone(profile)).date()
    if rule.start >= local_today:
        begin = _at(rule.start, time(0, 0), zone(profile))
        return max(begin, now)
    return _at(rule.start, time(0, 0), zone(profile))


def intake_occurrences(
    reminder: Reminder,
    rule: IntakeRule,
    profile: UserProfile,
    now: datetime,
    *,
    after: datetime | None = None,
) -> list[Occurrence]:
    """Occurrences of an intake rule due after ``now`` (or after ``after`` when extending).

    With a total (a duration), the rule's first ``total`` instants from its start are the course;
    only those still ahead are returned. Without one, up to ``now + CHRONIC_HORIZON``.
    """
    begin = rule.begin or _start_instant(rule, profile, now)
    horizon_end = now + CHRONIC_HORIZON
    out: list[Occurrence] = []
    for index, instant in enumerate(_instants(rule, profile, begin)):
        if rule.total is not None and index >= rule.total:
            break
        if rule.total is None and instant > horizon_end:
            break
        if instant < now or (after is not None and instant <= after):
            continue
        out.append(Occurrence(reminder_id=reminder.id, due_at=instant))
    return out


def _noon_on(day: date, profile: UserProfile) -> datetime:
    return _at(day, out_of_quiet(profile.reminders.noon, profile.reminders), zone(profile))


def _next_daytime(profile: UserProfile, now: datetime) -> datetime:
    """``now`` if it is outside quiet hours, else the end of the quiet hours that follows."""
    prefs = profile.reminders
    tz = zone(profile)
    local = now.astimezone(tz)
    if not in_quiet_hours(local.time(), prefs):
        return now
    day = local.date()
    if local.time() > prefs.quiet_end:
        day += timedelta(days=1)
    return _at(day, prefs.quiet_end, tz)


def renewal_plan(
    medication: Medication, profile: UserProfile, now: datetime, fingerprint: str
) -> Plan:
    """Renewal / end-of-supply reminders, or a periodic check for a chronic treatment.

    With a QSP (supply duration) and renewals, a reminder comes ``RENEWAL_NOTICE_DAYS`` days
    before each supply runs out; a long treatment with a duration gets one before its end; a
    treatment with neither (chronic) gets a check every ``CHRONIC_CHECK_EVERY``.
    """
    p = medication.posology
    today = now.astimezone(zone(profile)).date()
    start = medication.start_date or medication.authored_on or today
    plan = Plan()
    if p.as_needed:
        return plan
    days: list[tuple[str, date, date]] = []  # (phase, reminder day, end of supply/treatment)
    if p.supply_duration is not None:
        supply = p.supply_duration.days
        periods = 1 + (p.renewals or 0)
        for k in range(periods):
            end = start + timedelta(days=round(supply * (k + 1)))
            phase = "renew" if k < periods - 1 else "prescription_end"
            notice = min(RENEWAL_NOTICE_DAYS, max(1, round(supply / 4)))
            days.append((phase, end - timedelta(days=notice), end))
    elif p.duration is not None and p.duration.days >= LONG_TREATMENT_DAYS:
        end = start + timedelta(days=round(p.duration.days))
        days.append(("treatment_end", end - timedelta(days=RENEWAL_NOTICE_DAYS), end))
    elif p.duration is None and medication.end_date is None:
        reminder = Reminder(
            kind=ReminderKind.RENEWAL,
            subject_id=medication.id,
            label=medication.name,
            rule=json.dumps({"v": RULE_VERSION, "fp": fingerprint, "phase": "check"}),
        )
        plan.reminders.append(reminder)
        plan.occurrences.append(
            Occurrence(
                reminder_id=reminder.id, due_at=_noon_on(today + CHRONIC_CHECK_EVERY, profile)
            )
        )
        return plan
    for phase, day, end in days:
        due = _noon_on(day, profile)
        if due < now:
            continue
        rule = {"v": RULE_VERSION, "fp": fingerprint, "phase": phase, "on": str(end)}
        reminder = Reminder(
            kind=ReminderKind.RENEWAL,
            subject_id=medication.id,
            label=medication.name,
            rule=json.dumps(rule),
        )
        plan.reminders.append(reminder)
        plan.occurrences.append(Occurrence(reminder_id=reminder.id, due_at=due))
    return plan


def plan_medication(
    medication: Medication,
    profile: UserProfile,
    now: datetime,
    *,
    start: date | None = None,
    begin: datetime | None = None,
) -> Plan:
    """Intake and renewal reminders for one confirmed, active medication (empty otherwise).

    ``start`` and ``begin`` are the course's first day and first instant when re-planning (the
    earlier plan's), so changing reminder hours does not restart a 7-day course.
    """
    plan = Plan()
    if medication.status != RecordStatus.CONFIRMED:
        return plan
    if medication.med_status != MedicationStatus.ACTIVE:
        return plan
    today = now.astimezone(zone(profile)).date()
    if medication.end_date is not None and medication.end_date < today:
        return plan
    fingerprint = _fingerprint(medication, profile)
    rule = intake_rule(medication, profile, today, start)
    if rule is not None:
        first = begin if begin is not None and medication.start_date is None else None
        rule = rule.model_copy(update={"begin": first or _start_instant(rule, profile, now)})
        reminder = Reminder(
            kind=ReminderKind.INTAKE,
            subject_id=medication.id,
            label=medication.name,
            rule=rule.model_dump_json(),
        )
        occurrences = intake_occurrences(reminder, rule, profile, now)
        if occurrences or rule.total is None:
            plan.reminders.append(reminder)
            plan.occurrences.extend(occurrences)
    plan.extend(renewal_plan(medication, profile, now, fingerprint))
    return plan


def parse_rule(reminder: Reminder) -> dict[str, Any]:
    """The JSON rule of a reminder ({} when absent or not JSON)."""
    if not reminder.rule:
        return {}
    try:
        value = json.loads(reminder.rule)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def extend(
    reminder: Reminder, profile: UserProfile, last_due: datetime | None, now: datetime
) -> list[Occurrence]:
    """More occurrences for an open-ended reminder once fewer than a few days are planned.

    Intake rules without an end get a rolling ``CHRONIC_HORIZON``; a chronic check gets its next
    check; everything else returns nothing.
    """
    if not reminder.active:
        return []
    data = parse_rule(reminder)
    if reminder.kind == ReminderKind.INTAKE and "fp" in data:
        rule = IntakeRule.model_validate(data)
        if rule.total is not None:
            return []
        if last_due is not None and last_due - now > EXTEND_WHEN_LEFT:
            return []
        return intake_occurrences(reminder, rule, profile, now, after=last_due)
    if reminder.kind == ReminderKind.RENEWAL and data.get("phase") == "check":
        if last_due is not None and last_due > now:
            return []
        today = now.astimezone(zone(profile)).date()
        return [
            Occurrence(
                reminder_id=reminder.id, due_at=_noon_on(today + CHRONIC_CHECK_EVERY, profile)
            )
        ]
    if reminder.kind == ReminderKind.SUMMARY:
        if last_due is not None and last_due > now:
            return []
        return [Occurrence(reminder_id=reminder.id, due_at=next_summary_time(profile, now))]
    if reminder.rule == PREVENTION_CHECK:
        if last_due is not None and last_due > now:
            return []
        today = now.astimezone(zone(profile)).date()
        return [
            Occurrence(
                reminder_id=reminder.id, due_at=_noon_on(today + PREVENTION_CHECK_EVERY, profile)
            )
        ]
    return []


def next_summary_time(profile: UserProfile, now: datetime) -> datetime:
    """Next Sunday at the user's evening hour (the weekly adherence summary)."""
    tz = zone(profile)
    local = now.astimezone(tz)
    day = local.date() + timedelta(days=(6 - local.weekday()) % 7)
    due = _at(day, out_of_quiet(profile.reminders.evening, profile.reminders), tz)
    if due <= now:
        due = _at(
            day + timedelta(days=7), out_of_quiet(profile.reminders.evening, profile.reminders), tz
        )
    return due


def plan_follow_up(
    label: str,
    profile: UserProfile,
    now: datetime,
    *,
    days: int = 0,
    weeks: int = 0,
    months: int = 0,
) -> Plan:
    """A follow-up the user asked for ("refaire une prise de sang dans 3 mois"), at local noon."""
    today = now.astimezone(zone(profile)).date()
    target = add_months(today, months) + timedelta(days=days, weeks=weeks)
    reminder = Reminder(
        kind=ReminderKind.FOLLOW_UP,
        label=label,
        rule=json.dumps({"v": RULE_VERSION, "on": str(target)}),
    )
    return Plan(
        reminders=[reminder],
        occurrences=[Occurrence(reminder_id=reminder.id, due_at=_noon_on(target, profile))],
    )


def prevention_key(item: DueItem) -> str:
    """The rule text identifying one offer of a calendar item (offered once per cycle)."""
    return f"prevention:{item.cycle_key}"


def plan_preventions(
    items: Iterable[DueItem], profile: UserProfile, existing: Sequence[Reminder], now: datetime
) -> Plan:
    """One offer per due or overdue calendar item never offered before (by ``prevention_key``)."""
    plan = Plan()
    if not profile.reminders.prevention:
        return plan
    known = {r.rule for r in existing}
    when = _next_daytime(profile, now)
    for item in items:
        if item.status == DueStatus.UPCOMING:
            continue
        key = prevention_key(item)
        if key in known:
            continue
        kind = ReminderKind.VACCINATION if item.kind == "vaccination" else ReminderKind.SCREENING
        reminder = Reminder(kind=kind, label=item.label, rule=key)
        plan.reminders.append(reminder)
        plan.occurrences.append(Occurrence(reminder_id=reminder.id, due_at=when))
        known.add(key)
    return plan


def plan_summary(profile: UserProfile, existing: Sequence[Reminder], now: datetime) -> Plan:
    """The weekly adherence summary reminder, once, when there are intake reminders."""
    has_intake = any(r.kind == ReminderKind.INTAKE and r.active for r in existing)
    has_summary = any(r.kind == ReminderKind.SUMMARY and r.active for r in existing)
    if not has_intake or has_summary:
        return Plan()
    reminder = Reminder(kind=ReminderKind.SUMMARY, label="adherence", rule="weekly")
    return Plan(
        reminders=[reminder],
        occurrences=[Occurrence(reminder_id=reminder.id, due_at=next_summary_time(profile, now))],
    )


def save_plan(vault: Vault, plan: Plan) -> None:
    """Write a plan's reminders and occurrences through the vault."""
    for reminder in plan.reminders:
        vault.save_reminder(reminder)
    if plan.occurrences:
        vault.save_occurrences(plan.occurrences)


def sync(vault: Vault, now: datetime) -> Plan:
    """Bring medication reminders in line with the confirmed records; returns what was added.

    A medication whose posology, dates or the user's hours changed gets new reminders and its
    old ones are deactivated (kept for the adherence history); a stopped or deleted medication's
    reminders are deactivated. Unchanged medications are left alone, so calling this is cheap
    and idempotent.
    """
    profile = vault.get_profile()
    medications = {m.id: m for m in vault.records(Medication)}
    existing = vault.list_reminders()
    added = Plan()
    current: dict[str, set[str]] = {}
    starts: dict[str, date] = {}
    begins: dict[str, datetime] = {}
    for reminder in existing:
        if (
            reminder.subject_id
            and reminder.active
            and reminder.kind
            in (
                ReminderKind.INTAKE,
                ReminderKind.RENEWAL,
            )
        ):
            rule = parse_rule(reminder)
            current.setdefault(reminder.subject_id, set()).add(str(rule.get("fp")))
            if reminder.kind == ReminderKind.INTAKE and "start" in rule:
                starts[reminder.subject_id] = date.fromisoformat(rule["start"])
                if rule.get("begin"):
                    begins[reminder.subject_id] = datetime.fromisoformat(rule["begin"])
    for medication in medications.values():
        fp = _fingerprint(medication, profile)
        if current.get(medication.id) == {fp}:
            continue
        plan = plan_medication(
            medication,
            profile,
            now,
            start=starts.get(medication.id),
            begin=begins.get(medication.id),
        )
        if medication.id in current:
            _deactivate(vault, existing, medication.id)
        elif not plan.reminders:
            continue
        added.extend(plan)
    for subject in set(current) - set(medications):
        _deactivate(vault, existing, subject)
    save_plan(vault, added)
    summary = plan_summary(profile, [*existing, *added.reminders], now)
    save_plan(vault, summary)
    added.extend(summary)
    return added


def _deactivate(vault: Vault, reminders: Sequence[Reminder], subject_id: str) -> None:
    for reminder in reminders:
        if reminder.subject_id == subject_id and reminder.active:
            vault.save_reminder(reminder.model_copy(update={"active": False}))
