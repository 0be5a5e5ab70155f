"""Allergies and intolerances."""

from __future__ import annotations

from enum import StrEnum

from store.records.common import ClinicalRecord


class AllergyKind(StrEnum):
    """Allergy (immune) or intolerance."""

    ALLERGY = "allergy"
    INTOLERANCE = "intolerance"


class Allergy(ClinicalRecord):
    """An allergy or intolerance: the substance as said and, when known, its drug class."""

    substance: str
    normalized_substance: str | None = None
    drug_class: str | None = None
    kind: AllergyKind = AllergyKind.ALLERGY
    reaction: str | None = None
