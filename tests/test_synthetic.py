"""The synthetic corpus: deterministic, complete, and its ground truth matches what is printed."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from extraction.result import ExtractedDocument
from store.records import (
    Allergy,
    DocumentKind,
    Duration,
    Interpretation,
    LabResult,
    Medication,
    PeriodUnit,
    Posology,
    Quantity,
    ReferenceRange,
    Vaccination,
)
from tests.synthetic import (
    KINDS,
    RENDERINGS,
    DocumentTruth,
    build_document,
    generate_corpus,
    load_corpus,
)
from tests.synthetic.drugs import FRENCH_PRODUCTS

PHOTO_SIDE = 1600  # smaller than a real 12 MP photo, to keep the tests quick


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One document of each kind, rendered every way."""
    root = tmp_path_factory.mktemp("corpus")
    generate_corpus(root, seed=7, n_per_kind=1, photo_long_side=PHOTO_SIDE)
    return root


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def test_every_kind_and_rendering_is_written(corpus: Path) -> None:
    docs = load_corpus(corpus)
    assert sorted(t.kind for _, t in docs) == sorted(KINDS)
    for folder, truth in docs:
        assert set(truth.files) == set(RENDERINGS)
        for rendering, names in truth.files.items():
            expected_files = 1 if rendering.endswith("_pdf") else truth.pages
            assert len(names) == expected_files, (truth.id, rendering)
            for name in names:
                assert (folder / name).stat().st_size > 1000


def test_images_have_the_promised_shape(corpus: Path) -> None:
    for folder, truth in load_corpus(corpus):
        clean = Image.open(folder / truth.files["image"][0])
        assert clean.format == "PNG" and round(clean.info["dpi"][0]) == 300
        photo = Image.open(folder / truth.files["photo"][0])
        assert photo.format == "JPEG" and max(photo.size) == PHOTO_SIDE
        small = Image.open(folder / truth.files["telegram"][0])
        assert small.format == "JPEG" and max(small.size) == 1280


def test_scanned_pdf_has_no_text_layer(corpus: Path) -> None:
    for folder, truth in load_corpus(corpus):
        reader = PdfReader(folder / "scan.pdf")
        assert len(reader.pages) == truth.pages
        assert all(not page.extract_text().strip() for page in reader.pages)


def test_same_seed_gives_same_bytes_and_truth(corpus: Path, tmp_path: Path) -> None:
    generate_corpus(
        tmp_path, seed=7, n_per_kind=1, kinds=["prescription"], photo_long_side=PHOTO_SIDE
    )
    again = generate_corpus(
        tmp_path / "light", seed=7, n_per_kind=1, renderings=["text_pdf", "image"]
    )
    for folder, truth in [*load_corpus(tmp_path), *again]:
        original = corpus / truth.id
        for names in truth.files.values():
            for name in names:
                assert (folder / name).read_bytes() == (original / name).read_bytes(), name
        first = (original / "truth.json").read_text("utf-8")
        if truth.files.keys() == set(RENDERINGS):
            assert (folder / "truth.json").read_text("utf-8") == first
    seven, eight = build_document(7, "lab_report", 0)[0], build_document(8, "lab_report", 0)[0]
    assert seven.lab_results != eight.lab_results


def test_truth_matches_the_text_pdf(corpus: Path) -> None:
    for folder, truth in load_corpus(corpus):
        text = _flat(" ".join(p.extract_text() for p in PdfReader(folder / "text.pdf").pages))
        for med in truth.medications:
            assert med.name.lower() in text.lower()
            if med.strength:
                assert med.strength.lower() in text.lower()
            assert _flat(med.posology).split(" ")[-1] in text
        for lab in truth.lab_results:
            for piece in (lab.name, lab.value_text, lab.unit, lab.range_text):
                assert _flat(piece) in text, (truth.id, piece)
        for dose in truth.vaccinations:
            assert dose.vaccine in text
            if dose.lot:
                assert dose.lot in text
        for line in truth.text:
            assert _flat(line) in text or _flat(line).replace(" ", "") in text.replace(" ", "")


def test_prescriptions_cover_sixty_real_products_and_hard_posologies() -> None:
    assert len({(p.name, p.strength) for p in FRENCH_PRODUCTS}) >= 60
    meds = [m for i in range(60) for m in build_document(3, "prescription", i)[0].medications]
    assert len({(m.name, m.strength) for m in meds}) >= 60
    texts = " | ".join(m.posology for m in meds)
    for phrase in ["matin et soir", "toutes les", "si douleur", "pendant", "QSP", "1/2", "max"]:
        assert phrase in texts, phrase
    assert any(m.renewals for m in meds)
    assert any(m.as_needed and m.intakes_per_day is None for m in meds)


