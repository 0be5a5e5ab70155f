"""carnet records ⇄ FHIR R4 resources (built and validated with fhir.resources R4B).

The mapping follows the contract of issue 3 (``carnet extract --format fhir``) and is lossless for
carnet's fields: what FHIR has no element for is kept in extensions under ``CARNET_EXTENSION``
(confidence, page and box of the provenance, fields needing confirmation, normalised names…).

| carnet                | FHIR                                                         |
|-----------------------|--------------------------------------------------------------|
| document descriptor   | DocumentReference (type.text, date, description, content)    |
| Medication, Posology  | MedicationRequest (medicationCodeableConcept, dosage,        |
|                       | dispenseRequest repeats and expected supply duration)        |
| LabResult             | Observation (code, valueQuantity, referenceRange, interp.)   |
| Vaccination           | Immunization (vaccineCode, occurrenceDateTime, lotNumber)    |
| Allergy               | AllergyIntolerance (code.text, type, reaction)               |
| Condition             | Condition (code.text, onsetDateTime, abatementDateTime)      |
| UserProfile           | Patient (name, gender, birthDate as a year, communication)   |

Every clinical resource names its document in ``meta.source``: the ``fullUrl`` of the
DocumentReference (``urn:uuid:…``). Known information losses, by design: a LOINC coding kept in
``LabResult.codings`` while ``loinc`` is empty is read back as ``loinc``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from fhir.resources.R4B.allergyintolerance import AllergyIntolerance
from fhir.resources.R4B.condition import Condition as FhirCondition
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.immunization import Immunization
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource
from pydantic import BaseModel, Field

from store.records import (
    Allergy,
    AllergyKind,
    Box,
    ClinicalRecord,
    Coding,
    Condition,
    Consent,
    DocumentKind,
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
)

JSON = dict[str, Any]
Clinical = Medication | LabResult | Vaccination | Allergy | Condition

CARNET_EXTENSION = "https://carnet.invalid/fhir/StructureDefinition/"
"""Base of carnet's extension URLs: stable identifiers, deliberately not resolvable."""
CARNET_CODESYSTEM = "https://carnet.invalid/fhir/CodeSystem/"
SUBSTANCE_SYSTEM = CARNET_CODESYSTEM + "substance"
UCUM = "http://unitsofmeasure.org"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
LOINC = "http://loinc.org"
_SHORT_SYSTEMS = {
    "ATC": "http://www.whocc.no/atc",
    "LOINC": LOINC,
    "SNOMED": "http://snomed.info/sct",
    "CVX": "http://hl7.org/fhir/sid/cvx",
    "UCUM": UCUM,
}
_SYSTEM_NAMES = {uri: name for name, uri in _SHORT_SYSTEMS.items()}
_UUID_NAMESPACE = uuid.UUID("6f1c5a52-3c0b-4f3e-9a57-2f6b1d0c9e11")
_UNKNOWN_DATE = "unknown"

_MED_STATUS = {
    MedicationStatus.ACTIVE: "active",
    MedicationStatus.FINISHED: "completed",
    MedicationStatus.STOPPED: "stopped",
}
_MED_STATUS_BACK = {v: k for k, v in _MED_STATUS.items()}


class DocumentPageRef(BaseModel):
    """One page of a document as an attachment: its type, file name and where its bytes are."""

    media_type: str
    filename: str | None = None
    url: str | None = None


class DocumentInfo(BaseModel):
    """What a DocumentReference says about a document (no page bytes).

    Built from an extraction result (``description`` is the input file name) or from a stored
    ``Document`` (``description`` is its title).
    """

    id: str
    kind: DocumentKind = DocumentKind.OTHER
    document_date: date | None = None
    description: str | None = None
    prescriber: str | None = None
    status: DocumentStatus | None = None
    received_at: datetime | None = None
    failure_code: str | None = None
    text: str | None = None
    page_count: int | None = None
    pages: list[DocumentPageRef] = Field(default_factory=list)


# -- small helpers -----------------------------------------------------------------------------


def full_url(record_id: str) -> str:
    """The ``urn:uuid:`` URL of a carnet id (its UUID form; a stable UUID5 for other ids)."""
    try:
        value = uuid.UUID(record_id)
    except ValueError:
        value = uuid.uuid5(_UUID_NAMESPACE, record_id)
    return f"urn:uuid:{value}"


def id_from_url(url: str, known: Mapping[str, str] | None = None) -> str | None:
    """The carnet id named by a ``fullUrl`` (looked up in ``known`` first, else decoded)."""
    if known and url in known:
        return known[url]
    if url.startswith("urn:uuid:"):
        try:
            return uuid.UUID(url.removeprefix("urn:uuid:")).hex
        except ValueError:
            return None
    return None


def _ext(name: str, **value: Any) -> JSON:
    return {"url": CARNET_EXTENSION + name, **value}


Extensions = dict[str, list[JSON]]
"""carnet extensions of one element by short name (the URL without ``CARNET_EXTENSION``)."""


def _index(extensions: list[JSON] | None) -> Extensions:
    index: Extensions = {}
    for extension in extensions or []:
        url = extension["url"]
        if url.startswith(CARNET_EXTENSION):
            index.setdefault(url[len(CARNET_EXTENSION) :], []).append(extension)
    return index


