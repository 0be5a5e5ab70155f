"""The FHIR output contract of issue 3, checked on a Bundle of hand-made extracted documents and,
once ``carnet extract`` exists, on the command run over a generated prescription image."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from extraction.result import ExtractedDocument
from store.fhir.bundle import extraction_bundle, read_bundle
from store.records import (
    Allergy,
    Box,
    Coding,
    DocumentKind,
    Duration,
    FieldFlag,
    Interpretation,
    LabResult,
    Medication,
    PeriodUnit,
    Posology,
    Provenance,
    Quantity,
    ReferenceRange,
    TimeOfDay,
    Vaccination,
    new_id,
)

ROOT = Path(__file__).resolve().parents[2]
V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def _prescription() -> ExtractedDocument:
    doc_id = new_id()
    source = Provenance(document_id=doc_id, page=1, box=Box(x=80, y=400, width=900, height=40))
    return ExtractedDocument(
        document_id=doc_id,
        source_name="ordonnance.jpg",
        kind=DocumentKind.PRESCRIPTION,
        kind_confidence=0.97,
        document_date=date(2026, 3, 3),
        prescriber="Dr Anne Morel",
        medications=[
            Medication(
                provenance=source,
                name="AMOXICILLINE 1 g cp",
                substances=["amoxicilline"],
                codings=[Coding(system="ATC", code="J01CA04")],
                authored_on=date(2026, 3, 3),
                posology=Posology(
                    text="1 cp matin et soir pendant 7 jours",
                    dose=Quantity(value=1, unit="comprimé"),
                    frequency=2,
                    period=1,
                    period_unit=PeriodUnit.DAY,
                    when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
                    duration=Duration(value=7, unit=PeriodUnit.DAY),
                ),
            ),
            Medication(
                provenance=source,
                name="DOLIPRANE 1000 mg",
                posology=Posology(
                    text="1 cp toutes les 6 heures si douleur, max 3 par jour, QSP 1 mois",
                    interval_hours=6,
                    as_needed=True,
                    max_per_day=Quantity(value=3, unit="comprimé"),
                    supply_duration=Duration(value=1, unit=PeriodUnit.MONTH),
                    renewals=2,
                ),
                needs_confirmation=[FieldFlag(field="posology.max_per_day", reason="low_ocr")],
            ),
        ],
        allergies=[Allergy(provenance=source, substance="pénicilline")],
    )


def _lab_report() -> ExtractedDocument:
    doc_id = new_id()
    return ExtractedDocument(
        document_id=doc_id,
        source_name="bilan.pdf",
        kind=DocumentKind.LAB_REPORT,
        document_date=date(2026, 2, 27),
        page_count=2,
        lab_results=[
            LabResult(
                provenance=Provenance(document_id=doc_id, page=2, confidence=0.91),
                name="Potassium",
                loinc="2823-3",
                value=5.4,
                unit="mmol/L",
                reference_range=ReferenceRange(low=3.5, high=5.1, text="3,5 - 5,1"),
                interpretation=Interpretation.HIGH,
                effective_date=date(2026, 2, 27),
            )
        ],
    )


def _vaccination_record() -> ExtractedDocument:
    doc_id = new_id()
    return ExtractedDocument(
        document_id=doc_id,
        source_name="carnet-vaccination.png",
        kind=DocumentKind.VACCINATION_RECORD,
        vaccinations=[
            Vaccination(
                provenance=Provenance(document_id=doc_id),
                product="REVAXIS",
                date=date(2019, 5, 14),
                lot_number="T1234-5",
            )
        ],
    )


def _nothing() -> ExtractedDocument:
    return ExtractedDocument(document_id=new_id(), source_name="facture.jpg")


def _entries(text: str) -> list[dict[str, Any]]:
    Bundle.model_validate_json(text)  # valid per fhir.resources (R4B, wire-compatible with R4)
    data = json.loads(text)
    assert data["resourceType"] == "Bundle"
    assert data["type"] == "collection"
    entries: list[dict[str, Any]] = data["entry"]
    return entries


def _of(entries: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in entries if e["resource"]["resourceType"] == kind]


DOCUMENTS = [_prescription(), _lab_report(), _vaccination_record(), _nothing()]


def test_one_document_reference_per_input_with_kind_date_and_file_name():
    entries = _entries(extraction_bundle(DOCUMENTS))
    references = _of(entries, "DocumentReference")

    assert [r["resource"]["type"]["text"] for r in references] == [
        "prescription",
        "lab_report",
        "vaccination_record",
        "other",
    ]
    assert [r["resource"]["description"] for r in references] == [
        "ordonnance.jpg",
        "bilan.pdf",
        "carnet-vaccination.png",
        "facture.jpg",
    ]
    assert references[0]["resource"]["date"].startswith("2026-03-03")
    assert references[1]["resource"]["date"].startswith("2026-02-27")
    assert "date" not in references[2]["resource"]
    assert all(r["fullUrl"].startswith("urn:uuid:") for r in references)


def test_every_resource_names_its_document_in_meta_source():
    entries = _entries(extraction_bundle(DOCUMENTS))
    urls = {e["resource"]["description"]: e["fullUrl"] for e in _of(entries, "DocumentReference")}
    expected = {
        "MedicationRequest": urls["ordonnance.jpg"],
        "AllergyIntolerance": urls["ordonnance.jpg"],
        "Observation": urls["bilan.pdf"],
        "Immunization": urls["carnet-vaccination.png"],
    }
    items = [e for e in entries if e["resource"]["resourceType"] in expected]

    assert len(items) == 5
    for item in items:
        resource = item["resource"]
        assert resource["meta"]["source"] == expected[resource["resourceType"]]


def test_medication_request_paths():
    entries = _entries(extraction_bundle(DOCUMENTS))
    amox, doliprane = (e["resource"] for e in _of(entries, "MedicationRequest"))

    concept = amox["medicationCodeableConcept"]
    assert concept["text"] == "AMOXICILLINE 1 g cp"
    assert {"system": "http://www.whocc.no/atc", "code": "J01CA04"} in concept["coding"]
    assert any(c.get("display") == "amoxicilline" for c in concept["coding"])
    assert amox["authoredOn"] == "2026-03-03"
    dosage = amox["dosageInstruction"][0]
    assert dosage["text"] == "1 cp matin et soir pendant 7 jours"
    repeat = dosage["timing"]["repeat"]
    assert repeat["frequency"] == 2 and repeat["period"] == 1 and repeat["periodUnit"] == "d"
    assert repeat["when"] == ["MORN", "EVE"]
    assert repeat["boundsDuration"] == {
        "value": 7,
        "unit": "d",
        "system": "http://unitsofmeasure.org",
        "code": "d",
    }
    assert dosage["doseAndRate"][0]["doseQuantity"]["value"] == 1
    assert dosage["asNeededBoolean"] is False

    dosage = doliprane["dosageInstruction"][0]
    assert dosage["asNeededBoolean"] is True
    assert dosage["timing"]["repeat"]["period"] == 6
    assert dosage["timing"]["repeat"]["periodUnit"] == "h"
    assert dosage["maxDosePerPeriod"]["numerator"]["value"] == 3
    assert dosage["maxDosePerPeriod"]["denominator"]["code"] == "d"
    assert doliprane["dispenseRequest"]["numberOfRepeatsAllowed"] == 2
    assert doliprane["dispenseRequest"]["expectedSupplyDuration"]["code"] == "mo"


def test_observation_immunization_and_allergy_paths():
    entries = _entries(extraction_bundle(DOCUMENTS))
    (potassium,) = (e["resource"] for e in _of(entries, "Observation"))
    (revaxis,) = (e["resource"] for e in _of(entries, "Immunization"))
    (allergy,) = (e["resource"] for e in _of(entries, "AllergyIntolerance"))

    assert potassium["code"]["text"] == "Potassium"
    assert {"system": "http://loinc.org", "code": "2823-3"} in potassium["code"]["coding"]
    assert potassium["valueQuantity"] == {"value": 5.4, "unit": "mmol/L"}
    assert potassium["referenceRange"][0]["low"]["value"] == 3.5
    assert potassium["referenceRange"][0]["high"]["value"] == 5.1
    assert potassium["interpretation"][0]["coding"][0] == {"system": V3, "code": "H"}
    assert potassium["effectiveDateTime"] == "2026-02-27"
    assert revaxis["vaccineCode"]["text"] == "REVAXIS"
    assert revaxis["occurrenceDateTime"] == "2019-05-14"
    assert revaxis["lotNumber"] == "T1234-5"
    assert revaxis["status"] == "completed"
    assert allergy["code"]["text"] == "pénicilline"


def test_extraction_bundle_reads_back_to_the_same_records():
    content = read_bundle(extraction_bundle(DOCUMENTS))

    for document in DOCUMENTS:
        group = content.group(document.document_id)
        assert group is not None and group.document is not None
        assert group.document.description == document.source_name
        assert group.document.kind == document.kind
        assert group.medications == document.medications
        assert group.lab_results == document.lab_results
        assert group.vaccinations == document.vaccinations
        assert group.allergies == document.allergies


def _pipeline_bundle(tmp_path: Path, kind: str, rendering: str) -> tuple[Any, str, str]:
    """Generate one synthetic document, run the real pipeline on it, bundle the result."""
    from extraction.api import extract_document
    from extraction.options import ExtractionOptions
    from extraction.result import InputFile
    from tests.synthetic.corpus import build_document, render_document

    truth, draft = build_document(seed=11, kind=kind, index=0)
    files = render_document(tmp_path, truth, draft, [rendering])
    name = files[rendering][0]
    document = extract_document(
        [InputFile(name=name, data=(tmp_path / name).read_bytes())], ExtractionOptions()
    )
    return truth, name, extraction_bundle([document])


def _check_prescription(truth: Any, name: str, bundle: str) -> None:
    entries = _entries(bundle)
    (reference,) = _of(entries, "DocumentReference")
    assert reference["resource"]["type"]["text"] == "prescription"
    assert reference["resource"]["description"] == name
    if truth.date is not None:
        assert reference["resource"]["date"].startswith(truth.date.isoformat())
    requests = [e["resource"] for e in _of(entries, "MedicationRequest")]
    assert len(requests) >= len(truth.medications) - 1
    for request in requests:
        assert request["meta"]["source"] == reference["fullUrl"]
        assert request["medicationCodeableConcept"]["text"]
        assert request["dosageInstruction"][0]["text"]
    read = " ".join(r["medicationCodeableConcept"]["text"].lower() for r in requests)
    found = [m for m in truth.medications if m.name.split()[0].lower() in read]
    assert len(found) >= len(truth.medications) - 1, (read, [m.name for m in truth.medications])


def test_real_pipeline_on_a_text_pdf_prescription_meets_the_contract(tmp_path: Path):
    _check_prescription(*_pipeline_bundle(tmp_path, "prescription", "text_pdf"))


def test_real_pipeline_on_a_text_pdf_lab_report_meets_the_contract(tmp_path: Path):
    truth, name, bundle = _pipeline_bundle(tmp_path, "lab_report", "text_pdf")
    entries = _entries(bundle)
    (reference,) = _of(entries, "DocumentReference")
    observations = [e["resource"] for e in _of(entries, "Observation")]

    assert reference["resource"]["type"]["text"] == "lab_report"
    assert reference["resource"]["description"] == name
    assert len(observations) >= len(truth.lab_results) - 1
    for observation in observations:
        assert observation["meta"]["source"] == reference["fullUrl"]
        assert observation["code"]["text"]
    flagged = [o for o in observations if "interpretation" in o]
    assert all(
        o["interpretation"][0]["coding"][0]["system"] == V3
        and o["interpretation"][0]["coding"][0]["code"] in {"H", "L", "N", "A"}
        for o in flagged
    )
    assert any("valueQuantity" in o and "referenceRange" in o for o in observations)


def _extract_command_ready() -> str | None:
    if not (ROOT / "bot" / "extract_command.py").exists():
        return "bot/extract_command.py (carnet extract) is not written yet"
    if shutil.which("tesseract") is None:
        return "tesseract is not installed"
    return None


def _carnet_extract(tmp_path: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "TELEGRAM_"))}
    env["CARNET_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-m", "bot", "extract", *map(str, paths), "--format", "fhir"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=180,
        check=False,
    )


@pytest.mark.tesseract
@pytest.mark.slow
@pytest.mark.skipif(_extract_command_ready() is not None, reason=str(_extract_command_ready()))
def test_carnet_extract_prints_the_contract_and_reports_unreadable_inputs(tmp_path: Path):
    from tests.synthetic.corpus import build_document, render_document

    truth, draft = build_document(seed=7, kind="prescription", index=0)
    image = tmp_path / render_document(tmp_path, truth, draft, ["image"])["image"][0]
    empty = tmp_path / "vide.jpg"
    empty.write_bytes(b"")

    run = _carnet_extract(tmp_path, empty, image)

    assert run.returncode != 0
    assert len(run.stderr.strip().splitlines()) == 1
    assert "vide.jpg" in run.stderr
    _check_prescription(truth, image.name, run.stdout)


@pytest.mark.skipif(_extract_command_ready() is not None, reason=str(_extract_command_ready()))
def test_carnet_extract_exits_0_on_a_document_without_medical_content(tmp_path: Path):
    from tests.synthetic.corpus import build_document, render_document

    truth, draft = build_document(seed=7, kind="other", index=0)
    pdf = tmp_path / render_document(tmp_path, truth, draft, ["text_pdf"])["text_pdf"][0]

    run = _carnet_extract(tmp_path, pdf)

    assert run.returncode == 0, run.stderr
    entries = _entries(run.stdout)
    assert [e["resource"]["resourceType"] for e in entries] == ["Patient", "DocumentReference"]
    assert entries[1]["resource"]["type"]["text"] == "other"
