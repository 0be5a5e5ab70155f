"""Reminders and their occurrences."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from store.records.common import Model, new_id


class ReminderKind(StrEnum):
    """What a reminder is about."""

    INTAKE = "intake"
    RENEWAL = "renewal"
    VACCINATION = "vaccination"
    SCREENING = "screening"
    FOLLOW_UP = "follow_up"
    SUMMARY = "summary"


class Reminder(Model):
    """A reminder rule for one profile: what, about which record, active or paused."""

    id: str = Field(default_factory=new_id)
    kind: ReminderKind
    subject_id: str | None = None
    label: str
    rule: str | None = None
    active: bool = True
    paused_until: datetime | None = None


class OccurrenceAnswer(StrEnum):
    """What the user answered to an occurrence."""

    TAKEN = "taken"
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    MISSED = "missed"


class Occurrence(Model):
    """One due instance of a reminder. ``due_at`` is UTC; it stays in clear for scheduling."""

    id: str = Field(default_factory=new_id)
    reminder_id: str
    due_at: datetime
    sent_at: datetime | None = None
    answer: OccurrenceAnswer | None = None
    answered_at: datetime | None = None
