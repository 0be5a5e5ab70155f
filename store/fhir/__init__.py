"""The only package importing fhir.resources (R4B, wire-compatible with R4 for these resources).

Public surface: FHIR Bundles of extracted documents and of a whole record, reading them back, and
the export archive.
"""

from store.fhir.archive import ArchiveLimits, ImportReport, export_archive, import_archive
from store.fhir.bundle import (
    BundleContent,
    DocumentGroup,
    ExtractedDocumentLike,
    extraction_bundle,
    read_bundle,
    records_bundle,
)
from store.fhir.errors import ArchiveInvalid, ArchiveTooLarge, BundleInvalid

__all__ = [
    "ArchiveInvalid",
    "ArchiveLimits",
    "ArchiveTooLarge",
    "BundleContent",
    "BundleInvalid",
    "DocumentGroup",
    "ExtractedDocumentLike",
    "ImportReport",
    "export_archive",
    "extraction_bundle",
    "import_archive",
    "read_bundle",
    "records_bundle",
]