def _find_ext(extensions: Extensions, name: str) -> list[JSON]:
    return extensions.get(name, [])


def _ext_value(extensions: Extensions, name: str, key: str) -> Any:
    found = extensions.get(name)
    return found[0].get(key) if found else None


def _system_uri(system: str) -> str:
    if system in _SHORT_SYSTEMS:
        return _SHORT_SYSTEMS[system]
    if ":" in system:
        return system
    return CARNET_CODESYSTEM + system


def _system_name(uri: str) -> str:
    if uri in _SYSTEM_NAMES:
        return _SYSTEM_NAMES[uri]
    if uri.startswith(CARNET_CODESYSTEM):
        return uri.removeprefix(CARNET_CODESYSTEM)
    return uri


def _coding(coding: Coding) -> JSON:
    out: JSON = {"system": _system_uri(coding.system), "code": coding.code}
    if coding.display is not None:
        out["display"] = coding.display
    return out


def _coding_back(data: JSON) -> Coding:
    return Coding(
        system=_system_name(data.get("system", "")),
        code=data.get("code", ""),
        display=data.get("display"),
    )


def _quantity(quantity: Quantity) -> JSON:
    return _value_unit(quantity.value, quantity.unit)


def _value_unit(value: float, unit: str | None) -> JSON:
    out: JSON = {"value": value}
    if unit is not None:
        out["unit"] = unit
    return out


def _quantity_back(data: JSON) -> Quantity:
    return Quantity(value=float(data["value"]), unit=data.get("unit"))


def _duration(duration: Duration) -> JSON:
    unit = duration.unit.value
    return {"value": duration.value, "unit": unit, "system": UCUM, "code": unit}


def _duration_back(data: JSON) -> Duration:
    return Duration(value=float(data["value"]), unit=PeriodUnit(data.get("code") or data["unit"]))


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if "T" in text:
        return datetime.fromisoformat(text).date()
    return date.fromisoformat(text)


def _datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _iso(value: datetime) -> str:
    """ISO 8601 as fhir.resources prints it (``Z`` for UTC)."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _dump(resource: Resource) -> JSON:
    data: JSON = json.loads(resource.model_dump_json(exclude_none=True))
    return data


_CODE_KEYS = frozenset({"code", "valueCode", "dayOfWeek"})
_REQUIRED_CONCEPTS = ("medicationCodeableConcept", "code", "vaccineCode")
DATA_ABSENT = {
    "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
    "valueCode": "unknown",
}


def _clean_value(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        cleaned = {k: _clean_value(v, k) for k, v in value.items()}
        cleaned = {k: v for k, v in cleaned.items() if v is not None}
        return cleaned if set(cleaned) - {"url"} else None
    if isinstance(value, list):
        items = [_clean_value(v, key) for v in value]
        kept = [v for v in items if v is not None]
        return kept or None
    if isinstance(value, str):
        if key in _CODE_KEYS:
            value = " ".join(value.split())
        return value if value.strip() else None
    return value


def _clean(resource: JSON) -> JSON:
    """FHIR forbids empty strings and codes with stray spaces: drop the former, fix the latter.

    Elements left empty are dropped too; a required CodeableConcept left empty (a product with
    no name) gets a data-absent-reason extension. Consequence: an empty carnet string reads
    back as None.
    """
    cleaned: JSON = _clean_value(resource, "") or {}
    for key in _REQUIRED_CONCEPTS:
        if key in resource and key not in cleaned:
            cleaned[key] = {"extension": [dict(DATA_ABSENT)]}
    return cleaned


# -- common clinical fields --------------------------------------------------------------------


def _common(record: ClinicalRecord, resource_type: str) -> JSON:
    """id, meta.source and carnet's bookkeeping extensions shared by every clinical resource."""
    out: JSON = {"resourceType": resource_type, "id": record.id}
    if record.provenance.document_id is not None:
        out["meta"] = {"source": full_url(record.provenance.document_id)}
    extensions = [_ext("record-status", valueCode=record.status.value)]
    if record.recorded_at is not None:
        extensions.append(_ext("recorded-at", valueDateTime=_iso(record.recorded_at)))
    extensions.append(_provenance(record.provenance))
    extensions.extend(_flag(flag) for flag in record.needs_confirmation)
    out["extension"] = extensions
    return out


def _provenance(provenance: Provenance) -> JSON:
    parts: list[JSON] = [{"url": "confidence", "valueDecimal": provenance.confidence}]
    if provenance.page is not None:
        parts.append({"url": "page", "valueInteger": provenance.page})
    if provenance.box is not None:
        box = provenance.box
        parts.append(
            {
                "url": "box",
                "extension": [
                    {"url": "x", "valueInteger": box.x},
                    {"url": "y", "valueInteger": box.y},
                    {"url": "width", "valueInteger": box.width},
                    {"url": "height", "valueInteger": box.height},
                ],
            }
        )
    if provenance.source_text is not None:
        parts.append({"url": "source-text", "valueString": provenance.source_text})
    return _ext("provenance", extension=parts)


