"""Upcoming reminders of the next days, in the user's timezone."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine.answers.common import bullet
from bot.engine.clock import zone_of
from bot.engine.onboarding import describe_hours
from bot.engine.replies import Button, Reply, Text
from bot.i18n import Translator
from bot.reminders.messages import reminder_title
from bot.reminders.planner import PREVENTION_CHECK
from store.records import Occurrence, Reminder, UserProfile


def upcoming(
    reminders: list[Reminder],
    occurrences: list[Occurrence],
    profile: UserProfile,
    tr: Translator,
    now: datetime,
) -> list[Reply]:
    """The next occurrences (7 days), then the settings with buttons to change them."""
    zone = zone_of(profile.timezone)
    by_id = {r.id: r for r in reminders if r.active and r.rule != PREVENTION_CHECK}
    soon = sorted(
        (
            o
            for o in occurrences
            if o.reminder_id in by_id
            and o.sent_at is None
            and now <= o.due_at <= now + timedelta(days=7)
        ),
        key=lambda o: o.due_at,
    )
    lines = []
    for occurrence in soon[:15]:
        local = occurrence.due_at.astimezone(zone)
        lines.append(
            bullet(
                f"{tr.date(local.date())} {local.strftime('%H:%M')} — "
                f"{reminder_title(tr, by_id[occurrence.reminder_id])}"
            )
        )
    text = (
        (tr("reminders.header", n=len(soon)) + "\n" + "\n".join(lines))
        if lines
        else tr("reminders.none", n=len(by_id))
    )
    prefs = profile.reminders
    state = tr("reminders.on" if prefs.enabled else "reminders.off")
    settings = tr(
        "reminders.settings", hours=describe_hours(tr, prefs), state=state, zone=profile.timezone
    )
    toggle = Button(
        label=tr("reminders.turn_off" if prefs.enabled else "reminders.turn_on"),
        data="rem:off" if prefs.enabled else "rem:on",
    )
    return [
        Text(text=text),
        Text(
            text=settings,
            buttons=[
                [Button(label=tr("reminders.change_hours"), data="rem:hours"), toggle],
                [Button(label=tr("reminders.week_button"), data="rem:week")],
            ],
        ),
    ]
