"""Export archive: everything a user has goes out in one zip and comes back identical."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from fhir.resources.R4B.bundle import Bundle

from store import Store, open_store
from store.errors import IdConflict, StoreError
from store.fhir.archive import ArchiveLimits, export_archive, import_archive
from store.fhir.errors import ArchiveInvalid, ArchiveTooLarge
from store.fhir.mapping import Clinical
from store.records import (
    Allergy,
    AuditAction,
    AuditEntry,
    Condition,
    Consent,
    DialogueState,
    Document,
    DocumentKind,
    DocumentPage,
    DocumentStatus,
    LabResult,
    Language,
    Medication,
    Occurrence,
    OccurrenceAnswer,
    Reminder,
    ReminderKind,
    Sex,
    UserProfile,
    Vaccination,
    new_id,
)
from store.vault import Vault
from tests.store.test_fhir import DOC, RECORDS

C = TypeVar("C", Medication, LabResult, Vaccination, Allergy, Condition)
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
KINDS: tuple[Any, ...] = (Medication, LabResult, Vaccination, Allergy, Condition)


class MemoryVault:
    """A plain in-memory Vault, to test archive logic apart from the SQL store."""

    def __init__(self) -> None:
        self._profile_id = new_id()
        self.profile = UserProfile(id=self._profile_id)
        self.documents: dict[str, Document] = {}
        self.items: dict[str, Clinical] = {}
        self.reminders: dict[str, Reminder] = {}
        self.occurrences: dict[str, Occurrence] = {}
        self.log: list[AuditEntry] = []

    @property
    def account_id(self) -> str:
        return "account"

    @property
    def profile_id(self) -> str:
        return self._profile_id

    def get_profile(self) -> UserProfile:
        return self.profile

    def save_profile(self, profile: UserProfile) -> None:
        assert profile.id == self._profile_id
        self.profile = profile

    def get_chat_id(self) -> int | None:
        return None

    def set_chat_id(self, chat_id: int) -> None:
        raise NotImplementedError

    def get_dialogue(self) -> DialogueState:
        return DialogueState()

    def save_dialogue(self, state: DialogueState) -> None:
        raise NotImplementedError

    def add_document(self, document: Document) -> None:
        assert document.id not in self.documents
        self.documents[document.id] = document

    def update_document(self, document: Document) -> None:
        self.documents[document.id] = document

    def get_document(self, document_id: str, *, with_pages: bool = True) -> Document | None:
        return self.documents.get(document_id)

    def list_documents(self, *, with_pages: bool = False) -> list[Document]:
        return list(self.documents.values())

    def save(self, record: Clinical) -> None:
        self.items[record.id] = record

    def save_all(self, records: Sequence[Clinical]) -> None:
        for record in records:
            self.save(record)

    def records(self, kind: type[C]) -> list[C]:
        return [r for r in self.items.values() if isinstance(r, kind)]

    def get(self, kind: type[C], record_id: str) -> C | None:
        record = self.items.get(record_id)
        return record if isinstance(record, kind) else None

    def delete(self, kind: type[C], record_id: str) -> bool:
        return self.items.pop(record_id, None) is not None

    def save_reminder(self, reminder: Reminder) -> None:
        self.reminders[reminder.id] = reminder

    def list_reminders(self) -> list[Reminder]:
        return list(self.reminders.values())

    def delete_reminder(self, reminder_id: str) -> None:
        self.reminders.pop(reminder_id, None)

    def save_occurrences(self, occurrences: Sequence[Occurrence]) -> None:
        self.occurrences.update({o.id: o for o in occurrences})

    def list_occurrences(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[Occurrence]:
        return list(self.occurrences.values())

    def audit(
        self, action: AuditAction, record_type: str, record_id: str | None = None, count: int = 1
    ) -> None:
        self.log.append(AuditEntry(at=NOW, action=action, record_type=record_type, count=count))

    def audit_log(self) -> list[AuditEntry]:
        return list(self.log)


def _pages(n: int) -> list[DocumentPage]:
    return [
        DocumentPage(
            filename=f"IMG_{n}_{i}.jpg", media_type="image/jpeg", content=bytes([i]) * 5000 + b"z"
        )
        for i in range(n)
    ]


def fill(vault: Vault) -> None:
    """A realistic synthetic record: profile, two documents with pages, every kind of record."""
    profile = vault.get_profile().model_copy(
        update={"display_name": "Camille", "language": Language.FR, "birth_year": 1979}
    )
    vault.save_profile(profile.model_copy(update={"sex": Sex.FEMALE, "onboarded": True}))
    vault.add_document(
        Document(
            id=DOC,
            kind=DocumentKind.PRESCRIPTION,
            status=DocumentStatus.CONFIRMED,
            title="ordonnance.jpg",
            received_at=NOW - timedelta(days=3),
            pages=_pages(2),
            text="DOLIPRANE 1000 mg",
        )
    )
    vault.add_document(
        Document(
            kind=DocumentKind.OTHER,
            status=DocumentStatus.FAILED,
            received_at=NOW,
            pages=[DocumentPage(media_type="application/pdf", content=b"%PDF-1.4 synthetic")],
            failure_code="unreadable_document",
        )
    )
    vault.save_all(RECORDS)
    medication = RECORDS[0]
    reminder = Reminder(kind=ReminderKind.INTAKE, subject_id=medication.id, label="Doliprane")
    vault.save_reminder(reminder)
    vault.save_occurrences(
        [
            Occurrence(reminder_id=reminder.id, due_at=NOW, sent_at=NOW),
            Occurrence(
                reminder_id=reminder.id,
                due_at=NOW + timedelta(hours=12),
                answer=OccurrenceAnswer.TAKEN,
                answered_at=NOW + timedelta(hours=12, minutes=3),
            ),
        ]
    )


def snapshot(vault: Vault) -> dict[str, Any]:
    """Everything a profile holds, comparable across stores (the profile id aside)."""
    documents = {d.id: d for d in vault.list_documents(with_pages=True)}
    for document_id in documents:
        full = vault.get_document(document_id, with_pages=True)
        assert full is not None
        documents[document_id] = full
    return {
        "profile": vault.get_profile().model_copy(update={"id": "-"}),
        "documents": documents,
        "records": {kind.__name__: {r.id: r for r in vault.records(kind)} for kind in KINDS},
        "reminders": {r.id: r for r in vault.list_reminders()},
        "occurrences": {o.id: o for o in vault.list_occurrences()},
    }


def test_round_trip_restores_an_identical_record_set_in_memory():
    source, target = MemoryVault(), MemoryVault()
    fill(source)
    archive = export_archive(source, exported_at=NOW)

    report = import_archive(target, archive)

    assert snapshot(target) == snapshot(source)
    assert report.documents == 2 and report.pages == 3
    assert report.medications == 4 and report.lab_results == 4 and report.conditions == 2
    assert report.reminders == 1 and report.occurrences == 2
    assert [e.action for e in source.audit_log()] == [AuditAction.EXPORTED]
    assert [e.action for e in target.audit_log()] == [AuditAction.IMPORTED]


def test_import_keeps_the_importing_profiles_own_consent():
    source, target = MemoryVault(), MemoryVault()
    fill(source)
    given = Consent(given=True, at=NOW, version="2")
    target.profile = target.profile.model_copy(update={"consent": given})

    import_archive(target, export_archive(source, exported_at=NOW))

    assert target.profile.consent == given
    assert target.profile.display_name == "Camille"


def test_archive_holds_a_valid_fhir_bundle_the_pages_and_a_manifest():
    vault = MemoryVault()
    fill(vault)
    with zipfile.ZipFile(io.BytesIO(export_archive(vault, exported_at=NOW))) as archive:
        names = set(archive.namelist())
        bundle = Bundle.model_validate_json(archive.read("bundle.json"))
        manifest = json.loads(archive.read("manifest.json"))
        page = archive.read(f"documents/{DOC}/1.jpg")

    assert {f"documents/{DOC}/0.jpg", "reminders.json", "audit.json"} <= names
    assert page == vault.documents[DOC].pages[1].content
    types = [e.resource.get_resource_type() for e in bundle.entry or [] if e.resource]
    assert types.count("DocumentReference") == 2
    assert types.count("MedicationRequest") == 4
    assert manifest["format"] == "carnet-export"
    assert manifest["counts"]["LabResult"] == 4
    assert {f["path"] for f in manifest["files"]} == names - {"manifest.json"}


def test_importing_twice_adds_nothing_and_new_ids_makes_a_consistent_copy():
    source = MemoryVault()
    fill(source)
    archive = export_archive(source, exported_at=NOW)
    import_archive(source, archive)
    assert len(source.items) == len(RECORDS) and len(source.documents) == 2

    copy = MemoryVault()
    import_archive(copy, archive, new_ids=True)

    assert not set(copy.items) & set(source.items)
    assert not set(copy.documents) & set(source.documents)
    doc_ids = set(copy.documents)
    sources = {r.provenance.document_id for r in copy.items.values()} - {None}
    assert sources <= doc_ids
    (reminder,) = copy.reminders.values()
    assert reminder.subject_id in copy.items
    assert {o.reminder_id for o in copy.occurrences.values()} == {reminder.id}


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _rewrite(archive: bytes, name: str, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        files = {n: source.read(n) for n in source.namelist()}
    files[name] = data
    return _zip(files)


def _valid_archive() -> bytes:
    vault = MemoryVault()
    fill(vault)
    return export_archive(vault, exported_at=NOW)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: b"PK\x03\x04 not really a zip", "archive_invalid"),
        (lambda: b"", "archive_invalid"),
        (lambda: _zip({"bundle.json": b"{}"}), "archive_invalid"),
        (lambda: _zip({"manifest.json": b'{"format": "other"}'}), "archive_invalid"),
        (lambda: _zip({"../evil.json": b"x", "manifest.json": b"{}"}), "archive_invalid"),
        (
            lambda: _rewrite(_valid_archive(), f"documents/{DOC}/0.jpg", b"tampered"),
            "archive_invalid",
        ),
        (lambda: _rewrite(_valid_archive(), "bundle.json", b"[]"), "archive_invalid"),
        (lambda: _zip({"manifest.json": b"\0" * (3 << 20)}), "archive_too_large"),
        (
            lambda: _rewrite(_valid_archive(), f"documents/{DOC}/0.jpg", b"\0" * (3 << 20)),
            "archive_too_large",
        ),
        (lambda: _zip({f"f{i}": b"" for i in range(40)}), "archive_too_large"),
    ],
    ids=[
        "not-a-zip",
        "empty",
        "no-manifest",
        "wrong-format",
        "path-traversal",
        "tampered-page",
        "tampered-bundle",
        "zip-bomb",
        "page-bomb",
        "too-many-entries",
    ],
)
def test_malformed_archives_are_rejected_with_a_store_code_and_change_nothing(make, code):
    vault = MemoryVault()
    before = snapshot(vault)
    limits = ArchiveLimits(
        max_entries=30, max_entry_bytes=1 << 20, max_json_bytes=1 << 20, max_total_bytes=64 << 20
    )

    with pytest.raises(StoreError) as caught:
        import_archive(vault, make(), limits=limits)

    assert caught.value.code == code
    assert isinstance(caught.value, ArchiveInvalid)
    assert snapshot(vault) == before
    assert vault.audit_log() == []


def _lying(archive: bytes, size: int) -> bytes:
    """The zip with every entry's declared uncompressed size replaced by ``size``."""
    data = bytearray(archive)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            data[at + offset : at + offset + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    return bytes(data)


def test_zip_bomb_is_refused_from_its_header_or_while_inflating():
    bomb = _zip({"manifest.json": b"\0" * (50 << 20)})
    assert len(bomb) < 100_000  # 50 MB of zeros in a small file
    limits = ArchiveLimits(max_json_bytes=1 << 20)

    with pytest.raises(ArchiveTooLarge):
        import_archive(MemoryVault(), bomb, limits=limits)
    # The header lies (1 kB declared): inflating stops at 1 kB and the CRC check fails.
    with pytest.raises(ArchiveInvalid) as caught:
        import_archive(MemoryVault(), _lying(bomb, 1000), limits=limits)
    assert caught.value.code == "archive_invalid"


@contextmanager
def _store(database_url: str, master_key: bytes) -> Iterator[Store]:
    store = open_store(database_url, master_key)
    try:
        yield store
    finally:
        store.close()


def test_round_trip_through_the_real_encrypted_store(database_url, master_key):
    """The test of record: export from one user of a real store, import into a fresh store."""
    with _store(database_url, master_key) as store, store.vault(1001) as vault:
        fill(vault)
    with _store(database_url, master_key) as store:
        with store.vault(1001) as vault:
            expected = snapshot(vault)
            archive = export_archive(vault, exported_at=NOW)
        store.erase_account(1001)
        with store.vault(2002) as vault:
            report = import_archive(vault, archive)
        with store.vault(2002) as vault:
            restored = snapshot(vault)
            log = [e.action for e in vault.audit_log()]

    assert restored == expected
    assert report.documents == 2 and report.medications == 4
    assert AuditAction.IMPORTED in log


def test_a_copy_into_another_user_of_the_same_store_needs_new_ids(database_url, master_key):
    with _store(database_url, master_key) as store:
        with store.vault(1001) as vault:
            fill(vault)
            archive = export_archive(vault, exported_at=NOW)
            expected = snapshot(vault)
        with pytest.raises(IdConflict), store.vault(2002) as vault:
            import_archive(vault, archive)
        with store.vault(2002) as vault:
            assert vault.list_documents() == []  # the failed import left nothing
            import_archive(vault, archive, new_ids=True)
        with store.vault(2002) as vault:
            copy = snapshot(vault)
        with store.vault(1001) as vault:
            assert snapshot(vault) == expected

    assert len(copy["documents"]) == 2
    assert {k: len(v) for k, v in copy["records"].items()} == {
        k: len(v) for k, v in expected["records"].items()
    }
    names = sorted(r.name for r in copy["records"]["Medication"].values())
    assert names == sorted(r.name for r in expected["records"]["Medication"].values())