def _sub(parts: list[JSON], url: str, key: str) -> Any:
    return next((p.get(key) for p in parts if p.get("url") == url), None)


def _provenance_back(extensions: Extensions, document_id: str | None) -> Provenance:
    found = _find_ext(extensions, "provenance")
    if not found:
        return Provenance(document_id=document_id)
    parts: list[JSON] = found[0].get("extension", [])
    box_parts = next((p.get("extension", []) for p in parts if p.get("url") == "box"), None)
    box = None
    if box_parts is not None:
        box = Box(
            x=_sub(box_parts, "x", "valueInteger"),
            y=_sub(box_parts, "y", "valueInteger"),
            width=_sub(box_parts, "width", "valueInteger"),
            height=_sub(box_parts, "height", "valueInteger"),
        )
    confidence = _sub(parts, "confidence", "valueDecimal")
    return Provenance(
        document_id=document_id,
        page=_sub(parts, "page", "valueInteger"),
        box=box,
        confidence=1.0 if confidence is None else float(confidence),
        source_text=_sub(parts, "source-text", "valueString"),
    )


def _flag(flag: FieldFlag) -> JSON:
    parts: list[JSON] = [
        {"url": "field", "valueString": flag.field},
        {"url": "reason", "valueString": flag.reason},
        {"url": "confidence", "valueDecimal": flag.confidence},
    ]
    if flag.value is not None:
        parts.append({"url": "value", "valueString": flag.value})
    return _ext("needs-confirmation", extension=parts)


def _flags_back(extensions: Extensions) -> list[FieldFlag]:
    flags = []
    for found in _find_ext(extensions, "needs-confirmation"):
        parts: list[JSON] = found.get("extension", [])
        flags.append(
            FieldFlag(
                field=_sub(parts, "field", "valueString") or "",
                reason=_sub(parts, "reason", "valueString") or "",
                value=_sub(parts, "value", "valueString"),
                confidence=float(_sub(parts, "confidence", "valueDecimal") or 0.0),
            )
        )
    return flags


def _common_back(data: JSON, documents: Mapping[str, str] | None) -> dict[str, Any]:
    extensions = _index(data.get("extension"))
    source = data.get("meta", {}).get("source")
    document_id = id_from_url(source, documents) if source else None
    status = _ext_value(extensions, "record-status", "valueCode")
    out: dict[str, Any] = {
        "provenance": _provenance_back(extensions, document_id),
        "needs_confirmation": _flags_back(extensions),
        "status": RecordStatus(status) if status else RecordStatus.CONFIRMED,
        "recorded_at": _datetime(_ext_value(extensions, "recorded-at", "valueDateTime")),
    }
    if "id" in data:
        out["id"] = data["id"]
    return out


def _string_ext(name: str, value: str | None) -> list[JSON]:
    return [] if value is None else [_ext(name, valueString=value)]


def _patient_ref(patient_url: str) -> JSON:
    return {"reference": patient_url}


# -- MedicationRequest -------------------------------------------------------------------------


def medication_request_json(medication: Medication, patient_url: str) -> JSON:
    """A Medication and its Posology as a MedicationRequest."""
    out = _common(medication, "MedicationRequest")
    ext: list[JSON] = out["extension"]
    ext += _string_ext("normalized-name", medication.normalized_name)
    ext += _string_ext("strength", medication.strength)
    ext += _string_ext("form", medication.form)
    if medication.start_date is not None or medication.end_date is not None:
        period: JSON = {}
        if medication.start_date is not None:
            period["start"] = medication.start_date.isoformat()
        if medication.end_date is not None:
            period["end"] = medication.end_date.isoformat()
        ext.append(_ext("treatment-period", valuePeriod=period))
    out["status"] = _MED_STATUS[medication.med_status]
    out["intent"] = "order"
    codings = [_coding(c) for c in medication.codings]
    codings += [
        {"system": SUBSTANCE_SYSTEM, "code": s, "display": s} for s in medication.substances
    ]
    concept: JSON = {"text": medication.name}
    if codings:
        concept["coding"] = codings
    out["medicationCodeableConcept"] = concept
    out["subject"] = _patient_ref(patient_url)
    if medication.authored_on is not None:
        out["authoredOn"] = medication.authored_on.isoformat()
    if medication.prescriber is not None:
        out["requester"] = {"display": medication.prescriber}
    if medication.reason is not None:
        out["reasonCode"] = [{"text": medication.reason}]
    posology = medication.posology
    dosage = _dosage(posology)
    if dosage:
        out["dosageInstruction"] = [dosage]
    dispense: JSON = {}
    if posology.renewals is not None:
        dispense["numberOfRepeatsAllowed"] = posology.renewals
    if posology.supply_duration is not None:
        dispense["expectedSupplyDuration"] = _duration(posology.supply_duration)
    if dispense:
        out["dispenseRequest"] = dispense
    return _clean(out)


def medication_request(medication: Medication, patient_url: str) -> MedicationRequest:
    """The validated fhir.resources model of ``medication_request_json``."""
    return MedicationRequest.model_validate(medication_request_json(medication, patient_url))


