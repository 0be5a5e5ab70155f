"""Fuzzing: whatever text or layout comes in, the parsers return results and never raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extraction.classify import classify
from extraction.options import ExtractionOptions
from extraction.parse import (
    parse_date,
    parse_document,
    parse_posology,
    parse_text,
)
from extraction.reference import drug_class_of, lookup_drug, lookup_lab_test, lookup_vaccine
from extraction.text import ReadPage, TextLine, Word
from store.records import Box

OPTIONS = ExtractionOptions()
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "1",
    "1/2",
    "½",
    "0",
    "3",
    "12,5",
    "1.5",
    "/",
    "-",
    ":",
    "x",
    "x3/j",
    "cp",
    "gélule",
    "mg",
    "µg",
    "μg",
    "g/L",
    "mmol/L",
    "%",
    "matin",
    "midi",
    "soir",
    "coucher",
    "et",
    "pendant",
    "jours",
    "mois",
    "QSP",
    "si",
    "douleur",
    "besoin",
    "max",
    "toutes",
    "les",
    "8h",
    "heures",
    "AR",
    "fois",
    "à",
    "renouveler",
    "Refills:",
    "twice",
    "daily",
    "PRN",
    "every",
    "hours",
    "for",
    "days",
    "Dr",
    "Le",
    "mars",
    "2026",
    "03/03/26",
    "31/02/2026",
    "Doliprane",
    "Amoxicilline",
    "HbAlc",
    "<",
    ">",
    "(",
    ")",
    "*",
    "H",
    "L",
    "↑",
    "Lot",
    ":",
    "Gardasil",
    "9",
    "Allergie",
    "aucune",
    "\t",
    "Antériorités",
    "Prélevé",
    "le",
    "ordonnance",
    "vaccin",
    "1-0-1",
    "99999999999999999999",
]
tokens_text = st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join)
any_text = st.one_of(st.text(max_size=120), tokens_text)


@FUZZ
@given(any_text)
def test_posology_never_raises(text: str) -> None:
    pos = parse_posology(text)
    if pos.intakes_per_day is not None:
        assert pos.intakes_per_day >= 0


@FUZZ
@given(any_text)
def test_dates_never_raise(text: str) -> None:
    parse_date(text, ["fr", "en"])


@FUZZ
@given(any_text)
def test_lookups_never_raise(text: str) -> None:
    lookup_drug(text)
    lookup_lab_test(text)
    lookup_vaccine(text)
    drug_class_of(text)
    classify(text)


@FUZZ
@given(st.lists(any_text, max_size=15).map("\n".join))
def test_documents_never_raise_and_records_are_proposals(text: str) -> None:
    doc = parse_text(text, "doc", OPTIONS)
    for record in [*doc.medications, *doc.lab_results, *doc.vaccinations, *doc.allergies]:
        assert record.provenance.document_id == "doc"
        assert 0.0 <= record.provenance.confidence <= 1.0


words = st.builds(
    Word,
    text=st.sampled_from(TOKENS),
    box=st.builds(
        Box,
        x=st.integers(0, 3000),
        y=st.integers(0, 4000),
        width=st.integers(0, 500),
        height=st.integers(0, 200),
    ),
    confidence=st.floats(0, 1),
)


@st.composite
def lines(draw: st.DrawFn) -> TextLine:
    items = draw(st.lists(words, max_size=12))
    text = " ".join(w.text for w in items) if draw(st.booleans()) else draw(tokens_text)
    box = draw(
        st.none()
        | st.builds(
            Box,
            x=st.integers(0, 3000),
            y=st.integers(0, 4000),
            width=st.integers(0, 3000),
            height=st.integers(0, 300),
        )
    )
    return TextLine(text=text, words=items, box=box, confidence=draw(st.floats(0, 1)))


@FUZZ
@given(st.lists(st.lists(lines(), max_size=20), min_size=1, max_size=3))
def test_pages_with_any_layout_never_raise(pages: list[list[TextLine]]) -> None:
    read = [ReadPage(number=n, lines=ls, width=2480, height=3508) for n, ls in enumerate(pages, 1)]
    parse_document(read, "doc", OPTIONS)
