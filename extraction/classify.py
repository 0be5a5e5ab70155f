"""Document kind from its words and the items found: prescription, lab report, vaccination, other.

Each kind scores the cue words it owns (``ordonnance``, ``QSP``, ``Refills`` for prescriptions;
``prélevé le``, ``valeurs de référence``, lab units for lab reports; ``vaccin``, ``lot``, brands
for vaccination records) plus the items its parser found. Under a minimum score the document is
``other``: an invoice or a letter yields no medical item.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from extraction.reference.folding import fold
from store.records import DocumentKind

_CUES: dict[DocumentKind, list[tuple[re.Pattern[str], float, int]]] = {
    DocumentKind.PRESCRIPTION: [
        (re.compile(r"\bordonnance\b"), 3, 1),
        (re.compile(r"^\s*rx\s*$", re.MULTILINE), 3, 1),
        (re.compile(r"\bsig\s*:"), 2, 2),
        (re.compile(r"\brefills?\s*:"), 2, 2),
        (re.compile(r"\bqsp\b|\bq\.s\.p\b"), 2, 2),
        (re.compile(r"\ba renouveler\b|\brenouvelable\b"), 2, 2),
        (re.compile(r"\bposologie\b"), 2, 1),
        (re.compile(r"\brpps\b"), 1, 1),
        (
            re.compile(
                r"\b(?:comprimes?|gelules?|cp|sachets?|tablets?|capsules?|bouffees?|puffs?)"
                r"\b"
            ),
            1,
            4,
        ),
        (
            re.compile(
                r"\b(?:matin|soir|coucher|par jour|fois par jour|daily|twice|"
                r"times a day|pendant \d+ jours|for \d+ days)\b"
            ),
            1,
            4,
        ),
    ],
    DocumentKind.LAB_REPORT: [
        (re.compile(r"\blaboratoire\b|\blaboratory\b|\blbm\b"), 2, 1),
        (re.compile(r"\bbiologi"), 2, 1),
        (re.compile(r"\bpreleve\b|\bprelevement\b|\bcollected\b|\bspecimen\b"), 3, 1),
        (re.compile(r"\bvaleurs? de reference\b|\breference range\b|\bnormes?\b"), 3, 1),
        (re.compile(r"\banteriorites?\b|\bprevious\b"), 2, 1),
        (
            re.compile(
                r"\bhematologie\b|\bbiochimie\b|\bhaematology\b|\bhematology\b|"
                r"\bchemistry\b|\bnumeration\b"
            ),
            2,
            2,
        ),
        (
            re.compile(
                r"(?:mmol|µmol|pmol|ui|mui|ng|pg|µg|mg)/(?:l|ml|dl)\b|\bg/dl\b|\bg/l\b|\bfl\b"
            ),
            1,
            6,
        ),
    ],
    DocumentKind.VACCINATION_RECORD: [
        (re.compile(r"\bvaccin"), 3, 2),
        (re.compile(r"\bimmuni[sz]ation\b"), 3, 1),
        (re.compile(r"\bcertificat de vaccination\b|\bcertificate of vaccination\b"), 4, 1),
        (re.compile(r"\blot\b|\bbatch\b"), 1, 2),
    ],
}
_ITEM_WEIGHT = {
    DocumentKind.PRESCRIPTION: 3.0,
    DocumentKind.LAB_REPORT: 2.0,
    DocumentKind.VACCINATION_RECORD: 3.0,
}
MINIMUM_SCORE = 5.0


class Classification(BaseModel):
    """The kind chosen, how sure (0-1), and every kind's score."""

    model_config = ConfigDict(frozen=True)

    kind: DocumentKind
    confidence: float
    scores: dict[str, float]


def classify(text: str, item_counts: dict[DocumentKind, int] | None = None) -> Classification:
    """Classify a document from its text and, when known, how many items each parser found.

    Args:
        text: the document's text (all pages).
        item_counts: medications, lab results and vaccinations found, by the kind they suit.
    """
    work = "\n".join(fold(line).lower() for line in text.splitlines())
    counts = item_counts or {}
    scores: dict[DocumentKind, float] = {}
    for kind, cues in _CUES.items():
        score = 0.0
        for pattern, weight, cap in cues:
            score += weight * min(cap, len(pattern.findall(work)))
        score += _ITEM_WEIGHT[kind] * min(counts.get(kind, 0), 6)
        scores[kind] = score
    best = max(scores, key=lambda k: scores[k])
    top = scores[best]
    named = {k.value: v for k, v in scores.items()}
    if top < MINIMUM_SCORE or (counts and counts.get(best, 0) == 0 and top < 2 * MINIMUM_SCORE):
        confidence = max(0.5, 1.0 - top / (2 * MINIMUM_SCORE))
        return Classification(
            kind=DocumentKind.OTHER, confidence=round(confidence, 3), scores=named
        )
    runner_up = max((v for k, v in scores.items() if k != best), default=0.0)
    confidence = min(1.0, 0.5 + (top - runner_up) / (2 * top) + min(top, 30) / 60)
    return Classification(kind=best, confidence=round(min(confidence, 1.0), 3), scores=named)
