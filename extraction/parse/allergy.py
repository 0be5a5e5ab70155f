"""Allergies written on documents: "Allergie : pénicilline", "Allergies: penicillin, aspirin".

=========================================  ====================================
written                                    read as
=========================================  ====================================
``Allergie : pénicilline``                 one allergy, substance pénicilline
``Allergies : aspirine, iode``             two allergies
``Allergic to: sulfonamides``              one allergy
``Intolérance : lactose``                  one intolerance
``Allergies: none``, ``Aucune allergie``   nothing
``Allergies : NKDA``, ``RAS``              nothing
=========================================  ====================================

The substance is kept as written; ``drug_class`` is filled from the drug reference when known.
"""

from __future__ import annotations

import re

from extraction.options import ExtractionOptions
from extraction.parse.lines import Line, flag, provenance
from extraction.reference.drugs import drug_class_of, lookup_drug
from store.records import Allergy, AllergyKind

_STATEMENT = re.compile(
    r"^\s*(?:(?P<allergy>allergies?|allergic to|allergique (?:a|à|aux?)|known allergies)|"
    r"(?P<intolerance>intol[ée]rances?))\s*(?:connues?|known)?\s*[:=-]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_NONE = re.compile(
    r"^\s*(?:none|no(?:ne)? known|nil|nkda|nka|aucune?|pas d'allergie|ras|n[ée]ant|0|-|non)\b",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:,|;|/|\bet\b|\band\b|\+)\s*", re.IGNORECASE)


def parse_allergies(
    lines: list[Line], document_id: str, options: ExtractionOptions
) -> list[Allergy]:
    """Every allergy or intolerance stated on a line of the document."""
    found: list[Allergy] = []
    for line in lines:
        match = _STATEMENT.match(line.text)
        if not match:
            continue
        rest = match.group("rest").strip(" .")
        if not rest or _NONE.match(rest):
            continue
        kind = AllergyKind.INTOLERANCE if match.group("intolerance") else AllergyKind.ALLERGY
        for part in _SEPARATORS.split(rest):
            substance = part.strip(" .()")
            if not substance or _NONE.match(substance) or len(substance) < 2:
                continue
            drug = lookup_drug(substance, options.fuzzy_threshold)
            classes = drug_class_of(substance)
            start = line.text.find(substance)
            confidence = (
                line.span_confidence(start, start + len(substance))
                if start >= 0
                else line.confidence
            )
            allergy = Allergy(
                substance=substance,
                normalized_substance=drug.name if drug else None,
                drug_class=classes[0] if classes else None,
                kind=kind,
                provenance=provenance(document_id, [line], confidence=confidence),
            )
            if confidence < options.confidence_threshold:
                allergy.needs_confirmation = [
                    flag("substance", "low_confidence", substance, confidence)
                ]
            found.append(allergy)
    return found
