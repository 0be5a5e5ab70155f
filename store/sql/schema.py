"""Tables: ciphertext for everything about a person; ids, due times and bookkeeping in clear.

What stays in clear, and why:

- ids (random UUIDs, never derived from content) and foreign keys: to find rows;
- ``accounts.lookup_hash``: HMAC of the platform user id under a secret lookup key;
- ``profiles.master_key_id`` and ``is_default``, ``version`` columns: rotation and concurrency;
- ``records.rev``, ``documents.rev``: the profile version that last wrote the row (cache refresh);
- ``records.kind``: the record type (medication, lab, …), so one kind loads in one query;
- ``snapshots.kind``, ``snapshots.version``: which kind a sealed snapshot holds, as of which
  profile version (the payload, every record of that kind, is sealed);
- ``documents.page_count`` and page numbers; the sizes of ciphertexts;
- ``occurrences.due_at``, ``sent_at``, ``lease_until``, ``reminder_id``: what the scheduler needs
  to claim due reminders without any key;
- ``seen_updates``: platform update ids and when they were seen, for deduplication.
- ``document_jobs``: document ids, state, attempts and lease of queued OCR jobs (scaled shape),
  and the reading's progress: pages read of how many, and the Bot API message id of the message
  showing it (a per-chat counter, meaningless without the sealed chat id), so that the worker
  reading the document edits the message the bot sent.
- ``pending_updates``: update ids received and not yet handled, with a hash of the user id.

Everything else (names, values, dates of care, documents and their pages, the chat id, display
names, profile settings, dialogue state, audit entries, reminder labels, answers) is sealed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    text,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ID = 64


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise to UTC (naive on SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


master_keys = Table(
    "master_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("check_value", LargeBinary, nullable=False),
)

system_keys = Table(
    "system_keys",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("master_key_id", String(32), nullable=False),
    Column("wrapped", LargeBinary, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("lookup_hash", LargeBinary, nullable=False, unique=True),
    Column("chat_id", LargeBinary, nullable=True),
    Column("erased", Boolean, nullable=False, server_default=text("false")),
)

profiles = Table(
    "profiles",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column(
        "account_id",
        String(ID),
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("is_default", Boolean, nullable=False),
    Column("master_key_id", String(32), nullable=False, index=True),
    Column("wrapped_key", LargeBinary, nullable=True),
    Column("payload", LargeBinary, nullable=True),
    Column("dialogue", LargeBinary, nullable=True),
    Column("version", Integer, nullable=False, server_default=text("0")),
)

records = Table(
    "records",
    metadata,
    Column(
        "profile_id",
        String(ID),
        ForeignKey("profiles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("kind", String(16), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("payload", LargeBinary, nullable=False),
    Column("rev", Integer, nullable=False, server_default=text("0")),
    Index("ix_records_profile_kind_rev", "profile_id", "kind", "rev"),
)

documents = Table(
    "documents",
    metadata,
    Column(
        "profile_id",
        String(ID),
        ForeignKey("profiles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("id", String(ID), primary_key=True),
    Column("payload", LargeBinary, nullable=False),
    Column("page_count", Integer, nullable=False, server_default=text("0")),
    Column("rev", Integer, nullable=False, server_default=text("0")),
    Index("ix_documents_profile_rev", "profile_id", "rev"),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column(
        "profile_id",
        String(ID),
        ForeignKey("profiles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("kind", String(16), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("payload", LargeBinary, nullable=False),
)
"""Every record of one kind of one profile as of ``version``, sealed as one blob (cold loads)."""

document_pages = Table(
    "document_pages",
    metadata,
    Column("profile_id", String(ID), primary_key=True),
    Column("document_id", String(ID), primary_key=True),
    Column("page_no", Integer, primary_key=True),
    Column("meta", LargeBinary, nullable=False),
    Column("content", LargeBinary, nullable=False),
    ForeignKeyConstraint(
        ["profile_id", "document_id"],
        ["documents.profile_id", "documents.id"],
        ondelete="CASCADE",
        name="fk_document_pages_document",
    ),
)

occurrences = Table(
    "occurrences",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column(
        "profile_id",
        String(ID),
        ForeignKey("profiles.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("account_id", String(ID), nullable=False),
    Column("reminder_id", String(ID), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("payload", LargeBinary, nullable=True),
    Index(
        "ix_occurrences_unsent_due",
        "due_at",
        postgresql_where=text("sent_at IS NULL"),
        sqlite_where=text("sent_at IS NULL"),
    ),
)

seen_updates = Table(
    "seen_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("seen_at", UtcDateTime, nullable=False),
)

document_jobs = Table(
    "document_jobs",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("account_id", String(ID), nullable=False),
    Column(
        "profile_id",
        String(ID),
        ForeignKey("profiles.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("document_id", String(ID), nullable=False, unique=True),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("run_after", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("error", String(64), nullable=True),
    Column("progress_message", BigInteger, nullable=True),
    Column("pages", Integer, nullable=True),
    Column("pages_read", Integer, nullable=True),
    Index("ix_document_jobs_state_run_after", "state", "run_after"),
)
"""OCR jobs of the scaled shape (``store.sql.jobs``): ids, state, lease, progress; no content."""

pending_updates = Table(
    "pending_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("user_lock", BigInteger, nullable=False, index=True),
    Column("received_at", UtcDateTime, nullable=False),
)
"""Updates received and not yet handled, by user-lock hash (``store.sql.jobs.UpdateOrder``)."""
