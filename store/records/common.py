"""Shared value types of the record kernel: ids, provenance, quantities, codings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


def new_id() -> str:
    """A random record id (UUID4 hex): never derived from content, so it reveals nothing."""
    return uuid.uuid4().hex


class Model(BaseModel):
    """Base of every record: strict about unknown fields so typos fail loudly."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Box(Model):
    """A rectangle on a page, in pixels of the page image that was read (x, y top-left)."""

    x: int
    y: int
    width: int
    height: int


class Provenance(Model):
    """Where a value came from and how sure carnet is about it.

    ``document_id`` is None for things the user typed or said. ``confidence`` is in [0, 1].
    """

    document_id: str | None = None
    page: int | None = None
    box: Box | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    source_text: str | None = None


class Quantity(Model):
    """A value with a UCUM-ish unit as written (``mg``, ``g/L``, ``comprimé``)."""

    value: float
    unit: str | None = None


class Coding(Model):
    """A code in a terminology: ATC, LOINC, CIS, SNOMED, CVX…"""

    system: str
    code: str
    display: str | None = None


class Period(Model):
    """A date interval; either end may be open."""

    start: date | None = None
    end: date | None = None


class FieldFlag(Model):
    """A field the extraction is unsure about, to be asked back before storage."""

    field: str
    reason: str
    value: str | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)


class RecordStatus(StrEnum):
    """Whether a clinical record is a proposal awaiting confirmation or a stored fact."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"


class ClinicalRecord(Model):
    """Common fields of every clinical record: id, source, confidence, uncertain fields."""

    id: str = Field(default_factory=new_id)
    provenance: Provenance = Field(default_factory=Provenance)
    needs_confirmation: list[FieldFlag] = Field(default_factory=list)
    status: RecordStatus = RecordStatus.PROPOSED
    recorded_at: datetime | None = None