def _dosage(posology: Posology) -> JSON:
    dosage: JSON = {}
    ext: list[JSON] = []
    if posology.text is not None:
        dosage["text"] = posology.text
    repeat: JSON = {}
    frequency, period, unit = posology.frequency, posology.period, posology.period_unit
    if posology.interval_hours is not None:
        ext.append(_ext("interval-hours", valueDecimal=posology.interval_hours))
        if frequency is None and period is None and unit is None:
            ext.append(_ext("timing-from-interval", valueBoolean=True))
            frequency, period, unit = 1, posology.interval_hours, PeriodUnit.HOUR
    if posology.duration is not None:
        repeat["boundsDuration"] = _duration(posology.duration)
    if frequency is not None:
        repeat["frequency"] = frequency
    if period is not None:
        repeat["period"] = period
    if unit is not None:
        repeat["periodUnit"] = unit.value
    if posology.days_of_week:
        repeat["dayOfWeek"] = list(posology.days_of_week)
    if posology.when:
        repeat["when"] = [w.value for w in posology.when]
    if repeat:
        dosage["timing"] = {"repeat": repeat}
    if posology.as_needed and posology.as_needed_reason is not None:
        dosage["asNeededCodeableConcept"] = {"text": posology.as_needed_reason}
    else:
        dosage["asNeededBoolean"] = posology.as_needed
        ext += _string_ext("as-needed-reason", posology.as_needed_reason)
    if posology.route is not None:
        dosage["route"] = {"text": posology.route}
    if posology.dose is not None:
        dosage["doseAndRate"] = [{"doseQuantity": _quantity(posology.dose)}]
    if posology.max_per_day is not None:
        dosage["maxDosePerPeriod"] = {
            "numerator": _quantity(posology.max_per_day),
            "denominator": {"value": 1, "unit": "d", "system": UCUM, "code": "d"},
        }
    if ext:
        dosage["extension"] = ext
    if dosage == {"asNeededBoolean": False}:
        return {}
    return dosage


def _posology_back(data: JSON | None, dispense: JSON) -> Posology:
    data = data or {}
    ext = _index(data.get("extension"))
    repeat: JSON = data.get("timing", {}).get("repeat", {})
    interval = _ext_value(ext, "interval-hours", "valueDecimal")
    from_interval = bool(_ext_value(ext, "timing-from-interval", "valueBoolean"))
    frequency = None if from_interval else repeat.get("frequency")
    period = None if from_interval else repeat.get("period")
    unit = None if from_interval else repeat.get("periodUnit")
    as_needed_reason = _ext_value(ext, "as-needed-reason", "valueString")
    as_needed = bool(data.get("asNeededBoolean", False))
    if "asNeededCodeableConcept" in data:
        as_needed = True
        as_needed_reason = data["asNeededCodeableConcept"].get("text")
    dose_and_rate = data.get("doseAndRate") or [{}]
    dose = dose_and_rate[0].get("doseQuantity")
    max_dose = data.get("maxDosePerPeriod", {}).get("numerator")
    supply = dispense.get("expectedSupplyDuration")
    return Posology(
        text=data.get("text"),
        dose=_quantity_back(dose) if dose else None,
        frequency=frequency,
        period=float(period) if period is not None else None,
        period_unit=PeriodUnit(unit) if unit else None,
        when=[TimeOfDay(w) for w in repeat.get("when", [])],
        interval_hours=float(interval) if interval is not None else None,
        days_of_week=list(repeat.get("dayOfWeek", [])),
        duration=_duration_back(repeat["boundsDuration"]) if "boundsDuration" in repeat else None,
        supply_duration=_duration_back(supply) if supply else None,
        as_needed=as_needed,
        as_needed_reason=as_needed_reason,
        max_per_day=_quantity_back(max_dose) if max_dose else None,
        route=data.get("route", {}).get("text"),
        renewals=dispense.get("numberOfRepeatsAllowed"),
    )


def medication_from(
    resource: MedicationRequest, documents: Mapping[str, str] | None = None
) -> Medication:
    """The Medication a MedicationRequest holds (inverse of ``medication_request``)."""
    return medication_from_json(_dump(resource), documents)


def medication_from_json(data: JSON, documents: Mapping[str, str] | None = None) -> Medication:
    """``medication_from`` on the resource's JSON (no fhir.resources parsing: the fast path)."""
    ext = _index(data.get("extension"))
    concept: JSON = data["medicationCodeableConcept"]
    codings: list[Coding] = []
    substances: list[str] = []
    for coding in concept.get("coding", []):
        if coding.get("system") == SUBSTANCE_SYSTEM:
            substances.append(coding.get("display") or coding.get("code") or "")
        else:
            codings.append(_coding_back(coding))
    period: JSON = _ext_value(ext, "treatment-period", "valuePeriod") or {}
    dosages = data.get("dosageInstruction") or [None]
    return Medication(
        **_common_back(data, documents),
        name=concept.get("text", ""),
        normalized_name=_ext_value(ext, "normalized-name", "valueString"),
        substances=substances,
        strength=_ext_value(ext, "strength", "valueString"),
        form=_ext_value(ext, "form", "valueString"),
        codings=codings,
        posology=_posology_back(dosages[0], data.get("dispenseRequest", {})),
        prescriber=data.get("requester", {}).get("display"),
        authored_on=_date(data.get("authoredOn")),
        start_date=_date(period.get("start")),
        end_date=_date(period.get("end")),
        med_status=_MED_STATUS_BACK.get(data.get("status", ""), MedicationStatus.ACTIVE),
        reason=(data.get("reasonCode") or [{}])[0].get("text"),
    )


