"""FHIR collection Bundles: extraction output, a whole user's record, and reading them back.

``extraction_bundle`` is what ``carnet extract --format fhir`` prints. Since ``store`` never
imports ``extraction``, it is typed against ``ExtractedDocumentLike``, a Protocol of the few
attributes it reads; ``extraction.result.ExtractedDocument`` satisfies it structurally.

Entry order: the Patient, then per document its DocumentReference followed by the resources read
from it (each naming the DocumentReference's ``fullUrl`` in ``meta.source``), then records that
have no document.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Protocol

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource
from pydantic import BaseModel, Field, ValidationError

from store.fhir.errors import BundleInvalid
from store.fhir.mapping import (
    Clinical,
    DocumentInfo,
    DocumentPageRef,
    clinical_record,
    clinical_resource,
    document_info_from,
    document_reference,
    full_url,
    patient,
    profile_from,
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


def _entry(resource: Resource, url: str) -> dict[str, Any]:
    return {"fullUrl": url, "resource": resource}


def _serialise(entries: list[dict[str, Any]]) -> str:
    bundle = Bundle.model_validate({"type": "collection", "entry": entries})
    text: str = bundle.model_dump_json(exclude_none=True)
    return text


def extraction_bundle(documents: Sequence[ExtractedDocumentLike]) -> str:
    """The JSON of one collection Bundle of extracted documents (``carnet extract --format fhir``).

    Each document gives a DocumentReference (``description`` the input file name) followed by its
    MedicationRequests, Observations, Immunizations and AllergyIntolerances. The subject is one
    anonymous Patient: extraction knows nothing about the person.
    """
    patient_key = ",".join(d.document_id for d in documents)
    patient_id = str(uuid.uuid5(_PATIENT_NAMESPACE, patient_key))
    patient_url = f"urn:uuid:{patient_id}"
    entries = [_entry(patient(None, patient_id), patient_url)]
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
            _entry(document_reference(info, patient_url), full_url(document.document_id))
        )
        records: list[Clinical] = [
            *document.medications,
            *document.lab_results,
            *document.vaccinations,
            *document.allergies,
        ]
        for record in records:
            record = _with_document(record, document.document_id)
            entries.append(_entry(clinical_resource(record, patient_url), full_url(record.id)))
    return _serialise(entries)


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
) -> str:
    """The JSON of one collection Bundle holding a user's whole record.

    Args:
        profile: the profile, as a Patient (None gives an anonymous Patient).
        documents: the user's documents; page bytes are not inlined, only referenced by
            ``page_url`` (the export archive stores them beside the Bundle).
        records: every clinical record; each follows its document's DocumentReference.
        page_url: where each page's bytes live, for ``Attachment.url``.
    """
    patient_id = profile.id if profile is not None else uuid.uuid4().hex
    patient_url = full_url(patient_id)
    entries = [_entry(patient(profile, patient_id), patient_url)]
    by_document: dict[str | None, list[Clinical]] = {}
    for record in records:
        by_document.setdefault(record.provenance.document_id, []).append(record)
    for document in documents:
        info = document_info(document, page_url)
        entries.append(_entry(document_reference(info, patient_url), full_url(document.id)))
        for record in by_document.pop(document.id, []):
            entries.append(_entry(clinical_resource(record, patient_url), full_url(record.id)))
    for rest in by_document.values():
        for record in rest:
            entries.append(_entry(clinical_resource(record, patient_url), full_url(record.id)))
    return _serialise(entries)


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


def read_bundle(text: str | bytes) -> BundleContent:
    """Read a Bundle written by ``extraction_bundle`` or ``records_bundle`` back into records.

    Raises:
        BundleInvalid: not a valid FHIR Bundle, or a resource carnet cannot map back.
    """
    try:
        bundle = Bundle.model_validate_json(text)
    except (ValidationError, ValueError) as error:
        raise BundleInvalid(type(error).__name__) from error
    entries = [e for e in bundle.entry or [] if e.resource is not None]
    documents: dict[str, str] = {}
    for entry in entries:
        if isinstance(entry.resource, DocumentReference) and entry.fullUrl:
            documents[str(entry.fullUrl)] = str(entry.resource.id)
    content = BundleContent()
    groups: dict[str | None, DocumentGroup] = {}
    try:
        for entry in entries:
            resource = entry.resource
            if isinstance(resource, Patient):
                content.profile = profile_from(resource)
            elif isinstance(resource, DocumentReference):
                info = document_info_from(resource)
                group = groups.setdefault(info.id, DocumentGroup(document_id=info.id))
                group.document = info
            elif resource is not None:
                record = clinical_record(resource, documents)
                key = record.provenance.document_id
                _add(groups.setdefault(key, DocumentGroup(document_id=key)), record)
    except (ValidationError, ValueError, KeyError, TypeError) as error:
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
