"""Record ⇄ row with encryption: the only place that holds both plaintext and rows.

Each sealed cell's associated data is ``profile|table|row|column`` (see ``store.crypto.envelope``),
with ``table`` naming the record kind for the shared ``records`` table, so a ciphertext copied
between kinds, rows, columns or profiles fails to open.

Records and documents are written as compact JSON (fields equal to their default left out): it
reads back to the same records, and rows written in full before still read as they are. Bulk
loads decrypt every row, then validate them all in one pydantic-core call with the cyclic garbage
collector paused: records are acyclic and freed by reference counting, while collections
triggered by tens of thousands of new objects would traverse the whole heap several times.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

import pydantic_core
from pydantic import BaseModel, TypeAdapter, ValidationError

from store.crypto import Sealer
from store.errors import DecryptionFailed
from store.records import (
    Allergy,
    AuditEntry,
    Condition,
    DialogueState,
    Document,
    DocumentPage,
    LabResult,
    Medication,
    OccurrenceAnswer,
    Reminder,
    UserProfile,
    Vaccination,
)

M = TypeVar("M", bound=BaseModel)

KIND_OF: dict[type[BaseModel], str] = {
    Medication: "medication",
    LabResult: "lab",
    Vaccination: "vaccination",
    Allergy: "allergy",
    Condition: "condition",
    Reminder: "reminder",
    AuditEntry: "audit",
}


def kind_of(model: type[BaseModel]) -> str:
    """The ``records.kind`` of a record type."""
    try:
        return KIND_OF[model]
    except KeyError:
        raise TypeError(f"not a stored record type: {model.__name__}") from None


@cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


class Codec:
    """Seals and opens one profile's cells."""

    __slots__ = ("profile_id", "sealer")

    def __init__(self, sealer: Sealer, profile_id: str) -> None:
        """Bind the profile's sealer."""
        self.sealer = sealer
        self.profile_id = profile_id

    # Clinical records, reminders, audit entries -------------------------------------------------

    def seal_record(self, kind: str, record_id: str, record: BaseModel) -> bytes:
        """The ciphertext of one record's JSON."""
        return self.sealer.seal(f"records:{kind}", record_id, "payload", _compact(record))

    def open_records(self, model: type[M], kind: str, rows: Iterable[Sequence[Any]]) -> list[M]:
        """Decrypt ``(id, payload)`` rows of one kind and validate them in one pass."""
        return _validate_many(model, self.open_record_parts(kind, rows))

    def open_record_parts(self, kind: str, rows: Iterable[Sequence[Any]]) -> list[bytes]:
        """The decrypted JSON of ``(id, payload)`` rows of one kind (not validated yet)."""
        sealer = self.sealer
        prefix = sealer.aad(f"records:{kind}", "", "")[:-1]
        return [
            sealer.open_with_aad(payload, b"%s%s|payload" % (prefix, rid.encode()))
            for rid, payload in rows
        ]

    def validate(self, model: type[M], parts: list[bytes]) -> list[M]:
        """Records from decrypted JSON parts, in one pydantic-core call."""
        return _validate_many(model, parts)

    # Documents ----------------------------------------------------------------------------------

    def seal_document(self, document: Document) -> bytes:
        """The ciphertext of a document without its pages."""
        body = document.model_dump_json(exclude={"pages"}, exclude_defaults=True).encode()
        return self.sealer.seal("documents", document.id, "payload", body)

    def open_documents(self, rows: Iterable[Sequence[Any]]) -> list[Document]:
        """Decrypt ``(id, payload)`` document rows (pages not included)."""
        return _validate_many(Document, self.open_document_parts(rows))

    def open_document_parts(self, rows: Iterable[Sequence[Any]]) -> list[bytes]:
        """The decrypted JSON of ``(id, payload)`` document rows (not validated yet)."""
        sealer = self.sealer
        return [sealer.open("documents", rid, "payload", payload) for rid, payload in rows]

    # Snapshots ----------------------------------------------------------------------------------

    def seal_snapshot(self, kind: str, version: int, body: bytes) -> bytes:
        """The ciphertext of a snapshot, bound to its kind and to the version it reflects.

        The version is part of the associated data: a snapshot moved to another kind, profile
        or version (the ``version`` column edited) fails to open.
        """
        return self.sealer.seal("snapshots", f"{kind}@{version}", "payload", body)

    def open_snapshot(
        self, model: type[M], kind: str, version: int, blob: bytes
    ) -> tuple[list[M], bool]:
        """Every record of a snapshot, validated in one pydantic-core call; whether it is indexed.

        Raises:
            TamperDetected: the blob was modified or belongs to another kind, profile or version.
        """
        body = self.sealer.open("snapshots", f"{kind}@{version}", "payload", blob)
        indexed = _split_indexed(body)
        if indexed is not None:
            body = indexed[2]
        try:
            with gc_paused():
                return _list_adapter(model).validate_json(body), (
                    indexed is not None and indexed[0] == INDEXED
                )
        except ValidationError:
            raise DecryptionFailed("decrypted snapshot does not match its record type") from None

    def open_snapshot_index(
        self, kind: str, version: int, blob: bytes
    ) -> tuple[SnapshotIndex, bytes] | None:
        """The sealed index of a snapshot and its body, without validating any record.

        None for a snapshot written before indexes (a JSON array: the caller loads it all).

        Raises:
            TamperDetected: the blob was modified or belongs to another kind, profile or version.
        """
        body = self.sealer.open("snapshots", f"{kind}@{version}", "payload", blob)
        indexed = _split_indexed(body)
        if indexed is None or indexed[0] != INDEXED:
            return None
        _, raw, records_body = indexed
        return SnapshotIndex.parse(raw), records_body

    def validate_spans(
        self, model: type[M], body: bytes, spans: Sequence[tuple[int, int]]
    ) -> list[M]:
        """The records whose JSON is at ``body[start:end]`` for each span, in one call."""
        return _validate_many(model, [body[start:end] for start, end in spans])

    def seal_page(self, document_id: str, page_no: int, page: DocumentPage) -> tuple[bytes, bytes]:
        """``(meta, content)`` ciphertexts of one page."""
        row = f"{document_id}/{page_no}"
        meta = json.dumps({"filename": page.filename, "media_type": page.media_type}).encode()
        return (
            self.sealer.seal("document_pages", row, "meta", meta),
            self.sealer.seal("document_pages", row, "content", page.content),
        )

    def open_page(
        self, document_id: str, page_no: int, meta: bytes, content: bytes
    ) -> DocumentPage:
        """Decrypt one page."""
        row = f"{document_id}/{page_no}"
        info = json.loads(self.sealer.open("document_pages", row, "meta", meta))
        return DocumentPage(
            filename=info["filename"],
            media_type=info["media_type"],
            content=self.sealer.open("document_pages", row, "content", content),
        )

    # Profile row --------------------------------------------------------------------------------

    def seal_profile(self, profile: UserProfile) -> bytes:
        """The ciphertext of the profile settings (display name included)."""
        return self.sealer.seal("profiles", self.profile_id, "payload", _json(profile))

    def open_profile(self, blob: bytes) -> UserProfile:
        """Decrypt the profile settings."""
        data = self.sealer.open("profiles", self.profile_id, "payload", blob)
        return _validate_one(UserProfile, data)

    def seal_dialogue(self, state: DialogueState) -> bytes:
        """The ciphertext of the dialogue state."""
        return self.sealer.seal("profiles", self.profile_id, "dialogue", _json(state))

    def open_dialogue(self, blob: bytes) -> DialogueState:
        """Decrypt the dialogue state."""
        data = self.sealer.open("profiles", self.profile_id, "dialogue", blob)
        return _validate_one(DialogueState, data)

    # Occurrences --------------------------------------------------------------------------------

    def seal_answer(
        self, occurrence_id: str, answer: OccurrenceAnswer | None, at: datetime | None
    ) -> bytes:
        """The ciphertext of what the user answered to an occurrence."""
        body = json.dumps(
            {"answer": answer.value if answer else None, "at": at.isoformat() if at else None}
        ).encode()
        return self.sealer.seal("occurrences", occurrence_id, "payload", body)

    def open_answer(
        self, occurrence_id: str, blob: bytes
    ) -> tuple[OccurrenceAnswer | None, datetime | None]:
        """Decrypt an occurrence's answer and when it was given."""
        data = json.loads(self.sealer.open("occurrences", occurrence_id, "payload", blob))
        answer = OccurrenceAnswer(data["answer"]) if data["answer"] else None
        at = datetime.fromisoformat(data["at"]) if data["at"] else None
        return answer, at