# -- Observation -------------------------------------------------------------------------------


def observation_json(result: LabResult, patient_url: str) -> JSON:
    """A LabResult as an Observation (category laboratory)."""
    out = _common(result, "Observation")
    ext: list[JSON] = out["extension"]
    ext += _string_ext("normalized-name", result.normalized_name)
    confirmed = result.status is RecordStatus.CONFIRMED
    out["status"] = "final" if confirmed else "preliminary"
    out["category"] = [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": "laboratory",
                }
            ]
        }
    ]
    codings: list[JSON] = []
    if result.loinc is not None:
        codings.append({"system": LOINC, "code": result.loinc})
    codings += [_coding(c) for c in result.codings]
    code: JSON = {"text": result.name}
    if codings:
        code["coding"] = codings
    out["code"] = code
    out["subject"] = _patient_ref(patient_url)
    if result.effective_date is not None:
        out["effectiveDateTime"] = result.effective_date.isoformat()
    if result.value is not None:
        out["valueQuantity"] = _value_unit(result.value, result.unit)
        ext += _string_ext("value-text", result.value_text)
    else:
        if result.value_text is not None:
            out["valueString"] = result.value_text
        ext += _string_ext("unit", result.unit)
    if result.interpretation is not None:
        out["interpretation"] = [
            {"coding": [{"system": INTERPRETATION_SYSTEM, "code": result.interpretation.value}]}
        ]
    if result.reference_range is not None:
        rng = result.reference_range
        range_json: JSON = {}
        if rng.low is not None:
            range_json["low"] = _value_unit(rng.low, result.unit)
        if rng.high is not None:
            range_json["high"] = _value_unit(rng.high, result.unit)
        if rng.text is not None:
            range_json["text"] = rng.text
        if not range_json:
            range_json["extension"] = [_ext("empty-range", valueBoolean=True)]
        out["referenceRange"] = [range_json]
    return _clean(out)


def observation(result: LabResult, patient_url: str) -> Observation:
    """The validated fhir.resources model of ``observation_json``."""
    return Observation.model_validate(observation_json(result, patient_url))


def lab_result_from(
    resource: Observation, documents: Mapping[str, str] | None = None
) -> LabResult:
    """The LabResult an Observation holds (inverse of ``observation``)."""
    return lab_result_from_json(_dump(resource), documents)


def lab_result_from_json(data: JSON, documents: Mapping[str, str] | None = None) -> LabResult:
    """``lab_result_from`` on the resource's JSON (no fhir.resources parsing: the fast path)."""
    ext = _index(data.get("extension"))
    code: JSON = data["code"]
    loinc: str | None = None
    codings: list[Coding] = []
    for coding in code.get("coding", []):
        if loinc is None and coding.get("system") == LOINC and not codings:
            loinc = coding.get("code")
        else:
            codings.append(_coding_back(coding))
    quantity = data.get("valueQuantity")
    interpretation = None
    for concept in data.get("interpretation", []):
        for coding in concept.get("coding", []):
            if coding.get("system") == INTERPRETATION_SYSTEM:
                interpretation = Interpretation(coding["code"])
    reference_range = None
    if data.get("referenceRange"):
        rng: JSON = data["referenceRange"][0]
        reference_range = ReferenceRange(
            low=float(rng["low"]["value"]) if "low" in rng else None,
            high=float(rng["high"]["value"]) if "high" in rng else None,
            text=rng.get("text"),
        )
    if quantity is not None:
        value: float | None = float(quantity["value"])
        unit = quantity.get("unit")
        value_text = _ext_value(ext, "value-text", "valueString")
    else:
        value = None
        unit = _ext_value(ext, "unit", "valueString")
        value_text = data.get("valueString")
    return LabResult(
        **_common_back(data, documents),
        name=code.get("text", ""),
        normalized_name=_ext_value(ext, "normalized-name", "valueString"),
        loinc=loinc,
        codings=codings,
        value=value,
        value_text=value_text,
        unit=unit,
        reference_range=reference_range,
        interpretation=interpretation,
        effective_date=_date(data.get("effectiveDateTime")),
    )


# -- Immunization ------------------------------------------------------------------------------


