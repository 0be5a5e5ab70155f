"""Planning reminders: local hours across DST, quiet hours, renewals, follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.reminders.calendar import due_preventions
from bot.reminders.planner import (
    IntakeRule,
    extend,
    in_quiet_hours,
    next_summary_time,
    out_of_quiet,
    plan_follow_up,
    plan_medication,
    plan_preventions,
    sync,
)
from store.records import (
    Duration,
    Medication,
    MedicationStatus,
    Posology,
    Quantity,
    RecordStatus,
    ReminderKind,
    ReminderPrefs,
    Sex,
    TimeOfDay,
    UserProfile,
)

PARIS = ZoneInfo("Europe/Paris")
# Friday 27 March 2026, 07:00 in Paris; clocks go forward on Sunday 29 March.
BEFORE_DST = datetime(2026, 3, 27, 6, 0, tzinfo=UTC)


def med(posology: Posology, **kw) -> Medication:
    return Medication(name="Amoxicilline", status=RecordStatus.CONFIRMED, posology=posology, **kw)


def local(occurrences) -> list[datetime]:
    return [o.due_at.astimezone(PARIS) for o in occurrences]


def intakes(plan):
    ids = {r.id for r in plan.reminders if r.kind == ReminderKind.INTAKE}
    return [o for o in plan.occurrences if o.reminder_id in ids]


def test_morning_and_evening_for_7_days_is_14_reminders_at_local_hours_across_dst():
    posology = Posology(
        frequency=2,
        when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
        duration=Duration(value=7, unit="d"),
        dose=Quantity(value=1, unit="comprimé"),
    )
    plan = plan_medication(med(posology), UserProfile(), BEFORE_DST)
    due = intakes(plan)
    assert len(due) == 14
    times = local(due)
    assert {(t.hour, t.minute) for t in times} == {(8, 0), (19, 30)}
    assert [t.date() for t in times[::2]] == [
        date(2026, 3, 27) + timedelta(days=i) for i in range(7)
    ]
    # The same wall-clock time is one hour earlier in UTC after the change.
    assert due[0].due_at.hour == 7 and due[-2].due_at.hour == 6
    assert all(o.due_at.tzinfo is not None for o in due)
    assert len({o.id for o in due}) == 14
    assert '"dose":"1 comprimé"' in plan.reminders[0].rule


def test_course_started_today_after_the_morning_dose_still_has_all_its_doses():
    late = datetime(2026, 3, 27, 13, 0, tzinfo=UTC)
    posology = Posology(
        when=[TimeOfDay.MORNING, TimeOfDay.EVENING], duration=Duration(value=7, unit="d")
    )
    due = local(intakes(plan_medication(med(posology), UserProfile(), late)))
    assert len(due) == 14
    assert (due[0].day, due[0].hour) == (27, 19) and (due[-1].day, due[-1].hour) == (3, 8)


def test_course_started_days_ago_keeps_only_what_is_left():
    posology = Posology(frequency=1, duration=Duration(value=10, unit="d"))
    due = intakes(
        plan_medication(med(posology, start_date=date(2026, 3, 20)), UserProfile(), BEFORE_DST)
    )
    # 20 → 29 March: 27, 28, 29 remain (at 08:00).
    assert [t.day for t in local(due)] == [27, 28, 29]


def test_user_hours_are_used():
    profile = UserProfile(
        reminders=ReminderPrefs(morning=time(6, 45), evening=time(20, 15), quiet_end=time(6, 30))
    )
    posology = Posology(
        when=[TimeOfDay.MORNING, TimeOfDay.EVENING], duration=Duration(value=1, unit="d")
    )
    due = local(
        intakes(plan_medication(med(posology), profile, datetime(2026, 3, 26, 23, 0, tzinfo=UTC)))
    )
    assert [(t.hour, t.minute) for t in due] == [(6, 45), (20, 15)]


def test_every_8_hours_never_at_night():
    posology = Posology(interval_hours=8, duration=Duration(value=2, unit="d"))
    due = local(intakes(plan_medication(med(posology), UserProfile(), BEFORE_DST)))
    assert len(due) == 6
    # 08:00, 16:00 and midnight → moved to the start of the quiet hours (22:30).
    assert sorted({(t.hour, t.minute) for t in due}) == [(8, 0), (16, 0), (22, 30)]
    assert not any(in_quiet_hours(t.time(), ReminderPrefs()) for t in due)


def test_every_36_hours_walks_real_time_and_shifts_out_of_quiet_hours():
    posology = Posology(interval_hours=36, duration=Duration(value=6, unit="d"))
    due = local(intakes(plan_medication(med(posology), UserProfile(), BEFORE_DST)))
    assert len(due) == 4
    assert all(not in_quiet_hours(t.time(), ReminderPrefs()) for t in due)


def test_quiet_hours_shift_to_the_nearest_edge():
    prefs = ReminderPrefs()
    assert out_of_quiet(time(3, 0), prefs) == time(7, 30)
    assert out_of_quiet(time(23, 30), prefs) == time(22, 30)
    assert out_of_quiet(time(12, 0), prefs) == time(12, 0)
    late_bed = UserProfile(reminders=ReminderPrefs(bedtime=time(23, 45)))
    posology = Posology(when=[TimeOfDay.BEDTIME], duration=Duration(value=2, unit="d"))
    due = local(intakes(plan_medication(med(posology), late_bed, BEFORE_DST)))
    assert [(t.hour, t.minute) for t in due] == [(22, 30), (22, 30)]


def test_weekly_schedule_on_given_weekdays():
    posology = Posology(
        frequency=1,
        period=1,
        period_unit="wk",
        days_of_week=["mon", "thu"],
        duration=Duration(value=4, unit="wk"),
    )
    due = local(intakes(plan_medication(med(posology), UserProfile(), BEFORE_DST)))
    assert len(due) == 8
    assert {t.weekday() for t in due} == {0, 3}
    assert all((t.hour, t.minute) == (8, 0) for t in due)


def test_once_a_week_defaults_to_the_start_weekday():
    posology = Posology(
        frequency=1, period=1, period_unit="wk", duration=Duration(value=3, unit="wk")
    )
    due = local(
        intakes(
            plan_medication(med(posology, start_date=date(2026, 3, 30)), UserProfile(), BEFORE_DST)
        )
    )
    assert [t.date() for t in due] == [date(2026, 3, 30), date(2026, 4, 6), date(2026, 4, 13)]


def test_as_needed_gets_no_reminder():
    posology = Posology(as_needed=True, frequency=3, max_per_day=Quantity(value=3, unit="g"))
    assert plan_medication(med(posology), UserProfile(), BEFORE_DST).reminders == []


def test_unconfirmed_or_stopped_medication_gets_nothing():
    posology = Posology(frequency=1, duration=Duration(value=5, unit="d"))
    proposed = Medication(name="X", posology=posology)
    stopped = med(posology, med_status=MedicationStatus.STOPPED)
    assert plan_medication(proposed, UserProfile(), BEFORE_DST).occurrences == []
    assert plan_medication(stopped, UserProfile(), BEFORE_DST).occurrences == []


def test_renewal_reminders_before_each_supply_runs_out():
    posology = Posology(frequency=1, supply_duration=Duration(value=1, unit="mo"), renewals=2)
    medication = med(posology, start_date=date(2026, 3, 20))
    plan = plan_medication(medication, UserProfile(), BEFORE_DST)
    renewals = [r for r in plan.reminders if r.kind == ReminderKind.RENEWAL]
    days = sorted(
        o.due_at.astimezone(PARIS).date()
        for o in plan.occurrences
        if o.reminder_id in {r.id for r in renewals}
    )
    # Supplies end 19 April, 19 May, 18 June: reminders 5 days before each.
    assert days == [date(2026, 4, 14), date(2026, 5, 14), date(2026, 6, 13)]
    assert ['"phase": "renew"' in r.rule for r in renewals].count(True) == 2
    assert '"phase": "prescription_end"' in renewals[-1].rule


def test_long_treatment_with_duration_gets_an_end_reminder_short_course_none():
    long = plan_medication(
        med(Posology(frequency=1, duration=Duration(value=3, unit="mo"))),
        UserProfile(),
        BEFORE_DST,
    )
    ends = [r for r in long.reminders if r.kind == ReminderKind.RENEWAL]
    assert len(ends) == 1 and "treatment_end" in ends[0].rule
    short = plan_medication(
        med(Posology(frequency=1, duration=Duration(value=7, unit="d"))), UserProfile(), BEFORE_DST
    )
    assert not [r for r in short.reminders if r.kind == ReminderKind.RENEWAL]


def test_chronic_treatment_rolls_forward_and_is_checked_periodically():
    profile = UserProfile()
    plan = plan_medication(med(Posology(frequency=1)), profile, BEFORE_DST)
    intake = next(r for r in plan.reminders if r.kind == ReminderKind.INTAKE)
    check = next(r for r in plan.reminders if r.kind == ReminderKind.RENEWAL)
    assert "check" in check.rule
    first = [o for o in plan.occurrences if o.reminder_id == intake.id]
    assert len(first) == 15  # 14 days ahead, today included
    later = BEFORE_DST + timedelta(days=11)
    more = extend(intake, profile, first[-1].due_at, later)
    assert more and min(o.due_at for o in more) > first[-1].due_at
    assert extend(intake, profile, first[-1].due_at, BEFORE_DST) == []
    assert IntakeRule.model_validate_json(intake.rule).total is None


def test_follow_up_in_three_months_at_local_noon():
    plan = plan_follow_up("prise de sang", UserProfile(), BEFORE_DST, months=3)
    (occurrence,) = plan.occurrences
    when = occurrence.due_at.astimezone(PARIS)
    assert when.date() == date(2026, 6, 27) and (when.hour, when.minute) == (12, 30)
    assert plan.reminders[0].kind == ReminderKind.FOLLOW_UP


def test_prevention_reminders_are_offered_once():
    profile = UserProfile(birth_year=1960, sex=Sex.FEMALE)
    items = due_preventions(profile, [], [], date(2026, 11, 28))
    now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # 03:00 in Paris: the offer waits for morning
    plan = plan_preventions(items, profile, [], now)
    assert {r.label for r in plan.reminders} >= {"influenza", "shingles", "breast_screening"}
    assert all(o.due_at.astimezone(PARIS).time() == time(7, 30) for o in plan.occurrences)
    late = plan_preventions(items, profile, [], datetime(2026, 11, 28, 22, 0, tzinfo=UTC))
    assert {o.due_at for o in late.occurrences} == {datetime(2026, 11, 29, 6, 30, tzinfo=UTC)}
    again = plan_preventions(items, profile, plan.reminders, now + timedelta(days=1))
    assert again.reminders == []
    off = profile.model_copy(update={"reminders": ReminderPrefs(prevention=False)})
    assert plan_preventions(items, off, [], now).reminders == []


def test_weekly_summary_is_on_sunday_evening():
    due = next_summary_time(UserProfile(), BEFORE_DST).astimezone(PARIS)
    assert due.date() == date(2026, 3, 29) and (due.hour, due.minute) == (19, 30)


def test_sync_is_idempotent_and_replans_a_changed_posology(store):
    now = BEFORE_DST
    posology = Posology(
        when=[TimeOfDay.MORNING, TimeOfDay.EVENING], duration=Duration(value=7, unit="d")
    )
    medication = med(posology)
    with store.vault(42) as vault:
        vault.save(medication)
        added = sync(vault, now)
        assert len(intakes(added)) == 14
    with store.vault(42) as vault:
        assert sync(vault, now).reminders == []
        changed = medication.model_copy(
            update={"posology": posology.model_copy(update={"when": [TimeOfDay.MORNING]})}
        )
        vault.save(changed)
        replanned = sync(vault, now)
        assert len(intakes(replanned)) == 7
        reminders = vault.list_reminders()
        active = [r for r in reminders if r.kind == ReminderKind.INTAKE and r.active]
        assert len(active) == 1
        # Stopping the treatment deactivates its reminders.
        vault.save(changed.model_copy(update={"med_status": MedicationStatus.STOPPED}))
        sync(vault, now)
        assert not [
            r for r in vault.list_reminders() if r.kind == ReminderKind.INTAKE and r.active
        ]


def test_changing_reminder_hours_mid_course_keeps_the_remaining_doses(store):
    posology = Posology(
        when=[TimeOfDay.MORNING, TimeOfDay.EVENING], duration=Duration(value=7, unit="d")
    )
    started = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # first dose Friday evening
    with store.vault(42) as vault:
        vault.save(med(posology))
        first = intakes(sync(vault, started))
        assert len(first) == 14
        # On Sunday at noon four doses are past; the user moves the evening hour to 21:00.
        later = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
        profile = vault.get_profile()
        prefs = profile.reminders.model_copy(update={"evening": time(21, 0)})
        vault.save_profile(profile.model_copy(update={"reminders": prefs}))
        replanned = local(intakes(sync(vault, later)))
    assert len(replanned) == 10
    assert (replanned[0].day, replanned[0].hour) == (29, 21)
    assert (replanned[-1].day, replanned[-1].hour) == (3, 8)  # same last dose as planned


def test_autumn_change_and_another_timezone():
    posology = Posology(
        when=[TimeOfDay.MORNING, TimeOfDay.EVENING], duration=Duration(value=7, unit="d")
    )
    # Clocks go back on Sunday 25 October 2026 in Paris.
    autumn = datetime(2026, 10, 23, 5, 0, tzinfo=UTC)
    due = local(intakes(plan_medication(med(posology), UserProfile(), autumn)))
    assert len(due) == 14 and {(t.hour, t.minute) for t in due} == {(8, 0), (19, 30)}
    montreal = ZoneInfo("America/Toronto")
    profile = UserProfile(timezone="America/Toronto")
    # North America moves on 8 March 2026.
    march = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    there = [
        o.due_at.astimezone(montreal)
        for o in intakes(plan_medication(med(posology), profile, march))
    ]
    assert len(there) == 14 and {(t.hour, t.minute) for t in there} == {(8, 0), (19, 30)}
    assert len({t.utcoffset() for t in there}) == 2
