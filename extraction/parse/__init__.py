"""Parsers: read pages -> proposed records (prescriptions, lab results, vaccinations, allergies).

``parse_document`` is the entry point the pipeline calls; ``parse_text`` serves pasted text. The
single-purpose functions (posology, dates, reference lookups) are reused by the conversation.
"""

from __future__ import annotations

from extraction.classify import classify
from extraction.options import ExtractionOptions
from extraction.parse.allergy import parse_allergies
from extraction.parse.dates import parse_date
from extraction.parse.document import ParsedDocument
from extraction.parse.lab import find_sampling_date, parse_lab_report
from extraction.parse.lines import lines_of
from extraction.parse.posology import parse_posology
from extraction.parse.prescription import (
    find_document_date,
    find_prescriber,
    find_signed_date,
    parse_prescription,
)
from extraction.parse.vaccination import parse_vaccinations
from extraction.reference import (
    DrugMatch,
    LabTestMatch,
    VaccineMatch,
    drug_class_of,
    lookup_drug,
    lookup_lab_test,
    lookup_vaccine,
)
from extraction.text import ReadPage, TextLine
from store.records import DocumentKind

__all__ = [
    "DrugMatch",
    "LabTestMatch",
    "ParsedDocument",
    "VaccineMatch",
    "drug_class_of",
    "lookup_drug",
    "lookup_lab_test",
    "lookup_vaccine",
    "parse_date",
    "parse_document",
    "parse_posology",
    "parse_text",
]

_MAX_LINES = 2000
_MAX_LINE_LENGTH = 1000


def parse_document(
    pages: list[ReadPage], document_id: str, options: ExtractionOptions
) -> ParsedDocument:
    """Classify a document and read its items, each with provenance and confidence flags.

    Args:
        pages: the document's pages as read (text layer or OCR), in order.
        document_id: written into every record's provenance.
        options: ``confidence_threshold`` (flag fields below it) and ``fuzzy_threshold``.
    """
    lines = [line for line in lines_of(pages) if len(line.text) <= _MAX_LINE_LENGTH][:_MAX_LINES]
    text = "\n".join(line.text for line in lines)
    prescriber = find_prescriber(lines)
    written_date = find_document_date(lines)
    sampling_date = find_sampling_date(lines)
    medications = parse_prescription(lines, document_id, options, written_date, prescriber)
    labs = parse_lab_report(lines, document_id, options, sampling_date)
    vaccinations = parse_vaccinations(lines, document_id, options)
    counts = {
        DocumentKind.PRESCRIPTION: len(medications),
        DocumentKind.LAB_REPORT: len(labs),
        DocumentKind.VACCINATION_RECORD: len(vaccinations),
    }
    verdict = classify(text, counts)
    doc = ParsedDocument(kind=verdict.kind, kind_confidence=verdict.confidence)
    if verdict.kind == DocumentKind.OTHER:
        doc.document_date = written_date
        doc.warnings.append("no_medical_content")
        return doc
    doc.allergies = parse_allergies(lines, document_id, options)
    if verdict.kind == DocumentKind.PRESCRIPTION:
        doc.medications = medications
        doc.document_date, doc.prescriber = written_date, prescriber
    elif verdict.kind == DocumentKind.LAB_REPORT:
        doc.lab_results = labs
        doc.document_date = sampling_date or written_date
        doc.prescriber = prescriber
    else:
        doc.vaccinations = parse_vaccinations(lines, document_id, options, keep_unknown=True)
        item_lines = {v.provenance.source_text for v in doc.vaccinations}
        doc.document_date = find_signed_date([ln for ln in lines if ln.text not in item_lines])
        doc.prescriber = prescriber
    items = [*doc.medications, *doc.lab_results, *doc.vaccinations, *doc.allergies]
    if not items:
        doc.warnings.append("no_medical_content")
    elif any(item.needs_confirmation for item in items):
        doc.warnings.append("low_confidence")
    return doc


def parse_text(text: str, document_id: str, options: ExtractionOptions) -> ParsedDocument:
    """Parse pasted text (one page, no boxes, full confidence)."""
    lines = [TextLine(text=line, page=1) for line in text.splitlines() if line.strip()]
    return parse_document([ReadPage(number=1, lines=lines, source="text")], document_id, options)
