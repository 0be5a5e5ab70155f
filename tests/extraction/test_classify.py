"""Document kinds: prescription, lab report, vaccination record, or other (and then no item)."""

from __future__ import annotations

import pytest

from extraction.classify import classify
from extraction.options import ExtractionOptions
from extraction.parse import parse_document, parse_text
from store.records import DocumentKind

OPTIONS = ExtractionOptions()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Dr Jean Martin\nLe 3 mars 2026\nDoliprane 1000 mg\n1 cp matin et soir\nQSP 1 mois",
            DocumentKind.PRESCRIPTION,
        ),
        (
            "Dr Hugo Blanc\nRx\nAmoxicillin 500 mg capsules\nSig: 1 capsule TID\nRefills: 0",
            DocumentKind.PRESCRIPTION,
        ),
        (
            "Laboratoire Exemple\nPrélevé le 04/05/2025\nAnalyse Résultat Valeurs de référence\n"
            "Hémoglobine 13,5 g/dL 13,0 - 17,0\nPotassium 4,2 mmol/L 3,5 - 5,1",
            DocumentKind.LAB_REPORT,
        ),
        (
            "CERTIFICAT DE VACCINATION\n- Gardasil 9, le 3 mars 2020, lot n° AB1234",
            DocumentKind.VACCINATION_RECORD,
        ),
    ],
)
def test_medical_documents(text: str, kind: DocumentKind) -> None:
    doc = parse_text(text, "doc", OPTIONS)
    assert doc.kind == kind
    assert doc.kind_confidence >= 0.5


NON_MEDICAL = [
    # an invoice: quantities, units, prices, a date
    """Bureau & Co SARL
12 rue des Lilas
FACTURE N° 2025-0042
Date : 3 mars 2025
Désignation Qté P.U. HT Total HT
Câble USB-C 1 m 2 9,90 € 19,80 €
Ramette papier A4 80 g 3 5,20 € 15,60 €
Lampe de bureau LED 1 34,00 € 34,00 €
Total TTC 83,28 €
Paiement à 30 jours. Pénalités de retard : 3 fois le taux d'intérêt légal.""",
    # a recipe: doses, times of day, durations
    """Gâteau au yaourt
Pour 6 personnes - préparation 15 min, cuisson 35 min
3 oeufs
2 pots de sucre
1 sachet de levure
Mélanger 2 fois par jour pendant 3 jours, laisser reposer le soir.
Cuire à 180 °C pendant 35 minutes.
4. Cuire pendant 35 minutes. Servir tiède, 1 part matin et soir si besoin !""",
    # a letter
    """Madame, Monsieur,
Suite à notre entretien du 12 février 2025, je vous confirme la livraison.
Veuillez agréer mes salutations distinguées.
Jean Dupont""",
    "Dear customer, your parcel 4XK2 will arrive on 3 March 2026 between 8 and 12.",
    # a sideways recipe as OCR reads it: words that are also drug names ("levure")
    """levure °C :
Servir sucre, g) Mamie
tiède, puis ajouter pendant
1 part matin et soir si besoin !""",
]


@pytest.mark.parametrize("text", NON_MEDICAL)
def test_non_medical_text_is_other_with_no_item(text: str) -> None:
    doc = parse_text(text, "doc", OPTIONS)
    assert doc.kind == DocumentKind.OTHER
    assert doc.medications == doc.lab_results == doc.vaccinations == doc.allergies == []
    assert "no_medical_content" in doc.warnings


def test_scores_are_reported_for_every_kind() -> None:
    verdict = classify("Ordonnance\n1 cp matin et soir\nQSP 3 mois\nÀ renouveler 2 fois")
    assert verdict.kind == DocumentKind.PRESCRIPTION
    assert set(verdict.scores) == {"prescription", "lab_report", "vaccination_record"}


def test_empty_text_is_other() -> None:
    assert classify("").kind == DocumentKind.OTHER
    assert parse_text("", "doc", OPTIONS).kind == DocumentKind.OTHER


def _norm(text: str | None) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c)).lower()


def test_synthetic_text_pdfs_are_classified_and_read_exactly(tmp_path) -> None:
    """The seeded synthetic corpus (text PDFs) against its ground truth: kinds and every item."""
    from extraction.pdf import iter_pages
    from tests.synthetic.corpus import generate_corpus

    docs = generate_corpus(tmp_path, seed=5, n_per_kind=5, renderings=["text_pdf"])
    for folder, truth in docs:
        data = (folder / truth.files["text_pdf"][0]).read_bytes()
        pages = [p.read for p in iter_pages(data, OPTIONS) if p.read is not None]
        doc = parse_document(pages, truth.id, OPTIONS)
        assert doc.kind.value == truth.kind, truth.id
        meds = [(_norm(m.name), _norm(m.strength)) for m in doc.medications]
        assert meds == [(_norm(e.name), _norm(e.strength)) for e in truth.medications], truth.id
        for med, expected in zip(doc.medications, truth.medications, strict=True):
            assert med.posology.intakes_per_day == pytest.approx(expected.intakes_per_day)
            duration = med.posology.duration
            assert (duration.days if duration else None) == expected.duration_days, truth.id
            assert med.posology.renewals == expected.renewals, truth.id
        labs = [
            (r.loinc, r.value, r.interpretation.value if r.interpretation else None)
            for r in doc.lab_results
        ]
        assert labs == [(e.loinc, e.value, e.flag) for e in truth.lab_results], truth.id
        shots = [(_norm(v.product), v.date, v.lot_number) for v in doc.vaccinations]
        assert shots == [(_norm(e.vaccine), e.date, e.lot) for e in truth.vaccinations], truth.id
        assert [_norm(a.substance) for a in doc.allergies] == [
            _norm(e.substance) for e in truth.allergies
        ]
