"""Medications and their posology."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from store.records.common import ClinicalRecord, Coding, Model, Quantity


class TimeOfDay(StrEnum):
    """FHIR EventTiming codes used by French posologies (matin, midi, soir, coucher)."""

    MORNING = "MORN"
    NOON = "NOON"
    AFTERNOON = "AFT"
    EVENING = "EVE"
    BEDTIME = "HS"
    MEAL = "C"
    BEFORE_MEAL = "AC"
    AFTER_MEAL = "PC"
    BREAKFAST = "CM"
    LUNCH = "CD"
    DINNER = "CV"


class PeriodUnit(StrEnum):
    """UCUM units of time used in FHIR Timing."""

    HOUR = "h"
    DAY = "d"
    WEEK = "wk"
    MONTH = "mo"
    YEAR = "a"


class Duration(Model):
    """A duration as written: ``7 d``, ``3 mo``. ``days`` is the normalised length."""

    value: float
    unit: PeriodUnit

    @property
    def days(self) -> float:
        """Length in days (a month counts 30 days, as French prescriptions do)."""
        factor = {"h": 1 / 24, "d": 1, "wk": 7, "mo": 30, "a": 365}[self.unit.value]
        return self.value * factor


class Posology(Model):
    """How a medication is taken.

    ``frequency`` intakes per ``period`` ``period_unit`` (``1 cp matin et soir`` is frequency 2 per
    1 d, ``when`` = [MORN, EVE]); ``interval_hours`` for ``toutes les 8 heures``.
    ``duration`` is how long to take it; ``supply_duration`` is a ``QSP`` (quantity for) duration.
    """

    text: str | None = None
    dose: Quantity | None = None
    frequency: int | None = None
    period: float | None = None
    period_unit: PeriodUnit | None = None
    when: list[TimeOfDay] = Field(default_factory=list)
    interval_hours: float | None = None
    days_of_week: list[str] = Field(default_factory=list)
    duration: Duration | None = None
    supply_duration: Duration | None = None
    as_needed: bool = False
    as_needed_reason: str | None = None
    max_per_day: Quantity | None = None
    route: str | None = None
    renewals: int | None = None

    @property
    def intakes_per_day(self) -> float | None:
        """Intakes per day when it can be known (None for 'si besoin' without a schedule)."""
        if self.interval_hours:
            return 24 / self.interval_hours
        if self.frequency is None:
            return float(len(self.when)) if self.when else None
        factor = {"h": 24, "d": 1, "wk": 1 / 7, "mo": 1 / 30, "a": 1 / 365}
        unit = (self.period_unit or PeriodUnit.DAY).value
        return self.frequency / (self.period or 1) * factor[unit]


class MedicationStatus(StrEnum):
    """Whether a treatment is being taken."""

    ACTIVE = "active"
    FINISHED = "finished"
    STOPPED = "stopped"


class Medication(ClinicalRecord):
    """A medication as prescribed or declared by the user."""

    name: str
    normalized_name: str | None = None
    substances: list[str] = Field(default_factory=list)
    strength: str | None = None
    form: str | None = None
    codings: list[Coding] = Field(default_factory=list)
    posology: Posology = Field(default_factory=Posology)
    prescriber: str | None = None
    authored_on: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    med_status: MedicationStatus = MedicationStatus.ACTIVE
    reason: str | None = None

    @property
    def atc(self) -> str | None:
        """The ATC code when known."""
        return next((c.code for c in self.codings if c.system == "ATC"), None)