INDEXED = b"\x02"
"""First byte of an indexed snapshot (an older one is a JSON array and starts with ``[``).

``0x01`` (`71078f7`, index columns as JSON) is read in full and rewritten like an array."""
_INDEXED_V1 = b"\x01"
_COLUMNS = ("name", "day", "status", "start", "end")


class SnapshotIndex:
    """Per record of an indexed lab snapshot: id, test name, date, status, where its JSON is.

    Sealed with the body (never stored in clear). A small JSON header, then five columns of
    little-endian uint32 (not one object per record: 20,000 entries open in well under a
    millisecond plus the ids string): ``name[i]`` points into ``names`` (each
    distinct ``(name, normalized_name)`` once), ``status[i]`` into ``statuses``, ``day[i]`` is
    the effective date's ordinal (0: undated), the record's JSON is ``body[start[i]:end[i]]``;
    the ids are one newline-joined string, split only when rows changed since the snapshot.
    """

    __slots__ = ("_ids", "_joined", "day", "end", "name", "names", "start", "status", "statuses")

    name: array[int]
    day: array[int]
    status: array[int]
    start: array[int]
    end: array[int]

    def __init__(self, data: Any, columns: list[array[int]]) -> None:
        """Check the parsed index (authenticated, but never trusted to be well formed).

        Raises:
            DecryptionFailed: the index does not have the expected shape.
        """
        self.name, self.day, self.status, self.start, self.end = columns
        try:
            self.names: list[tuple[str, str | None]] = [
                (str(n), None if m is None else str(m)) for n, m in data["names"]
            ]
            self.statuses: list[str] = [str(x) for x in data["statuses"]]
            self._joined: str = data["ids"]
            ok = isinstance(self._joined, str) and (
                not self.name
                or (max(self.name) < len(self.names) and max(self.status) < len(self.statuses))
            )
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            raise DecryptionFailed("decrypted snapshot index is malformed")
        self._ids: list[str] | None = None

    @classmethod
    def parse(cls, raw: bytes) -> SnapshotIndex:
        """An index from its plaintext: a JSON header's length and header, then the columns.

        Raises:
            DecryptionFailed: the index does not have the expected shape.
        """
        size = int.from_bytes(raw[:4], "big")
        try:
            data = pydantic_core.from_json(raw[4 : 4 + size])
            count = data["count"]
        except (ValueError, KeyError, TypeError):
            raise DecryptionFailed("decrypted snapshot index is malformed") from None
        if type(count) is not int or count < 0 or len(raw) != 4 + size + 4 * count * 5:
            raise DecryptionFailed("decrypted snapshot index is malformed")
        columns = []
        at = 4 + size
        for _ in _COLUMNS:
            column = array("I")
            column.frombytes(raw[at : at + 4 * count])
            if sys.byteorder != "little":
                column.byteswap()
            columns.append(column)
            at += 4 * count
        return cls(data, columns)

    @property
    def size(self) -> int:
        """How many records the snapshot holds."""
        return len(self.name)

    @property
    def ids(self) -> list[str]:
        """The record ids, in the body's order."""
        if self._ids is None:
            ids = self._joined.split("\n") if self._joined else []
            if len(ids) != self.size:
                raise DecryptionFailed("decrypted snapshot index is malformed")
            self._ids = ids
        return self._ids

    def status_code(self, status: str) -> int:
        """The code of a status in ``status`` (-1 if no record has it)."""
        return self.statuses.index(status) if status in self.statuses else -1