def immunization_json(vaccination: Vaccination, patient_url: str) -> JSON:
    """A Vaccination as an Immunization (status completed)."""
    out = _common(vaccination, "Immunization")
    ext: list[JSON] = out["extension"]
    ext += _string_ext("normalized-name", vaccination.normalized_name)
    out["status"] = "completed"
    concept: JSON = {"text": vaccination.product}
    if vaccination.codings:
        concept["coding"] = [_coding(c) for c in vaccination.codings]
    out["vaccineCode"] = concept
    out["patient"] = _patient_ref(patient_url)
    if vaccination.date is not None:
        out["occurrenceDateTime"] = vaccination.date.isoformat()
    else:
        out["occurrenceString"] = _UNKNOWN_DATE
    if vaccination.lot_number is not None:
        out["lotNumber"] = vaccination.lot_number
    if vaccination.dose_number is not None:
        applied: JSON = {"doseNumberPositiveInt": vaccination.dose_number}
        if vaccination.diseases:
            applied["targetDisease"] = [{"text": d} for d in vaccination.diseases]
        out["protocolApplied"] = [applied]
    else:
        ext += [_ext("target-disease", valueString=d) for d in vaccination.diseases]
    return _clean(out)


def immunization(vaccination: Vaccination, patient_url: str) -> Immunization:
    """The validated fhir.resources model of ``immunization_json``."""
    return Immunization.model_validate(immunization_json(vaccination, patient_url))


def vaccination_from(
    resource: Immunization, documents: Mapping[str, str] | None = None
) -> Vaccination:
    """The Vaccination an Immunization holds (inverse of ``immunization``)."""
    return vaccination_from_json(_dump(resource), documents)


def vaccination_from_json(data: JSON, documents: Mapping[str, str] | None = None) -> Vaccination:
    """``vaccination_from`` on the resource's JSON (no fhir.resources parsing: the fast path)."""
    ext = _index(data.get("extension"))
    concept: JSON = data["vaccineCode"]
    applied: JSON = (data.get("protocolApplied") or [{}])[0]
    diseases = [d.get("text", "") for d in applied.get("targetDisease", [])]
    diseases += [e["valueString"] for e in _find_ext(ext, "target-disease")]
    return Vaccination(
        **_common_back(data, documents),
        product=concept.get("text", ""),
        normalized_name=_ext_value(ext, "normalized-name", "valueString"),
        diseases=diseases,
        codings=[_coding_back(c) for c in concept.get("coding", [])],
        date=_date(data.get("occurrenceDateTime")),
        lot_number=data.get("lotNumber"),
        dose_number=applied.get("doseNumberPositiveInt"),
    )


# -- AllergyIntolerance ------------------------------------------------------------------------


def _verification(record: ClinicalRecord, system: str) -> JSON:
    code = "confirmed" if record.status is RecordStatus.CONFIRMED else "unconfirmed"
    return {"coding": [{"system": system, "code": code}]}


def allergy_intolerance_json(allergy: Allergy, patient_url: str) -> JSON:
    """An Allergy as an AllergyIntolerance (code.text is the substance as said)."""
    out = _common(allergy, "AllergyIntolerance")
    ext: list[JSON] = out["extension"]
    ext += _string_ext("normalized-substance", allergy.normalized_substance)
    ext += _string_ext("drug-class", allergy.drug_class)
    out["clinicalStatus"] = {"coding": [{"system": ALLERGY_CLINICAL, "code": "active"}]}
    out["verificationStatus"] = _verification(allergy, ALLERGY_VERIFICATION)
    out["type"] = allergy.kind.value
    out["category"] = ["medication"] if allergy.drug_class else []
    if not out["category"]:
        out.pop("category")
    out["code"] = {"text": allergy.substance}
    out["patient"] = _patient_ref(patient_url)
    if allergy.reaction is not None:
        out["reaction"] = [{"manifestation": [{"text": allergy.reaction}]}]
    return _clean(out)


def allergy_intolerance(allergy: Allergy, patient_url: str) -> AllergyIntolerance:
    """The validated fhir.resources model of ``allergy_intolerance_json``."""
    return AllergyIntolerance.model_validate(allergy_intolerance_json(allergy, patient_url))


def allergy_from(
    resource: AllergyIntolerance, documents: Mapping[str, str] | None = None
) -> Allergy:
    """The Allergy an AllergyIntolerance holds (inverse of ``allergy_intolerance``)."""
    return allergy_from_json(_dump(resource), documents)


def allergy_from_json(data: JSON, documents: Mapping[str, str] | None = None) -> Allergy:
    """``allergy_from`` on the resource's JSON (no fhir.resources parsing: the fast path)."""
    ext = _index(data.get("extension"))
    reactions = data.get("reaction") or [{}]
    manifestations = reactions[0].get("manifestation") or [{}]
    return Allergy(
        **_common_back(data, documents),
        substance=data.get("code", {}).get("text", ""),
        normalized_substance=_ext_value(ext, "normalized-substance", "valueString"),
        drug_class=_ext_value(ext, "drug-class", "valueString"),
        kind=AllergyKind(data.get("type", AllergyKind.ALLERGY.value)),
        reaction=manifestations[0].get("text"),
    )


# -- Condition ---------------------------------------------------------------------------------


