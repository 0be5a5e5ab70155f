"""Conditions and medical history."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from store.records.common import ClinicalRecord


class Condition(ClinicalRecord):
    """A condition or history entry (``diabète de type 2``, ``asthme``)."""

    name: str
    normalized_name: str | None = None
    onset: date | None = None
    resolved: date | None = None
    risk_groups: list[str] = Field(default_factory=list)
