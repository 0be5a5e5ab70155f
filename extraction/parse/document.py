"""ParsedDocument: what the parsers found in one document's text, before the pipeline wraps it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from store.records import Allergy, DocumentKind, LabResult, Medication, Vaccination


class ParsedDocument(BaseModel):
    """Kind, date, prescriber and proposed records read from a document's pages.

    Every record is ``PROPOSED``, carries a Provenance (document, page, line box, confidence,
    source line) and ``needs_confirmation`` flags for unsure fields. ``warnings`` are stable codes.
    """

    kind: DocumentKind = DocumentKind.OTHER
    kind_confidence: float = 0.0
    document_date: date | None = None
    prescriber: str | None = None
    medications: list[Medication] = Field(default_factory=list)
    lab_results: list[LabResult] = Field(default_factory=list)
    vaccinations: list[Vaccination] = Field(default_factory=list)
    allergies: list[Allergy] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
