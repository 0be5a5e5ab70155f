"""The user profile: language, timezone, what the calendar needs, consent."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from pydantic import Field

from store.records.common import Model, new_id


class Sex(StrEnum):
    """Sex as needed by the vaccination and screening calendar."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class Language(StrEnum):
    """Languages carnet speaks."""

    FR = "fr"
    EN = "en"


class Consent(Model):
    """Explicit consent to store health data, with when it was given."""

    given: bool = False
    at: datetime | None = None
    version: str = "1"


class ReminderPrefs(Model):
    """Local hours mapped to times of day, quiet hours, and whether reminders are on."""

    morning: time = time(8, 0)
    noon: time = time(12, 30)
    evening: time = time(19, 30)
    bedtime: time = time(22, 0)
    quiet_start: time = time(22, 30)
    quiet_end: time = time(7, 30)
    enabled: bool = True
    prevention: bool = True


class UserProfile(Model):
    """One person's profile. A Telegram account may hold several (a parent and a child)."""

    id: str = Field(default_factory=new_id)
    display_name: str | None = None
    language: Language | None = None
    language_chosen: bool = False
    timezone: str = "Europe/Paris"
    birth_year: int | None = None
    sex: Sex | None = None
    consent: Consent = Field(default_factory=Consent)
    reminders: ReminderPrefs = Field(default_factory=ReminderPrefs)
    onboarded: bool = False
