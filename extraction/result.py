"""What extraction proposes: records (not yet facts) with provenance and confidence."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from store.records import (
    Allergy,
    DocumentKind,
    LabResult,
    Medication,
    Vaccination,
)


class InputFile(BaseModel):
    """One file handed to extraction: its name (for messages and FHIR), bytes, optional type."""

    model_config = ConfigDict(frozen=True)

    name: str
    data: bytes
    media_type: str | None = None


class ExtractedDocument(BaseModel):
    """One document (possibly several pages or files) and the records read from it.

    Every record's ``provenance.document_id`` is ``document_id``; records whose fields are unsure
    carry ``needs_confirmation`` flags. ``warnings`` are stable codes (``low_resolution``,
    ``low_confidence``, ``no_medical_content``).
    """

    document_id: str
    source_name: str
    kind: DocumentKind = DocumentKind.OTHER
    kind_confidence: float = 0.0
    document_date: date | None = None
    prescriber: str | None = None
    page_count: int = 1
    text: str = ""
    text_source: str = "ocr"
    ocr_confidence: float | None = None
    medications: list[Medication] = Field(default_factory=list)
    lab_results: list[LabResult] = Field(default_factory=list)
    vaccinations: list[Vaccination] = Field(default_factory=list)
    allergies: list[Allergy] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def item_count(self) -> int:
        """How many medical items were found."""
        return (
            len(self.medications)
            + len(self.lab_results)
            + len(self.vaccinations)
            + len(self.allergies)
        )

    @property
    def needs_confirmation(self) -> bool:
        """Whether any item has a field to ask back."""
        items = [*self.medications, *self.lab_results, *self.vaccinations, *self.allergies]
        return any(item.needs_confirmation for item in items)
