"""Documents a user sent: the original file (kept encrypted) and what was read from it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from store.records.common import Model, new_id


class DocumentKind(StrEnum):
    """What a document is, as classified by extraction (or said by the user)."""

    PRESCRIPTION = "prescription"
    LAB_REPORT = "lab_report"
    VACCINATION_RECORD = "vaccination_record"
    OTHER = "other"


class DocumentStatus(StrEnum):
    """Life cycle of a document in carnet."""

    RECEIVED = "received"
    READ = "read"
    CONFIRMED = "confirmed"
    DISCARDED = "discarded"
    FAILED = "failed"


class DocumentPage(Model):
    """One file of a document (an album of three photos is one document of three pages)."""

    filename: str | None = None
    media_type: str
    content: bytes


class Document(Model):
    """A document with its originals. ``pages`` holds the raw bytes, encrypted at rest."""

    id: str = Field(default_factory=new_id)
    kind: DocumentKind = DocumentKind.OTHER
    status: DocumentStatus = DocumentStatus.RECEIVED
    title: str | None = None
    document_date: date | None = None
    received_at: datetime
    pages: list[DocumentPage] = Field(default_factory=list)
    failure_code: str | None = None
    text: str | None = None
