"""FHIR mapping: every carnet record survives record → resource → JSON → resource → record."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.fhir.bundle import document_from, document_info, read_bundle, records_bundle
from store.fhir.errors import BundleInvalid
from store.fhir.mapping import (
    Clinical,
    clinical_from_json,
    clinical_json,
    clinical_record,
    clinical_resource,
    patient,
    profile_from,
)
from store.records import (
    Allergy,
    AllergyKind,
    Box,
    Coding,
    Condition,
    Consent,
    Document,
    DocumentKind,
    DocumentPage,
    DocumentStatus,
    Duration,
    FieldFlag,
    Interpretation,
    LabResult,
    Language,
    Medication,
    MedicationStatus,
    PeriodUnit,
    Posology,
    Provenance,
    Quantity,
    RecordStatus,
    ReferenceRange,
    ReminderPrefs,
    Sex,
    TimeOfDay,
    UserProfile,
    Vaccination,
    new_id,
)

DOC = new_id()
PATIENT = "urn:uuid:6f7c1b1e-0a39-4e0e-8a4f-3f1e1f6d2a10"
AT = datetime(2026, 3, 3, 9, 15, 30, tzinfo=UTC)


def _provenance(document_id: str | None = DOC) -> Provenance:
    return Provenance(
        document_id=document_id,
        page=2,
        box=Box(x=120, y=840, width=600, height=42),
        confidence=0.83,
        source_text="DOLIPRANE 1000 mg 1 cp matin et soir",
    )


def _flags() -> list[FieldFlag]:
    return [
        FieldFlag(field="posology.frequency", reason="low_confidence", value="2", confidence=0.4),
        FieldFlag(field="strength", reason="unknown_word"),
    ]


FULL_MEDICATION = Medication(
    provenance=_provenance(),
    needs_confirmation=_flags(),
    status=RecordStatus.CONFIRMED,
    recorded_at=AT,
    name="DOLIPRANE 1000 mg cp",
    normalized_name="Doliprane",
    substances=["paracétamol"],
    strength="1000 mg",
    form="comprimé",
    codings=[Coding(system="ATC", code="N02BE01", display="paracetamol")],
    posology=Posology(
        text="1 cp matin et soir pendant 7 jours, max 3 g/j",
        dose=Quantity(value=1, unit="comprimé"),
        frequency=2,
        period=1,
        period_unit=PeriodUnit.DAY,
        when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
        days_of_week=["mon", "thu"],
        duration=Duration(value=7, unit=PeriodUnit.DAY),
        supply_duration=Duration(value=3, unit=PeriodUnit.MONTH),
        max_per_day=Quantity(value=3, unit="g"),
        route="voie orale",
        renewals=2,
    ),
    prescriber="Dr Martin",
    authored_on=date(2026, 3, 3),
    start_date=date(2026, 3, 4),
    end_date=date(2026, 3, 11),
    med_status=MedicationStatus.FINISHED,
    reason="douleur",
)

RECORDS: list[Clinical] = [
    FULL_MEDICATION,
    Medication(name="Spasfon"),
    Medication(
        name="IBUPROFENE 400",
        provenance=Provenance(document_id=DOC),
        posology=Posology(interval_hours=8, as_needed=True, as_needed_reason="si douleur"),
        med_status=MedicationStatus.STOPPED,
    ),
    Medication(
        name="Amoxicilline",
        posology=Posology(interval_hours=12, frequency=2, as_needed_reason="fièvre"),
    ),
    LabResult(
        provenance=_provenance(),
        needs_confirmation=_flags(),
        recorded_at=AT,
        name="Potassium",
        normalized_name="Potassium",
        loinc="2823-3",
        codings=[Coding(system="SNOMED", code="88480006")],
        value=5.4,
        value_text="5,4",
        unit="mmol/L",
        reference_range=ReferenceRange(low=3.5, high=5.1, text="3,5 - 5,1"),
        interpretation=Interpretation.HIGH,
        effective_date=date(2026, 2, 27),
    ),
    LabResult(name="HbA1c", value=0.1, unit="%", reference_range=ReferenceRange(high=6.0)),
    LabResult(name="Groupe sanguin", value_text="A+", unit="x"),
    LabResult(name="Sérologie", reference_range=ReferenceRange()),
    Vaccination(
        provenance=_provenance(),
        needs_confirmation=_flags(),
        status=RecordStatus.CONFIRMED,
        product="BOOSTRIXTETRA",
        normalized_name="Boostrixtetra",
        diseases=["diphtérie", "tétanos", "coqueluche", "poliomyélite"],
        codings=[Coding(system="CVX", code="115")],
        date=date(2024, 10, 1),
        lot_number="AB123C",
        dose_number=3,
    ),
    Vaccination(product="Grippe", diseases=["grippe"]),
    Allergy(
        provenance=_provenance(),
        substance="pénicilline",
        normalized_substance="benzylpenicillin",
        drug_class="bêta-lactamines",
        kind=AllergyKind.INTOLERANCE,
        reaction="urticaire",
        recorded_at=datetime(2026, 1, 1, 8, 0, 0, 250000, tzinfo=timezone(timedelta(hours=1))),
    ),
    Allergy(substance="arachide"),
    Condition(
        provenance=Provenance(document_id=None, confidence=1.0),
        status=RecordStatus.CONFIRMED,
        name="diabète de type 2",
        normalized_name="type 2 diabetes",
        onset=date(2015, 6, 1),
        resolved=date(2020, 1, 1),
        risk_groups=["diabetes", "chronic"],
    ),
    Condition(name="asthme"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{type(r).__name__}")
def test_record_survives_resource_and_json_round_trip(record: Clinical):
    resource = clinical_resource(record, PATIENT)
    text = resource.model_dump_json(exclude_none=True)
    parsed = type(resource).model_validate_json(text)

    assert clinical_record(parsed) == record


def test_medication_request_follows_the_extraction_contract():
    data = json.loads(clinical_resource(FULL_MEDICATION, PATIENT).model_dump_json())
    dosage = data["dosageInstruction"][0]
    repeat = dosage["timing"]["repeat"]

    assert data["medicationCodeableConcept"]["text"] == "DOLIPRANE 1000 mg cp"
    systems = {c["system"]: c["code"] for c in data["medicationCodeableConcept"]["coding"]}
    assert systems["http://www.whocc.no/atc"] == "N02BE01"
    assert data["authoredOn"] == "2026-03-03"
    assert dosage["text"].startswith("1 cp matin et soir")
    assert (repeat["frequency"], repeat["period"], repeat["periodUnit"]) == (2, 1, "d")
    assert repeat["when"] == ["MORN", "EVE"]
    assert repeat["boundsDuration"]["code"] == "d"
    assert repeat["boundsDuration"]["system"] == "http://unitsofmeasure.org"
    assert dosage["doseAndRate"][0]["doseQuantity"] == {"value": 1.0, "unit": "comprimé"}
    assert dosage["asNeededBoolean"] is False
    assert dosage["maxDosePerPeriod"]["numerator"]["value"] == 3
    assert data["dispenseRequest"]["numberOfRepeatsAllowed"] == 2
    assert data["dispenseRequest"]["expectedSupplyDuration"]["code"] == "mo"
    assert data["meta"]["source"].startswith("urn:uuid:")
    assert data["status"] == "completed"


def test_every_eight_hours_is_a_fhir_timing_but_reads_back_as_an_interval():
    record = RECORDS[2]
    data = json.loads(clinical_resource(record, PATIENT).model_dump_json())
    repeat = data["dosageInstruction"][0]["timing"]["repeat"]

    assert (repeat["frequency"], repeat["period"], repeat["periodUnit"]) == (1, 8, "h")
    assert data["dosageInstruction"][0]["asNeededCodeableConcept"]["text"] == "si douleur"
    back = clinical_record(clinical_resource(record, PATIENT))
    assert isinstance(back, Medication)
    assert back.posology.interval_hours == 8
    assert back.posology.frequency is None


def test_observation_has_interpretation_range_and_loinc():
    data = json.loads(clinical_resource(RECORDS[4], PATIENT).model_dump_json())

    assert data["code"]["text"] == "Potassium"
    assert {"system": "http://loinc.org", "code": "2823-3"} in data["code"]["coding"]
    assert data["valueQuantity"] == {"value": 5.4, "unit": "mmol/L"}
    assert data["referenceRange"][0]["low"]["value"] == 3.5
    assert data["referenceRange"][0]["high"]["value"] == 5.1
    interpretation = data["interpretation"][0]["coding"][0]
    assert interpretation == {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
        "code": "H",
    }
    assert data["effectiveDateTime"] == "2026-02-27"


def test_profile_survives_patient_round_trip():
    profile = UserProfile(
        display_name="Léa",
        language=Language.EN,
        language_chosen=True,
        timezone="America/Montreal",
        birth_year=1987,
        sex=Sex.FEMALE,
        consent=Consent(given=True, at=AT, version="2"),
        reminders=ReminderPrefs(morning=time(7, 15), enabled=False),
        onboarded=True,
    )
    resource = patient(profile, profile.id)
    data = json.loads(resource.model_dump_json())

    assert data["gender"] == "female"
    assert data["birthDate"] == "1987"
    assert profile_from(type(resource).model_validate_json(resource.model_dump_json())) == profile


def _document(pages: int = 2) -> Document:
    return Document(
        id=DOC,
        kind=DocumentKind.LAB_REPORT,
        status=DocumentStatus.CONFIRMED,
        title="bilan.pdf",
        document_date=date(2026, 2, 27),
        received_at=AT,
        pages=[
            DocumentPage(filename=f"p{n}.jpg", media_type="image/jpeg", content=b"x")
            for n in range(pages)
        ],
        failure_code=None,
        text="POTASSIUM 5,4 mmol/L",
    )


def test_records_bundle_reads_back_grouped_by_document():
    document = _document()
    profile = UserProfile(language=Language.FR)
    text = records_bundle(profile, [document], RECORDS, page_url=lambda d, n, p: f"d/{d.id}/{n}")

    Bundle.model_validate_json(text)  # valid FHIR
    content = read_bundle(text)

    assert content.profile == profile
    with_doc = content.group(DOC)
    without = content.group(None)
    assert with_doc is not None and without is not None
    assert with_doc.document is not None
    assert document_from(with_doc.document, document.pages) == document
    assert [p.url for p in with_doc.document.pages] == [f"d/{DOC}/0", f"d/{DOC}/1"]
    expected_with = [r for r in RECORDS if r.provenance.document_id == DOC]
    assert sorted(r.id for r in with_doc.records) == sorted(r.id for r in expected_with)
    assert {r.id: r for r in [*with_doc.records, *without.records]} == {r.id: r for r in RECORDS}


def test_fast_unvalidated_bundle_is_exactly_what_fhir_resources_prints():
    document = _document()
    profile = UserProfile(language=Language.EN, birth_year=1950)
    args = (profile, [document], RECORDS)

    fast = records_bundle(*args, page_url=lambda d, n, p: f"d/{n}", validate=False)
    checked = records_bundle(*args, page_url=lambda d, n, p: f"d/{n}", validate=True)

    assert json.loads(fast) == json.loads(checked)
    assert read_bundle(fast, strict=True) == read_bundle(fast)


def test_document_without_pages_and_date_round_trips():
    document = Document(received_at=AT, status=DocumentStatus.FAILED, failure_code="ocr_failed")
    content = read_bundle(records_bundle(None, [document], []))
    group = content.group(document.id)

    assert content.profile is None
    assert group is not None and group.document is not None
    assert document_from(group.document, []) == document
    assert document_info(document).pages == []


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"resourceType": "Patient"}',
        '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
        '{"resourceType": "Observation", "status": "final"}}]}',
    ],
)
@pytest.mark.parametrize("strict", [False, True])
def test_malformed_bundle_is_a_store_error(text: str, strict: bool):
    with pytest.raises(BundleInvalid) as caught:
        read_bundle(text, strict=strict)
    assert caught.value.code == "bundle_invalid"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (Medication(name=""), Medication(name="")),
        (
            Medication(name="x", substances=["para  cétamol ", ""]),
            Medication(name="x", substances=["para  cétamol ", ""]),
        ),
        (
            Medication(name="x", posology=Posology(text="", as_needed_reason=" ")),
            Medication(name="x"),
        ),
        (
            Medication(
                name="x",
                provenance=Provenance(source_text=""),
                needs_confirmation=[FieldFlag(field="name", reason="")],
            ),
            Medication(name="x", needs_confirmation=[FieldFlag(field="name", reason="")]),
        ),
        (LabResult(name="", value_text="", unit=""), LabResult(name="")),
        (Vaccination(product="", lot_number=""), Vaccination(product="")),
        (Allergy(substance="", reaction=""), Allergy(substance="")),
        (Condition(name="", risk_groups=[""]), Condition(name="")),
    ],
    ids=lambda r: type(r).__name__,
)
def test_empty_strings_never_break_fhir_and_read_back_as_absent(record, expected):
    """FHIR forbids empty strings: extraction output must still be valid, losing only emptiness."""
    resource = clinical_resource(record, PATIENT)  # validated by fhir.resources
    back = clinical_record(type(resource).model_validate_json(resource.model_dump_json()))

    assert back == expected.model_copy(update={"id": record.id})


# -- property: any record carnet can hold survives the FHIR round trip -------------------------

_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() != "")
_opt_text = st.none() | _text
_code = st.from_regex(r"[A-Za-z0-9.\-]{1,8}( [A-Za-z0-9]{1,4})?", fullmatch=True)
_number = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
_positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)
_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
_times = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2090, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))]),
)
_systems = st.sampled_from(["ATC", "SNOMED", "CVX", "CIS", "http://example.org/codes"])
_codings = st.lists(st.builds(Coding, system=_systems, code=_code, display=_opt_text), max_size=2)
_quantity = st.builds(Quantity, value=_number, unit=_opt_text)
_duration = st.builds(Duration, value=_positive, unit=st.sampled_from(PeriodUnit))
_common = {
    "provenance": st.builds(
        Provenance,
        document_id=st.none() | st.just(DOC),
        page=st.none() | st.integers(1, 20),
        box=st.none()
        | st.builds(
            Box,
            x=st.integers(0, 9000),
            y=st.integers(0, 9000),
            width=st.integers(0, 9000),
            height=st.integers(0, 9000),
        ),
        confidence=st.floats(0, 1),
        source_text=_opt_text,
    ),
    "needs_confirmation": st.lists(
        st.builds(
            FieldFlag, field=_text, reason=_text, value=_opt_text, confidence=st.floats(0, 1)
        ),
        max_size=2,
    ),
    "status": st.sampled_from(RecordStatus),
    "recorded_at": st.none() | _times,
}
_posology = st.builds(
    Posology,
    text=_opt_text,
    dose=st.none() | _quantity,
    frequency=st.none() | st.integers(1, 12),
    period=st.none() | _positive,
    period_unit=st.none() | st.sampled_from(PeriodUnit),
    when=st.lists(st.sampled_from(TimeOfDay), max_size=3),
    interval_hours=st.none() | _positive,
    days_of_week=st.lists(st.sampled_from(["mon", "tue", "wed", "sun"]), max_size=2),
    duration=st.none() | _duration,
    supply_duration=st.none() | _duration,
    as_needed=st.booleans(),
    as_needed_reason=_opt_text,
    max_per_day=st.none() | _quantity,
    route=_opt_text,
    renewals=st.none() | st.integers(0, 12),
)
_records = st.one_of(
    st.builds(
        Medication,
        **_common,
        name=_text,
        normalized_name=_opt_text,
        substances=st.lists(_text, max_size=2),
        strength=_opt_text,
        form=_opt_text,
        codings=_codings,
        posology=_posology,
        prescriber=_opt_text,
        authored_on=st.none() | _dates,
        start_date=st.none() | _dates,
        end_date=st.none() | _dates,
        med_status=st.sampled_from(MedicationStatus),
        reason=_opt_text,
    ),
    st.builds(
        LabResult,
        **_common,
        name=_text,
        normalized_name=_opt_text,
        loinc=st.none() | _code,
        codings=_codings,  # a LOINC coding here without ``loinc`` would read back as ``loinc``
        value=st.none() | _number,
        value_text=_opt_text,
        unit=_opt_text,
        reference_range=st.none()
        | st.builds(
            ReferenceRange, low=st.none() | _number, high=st.none() | _number, text=_opt_text
        ),
        interpretation=st.none() | st.sampled_from(Interpretation),
        effective_date=st.none() | _dates,
    ),
    st.builds(
        Vaccination,
        **_common,
        product=_text,
        normalized_name=_opt_text,
        diseases=st.lists(_text, max_size=3),
        codings=_codings,
        date=st.none() | _dates,
        lot_number=_opt_text,
        dose_number=st.none() | st.integers(1, 6),
    ),
    st.builds(
        Allergy,
        **_common,
        substance=_text,
        normalized_substance=_opt_text,
        drug_class=_opt_text,
        kind=st.sampled_from(AllergyKind),
        reaction=_opt_text,
    ),
    st.builds(
        Condition,
        **_common,
        name=_text,
        normalized_name=_opt_text,
        onset=st.none() | _dates,
        resolved=st.none() | _dates,
        risk_groups=st.lists(_text, max_size=2),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=_records)
def test_any_record_survives_the_validated_and_the_fast_round_trip(record: Clinical):
    resource = clinical_resource(record, PATIENT)  # fhir.resources validation
    parsed = type(resource).model_validate_json(resource.model_dump_json(exclude_none=True))

    assert clinical_record(parsed) == record
    assert clinical_from_json(json.loads(json.dumps(clinical_json(record, PATIENT)))) == record
