"""Vaccinations."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from store.records.common import ClinicalRecord, Coding


class Vaccination(ClinicalRecord):
    """A vaccine dose given."""

    product: str
    normalized_name: str | None = None
    diseases: list[str] = Field(default_factory=list)
    codings: list[Coding] = Field(default_factory=list)
    date: dt.date | None = None
    lot_number: str | None = None
    dose_number: int | None = None
