"""Per-user event log: what was added, changed, exported, deleted, and when."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from store.records.common import Model, new_id


class AuditAction(StrEnum):
    """Kinds of audited events."""

    ADDED = "added"
    CHANGED = "changed"
    DELETED = "deleted"
    EXPORTED = "exported"
    IMPORTED = "imported"
    CONSENTED = "consented"


class AuditEntry(Model):
    """One audited event; ``record_type``/``record_id`` name what it touched, never content."""

    id: str = Field(default_factory=new_id)
    at: datetime
    action: AuditAction
    record_type: str
    record_id: str | None = None
    count: int = 1
