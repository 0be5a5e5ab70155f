"""The Vault port: a handle bound to one profile of one account.

Every read and write goes through it.

Obtained from ``Store.vault(...)`` as a context manager: the transaction commits when the block
exits normally and rolls back on any exception, so a crash in the middle of storing a document
leaves either nothing or everything. A vault can only reach its own profile's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from store.records import (
    Allergy,
    AuditAction,
    AuditEntry,
    Condition,
    DialogueState,
    Document,
    LabResult,
    Medication,
    Occurrence,
    RecordStatus,
    Reminder,
    UserProfile,
    Vaccination,
)

Clinical = Medication | LabResult | Vaccination | Allergy | Condition
C = TypeVar("C", Medication, LabResult, Vaccination, Allergy, Condition)


class Vault(Protocol):
    """Per-profile access to decrypted records."""

    @property
    def account_id(self) -> str:
        """The internal id of the account (never the Telegram id)."""
        ...

    @property
    def profile_id(self) -> str:
        """The internal id of the profile this vault is bound to."""
        ...

    def get_profile(self) -> UserProfile: ...

    def save_profile(self, profile: UserProfile) -> None: ...

    def get_chat_id(self) -> int | None: ...

    def set_chat_id(self, chat_id: int) -> None: ...

    def get_dialogue(self) -> DialogueState: ...

    def save_dialogue(self, state: DialogueState) -> None: ...

    def add_document(self, document: Document) -> None: ...

    def update_document(self, document: Document) -> None: ...

    def get_document(self, document_id: str, *, with_pages: bool = True) -> Document | None: ...

    def list_documents(self, *, with_pages: bool = False) -> list[Document]: ...

    def save(self, record: Clinical) -> None:
        """Insert or update one clinical record (by id)."""
        ...

    def save_all(self, records: Sequence[Clinical]) -> None: ...

    def records(self, kind: type[C]) -> list[C]:
        """All records of one kind for this profile."""
        ...

    def lab_results(self, match: Callable[[str, str | None], bool]) -> list[LabResult]:
        """The lab results whose ``(name, normalized_name)`` match (as filtering ``records``).

        Only those are decrypted and validated when the snapshot allows it.
        """
        ...

    def latest_lab_results(self, status: RecordStatus) -> list[LabResult]:
        """Per distinct ``(name, normalized_name)``, its latest result with this status."""
        ...

    def get(self, kind: type[C], record_id: str) -> C | None: ...

    def delete(self, kind: type[C], record_id: str) -> bool: ...

    def save_reminder(self, reminder: Reminder) -> None: ...

    def list_reminders(self) -> list[Reminder]: ...

    def delete_reminder(self, reminder_id: str) -> None: ...

    def save_occurrences(self, occurrences: Sequence[Occurrence]) -> None: ...

    def list_occurrences(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[Occurrence]: ...

    def audit(
        self, action: AuditAction, record_type: str, record_id: str | None = None, count: int = 1
    ) -> None: ...

    def audit_log(self) -> list[AuditEntry]: ...