def condition_json(record: Condition, patient_url: str) -> JSON:
    """A Condition (history entry) as a FHIR Condition."""
    out = _common(record, "Condition")
    ext: list[JSON] = out["extension"]
    ext += _string_ext("normalized-name", record.normalized_name)
    ext += [_ext("risk-group", valueString=g) for g in record.risk_groups]
    clinical = "resolved" if record.resolved is not None else "active"
    out["clinicalStatus"] = {"coding": [{"system": CONDITION_CLINICAL, "code": clinical}]}
    out["verificationStatus"] = _verification(record, CONDITION_VERIFICATION)
    out["code"] = {"text": record.name}
    out["subject"] = _patient_ref(patient_url)
    if record.onset is not None:
        out["onsetDateTime"] = record.onset.isoformat()
    if record.resolved is not None:
        out["abatementDateTime"] = record.resolved.isoformat()
    return _clean(out)


def condition(record: Condition, patient_url: str) -> FhirCondition:
    """The validated fhir.resources model of ``condition_json``."""
    return FhirCondition.model_validate(condition_json(record, patient_url))


def condition_from(
    resource: FhirCondition, documents: Mapping[str, str] | None = None
) -> Condition:
    """The carnet Condition a FHIR Condition holds (inverse of ``condition``)."""
    return condition_from_json(_dump(resource), documents)


def condition_from_json(data: JSON, documents: Mapping[str, str] | None = None) -> Condition:
    """``condition_from`` on the resource's JSON (no fhir.resources parsing: the fast path)."""
    ext = _index(data.get("extension"))
    return Condition(
        **_common_back(data, documents),
        name=data.get("code", {}).get("text", ""),
        normalized_name=_ext_value(ext, "normalized-name", "valueString"),
        onset=_date(data.get("onsetDateTime")),
        resolved=_date(data.get("abatementDateTime")),
        risk_groups=[e["valueString"] for e in _find_ext(ext, "risk-group")],
    )


# -- any clinical record -----------------------------------------------------------------------


def clinical_json(record: Clinical, patient_url: str) -> JSON:
    """The FHIR JSON of any clinical record (not validated: the fast path for large exports)."""
    if isinstance(record, Medication):
        return medication_request_json(record, patient_url)
    if isinstance(record, LabResult):
        return observation_json(record, patient_url)
    if isinstance(record, Vaccination):
        return immunization_json(record, patient_url)
    if isinstance(record, Allergy):
        return allergy_intolerance_json(record, patient_url)
    return condition_json(record, patient_url)


def clinical_from_json(data: JSON, documents: Mapping[str, str] | None = None) -> Clinical:
    """The clinical record in a resource's JSON; raises ValueError for other resource types."""
    kind = data.get("resourceType")
    if kind == "MedicationRequest":
        return medication_from_json(data, documents)
    if kind == "Observation":
        return lab_result_from_json(data, documents)
    if kind == "Immunization":
        return vaccination_from_json(data, documents)
    if kind == "AllergyIntolerance":
        return allergy_from_json(data, documents)
    if kind == "Condition":
        return condition_from_json(data, documents)
    raise ValueError(str(kind))


def clinical_resource(record: Clinical, patient_url: str) -> Resource:
    """The FHIR resource of any clinical record."""
    if isinstance(record, Medication):
        return medication_request(record, patient_url)
    if isinstance(record, LabResult):
        return observation(record, patient_url)
    if isinstance(record, Vaccination):
        return immunization(record, patient_url)
    if isinstance(record, Allergy):
        return allergy_intolerance(record, patient_url)
    return condition(record, patient_url)


def clinical_record(resource: Resource, documents: Mapping[str, str] | None = None) -> Clinical:
    """The clinical record a resource holds; raises ValueError for other resource types."""
    if isinstance(resource, MedicationRequest):
        return medication_from(resource, documents)
    if isinstance(resource, Observation):
        return lab_result_from(resource, documents)
    if isinstance(resource, Immunization):
        return vaccination_from(resource, documents)
    if isinstance(resource, AllergyIntolerance):
        return allergy_from(resource, documents)
    if isinstance(resource, FhirCondition):
        return condition_from(resource, documents)
    raise ValueError(resource.get_resource_type())


# -- DocumentReference -------------------------------------------------------------------------


def document_reference_json(info: DocumentInfo, patient_url: str) -> JSON:
    """A document as a DocumentReference: ``type.text`` its kind, ``date`` the date written on it.

    FHIR's ``date`` is an instant, so the written date is given at 00:00 UTC; the date itself is
    also in ``context.period.start`` (a plain date), which is what is read back.
    """
    out: JSON = {"resourceType": "DocumentReference", "id": info.id, "status": "current"}
    ext: list[JSON] = []
    if info.status is not None:
        ext.append(_ext("document-status", valueCode=info.status.value))
        out["docStatus"] = "final" if info.status is DocumentStatus.CONFIRMED else "preliminary"
    if info.received_at is not None:
        ext.append(_ext("received-at", valueDateTime=_iso(info.received_at)))
    ext += _string_ext("failure-code", info.failure_code)
    ext += _string_ext("text", info.text)
    if info.page_count is not None:
        ext.append(_ext("page-count", valueInteger=info.page_count))
    if ext:
        out["extension"] = ext
    out["type"] = {"text": info.kind.value}
    out["subject"] = _patient_ref(patient_url)
    if info.document_date is not None:
        out["date"] = _iso(datetime.combine(info.document_date, time(0), tzinfo=UTC))
        out["context"] = {"period": {"start": info.document_date.isoformat()}}
    if info.prescriber is not None:
        out["author"] = [{"display": info.prescriber}]
    if info.description is not None:
        out["description"] = info.description
    content = []
    for page in info.pages:
        attachment: JSON = {"contentType": page.media_type}
        if page.url is not None:
            attachment["url"] = page.url
        if page.filename is not None:
            attachment["title"] = page.filename
        content.append({"attachment": attachment})
    if not content:
        # DocumentReference.content is 1..*: an attachment named after the document.
        placeholder: JSON = {"extension": [_ext("no-pages", valueBoolean=True)]}
        if info.description is not None:
            placeholder["title"] = info.description
        content.append({"attachment": placeholder})
    out["content"] = content
    return _clean(out)


