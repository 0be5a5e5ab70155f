"""FHIR collection Bundles: extraction output, a whole user's record, and reading them back.

``extraction_bundle`` is what ``carnet extract --format fhir`` prints. Since ``store`` never
imports ``extraction``, it is typed against ``ExtractedDocumentLike``, a Protocol of the few
attributes it reads; ``extraction.result.ExtractedDocument`` satisfies it structurally.

Entry order: the Patient, then per document its DocumentReference followed by the resources read
from it (each naming the DocumentReference's ``fullUrl`` in ``meta.source``), then records that
have no document.

Speed: fhir.resources validates and serialises about 300 resources a second here, far too slow for
a ten-year record (22,000 resources: over a minute each way). Resources are therefore built as
plain JSON by ``store.fhir.mapping``; ``validate=True`` (always used for extraction output, and by
the tests on every kind of export) runs the same JSON through fhir.resources, and a test checks
both paths print identical Bundles. Reading uses the JSON directly, every value then going
through carnet's own pydantic records; ``strict=True`` also parses it with fhir.resources.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol

from fhir.resources.R4B.bundle import Bundle
from pydantic import BaseModel, Field, ValidationError

from store.fhir.errors import BundleInvalid
from store.fhir.mapping import (
    JSON,
    Clinical,
    DocumentInfo,
    DocumentPageRef,
    clinical_from_json,
    clinical_json,
    document_info_from_json,
    document_reference_json,
    full_url,
    patient_json,
    profile_from_json,
)
from store.records import (
    Allergy,
    Condition,
    Document,
    DocumentKind,
    DocumentPage,
    LabResult,
    Medication,
    UserProfile,
    Vaccination,
)

_PATIENT_NAMESPACE = uuid.UUID("0d6b8f43-8a43-4b59-a3c7-7c1f2e9b5d20")

PageUrl = Callable[[Document, int, DocumentPage], str]
"""Where page ``n`` (0-based) of a document is stored, for ``Attachment.url``."""


class ExtractedDocumentLike(Protocol):
    """The attributes of an extracted document that the extraction Bundle reads."""

    @property
    def document_id(self) -> str: ...
    @property
    def source_name(self) -> str: ...
    @property
    def kind(self) -> DocumentKind: ...
    @property
    def document_date(self) -> date | None: ...
    @property
    def prescriber(self) -> str | None: ...
    @property
    def page_count(self) -> int: ...
    @property
    def medications(self) -> Sequence[Medication]: ...
    @property
    def lab_results(self) -> Sequence[LabResult]: ...
    @property
    def vaccinations(self) -> Sequence[Vaccination]: ...
    @property
    def allergies(self) -> Sequence[Allergy]: ...


class DocumentGroup(BaseModel):
    """The records of one document, as read back from a Bundle.

    ``document`` is None for records without a document (typed by the user) or whose document is
    not in the Bundle; ``document_id`` still names it in the latter case.
    """

    document_id: str | None = None
    document: DocumentInfo | None = None
    medications: list[Medication] = Field(default_factory=list)
    lab_results: list[LabResult] = Field(default_factory=list)
    vaccinations: list[Vaccination] = Field(default_factory=list)
    allergies: list[Allergy] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)

    @property
    def records(self) -> list[Clinical]:
        """Every clinical record of this group."""
        return [
            *self.medications,
            *self.lab_results,
            *self.vaccinations,
            *self.allergies,
            *self.conditions,
        ]


class BundleContent(BaseModel):
    """What a carnet Bundle holds: the profile (None when anonymous) and records by document."""

    profile: UserProfile | None = None
    groups: list[DocumentGroup] = Field(default_factory=list)

    def group(self, document_id: str | None) -> DocumentGroup | None:
        """The group of one document id (None: records without a document)."""
        return next((g for g in self.groups if g.document_id == document_id), None)


def _with_document(record: Clinical, document_id: str) -> Clinical:
    if record.provenance.document_id == document_id:
        return record
    provenance = record.provenance.model_copy(update={"document_id": document_id})
    return record.model_copy(update={"provenance": provenance})


def _entry(resource: JSON, url: str) -> JSON:
    return {"fullUrl": url, "resource": resource}


def _serialise(entries: list[JSON], validate: bool) -> str:
    data: JSON = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    if validate:
        text: str = Bundle.model_validate(data).model_dump_json(exclude_none=True)
        return text
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def extraction_bundle(documents: Sequence[ExtractedDocumentLike]) -> str:
    """The JSON of one collection Bundle of extracted documents (``carnet extract --format fhir``).

    Each document gives a DocumentReference (``description`` the input file name) followed by its
    MedicationRequests, Observations, Immunizations and AllergyIntolerances. The subject is one
    anonymous Patient: extraction knows nothing about the person.
    """
    patient_key = ",".join(d.document_id for d in documents)
    patient_id = str(uuid.uuid5(_PATIENT_NAMESPACE, patient_key))
    patient_url = f"urn:uuid:{patient_id}"
    entries = [_entry(patient_json(None, patient_id), patient_url)]
    for document in documents:
        info = DocumentInfo(
            id=document.document_id,
            kind=document.kind,
            document_date=document.document_date,
            description=document.source_name,
            prescriber=document.prescriber,
            page_count=document.page_count,
        )
        entries.append(
            _entry(document_reference_json(info, patient_url), full_url(document.document_id))
        )
        records: list[Clinical] = [
            *document.medications,
            *document.lab_results,
            *document.vaccinations,
            *document.allergies,
        ]
        for record in records:
            record = _with_document(record, document.document_id)
            entries.append(_entry(clinical_json(record, patient_url), full_url(record.id)))
    return _serialise(entries, validate=True)


def document_info(document: Document, page_url: PageUrl | None = None) -> DocumentInfo:
    """A stored Document as a DocumentReference descriptor (pages referenced, never inlined)."""
    pages = [
        DocumentPageRef(
            media_type=page.media_type,
            filename=page.filename,
            url=page_url(document, n, page) if page_url else None,
        )
        for n, page in enumerate(document.pages)
    ]
    return DocumentInfo(
        id=document.id,
        kind=document.kind,
        document_date=document.document_date,
        description=document.title,
        status=document.status,
        received_at=document.received_at,
        failure_code=document.failure_code,
        text=document.text,
        pages=pages,
    )


def records_bundle(
    profile: UserProfile | None,
    documents: Sequence[Document],
    records: Sequence[Clinical],
    *,
    page_url: PageUrl | None = None,
    validate: bool = True,
) -> str:
    """The JSON of one collection Bundle holding a user's whole record.

    Args:
        profile: the profile, as a Patient (None gives an anonymous Patient).
        documents: the user's documents; page bytes are not inlined, only referenced by
            ``page_url`` (the export archive stores them beside the Bundle).
        records: every clinical record; each follows its document's DocumentReference.
        page_url: where each page's bytes live, for ``Attachment.url``.
        validate: build the Bundle through fhir.resources (slow; the output is the same).
    """
    patient_id = profile.id if profile is not None else uuid.uuid4().hex
    patient_url = full_url(patient_id)
    entries = [_entry(patient_json(profile, patient_id), patient_url)]
    by_document: dict[str | None, list[Clinical]] = {}
    for record in records:
        by_document.setdefault(record.provenance.document_id, []).append(record)
    for document in documents:
        info = document_info(document, page_url)
        entries.append(_entry(document_reference_json(info, patient_url), full_url(document.id)))
        for record in by_document.pop(document.id, []):
            entries.append(_entry(clinical_json(record, patient_url), full_url(record.id)))
    for rest in by_document.values():
        for record in rest:
            entries.append(_entry(clinical_json(record, patient_url), full_url(record.id)))
    return _serialise(entries, validate)


def _add(group: DocumentGroup, record: Clinical) -> None:
    if isinstance(record, Medication):
        group.medications.append(record)
    elif isinstance(record, LabResult):
        group.lab_results.append(record)
    elif isinstance(record, Vaccination):
        group.vaccinations.append(record)
    elif isinstance(record, Allergy):
        group.allergies.append(record)
    else:
        group.conditions.append(record)


def read_bundle(text: str | bytes, *, strict: bool = False) -> BundleContent:
    """Read a Bundle written by ``extraction_bundle`` or ``records_bundle`` back into records.

    Args:
        text: the Bundle's JSON.
        strict: also check it is valid FHIR with fhir.resources (slow on large Bundles).

    Raises:
        BundleInvalid: not a Bundle, or a resource carnet cannot map back.
    """
    try:
        data = json.loads(text)
        if strict:
            Bundle.model_validate(data)
        if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
            raise BundleInvalid("not a Bundle")
        entries = [e for e in data.get("entry", []) if "resource" in e]
        documents: dict[str, str] = {
            str(e["fullUrl"]): str(e["resource"]["id"])
            for e in entries
            if e["resource"].get("resourceType") == "DocumentReference" and "fullUrl" in e
        }
        content = BundleContent()
        groups: dict[str | None, DocumentGroup] = {}
        for entry in entries:
            resource: JSON = entry["resource"]
            kind = resource.get("resourceType")
            if kind == "Patient":
                content.profile = profile_from_json(resource)
            elif kind == "DocumentReference":
                info = document_info_from_json(resource)
                group = groups.setdefault(info.id, DocumentGroup(document_id=info.id))
                group.document = info
            else:
                record = clinical_from_json(resource, documents)
                key = record.provenance.document_id
                _add(groups.setdefault(key, DocumentGroup(document_id=key)), record)
    except BundleInvalid:
        raise
    except (ValidationError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise BundleInvalid(type(error).__name__) from error
    content.groups = list(groups.values())
    return content


def document_from(info: DocumentInfo, pages: Sequence[DocumentPage]) -> Document:
    """A stored Document rebuilt from its descriptor and its page bytes."""
    if info.received_at is None:
        raise BundleInvalid("missing received-at")
    return Document(
        id=info.id,
        kind=info.kind,
        status=info.status if info.status is not None else Document.model_fields["status"].default,
        title=info.description,
        document_date=info.document_date,
        received_at=info.received_at,
        pages=list(pages),
        failure_code=info.failure_code,
        text=info.text,
    )