def _split_indexed(body: bytes) -> tuple[bytes, bytes, bytes] | None:
    """``(format byte, index, records JSON array)`` of an indexed snapshot, else None."""
    if body[:1] not in (INDEXED, _INDEXED_V1):
        return None
    size = int.from_bytes(body[1:5], "big")
    if len(body) < 5 + size:
        raise DecryptionFailed("decrypted snapshot index is truncated")
    return body[:1], body[5 : 5 + size], body[5 + size :]


def snapshot_body(model: type[M], parts: list[bytes], items: Sequence[M]) -> bytes:
    """A snapshot's plaintext from the JSON of every record (``parts``) and the records.

    Lab results get an index (see ``SnapshotIndex``) before the JSON array; other kinds are
    the JSON array alone.
    """
    if model is not LabResult:
        return b"[" + b",".join(parts) + b"]"
    if any("\n" in item.id for item in items):  # type: ignore[attr-defined]
        return b"[" + b",".join(parts) + b"]"  # cannot be indexed: read in full
    names: dict[tuple[str, str | None], int] = {}
    statuses: dict[str, int] = {}
    name: list[int] = []
    days: list[int] = []
    status: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 1
    for part, item in zip(parts, items, strict=True):
        lab: LabResult = item  # type: ignore[assignment]
        name.append(names.setdefault((lab.name, lab.normalized_name), len(names)))
        days.append(lab.effective_date.toordinal() if lab.effective_date else 0)
        status.append(statuses.setdefault(lab.status.value, len(statuses)))
        starts.append(at)
        at += len(part)
        ends.append(at)
        at += 1  # the comma
    header = pydantic_core.to_json(
        {
            "names": list(names),
            "statuses": list(statuses),
            "ids": "\n".join(item.id for item in items),  # type: ignore[attr-defined]
            "count": len(name),
        }
    )
    columns = [array("I", column) for column in (name, days, status, starts, ends)]
    if sys.byteorder != "little":
        for column in columns:
            column.byteswap()
    raw = len(header).to_bytes(4, "big") + header + b"".join(c.tobytes() for c in columns)
    return INDEXED + len(raw).to_bytes(4, "big") + raw + b"[" + b",".join(parts) + b"]"