def test_lab_reports_hold_ranges_flags_and_previous_results() -> None:
    labs = [build_document(5, "lab_report", i)[0] for i in range(10)]
    assert any(t.pages > 1 for t in labs)
    results = [r for t in labs for r in t.lab_results]
    assert {r.flag for r in results} == {"H", "L", "N"}
    assert any(r.range_text.startswith("<") for r in results)
    assert any(r.range_text.startswith(">") for r in results)
    assert any("," in r.value_text for r in results)
    assert all(r.previous_value != r.value for r in results)


def test_non_medical_documents_expect_nothing() -> None:
    for index in range(6):
        truth, _ = build_document(1, "other", index)
        assert truth.item_count == 0


def test_cli_writes_a_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.synthetic.__main__ import main

    assert main([str(tmp_path), "--n", "1", "--renderings", "text_pdf"]) == 0
    assert "4 documents" in capsys.readouterr().out
    assert len(load_corpus(tmp_path)) == 4


def _perfect(truth: DocumentTruth) -> ExtractedDocument:
    """What a flawless pipeline would return for a document."""
    meds = []
    for e in truth.medications:
        if e.interval_hours:
            timing: dict[str, Any] = {"interval_hours": e.interval_hours}
        elif e.intakes_per_day and e.intakes_per_day < 1:
            timing = {"frequency": 1, "period": 1, "period_unit": PeriodUnit.MONTH}
        elif e.intakes_per_day:
            timing = {"frequency": int(e.intakes_per_day), "period": 1}
        else:
            timing = {}
        posology = Posology(
            **timing,
            duration=Duration(value=e.duration_days, unit=PeriodUnit.DAY)
            if e.duration_days
            else None,
            supply_duration=Duration(value=e.supply_days, unit=PeriodUnit.DAY)
            if e.supply_days
            else None,
            as_needed=e.as_needed,
            max_per_day=Quantity(value=e.max_per_day) if e.max_per_day else None,
            renewals=e.renewals,
        )
        meds.append(
            Medication(name=f"{e.name} {e.strength}", strength=e.strength, posology=posology)
        )
    labs = [
        LabResult(
            name=e.name,
            value=e.value,
            unit=e.unit or None,
            reference_range=ReferenceRange(low=e.low, high=e.high),
            interpretation=Interpretation(e.flag),
        )
        for e in truth.lab_results
    ]
    doses = [
        Vaccination(product=e.vaccine, date=e.date, lot_number=e.lot) for e in truth.vaccinations
    ]
    return ExtractedDocument(
        document_id="x",
        source_name=truth.id,
        kind=DocumentKind(truth.kind),
        document_date=truth.date,
        medications=meds,
        lab_results=labs,
        vaccinations=doses,
        allergies=[Allergy(substance=a.substance) for a in truth.allergies],
    )


def test_bench_scores_a_perfect_extraction_as_perfect_and_sees_mistakes() -> None:
    from bench.extraction import aggregate, score_document

    truths = [build_document(11, kind, i)[0] for kind in KINDS for i in range(6)]
    scores = [score_document(t, _perfect(t), None) for t in truths]
    assert all(not s.misses for s in scores), [s.misses[:2] for s in scores if s.misses]

    lab = next(t for t in truths if t.lab_results)
    wrong = _perfect(lab)
    first = lab.lab_results[0]
    wrong.lab_results[0].value = first.previous_value  # read from the previous-results column
    wrong.medications.append(Medication(name="Doliprane"))  # invented
    del wrong.lab_results[-1]  # missed
    score = score_document(lab, wrong, None)
    fields = {m["field"] for m in score.misses}
    assert {"lab_results.value", "lab_results.previous_taken", "lab_results.missed"} <= fields
    assert "medications.invented" in fields
    assert score.detect["lab_results"] == [len(lab.lab_results) - 1, 0, 1]
    assert score.detect["medications"] == [0, 1, 0]
    assert aggregate([]) == {
        "documents": 0,
        "errors": 0,
        "detection": {},
        "fields": {},
        "non_medical": {"documents": 0, "invented_items": 0},
    }
