"""In-process cache of decrypted records per profile and kind, tagged with a profile version.

Decoding 20,000 records costs a second or more (pydantic validation dominates, not AES-GCM), so
a question asked about a long history would wait on it. Every committed write to a profile bumps
``profiles.version`` under the account's lock and stamps the rows it wrote with that version
(``rev``). A vault opened at version ``v`` serves cached records of version ``v`` as they are;
records cached at an older version are refreshed by decoding only the rows with a newer ``rev``
(and dropping ids that are gone), so another instance's write is never missed and never costs a
full reload. Records handed out from the cache are shared: callers treat them as read-only and
save changed copies. Decrypted data stays in this process's memory only, as it would while
answering anyway; the cache is bounded in profiles and in records (least recently used profiles
are dropped), dropped for a profile on rollback, and cleared on erasure.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class Cached:
    """Records of one kind of one profile, as of ``version``."""

    __slots__ = ("records", "version")

    def __init__(self, version: int, records: dict[str, Any]) -> None:
        """Hold records by id."""
        self.version = version
        self.records = records


class RecordCache:
    """Decrypted records by profile and kind, each kind tagged with the version it matches."""

    def __init__(self, max_profiles: int = 32, max_records: int = 200_000) -> None:
        """Keep at most ``max_profiles`` profiles and about ``max_records`` records (0: off)."""
        self._max = max_profiles
        self._max_records = max_records
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, dict[str, Cached]] = OrderedDict()
        self._records = 0  # records held, kept up to date (summing them on every put was O(n))

    def get(self, profile_id: str, version: int, kind: str) -> list[Any] | None:
        """The cached records of one kind at exactly ``version``, or None."""
        with self._lock:
            cached = self._entries.get(profile_id, {}).get(kind)
            if cached is None or cached.version != version:
                return None
            self._entries.move_to_end(profile_id)
            return list(cached.records.values())

    def stale(self, profile_id: str, kind: str) -> Cached | None:
        """The cached records of one kind at whatever version they are (to refresh them)."""
        with self._lock:
            cached = self._entries.get(profile_id, {}).get(kind)
            return None if cached is None else Cached(cached.version, dict(cached.records))

    def put(
        self, profile_id: str, version: int, kind: str, records: list[Any] | dict[str, Any]
    ) -> None:
        """Remember the records of one kind as of ``version`` (a list, or a dict by id)."""
        if self._max <= 0:
            return
        by_id = records if isinstance(records, dict) else {r.id: r for r in records}
        with self._lock:
            kinds = self._entries.setdefault(profile_id, {})
            replaced = kinds.get(kind)
            self._records += len(by_id) - (0 if replaced is None else len(replaced.records))
            kinds[kind] = Cached(version, by_id)
            self._entries.move_to_end(profile_id)
            while len(self._entries) > self._max or (
                len(self._entries) > 1 and self._records > self._max_records
            ):
                _, dropped = self._entries.popitem(last=False)
                self._records -= _count(dropped)

    def commit(
        self,
        profile_id: str,
        old_version: int,
        new_version: int,
        saved: dict[str, dict[str, Any]],
        deleted: dict[str, set[str]],
    ) -> None:
        """Carry the kinds cached at ``old_version`` over a committed write of this process."""
        with self._lock:
            for kind, cached in self._entries.get(profile_id, {}).items():
                if cached.version != old_version:
                    continue  # stale already: refreshed from the database when next read
                before = len(cached.records)
                for record_id in deleted.get(kind, ()):
                    cached.records.pop(record_id, None)
                cached.records.update(saved.get(kind, {}))
                cached.version = new_version
                self._records += len(cached.records) - before

    def drop(self, profile_id: str) -> None:
        """Forget one profile (after a rollback or an erasure)."""
        with self._lock:
            dropped = self._entries.pop(profile_id, None)
            if dropped is not None:
                self._records -= _count(dropped)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
            self._records = 0


def _count(kinds: dict[str, Cached]) -> int:
    return sum(len(cached.records) for cached in kinds.values())
