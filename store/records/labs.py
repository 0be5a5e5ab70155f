"""Laboratory results."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from store.records.common import ClinicalRecord, Coding, Model


class Interpretation(StrEnum):
    """FHIR v3 ObservationInterpretation subset."""

    HIGH = "H"
    LOW = "L"
    NORMAL = "N"
    ABNORMAL = "A"


class ReferenceRange(Model):
    """A reference range as printed (``3,5 - 5,1``, ``< 1,90``, ``> 60``)."""

    low: float | None = None
    high: float | None = None
    text: str | None = None


class LabResult(ClinicalRecord):
    """One lab test value."""

    name: str
    normalized_name: str | None = None
    loinc: str | None = None
    codings: list[Coding] = Field(default_factory=list)
    value: float | None = None
    value_text: str | None = None
    unit: str | None = None
    reference_range: ReferenceRange | None = None
    interpretation: Interpretation | None = None
    effective_date: date | None = None
