"""The Store port: what the rest of carnet may ask of persistence.

``open_store(url, master_key)`` (in ``store/__init__.py``) returns an object of this shape. Users
are named by their platform id (the Telegram user id, or a local id for the terminal chat); the
store only ever keeps a keyed hash of it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from store.vault import Vault


class DueOccurrence(BaseModel):
    """A claimed reminder occurrence: ids and due time only, no content."""

    model_config = ConfigDict(frozen=True)

    occurrence_id: str
    reminder_id: str
    account_id: str
    profile_id: str
    due_at: datetime


class ProfileSummary(BaseModel):
    """A profile of an account, as listed for choosing (name decrypted)."""

    model_config = ConfigDict(frozen=True)

    profile_id: str
    display_name: str | None
    is_default: bool


class Store(Protocol):
    """Encrypted persistence for every user."""

    def vault(
        self, user_key: int, profile_id: str | None = None, *, create: bool = True
    ) -> AbstractContextManager[Vault]:
        """A transaction bound to one profile (the default one when ``profile_id`` is None).

        Creates the account and its default profile on first use when ``create`` is true, else
        raises ``UnknownUser``. Commits on normal exit, rolls back on exception.
        """
        ...

    def vault_for_account(self, account_id: str, profile_id: str) -> AbstractContextManager[Vault]:
        """Same as ``vault`` for a known internal account id (used by reminders and workers)."""
        ...

    def profile_refs(self) -> list[tuple[str, str]]:
        """(account id, profile id) of every profile of every live account (start-up sweeps)."""
        ...

    def has_account(self, user_key: int) -> bool: ...

    def profiles(self, user_key: int) -> list[ProfileSummary]: ...

    def add_profile(self, user_key: int, display_name: str) -> str:
        """Add a profile (a child, a parent) with its own data key; returns its id."""
        ...

    def erase_account(self, user_key: int) -> bool:
        """Crypto-shred then delete everything of this account. True if it existed."""
        ...

    def claim_due(
        self, now: datetime, *, limit: int = 100, lease: timedelta = timedelta(minutes=5)
    ) -> list[DueOccurrence]:
        """Claim unsent occurrences due at or before ``now`` (SKIP LOCKED on PostgreSQL).

        A claim is a lease: unsent occurrences whose lease expired are claimable again.
        """
        ...

    def mark_sent(self, occurrence_id: str, at: datetime) -> bool:
        """Record an occurrence as sent; False if it was already sent (idempotency)."""
        ...

    def seen_update(self, update_id: int) -> bool:
        """Record a platform update id; True if it had been seen before (deduplication)."""
        ...

    def close(self) -> None: ...
