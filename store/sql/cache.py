"""In-process cache of decrypted records per profile, valid for one profile version.

Decoding 20,000 records costs hundreds of milliseconds (pydantic validation dominates, not
AES-GCM), so a question asked about a long history would wait on it. Every committed write to a
profile bumps ``profiles.version`` under the profile's row lock; a vault opened at version ``v``
may use cached records of version ``v`` only, so another instance's write is never missed.
Records handed out from the cache are shared: callers treat them as read-only and save changed
copies. Decrypted data stays in this process's memory only, as it would while answering anyway;
the cache is bounded in profiles and in records (least recently used profiles are dropped) and
cleared on erasure.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class _Entry:
    __slots__ = ("kinds", "version")

    def __init__(self, version: int) -> None:
        self.version = version
        self.kinds: dict[str, dict[str, Any]] = {}


class RecordCache:
    """Decrypted records by profile and kind, tagged with the profile version they match."""

    def __init__(self, max_profiles: int = 32, max_records: int = 200_000) -> None:
        """Keep at most ``max_profiles`` profiles and about ``max_records`` records (0: off)."""
        self._max = max_profiles
        self._max_records = max_records
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def get(self, profile_id: str, version: int, kind: str) -> list[Any] | None:
        """The cached records of one kind at exactly ``version``, or None."""
        with self._lock:
            entry = self._entries.get(profile_id)
            if entry is None or entry.version != version:
                return None
            records = entry.kinds.get(kind)
            if records is None:
                return None
            self._entries.move_to_end(profile_id)
            return list(records.values())

    def put(self, profile_id: str, version: int, kind: str, records: list[Any]) -> None:
        """Remember freshly decoded records of one kind at ``version``."""
        if self._max <= 0:
            return
        with self._lock:
            entry = self._entries.get(profile_id)
            if entry is None or entry.version != version:
                entry = _Entry(version)
                self._entries[profile_id] = entry
            entry.kinds[kind] = {r.id: r for r in records}
            self._entries.move_to_end(profile_id)
            while len(self._entries) > self._max or (
                len(self._entries) > 1 and self._size() > self._max_records
            ):
                self._entries.popitem(last=False)

    def _size(self) -> int:
        return sum(len(r) for e in self._entries.values() for r in e.kinds.values())

    def commit(
        self,
        profile_id: str,
        old_version: int,
        new_version: int,
        saved: dict[str, dict[str, Any]],
        deleted: dict[str, set[str]],
    ) -> None:
        """Carry the cache over a committed write: apply its saves and deletions."""
        with self._lock:
            entry = self._entries.get(profile_id)
            if entry is None:
                return
            if entry.version != old_version:
                del self._entries[profile_id]
                return
            for kind, records in entry.kinds.items():
                for record_id in deleted.get(kind, ()):
                    records.pop(record_id, None)
                records.update(saved.get(kind, {}))
            entry.version = new_version

    def drop(self, profile_id: str) -> None:
        """Forget one profile (after a rollback or an erasure)."""
        with self._lock:
            self._entries.pop(profile_id, None)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
