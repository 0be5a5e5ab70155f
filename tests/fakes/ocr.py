"""Fake extraction for dialogue tests: scripted documents, or a crash, without OCR.

In the spirit of OCRmyPDF's ``tesseract_noop``/``tesseract_crash``: dialogue tests need a
document "read" instantly and deterministically; extraction itself is tested with real Tesseract.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from extraction.errors import OcrFailed
from extraction.options import ExtractionOptions
from extraction.result import ExtractedDocument, InputFile
from store.records import (
    DocumentKind,
    Duration,
    FieldFlag,
    Interpretation,
    LabResult,
    Medication,
    PeriodUnit,
    Posology,
    Quantity,
    ReferenceRange,
    TimeOfDay,
    Vaccination,
)


def prescription(
    *names: str, day: date = date(2026, 3, 3), prescriber: str = "Dr Claire Martin"
) -> ExtractedDocument:
    """A prescription with one line per name (1 tablet morning and evening for 30 days)."""
    meds = [
        Medication(
            name=name,
            posology=Posology(
                text="1 comprimé matin et soir pendant 30 jours",
                dose=Quantity(value=1, unit="comprimé"),
                when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
                duration=Duration(value=30, unit=PeriodUnit.DAY),
            ),
        )
        for name in names
    ]
    return ExtractedDocument(
        document_id="x",
        source_name="ordonnance.jpg",
        kind=DocumentKind.PRESCRIPTION,
        kind_confidence=0.95,
        document_date=day,
        prescriber=prescriber,
        text="ORDONNANCE",
        medications=meds,
    )


def uncertain_prescription() -> ExtractedDocument:
    """A prescription whose dose was read with low confidence."""
    doc = prescription("Doliprane 1000 mg")
    med = doc.medications[0].model_copy(
        update={
            "needs_confirmation": [
                FieldFlag(field="dose", reason="low_confidence", value="1 cp", confidence=0.4)
            ]
        }
    )
    return doc.model_copy(update={"medications": [med]})


def lab_report(day: date = date(2026, 2, 20), glucose: float = 1.32) -> ExtractedDocument:
    """A lab report: glucose (high) and potassium (normal)."""
    return ExtractedDocument(
        document_id="x",
        source_name="bilan.pdf",
        kind=DocumentKind.LAB_REPORT,
        document_date=day,
        text="BILAN",
        lab_results=[
            LabResult(
                name="Glycémie à jeun",
                value=glucose,
                unit="g/L",
                reference_range=ReferenceRange(low=0.7, high=1.1),
                interpretation=Interpretation.HIGH if glucose > 1.1 else Interpretation.NORMAL,
            ),
            LabResult(
                name="Potassium",
                value=4.1,
                unit="mmol/L",
                reference_range=ReferenceRange(low=3.5, high=5.0),
            ),
        ],
    )


def vaccination_record() -> ExtractedDocument:
    """A vaccination certificate with one flu shot."""
    return ExtractedDocument(
        document_id="x",
        source_name="vaccin.jpg",
        kind=DocumentKind.VACCINATION_RECORD,
        document_date=date(2025, 10, 15),
        text="VACCINATION",
        vaccinations=[
            Vaccination(product="Vaxigrip Tetra", date=date(2025, 10, 15), lot_number="AB123")
        ],
    )


class ScriptedExtractor:
    """Returns the queued documents in order (the last one again when the queue is empty)."""

    def __init__(self, *documents: ExtractedDocument) -> None:
        self.queue = list(documents)
        self.calls: list[list[InputFile]] = []

    def push(self, document: ExtractedDocument) -> None:
        """Queue the next document to return."""
        self.queue.append(document)

    def __call__(self, files: list[InputFile], options: ExtractionOptions) -> ExtractedDocument:
        """Pretend to read ``files``."""
        self.calls.append(files)
        if len(self.queue) > 1:
            return self.queue.pop(0)
        return self.queue[0]


def crashing_extractor() -> Callable[[list[InputFile], ExtractionOptions], ExtractedDocument]:
    """An extractor whose OCR engine always fails."""

    def extract(files: list[InputFile], options: ExtractionOptions) -> ExtractedDocument:
        raise OcrFailed("tesseract crashed")

    return extract
