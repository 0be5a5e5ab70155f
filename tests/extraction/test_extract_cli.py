"""``carnet extract``: JSON and FHIR on stdout, one stderr line per unreadable input."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from tests.extraction.test_pdf import encrypt, text_pdf

PRESCRIPTION = "Dr Anne Morel\nLe 3 mars 2026\nDOLIPRANE 1000 mg : 1 comprimé matin et soir\n"


@pytest.fixture
def inputs(tmp_path):
    good = tmp_path / "ordonnance.txt"
    good.write_text(PRESCRIPTION, encoding="utf-8")
    lab = tmp_path / "labo.jpg"  # a PDF that lies about its type
    lab.write_bytes(text_pdf())
    empty = tmp_path / "vide.jpg"
    empty.write_bytes(b"")
    locked = tmp_path / "protege.pdf"
    locked.write_bytes(encrypt(text_pdf(), user="secret", owner="o"))
    return good, lab, empty, locked


def test_json_lists_every_readable_input(inputs, capsys):
    good, lab, _, _ = inputs
    assert main(["extract", str(good), str(lab), "--format", "json"]) == 0
    out = capsys.readouterr()
    documents = json.loads(out.out)
    assert [d["source_name"] for d in documents] == ["ordonnance.txt", "labo.jpg"]
    assert documents[1]["text_source"] == "pdf_text"
    assert "Créatinine" in documents[1]["text"]
    for document in documents:
        items = [*document["medications"], *document["lab_results"], *document["allergies"]]
        assert all(i["provenance"]["document_id"] == document["document_id"] for i in items)
    assert out.err == ""


def test_unreadable_inputs_give_one_line_each_and_the_rest_is_still_read(inputs, capsys):
    good, _, empty, locked = inputs
    missing = good.parent / "absent.png"
    code = main(["extract", str(empty), str(good), str(locked), str(missing), "--format", "json"])
    assert code != 0
    out = capsys.readouterr()
    assert out.err.splitlines() == [
        "carnet: vide.jpg: empty_file",
        "carnet: protege.pdf: encrypted_pdf",
        "carnet: absent.png: not_found",
    ]
    assert [d["source_name"] for d in json.loads(out.out)] == ["ordonnance.txt"]


def test_fhir_bundle_has_a_document_reference_per_input(inputs, capsys):
    pytest.importorskip("store.fhir.bundle", reason="store.fhir.bundle not written yet")
    good, lab, _, _ = inputs
    assert main(["extract", str(good), str(lab)]) == 0
    bundle = json.loads(capsys.readouterr().out)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    references = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "DocumentReference"
    ]
    assert sorted(r["description"] for r in references) == ["labo.jpg", "ordonnance.txt"]
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] not in {"DocumentReference", "Patient"}:
            assert resource["meta"]["source"].startswith("urn:uuid:")
