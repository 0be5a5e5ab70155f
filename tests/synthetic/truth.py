"""Ground truth written beside each synthetic document: what a perfect extraction returns."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

KINDS = ("prescription", "lab_report", "vaccination_record", "other")
RENDERINGS = ("text_pdf", "scan_pdf", "image", "photo", "telegram")
#: Made only when asked for: the phone photo saved as HEIC (an iPhone's default) and as WebP,
#: both sent as files.
EXTRA_RENDERINGS = ("heic", "webp")
ALL_RENDERINGS = RENDERINGS + EXTRA_RENDERINGS


class Truth(BaseModel):
    """Base of ground-truth models: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


class ExpectedMedication(Truth):
    """A prescribed product and its posology, as a perfect reader would structure it.

    ``intakes_per_day`` is None for "si besoin" without a schedule; ``duration_days`` counts a
    month as 30 days; ``supply_days`` is a QSP; ``renewals`` is None when none is written.
    """

    name: str
    line: str
    posology: str
    strength: str | None = None
    form: str | None = None
    dose: float | None = None
    dose_unit: str | None = None
    intakes_per_day: float | None = None
    when: list[str] = Field(default_factory=list)
    interval_hours: float | None = None
    duration_days: float | None = None
    supply_days: float | None = None
    as_needed: bool = False
    max_per_day: float | None = None
    renewals: int | None = None


class ExpectedLab(Truth):
    """One lab test: the current value only (never the previous-results column)."""

    name: str
    canonical: str
    loinc: str | None = None
    value: float
    value_text: str
    unit: str
    low: float | None = None
    high: float | None = None
    range_text: str
    flag: str = "N"
    previous_value: float | None = None
    page: int = 1


class ExpectedVaccination(Truth):
    """One vaccine dose: brand as written, date, lot."""

    vaccine: str
    date: dt.date
    lot: str | None = None


class ExpectedAllergy(Truth):
    """An allergy stated on the document."""

    substance: str


class DocumentTruth(Truth):
    """Everything known about one synthetic document, and the files rendered from it."""

    id: str
    kind: str
    subtype: str
    language: str
    layout: str
    seed: int
    date: dt.date | None = None
    prescriber: str | None = None
    pages: int = 1
    font: str
    font_size: float
    medications: list[ExpectedMedication] = Field(default_factory=list)
    lab_results: list[ExpectedLab] = Field(default_factory=list)
    vaccinations: list[ExpectedVaccination] = Field(default_factory=list)
    allergies: list[ExpectedAllergy] = Field(default_factory=list)
    files: dict[str, list[str]] = Field(default_factory=dict)
    text: list[str] = Field(default_factory=list)

    @property
    def item_count(self) -> int:
        """How many medical items the document holds."""
        return (
            len(self.medications)
            + len(self.lab_results)
            + len(self.vaccinations)
            + len(self.allergies)
        )


class Manifest(Truth):
    """The corpus index: parameters and one entry per document (its folder name)."""

    seed: int
    n_per_kind: int
    renderings: list[str]
    documents: list[str]


def write_json(path: Path, model: BaseModel) -> None:
    """Write a model as stable, pretty JSON."""
    data = model.model_dump(mode="json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")


def load_corpus(root: Path) -> list[tuple[Path, DocumentTruth]]:
    """Read a generated corpus: each document's folder and its ground truth, in manifest order."""
    manifest = Manifest.model_validate_json((root / "manifest.json").read_text("utf-8"))
    out = []
    for name in manifest.documents:
        folder = root / name
        truth = DocumentTruth.model_validate_json((folder / "truth.json").read_text("utf-8"))
        out.append((folder, truth))
    return out


class Draft(BaseModel):
    """What a document builder produces before rendering: the truth items and the document date."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    writer: Any
    date: dt.date | None = None
    prescriber: str | None = None
    medications: list[ExpectedMedication] = Field(default_factory=list)
    lab_results: list[ExpectedLab] = Field(default_factory=list)
    vaccinations: list[ExpectedVaccination] = Field(default_factory=list)
    allergies: list[ExpectedAllergy] = Field(default_factory=list)