def document_reference(info: DocumentInfo, patient_url: str) -> DocumentReference:
    """The validated fhir.resources model of ``document_reference_json``."""
    return DocumentReference.model_validate(document_reference_json(info, patient_url))


def document_info_from(resource: DocumentReference) -> DocumentInfo:
    """The document a DocumentReference describes (inverse of ``document_reference``)."""
    return document_info_from_json(_dump(resource))


def document_info_from_json(data: JSON) -> DocumentInfo:
    """``document_info_from`` on the resource's JSON (no fhir.resources parsing: the fast path)."""
    ext = _index(data.get("extension"))
    status = _ext_value(ext, "document-status", "valueCode")
    written = data.get("context", {}).get("period", {}).get("start") or data.get("date")
    pages = [
        DocumentPageRef(
            media_type=item["attachment"].get("contentType", "application/octet-stream"),
            filename=item["attachment"].get("title"),
            url=item["attachment"].get("url"),
        )
        for item in data.get("content", [])
        if not _find_ext(_index(item["attachment"].get("extension")), "no-pages")
    ]
    return DocumentInfo(
        id=data.get("id", ""),
        kind=DocumentKind(data.get("type", {}).get("text", DocumentKind.OTHER.value)),
        document_date=_date(written),
        description=data.get("description"),
        prescriber=(data.get("author") or [{}])[0].get("display"),
        status=DocumentStatus(status) if status else None,
        received_at=_datetime(_ext_value(ext, "received-at", "valueDateTime")),
        failure_code=_ext_value(ext, "failure-code", "valueString"),
        text=_ext_value(ext, "text", "valueString"),
        page_count=_ext_value(ext, "page-count", "valueInteger"),
        pages=pages,
    )


# -- Patient -----------------------------------------------------------------------------------


def patient_json(profile: UserProfile | None, patient_id: str) -> JSON:
    """The person the records are about: a profile as a Patient, or an anonymous Patient."""
    out: JSON = {"resourceType": "Patient", "id": patient_id}
    if profile is None:
        return out
    ext: list[JSON] = [
        _ext("language-chosen", valueBoolean=profile.language_chosen),
        _ext("timezone", valueString=profile.timezone),
        _ext("onboarded", valueBoolean=profile.onboarded),
        _ext("consent", valueString=profile.consent.model_dump_json()),
        _ext("reminder-prefs", valueString=profile.reminders.model_dump_json()),
    ]
    out["extension"] = ext
    if profile.display_name is not None:
        out["name"] = [{"text": profile.display_name}]
    if profile.sex is not None:
        out["gender"] = profile.sex.value
    if profile.birth_year is not None:
        out["birthDate"] = f"{profile.birth_year:04d}"
    if profile.language is not None:
        out["communication"] = [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": profile.language.value}]
                },
                "preferred": True,
            }
        ]
    return _clean(out)


def patient(profile: UserProfile | None, patient_id: str) -> Patient:
    """The validated fhir.resources model of ``patient_json``."""
    return Patient.model_validate(patient_json(profile, patient_id))


def profile_from(resource: Patient) -> UserProfile | None:
    """The UserProfile a Patient holds; None for an anonymous Patient (no carnet extensions)."""
    return profile_from_json(_dump(resource))


def profile_from_json(data: JSON) -> UserProfile | None:
    """``profile_from`` on the resource's JSON (no fhir.resources parsing: the fast path)."""
    ext = _index(data.get("extension"))
    if not _find_ext(ext, "timezone"):
        return None
    language = None
    for item in data.get("communication", []):
        for coding in item.get("language", {}).get("coding", []):
            language = Language(coding["code"])
    birth = data.get("birthDate")
    gender = data.get("gender")
    return UserProfile(
        id=data.get("id", ""),
        display_name=(data.get("name") or [{}])[0].get("text"),
        language=language,
        language_chosen=bool(_ext_value(ext, "language-chosen", "valueBoolean")),
        timezone=_ext_value(ext, "timezone", "valueString"),
        birth_year=int(str(birth)[:4]) if birth else None,
        sex=Sex(gender) if gender else None,
        consent=Consent.model_validate_json(_ext_value(ext, "consent", "valueString")),
        reminders=ReminderPrefs.model_validate_json(
            _ext_value(ext, "reminder-prefs", "valueString")
        ),
        onboarded=bool(_ext_value(ext, "onboarded", "valueBoolean")),
    )
