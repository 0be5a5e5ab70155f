"""Prevention offers and follow-ups for one profile: calendar items turned into reminders.

``sync_preventions`` is what the engine calls after onboarding, a new vaccination or condition,
and now and then (weekly): each calendar item due or overdue is offered once (one reminder per
rule cycle); "done" on an offer records the date, which the calendar then uses as the last
screening or check-up. ``schedule_follow_up`` stores what the user asked for ("rappelle-moi de
refaire une prise de sang dans 3 mois").
"""

from __future__ import annotations

from datetime import date, datetime

from bot.reminders.calendar import DueItem, due_preventions
from bot.reminders.planner import (
    PREVENTION_CHECK,
    Plan,
    extend,
    plan_follow_up,
    plan_preventions,
    save_plan,
    zone,
)
from store.records import Condition, OccurrenceAnswer, Reminder, ReminderKind, Vaccination
from store.vault import Vault

PREVENTION_PREFIX = "prevention:"


def rule_of(reminder: Reminder) -> str | None:
    """The calendar rule id a prevention reminder was made for (None for other reminders)."""
    if not reminder.rule or not reminder.rule.startswith(PREVENTION_PREFIX):
        return None
    return reminder.rule.removeprefix(PREVENTION_PREFIX).split(":", 1)[0]


def screening_history(vault: Vault) -> dict[str, date]:
    """Last date each screening or check-up rule was answered "done", by rule id."""
    reminders = {
        r.id: rule
        for r in vault.list_reminders()
        if r.kind in (ReminderKind.SCREENING, ReminderKind.VACCINATION)
        and (rule := rule_of(r)) is not None
    }
    if not reminders:
        return {}
    done: dict[str, date] = {}
    for occurrence in vault.list_occurrences():
        rule = reminders.get(occurrence.reminder_id)
        if rule is None or occurrence.answer != OccurrenceAnswer.TAKEN:
            continue
        when = (occurrence.answered_at or occurrence.due_at).date()
        if rule not in done or when > done[rule]:
            done[rule] = when
    return done


def due_for(vault: Vault, now: datetime) -> list[DueItem]:
    """The calendar items due, overdue or upcoming for the vault's profile today (local)."""
    profile = vault.get_profile()
    today = now.astimezone(zone(profile)).date()
    return due_preventions(
        profile,
        vault.records(Vaccination),
        vault.records(Condition),
        today,
        screenings=screening_history(vault),
    )


def sync_preventions(vault: Vault, now: datetime) -> Plan:
    """Offer (once each) the calendar items now due; returns what was added.

    Also makes sure the profile has its silent weekly calendar check, so offers keep coming as
    seasons open and ages are reached without the engine calling this again.
    """
    profile = vault.get_profile()
    existing = vault.list_reminders()
    plan = plan_preventions(due_for(vault, now), profile, existing, now)
    if not any(r.rule == PREVENTION_CHECK and r.active for r in existing):
        check = Reminder(
            kind=ReminderKind.SCREENING, label="prevention_check", rule=PREVENTION_CHECK
        )
        plan.reminders.append(check)
        plan.occurrences.extend(extend(check, profile, None, now))
    save_plan(vault, plan)
    return plan


def schedule_follow_up(
    vault: Vault,
    label: str,
    now: datetime,
    *,
    days: int = 0,
    weeks: int = 0,
    months: int = 0,
) -> Reminder:
    """Store a follow-up reminder at local noon after the given delay; returns it."""
    plan = plan_follow_up(label, vault.get_profile(), now, days=days, weeks=weeks, months=months)
    save_plan(vault, plan)
    return plan.reminders[0]
