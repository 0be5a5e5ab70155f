"""The synthetic corpus: deterministic, complete, and its ground truth matches what is printed."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.synthetic import KINDS, RENDERINGS, build_document, generate_corpus, load_corpus
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