def dump_snapshot(model: type[M], items: list[M]) -> bytes:
    """A snapshot's plaintext from records (compact JSON; documents without pages)."""
    if model is LabResult:
        return snapshot_body(model, [_compact(item) for item in items], items)
    exclude = {"__all__": {"pages"}} if model is Document else None
    return _list_adapter(model).dump_json(items, exclude=exclude, exclude_defaults=True)


def seal_chat_id(sealer: Sealer, account_id: str, chat_id: int) -> bytes:
    """The chat id, sealed under the account's default profile key, bound to the account row."""
    return sealer.seal("accounts", account_id, "chat_id", str(chat_id).encode())


def open_chat_id(sealer: Sealer, account_id: str, blob: bytes) -> int:
    """Decrypt the chat id."""
    return int(sealer.open("accounts", account_id, "chat_id", blob))


def _json(model: BaseModel) -> bytes:
    return model.model_dump_json().encode()


def _compact(model: BaseModel) -> bytes:
    """JSON without the fields equal to their default (they read back as that default)."""
    return model.model_dump_json(exclude_defaults=True).encode()


_gc_lock = threading.Lock()
_PROMOTE_AFTER = 10_000  # young objects left by a pause worth promoting at once (not a few gets)
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many records (thread-safe, nestable).

    It is re-enabled when the last concurrent bulk load ends, only if it was enabled before
    (a caller may pause it around several loads). What was built meanwhile is then moved to
    the oldest generation at once (``gc.freeze`` then ``gc.unfreeze``, skipped if the
    application keeps frozen objects, or when little was built): otherwise the next young
    collections would traverse every new record once more, right after the load.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0:
                if gc.get_count()[0] >= _PROMOTE_AFTER and gc.get_freeze_count() == 0:
                    gc.freeze()  # O(1): what the load built goes to the oldest generation,
                    gc.unfreeze()  # not through two more traversals as young objects
                if _gc_was_enabled:
                    gc.enable()


def _validate_many(model: type[M], parts: list[bytes]) -> list[M]:
    if not parts:
        return []
    try:
        with gc_paused():
            return _list_adapter(model).validate_json(b"[" + b",".join(parts) + b"]")
    except ValidationError:
        raise DecryptionFailed("decrypted payload does not match its record type") from None


def _validate_one(model: type[M], data: bytes) -> M:
    try:
        return model.model_validate_json(data)
    except ValidationError:
        raise DecryptionFailed("decrypted payload does not match its record type") from None
