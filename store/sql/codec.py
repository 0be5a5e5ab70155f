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
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

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
from store.sql.snapshot import (
    LAB_STREAM,
    ChunkReader,
    Fetch,
    LabKey,
    LabSnapshot,
    lab_stream,
    seal_chunks,
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
        return self.seal_record_json(kind, record_id, _compact(record))

    def record_json(self, record: BaseModel) -> bytes:
        """The JSON a record is sealed as (compact: fields equal to their default left out)."""
        return _compact(record)

    def seal_record_json(self, kind: str, record_id: str, data: bytes) -> bytes:
        """The ciphertext of one record's JSON (from ``record_json``)."""
        return self.sealer.seal(f"records:{kind}", record_id, "payload", data)

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

    def seal_snapshot_cells(self, kind: str, version: int, body: bytes) -> list[bytes]:
        """The cells of a snapshot: chunks for a lab stream (``store.sql.snapshot``), else one."""
        if body[:1] == LAB_STREAM:
            return seal_chunks(self.sealer, kind, version, body)
        return [self.seal_snapshot(kind, version, body)]

    def open_snapshot(
        self, model: type[M], kind: str, version: int, first: bytes, fetch: Fetch
    ) -> tuple[list[M], bool]:
        """Every record of a snapshot, validated in one pydantic-core call; whether it is chunked.

        ``first`` is the kind's own cell; ``fetch`` gives a chunked snapshot's other chunks. A
        single envelope (written before chunks) may hold an array or an older indexed format.

        Raises:
            TamperDetected: the blob was modified or belongs to another kind, profile or version.
        """
        if ChunkReader.is_chunked(first):
            snapshot = LabSnapshot(ChunkReader(self.sealer, kind, version, first, fetch))
            return self.validate_array(model, snapshot.body()), True
        body = self.sealer.open("snapshots", f"{kind}@{version}", "payload", first)
        if body[:1] in _INDEXED_OLD:  # 0x01, 0x02: format byte, index length, index, array
            size = int.from_bytes(body[1:5], "big")
            body = body[5 + size :]
        return self.validate_array(model, body), False

    def open_lab_snapshot(
        self, kind: str, version: int, first: bytes, fetch: Fetch
    ) -> LabSnapshot | None:
        """A chunked lab snapshot's header (its parts read on demand), or None if not chunked.

        Raises:
            TamperDetected: chunk 0 was modified or belongs to another kind, profile or version.
        """
        if not ChunkReader.is_chunked(first):
            return None
        return LabSnapshot(ChunkReader(self.sealer, kind, version, first, fetch))

    def lab_keys(self, parts: list[bytes]) -> list[LabKey]:
        """Name, status, date and id of decrypted lab records, without building them."""
        return _validate_many(LabKey, parts)

    def validate_slices(self, model: type[M], slices: Sequence[bytes]) -> list[M]:
        """Records from snapshot slices (each one or more comma-joined records), in one call."""
        return _validate_many(model, [piece for piece in slices if piece])

    def validate_array(self, model: type[M], body: bytes) -> list[M]:
        """Records from one JSON array, in one pydantic-core call."""
        try:
            with gc_paused():
                return _list_adapter(model).validate_json(body)
        except ValidationError:
            raise DecryptionFailed("decrypted snapshot does not match its record type") from None

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


_INDEXED_OLD = (b"\x01", b"\x02")
"""First plaintext bytes of the single-envelope lab snapshots with an index (`71078f7`,
`808335d`): read in full and rewritten chunked."""


def snapshot_body(model: type[M], parts: list[bytes], items: Sequence[M]) -> bytes:
    """A snapshot's plaintext from the JSON of every record (``parts``) and the records.

    Lab results: a lab stream (``store.sql.snapshot``); other kinds (or lab ids holding a
    newline): the JSON array.
    """
    if model is LabResult:
        stream = lab_stream(parts, items)  # type: ignore[arg-type]
        if stream is not None:
            return stream
    return b"[" + b",".join(parts) + b"]"


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
