"""Reminder messages: localised text and buttons whose callback data names the occurrence only.

Every user-facing string comes from the i18n catalogues (keys ``reminders.*``); this module only
picks keys and fills in values. Callback data is ``rem:<action>:<occurrence id>`` (at most 38
bytes, far below Telegram's 64): no label, no health data travels in a button.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.engine.replies import Button, Text
from bot.reminders.planner import parse_rule, zone
from store.records import OccurrenceAnswer, Reminder, ReminderKind, UserProfile

CALLBACK_PREFIX = "rem"
ACTIONS: dict[str, OccurrenceAnswer | None] = {
    "t": OccurrenceAnswer.TAKEN,
    "l": OccurrenceAnswer.SNOOZED,
    "s": OccurrenceAnswer.SKIPPED,
    "x": None,
}

# How far "later" pushes a reminder, by kind: a dose is for today, a vaccine can wait a month.
SNOOZE: dict[ReminderKind, timedelta] = {
    ReminderKind.INTAKE: timedelta(minutes=30),
    ReminderKind.RENEWAL: timedelta(days=1),
    ReminderKind.FOLLOW_UP: timedelta(days=1),
    ReminderKind.VACCINATION: timedelta(days=30),
    ReminderKind.SCREENING: timedelta(days=30),
    ReminderKind.SUMMARY: timedelta(days=1),
}


class Messages(Protocol):
    """The translator's shape (``bot.i18n.Translator``): a key and values to text."""

    def __call__(self, key: str, **values: object) -> str:
        """The message ``key`` with ``values`` substituted."""
        ...


TranslatorFactory = Callable[[str | None], Messages]


def default_translators(language: str | None) -> Messages:
    """The i18n translator for ``language`` (imported late: the catalogues are optional here)."""
    from bot.i18n import translator

    return translator(language)


def callback_data(action: str, occurrence_id: str) -> str:
    """The payload of a reminder button."""
    return f"{CALLBACK_PREFIX}:{action}:{occurrence_id}"


def parse_callback(data: str) -> tuple[str, str] | None:
    """``(action, occurrence_id)`` from a reminder button's payload, None if it is not one."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != CALLBACK_PREFIX or parts[1] not in ACTIONS:
        return None
    if not parts[2] or not parts[2].isalnum():
        return None
    return parts[1], parts[2]


def _buttons(t: Messages, kind: ReminderKind, occurrence_id: str) -> list[list[Button]]:
    if kind == ReminderKind.SUMMARY:
        return []
    prefix = "intake" if kind == ReminderKind.INTAKE else "other"
    row = [
        Button(
            label=t(f"reminders.button.{prefix}.taken"), data=callback_data("t", occurrence_id)
        ),
        Button(
            label=t(f"reminders.button.{prefix}.later"), data=callback_data("l", occurrence_id)
        ),
        Button(label=t(f"reminders.button.{prefix}.skip"), data=callback_data("s", occurrence_id)),
    ]
    stop = [Button(label=t("reminders.button.stop"), data=callback_data("x", occurrence_id))]
    return [row, stop]


def _day(iso: object) -> str:
    """``dd/mm/yyyy`` from an ISO date (as French and British readers write it)."""
    try:
        return date.fromisoformat(str(iso)).strftime("%d/%m/%Y")
    except ValueError:
        return ""


def local_time(profile: UserProfile, at: datetime) -> str:
    """``HH:MM`` in the profile's timezone."""
    return at.astimezone(zone(profile)).strftime("%H:%M")


def reminder_text(t: Messages, reminder: Reminder, profile: UserProfile, due_at: datetime) -> str:
    """The text of one reminder (intake, renewal, prevention, follow-up)."""
    rule = parse_rule(reminder)
    if reminder.kind == ReminderKind.INTAKE:
        dose = rule.get("dose")
        key = "reminders.intake.dose" if dose else "reminders.intake"
        return t(key, name=reminder.label, dose=dose or "", time=local_time(profile, due_at))
    if reminder.kind == ReminderKind.RENEWAL:
        phase = rule.get("phase", "renew")
        return t(f"reminders.renewal.{phase}", name=reminder.label, date=_day(rule.get("on")))
    if reminder.kind in (ReminderKind.VACCINATION, ReminderKind.SCREENING):
        return t("reminders.prevention." + reminder.label)
    if reminder.kind == ReminderKind.FOLLOW_UP:
        return t("reminders.follow_up", what=reminder.label)
    return t("reminders.generic", what=reminder.label)


def reminder_message(
    t: Messages, reminder: Reminder, profile: UserProfile, occurrence_id: str, due_at: datetime
) -> Text:
    """The message for one occurrence, with taken/later/skip and stop buttons."""
    return Text(
        text=reminder_text(t, reminder, profile, due_at),
        buttons=_buttons(t, reminder.kind, occurrence_id),
    )


def reminder_title(t: Messages, reminder: Reminder) -> str:
    """A short name for listing a reminder ("Amoxicilline", "grippe", "dépistage du sein")."""
    if reminder.kind == ReminderKind.VACCINATION:
        from bot.reminders.calendar import load_calendar

        slug = next((r.vaccine for r in load_calendar().rules if r.label == reminder.label), None)
        return t(f"vaccine.{slug or 'unknown'}")
    if reminder.kind == ReminderKind.SCREENING:
        return t(f"reminders.title.{reminder.label}")
    if reminder.kind == ReminderKind.SUMMARY:
        return t("reminders.title.summary")
    return reminder.label


def missed_summary(
    t: Messages, profile: UserProfile, missed: Sequence[tuple[Reminder, datetime]]
) -> Text:
    """One message for intake reminders that could not be sent in time (after downtime)."""
    lines = [t("reminders.missed.title", count=len(missed))]
    for reminder, due_at in sorted(missed, key=lambda m: m[1]):
        lines.append(
            t("reminders.missed.line", name=reminder.label, time=local_time(profile, due_at))
        )
    lines.append(t("reminders.missed.footer"))
    return Text(text="\n".join(lines))
