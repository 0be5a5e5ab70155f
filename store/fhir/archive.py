"""The export archive: one zip with everything a user has, and its import (a lossless round trip).

Layout::

    manifest.json                 format, version, export time, counts, sha256 of every file
    bundle.json                   FHIR R4 collection Bundle: Patient (profile), DocumentReferences,
                                  MedicationRequests, Observations, Immunizations,
                                  AllergyIntolerances, Conditions (``store.fhir.bundle``)
    reminders.json                reminders and their occurrences, in carnet's JSON (FHIR has no
                                  fitting resource for a personal reminder rule)
    audit.json                    the event log, for the user's information (not re-imported:
                                  the importing store logs the import itself)
    documents/<id>/<n>.<ext>      the original pages, referenced by ``Attachment.url``

Not exported: the dialogue state (transient) and the Telegram chat id (it belongs to the account
and the platform, not to the health record).

Threat model of ``import_archive``: the zip comes from a user and may be hostile. It is read in
memory only (never extracted to disk, so no path traversal on the file system); names must be
relative and plain; the number of entries, each entry's size and the total uncompressed size are
capped, counting the bytes actually inflated rather than trusting the headers (zip bombs);
encrypted entries are refused; every page must match the sha256 in the manifest. Accepted risk:
a well-formed archive may hold any record values the user chooses, as typing them would.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from datetime import UTC, datetime

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from store.fhir.bundle import document_from, read_bundle, records_bundle
from store.fhir.errors import ArchiveInvalid, ArchiveTooLarge, BundleInvalid
from store.fhir.mapping import Clinical
from store.records import (
    Allergy,
    AuditAction,
    AuditEntry,
    Condition,
    Document,
    DocumentPage,
    LabResult,
    Medication,
    Occurrence,
    Reminder,
    UserProfile,
    Vaccination,
    new_id,
)
from store.vault import Vault

log = logging.getLogger(__name__)

FORMAT = "carnet-export"
VERSION = 1
MANIFEST = "manifest.json"
BUNDLE = "bundle.json"
REMINDERS = "reminders.json"
AUDIT = "audit.json"
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/webp": "webp",
    "image/tiff": "tif",
    "application/pdf": "pdf",
    "text/plain": "txt",
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
_CHUNK = 1 << 16


class ArchiveLimits(BaseModel):
    """Caps applied when reading an archive (zip bomb guard)."""

    max_entries: int = 20_000
    max_entry_bytes: int = 64 * 1024 * 1024
    """Per page (a 50-megapixel photo or a long PDF fits)."""
    max_json_bytes: int = 256 * 1024 * 1024
    """Per JSON file: ``bundle.json`` of a 10-year record is about 25 MB."""
    max_total_bytes: int = 1024 * 1024 * 1024


class ImportReport(BaseModel):
    """What an import restored, as counts."""

    documents: int = 0
    pages: int = 0
    medications: int = 0
    lab_results: int = 0
    vaccinations: int = 0
    allergies: int = 0
    conditions: int = 0
    reminders: int = 0
    occurrences: int = 0


class _FileEntry(BaseModel):
    path: str
    sha256: str
    size: int


class _Manifest(BaseModel):
    format: str
    version: int
    exported_at: datetime
    counts: dict[str, int] = Field(default_factory=dict)
    files: list[_FileEntry] = Field(default_factory=list)


class _Reminders(BaseModel):
    reminders: list[Reminder] = Field(default_factory=list)
    occurrences: list[Occurrence] = Field(default_factory=list)


_RECORD_KINDS: tuple[type[Clinical], ...] = (
    Medication,
    LabResult,
    Vaccination,
    Allergy,
    Condition,
)


def page_path(document_id: str, number: int, media_type: str) -> str:
    """Where page ``number`` (0-based) of a document is stored inside the archive."""
    extension = _EXTENSIONS.get(media_type.split(";")[0].strip().lower(), "bin")
    return f"documents/{document_id}/{number}.{extension}"


def _all_records(vault: Vault) -> list[Clinical]:
    records: list[Clinical] = []
    records += vault.records(Medication)
    records += vault.records(LabResult)
    records += vault.records(Vaccination)
    records += vault.records(Allergy)
    records += vault.records(Condition)
    return records


def export_archive(vault: Vault, *, exported_at: datetime | None = None) -> bytes:
    """A zip of everything the vault's profile holds (see the module docstring for the layout).

    Records an ``exported`` audit entry in the vault's transaction.
    """
    when = exported_at or datetime.now(UTC)
    profile = vault.get_profile()
    documents = vault.list_documents(with_pages=True)
    records = _all_records(vault)
    reminders = _Reminders(reminders=vault.list_reminders(), occurrences=vault.list_occurrences())
    audit = TypeAdapter(list[AuditEntry]).dump_json(vault.audit_log())
    bundle = records_bundle(
        profile,
        documents,
        records,
        page_url=lambda document, n, page: page_path(document.id, n, page.media_type),
        validate=False,
    ).encode()
    files: dict[str, bytes] = {
        BUNDLE: bundle,
        REMINDERS: reminders.model_dump_json().encode(),
        AUDIT: audit,
    }
    for document in documents:
        for n, page in enumerate(document.pages):
            files[page_path(document.id, n, page.media_type)] = page.content
    counts = {kind.__name__: sum(isinstance(r, kind) for r in records) for kind in _RECORD_KINDS}
    counts["Document"] = len(documents)
    counts["Reminder"] = len(reminders.reminders)
    manifest = _Manifest(
        format=FORMAT,
        version=VERSION,
        exported_at=when,
        counts=counts,
        files=[
            _FileEntry(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
            for path, data in files.items()
        ],
    )
    stamp = when.astimezone(UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, data in [
            (MANIFEST, manifest.model_dump_json(indent=1).encode()),
            *files.items(),
        ]:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = (
                zipfile.ZIP_DEFLATED if path.endswith((".json", ".txt")) else zipfile.ZIP_STORED
            )
            archive.writestr(info, data)
    vault.audit(AuditAction.EXPORTED, "archive", count=len(records) + len(documents))
    log.info("export: %d documents, %d records", len(documents), len(records))
    return out.getvalue()


class _Reader:
    """Reads entries of an untrusted zip within limits."""

    def __init__(self, data: bytes, limits: ArchiveLimits) -> None:
        if len(data) > limits.max_total_bytes:
            raise ArchiveTooLarge("archive")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
            raise ArchiveInvalid(type(error).__name__) from error
        if len(infos) > limits.max_entries:
            raise ArchiveTooLarge("entries")
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.is_dir():
                continue
            if not _SAFE_NAME.match(info.filename) or ".." in info.filename.split("/"):
                raise ArchiveInvalid("unsafe name")
            if info.flag_bits & 0x1:
                raise ArchiveInvalid("encrypted entry")
            if info.filename in self.infos:
                raise ArchiveInvalid("duplicate entry")
            self.infos[info.filename] = info
        if sum(i.file_size for i in self.infos.values()) > limits.max_total_bytes:
            raise ArchiveTooLarge("declared size")
        self.limits = limits
        self.total = 0

    def read(self, name: str) -> bytes:
        """The bytes of one entry, inflated in chunks and capped whatever the header says."""
        info = self.infos.get(name)
        if info is None:
            raise ArchiveInvalid("missing entry")
        limit = (
            self.limits.max_json_bytes if name.endswith(".json") else self.limits.max_entry_bytes
        )
        if info.file_size > limit:
            raise ArchiveTooLarge("entry")
        buffer = bytearray()
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    buffer += chunk
                    if len(buffer) > info.file_size:
                        raise ArchiveInvalid("size mismatch")
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
            raise ArchiveInvalid(type(error).__name__) from error
        self.total += len(buffer)
        if self.total > self.limits.max_total_bytes:
            raise ArchiveTooLarge("total")
        return bytes(buffer)


def _fresh_ids(
    documents: list[Document], records: list[Clinical], reminders: _Reminders
) -> tuple[list[Document], list[Clinical], _Reminders]:
    doc_ids = {d.id: new_id() for d in documents}
    record_ids = {r.id: new_id() for r in records}
    reminder_ids = {r.id: new_id() for r in reminders.reminders}
    new_documents = [d.model_copy(update={"id": doc_ids[d.id]}) for d in documents]
    new_records: list[Clinical] = []
    for record in records:
        source = record.provenance.document_id
        provenance = record.provenance.model_copy(
            update={"document_id": doc_ids.get(source, source) if source else None}
        )
        new_records.append(
            record.model_copy(update={"id": record_ids[record.id], "provenance": provenance})
        )
    new_reminders = _Reminders(
        reminders=[
            r.model_copy(
                update={
                    "id": reminder_ids[r.id],
                    "subject_id": record_ids.get(r.subject_id or "", r.subject_id),
                }
            )
            for r in reminders.reminders
        ],
        occurrences=[
            o.model_copy(
                update={"id": new_id(), "reminder_id": reminder_ids.get(o.reminder_id, "")}
            )
            for o in reminders.occurrences
            if o.reminder_id in reminder_ids
        ],
    )
    return new_documents, new_records, new_reminders


def _parse(
    data: bytes, limits: ArchiveLimits
) -> tuple[UserProfile | None, list[Document], list[Clinical], _Reminders]:
    reader = _Reader(data, limits)
    try:
        manifest = _Manifest.model_validate_json(reader.read(MANIFEST))
    except ValidationError as error:
        raise ArchiveInvalid("manifest") from error
    if manifest.format != FORMAT or manifest.version != VERSION:
        raise ArchiveInvalid("format")
    digests = {f.path: f.sha256 for f in manifest.files}

    def checked(name: str) -> bytes:
        content = reader.read(name)
        if digests.get(name) != hashlib.sha256(content).hexdigest():
            raise ArchiveInvalid("checksum")
        return content

    content = read_bundle(checked(BUNDLE))
    try:
        reminders = (
            _Reminders.model_validate_json(checked(REMINDERS))
            if REMINDERS in reader.infos
            else _Reminders()
        )
    except ValidationError as error:
        raise ArchiveInvalid("reminders") from error
    documents: list[Document] = []
    records: list[Clinical] = []
    for group in content.groups:
        records += group.records
        if group.document is None:
            continue
        pages = []
        for page in group.document.pages:
            if page.url is None:
                raise ArchiveInvalid("page without url")
            pages.append(
                DocumentPage(
                    filename=page.filename, media_type=page.media_type, content=checked(page.url)
                )
            )
        try:
            documents.append(document_from(group.document, pages))
        except (BundleInvalid, ValidationError) as error:
            raise ArchiveInvalid("document") from error
    return content.profile, documents, records, reminders


def import_archive(
    vault: Vault,
    data: bytes,
    *,
    new_ids: bool = False,
    limits: ArchiveLimits | None = None,
) -> ImportReport:
    """Restore an archive made by ``export_archive`` into the vault's profile.

    Everything is validated before anything is written, and all writes happen in the vault's
    transaction, so a bad archive changes nothing. Records keep their ids (an identical record
    set) unless ``new_ids`` is set, e.g. to import a copy into another profile of the same store.
    The profile's settings replace the vault's, under the vault's own profile id, except consent:
    consent is an act in this store, so the vault's own record of it is kept.

    Raises:
        ArchiveInvalid: not a carnet archive, damaged, or unsafe (``ArchiveTooLarge`` over limits).
        BundleInvalid: ``bundle.json`` is not a Bundle carnet can read.
    """
    profile, documents, records, reminders = _parse(data, limits or ArchiveLimits())
    if new_ids:
        documents, records, reminders = _fresh_ids(documents, records, reminders)
    if profile is not None:
        current = vault.get_profile()
        vault.save_profile(
            profile.model_copy(update={"id": current.id, "consent": current.consent})
        )
    for document in documents:
        if vault.get_document(document.id, with_pages=False) is None:
            vault.add_document(document)
        else:
            vault.update_document(document)
    vault.save_all(records)
    for reminder in reminders.reminders:
        vault.save_reminder(reminder)
    vault.save_occurrences(reminders.occurrences)
    vault.audit(AuditAction.IMPORTED, "archive", count=len(records) + len(documents))
    report = ImportReport(
        documents=len(documents),
        pages=sum(len(d.pages) for d in documents),
        reminders=len(reminders.reminders),
        occurrences=len(reminders.occurrences),
        medications=sum(isinstance(r, Medication) for r in records),
        lab_results=sum(isinstance(r, LabResult) for r in records),
        vaccinations=sum(isinstance(r, Vaccination) for r in records),
        allergies=sum(isinstance(r, Allergy) for r in records),
        conditions=sum(isinstance(r, Condition) for r in records),
    )
    log.info("import: %d documents, %d records", report.documents, len(records))
    return report
