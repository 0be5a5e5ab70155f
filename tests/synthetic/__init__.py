"""Deterministic synthetic medical documents (prescriptions, lab reports, vaccination records,
non-medical pages) rendered as text PDF, scanned PDF, clean image, phone photo and Telegram photo
(on request also the phone photo as HEIC and WebP files), each with its ground truth. Fake people
only: no real patient data."""

from tests.synthetic.corpus import build_document, generate_corpus
from tests.synthetic.truth import (
    ALL_RENDERINGS,
    EXTRA_RENDERINGS,
    KINDS,
    RENDERINGS,
    DocumentTruth,
    ExpectedAllergy,
    ExpectedLab,
    ExpectedMedication,
    ExpectedVaccination,
    load_corpus,
)

__all__ = [
    "ALL_RENDERINGS",
    "EXTRA_RENDERINGS",
    "KINDS",
    "RENDERINGS",
    "DocumentTruth",
    "ExpectedAllergy",
    "ExpectedLab",
    "ExpectedMedication",
    "ExpectedVaccination",
    "build_document",
    "generate_corpus",
    "load_corpus",
]
