"""Sealed snapshots in chunks, and the lab snapshot's layout: a lab question opens only its part.

A snapshot too large to open whole for one question (the lab results) is one logical plaintext
*stream*, cut into fixed-size chunks, each its own AES-GCM envelope stored in its own
``snapshots`` row (kind ``lab``, then ``lab:1``, ``lab:2``, ...). Chunk 0's cell starts with a
clear frame (format byte, a random snapshot id, the chunk count and size); every chunk's
associated data binds the kind, the version, that id, the count, the size and the chunk's
number, so a chunk moved to another position, snapshot, version, kind or profile, a changed
frame, or a missing chunk fails with ``TamperDetected``. Chunks have one size (the last one
shorter): the rows reveal the stream's total size, as one blob did, and nothing of its layout.

The lab stream: a format byte, the header's length, a JSON header, then the latest result of
each distinct name per status (copies), the records' compact JSON array grouped by
``(name, normalized_name)``, per-record columns (effective date, status, where its JSON is) and
the ids, newline-joined. The header says where each part is. One test's trend reads the chunks
of its names' groups; the latest per name reads the header and the copies; columns and ids are
read only when rows changed since the snapshot. Nothing of it is in clear.
"""

from __future__ import annotations

import secrets
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, Protocol

import pydantic_core
from pydantic import BaseModel, ConfigDict, ValidationError

from store.crypto import Sealer
from store.errors import DecryptionFailed, TamperDetected
from store.records import RecordStatus

CHUNKED = b"\x03"
"""First byte of a chunked snapshot's first cell (a single envelope starts with ``0x01``)."""
LAB_STREAM = b"\x03"
"""First byte of a lab stream's plaintext (an array snapshot starts with ``[``)."""
CHUNK_SIZE = 64 * 1024
_SID = 16
_FRAME = 1 + _SID + 4 + 4
_ENVELOPE = b"\x01"
_COLUMNS = 4  # day, status, start, end

Fetch = Callable[[list[int]], dict[int, bytes]]
"""Sealed cells of chunks by number (a missing number: the chunk's row is gone)."""


def chunk_kind(kind: str, number: int) -> str:
    """The ``snapshots.kind`` of chunk ``number`` (chunk 0 is the kind itself)."""
    return kind if number == 0 else f"{kind}:{number}"


def seal_chunks(sealer: Sealer, kind: str, version: int, stream: bytes) -> list[bytes]:
    """The sealed cells of a stream's chunks of ``CHUNK_SIZE`` bytes, chunk 0 first (framed).

    The size is read at each call (the tests make it small: many chunks from a few records).
    """
    size = CHUNK_SIZE
    sid = secrets.token_bytes(_SID)
    count = max(1, -(-len(stream) // size))
    row = _row(kind, version, sid, count, size)
    cells = [
        sealer.seal("snapshots", row, f"chunk{i}", stream[i * size : (i + 1) * size])
        for i in range(count)
    ]
    cells[0] = CHUNKED + sid + count.to_bytes(4, "big") + size.to_bytes(4, "big") + cells[0]
    return cells


def _row(kind: str, version: int, sid: bytes, count: int, size: int) -> str:
    return f"{kind}@{version}/{sid.hex()}/{count}/{size}"


class ChunkReader:
    """Random access to a chunked snapshot's plaintext, fetching and opening chunks on demand."""

    __slots__ = ("_fetch", "_opened", "_row", "_sealer", "count", "size")

    def __init__(
        self, sealer: Sealer, kind: str, version: int, first: bytes, fetch: Fetch
    ) -> None:
        """Open chunk 0 (``first``: its cell); ``fetch`` gives the others' cells.

        Raises:
            TamperDetected: the frame or chunk 0 was modified or belongs elsewhere.
        """
        if len(first) < _FRAME or first[:1] != CHUNKED:
            raise TamperDetected("unknown snapshot format")
        sid = first[1 : 1 + _SID]
        self.count = int.from_bytes(first[1 + _SID : 5 + _SID], "big")
        self.size = int.from_bytes(first[5 + _SID : _FRAME], "big")
        if self.count < 1 or self.size < 1:
            raise TamperDetected("malformed snapshot frame")
        self._sealer = sealer
        self._row = _row(kind, version, sid, self.count, self.size)
        self._fetch = fetch
        self._opened: dict[int, bytes] = {}
        self._open(0, first[_FRAME:])

    @staticmethod
    def is_chunked(first: bytes) -> bool:
        """Whether a snapshot's first cell is chunked (else one envelope, written before).

        Raises:
            TamperDetected: neither format.
        """
        if first[:1] == _ENVELOPE:
            return False
        if first[:1] == CHUNKED:
            return True
        raise TamperDetected("unknown snapshot format")

    def _open(self, number: int, cell: bytes) -> None:
        data = self._sealer.open("snapshots", self._row, f"chunk{number}", cell)
        if (len(data) != self.size and number != self.count - 1) or len(data) > self.size:
            raise DecryptionFailed("snapshot chunk of the wrong size")
        self._opened[number] = data

    def read(self, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        """The plaintext at each ``[start, end)``, fetching the missing chunks in one call.

        Raises:
            TamperDetected: a chunk is missing, modified or from elsewhere.
        """
        size = self.size
        needed: set[int] = set()
        for start, end in ranges:
            if not 0 <= start <= end <= self.count * size:
                raise DecryptionFailed("snapshot range out of bounds")
            if end > start:
                needed.update(range(start // size, (end - 1) // size + 1))
        self._ensure(needed)
        return [self._slice(start, end) for start, end in ranges]

    def read_all(self) -> bytes:
        """The whole plaintext (the missing chunks fetched in one call).

        Raises:
            TamperDetected: a chunk is missing, modified or from elsewhere.
        """
        self._ensure(range(self.count))
        return b"".join(self._opened[n] for n in range(self.count))

    def _ensure(self, numbers: Iterable[int]) -> None:
        missing = sorted(set(numbers) - self._opened.keys())
        if not missing:
            return
        cells = self._fetch(missing)
        for number in missing:
            cell = cells.get(number)
            if cell is None:
                raise TamperDetected("snapshot chunk missing")
            self._open(number, cell)

    def _slice(self, start: int, end: int) -> bytes:
        size = self.size
        first, last = start // size, (end - 1) // size
        if end <= start:
            return b""
        if first == last:
            return self._opened[first][start - first * size : end - first * size]
        pieces = [self._opened[first][start - first * size :]]
        pieces += [self._opened[n] for n in range(first + 1, last)]
        pieces.append(self._opened[last][: end - last * size])
        return b"".join(pieces)


# The lab stream --------------------------------------------------------------------------------


class LabKey(BaseModel):
    """What a partial lab read needs of a record before building it (other fields skipped).

    Defaults are ``LabResult``'s (records are sealed without fields equal to their default;
    a test checks they agree).
    """

    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    normalized_name: str | None = None
    status: RecordStatus = RecordStatus.PROPOSED
    effective_date: date | None = None


class LabHeader(BaseModel):
    """Where each part of a lab stream is (byte ranges in the stream)."""

    count: int
    length: int
    names: list[tuple[str, str | None]]
    """Each distinct ``(name, normalized_name)``: group ``g`` holds ``names[g]``'s records."""
    statuses: list[str]
    groups: list[tuple[int, int, int, int]]
    """Per group: ``(start, end, first, n)``: its records' comma-joined JSON, its first position
    in the body and how many records it holds (positions are body order)."""
    latest: list[tuple[int, int, int, int, int, int]]
    """``(status, group, position, day, start, end)``: a copy of the latest record of a group
    with that status (day ordinal, 0 undated; the later position on a tie)."""
    body: tuple[int, int]
    columns: int
    ids: tuple[int, int]


class LabSnapshot:
    """A lab snapshot's header, and its parts read through a ``ChunkReader``."""

    __slots__ = ("_columns", "_ids", "_reader", "header")

    def __init__(self, reader: ChunkReader) -> None:
        """Read and check the header (authenticated, never trusted to be well formed).

        Raises:
            DecryptionFailed: the stream is not a lab stream of the expected shape.
            TamperDetected: a chunk holding the header does not open.
        """
        self._reader = reader
        (head,) = reader.read([(0, 5)])
        if head[:1] != LAB_STREAM:
            raise DecryptionFailed("snapshot is not a lab stream")
        size = int.from_bytes(head[1:5], "big")
        (raw,) = reader.read([(5, 5 + size)])
        try:
            self.header = LabHeader.model_validate_json(raw)
        except ValidationError:
            raise DecryptionFailed("decrypted lab snapshot header is malformed") from None
        _check(self.header, reader.count * reader.size)
        self._ids: list[str] | None = None
        self._columns: list[array[int]] | None = None

    @property
    def names(self) -> list[tuple[str, str | None]]:
        """The distinct ``(name, normalized_name)``, one per group."""
        return self.header.names

    @property
    def count(self) -> int:
        """How many records the snapshot holds."""
        return self.header.count

    def body(self) -> bytes:
        """The records' JSON array (every chunk read)."""
        start, end = self.header.body
        return self.stream()[start:end]

    def stream(self) -> bytes:
        """The whole stream (every chunk read)."""
        return self._reader.read_all()

    def groups(self, numbers: Sequence[int]) -> list[bytes]:
        """The comma-joined JSON of these groups' records (one read)."""
        groups = self.header.groups
        return self._reader.read([groups[g][:2] for g in numbers])

    def spans(self, spans: Sequence[tuple[int, int]]) -> list[bytes]:
        """The JSON at each span (one read)."""
        return self._reader.read(spans)

    def status_code(self, status: str) -> int:
        """The code of a status (-1 if no record has it)."""
        statuses = self.header.statuses
        return statuses.index(status) if status in statuses else -1

    def ids(self) -> list[str]:
        """The record ids in body order (read on first use)."""
        if self._ids is None:
            (joined,) = self._reader.read([self.header.ids])
            ids = joined.decode().split("\n") if joined else []
            if len(ids) != self.count:
                raise DecryptionFailed("decrypted lab snapshot ids are malformed")
            self._ids = ids
        return self._ids

    def columns(self) -> list[array[int]]:
        """Per record, in body order: day ordinal, status code, start and end of its JSON."""
        if self._columns is None:
            count, at = self.count, self.header.columns
            (raw,) = self._reader.read([(at, at + 4 * _COLUMNS * count)])
            columns = []
            for i in range(_COLUMNS):
                column = array("I")
                column.frombytes(raw[4 * count * i : 4 * count * (i + 1)])
                if sys.byteorder != "little":
                    column.byteswap()
                columns.append(column)
            self._columns = columns
        return self._columns


def _check(header: LabHeader, bound: int) -> None:
    """Ranges inside the stream, numbers inside their tables."""
    length = header.length
    ranges = [header.body, header.ids, (header.columns, header.columns + 16 * header.count)]
    ranges += [(s, e) for s, e, _, _ in header.groups]
    ranges += [(s, e) for *_, s, e in header.latest]
    ok = (
        0 <= length <= bound
        and all(0 <= s <= e <= length for s, e in ranges)
        and sum(n for *_, n in header.groups) == header.count
        and len(header.groups) == len(header.names)
        and all(
            0 <= st < len(header.statuses)
            and 0 <= g < len(header.groups)
            and 0 <= p < header.count
            for st, g, p, *_ in header.latest
        )
    )
    if not ok:
        raise DecryptionFailed("decrypted lab snapshot header is malformed")


class Keyed(Protocol):
    """What the lab stream needs of each record (a ``LabResult``, a ``LabKey``)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def normalized_name(self) -> str | None: ...

    @property
    def status(self) -> RecordStatus: ...

    @property
    def effective_date(self) -> date | None: ...


class _Entry:
    """A record of an open snapshot, as the stream needs it (from its header and columns)."""

    __slots__ = ("effective_date", "id", "name", "normalized_name", "status")

    def __init__(
        self,
        id_: str,
        name: tuple[str, str | None],
        status: RecordStatus,
        effective_date: date | None,
    ) -> None:
        self.id = id_
        self.name, self.normalized_name = name
        self.status = status
        self.effective_date = effective_date


def merged_stream(
    snapshot: LabSnapshot, keys: Sequence[LabKey], parts: Sequence[bytes], gone: set[str]
) -> bytes | None:
    """The next lab stream: the snapshot without ``gone``, with the rows written since.

    No record is built: the snapshot's JSON slices, names, statuses and dates come from its
    header and columns, the newer rows' from their keys. Order as a full load merges them: the
    snapshot's order, a changed record in its place, new ones after.
    """
    stream = snapshot.stream()
    ids = snapshot.ids()
    days, codes, starts, ends = snapshot.columns()
    statuses = [RecordStatus(status) for status in snapshot.header.statuses]
    newer = {key.id: (key, part) for key, part in zip(keys, parts, strict=True)}
    items: list[Keyed] = []
    out: list[bytes] = []
    for group, (_, _, first, n) in enumerate(snapshot.header.groups):
        name = snapshot.names[group]
        for p in range(first, first + n):
            record_id = ids[p]
            if record_id in gone:
                continue
            changed = newer.pop(record_id, None)
            if changed is not None:
                items.append(changed[0])
                out.append(changed[1])
                continue
            day = days[p]
            items.append(
                _Entry(record_id, name, statuses[codes[p]], date.fromordinal(day) if day else None)
            )
            out.append(stream[starts[p] : ends[p]])
    for key, part in newer.values():
        items.append(key)
        out.append(part)
    return lab_stream(out, items)


def lab_stream(parts: Sequence[bytes], items: Sequence[Keyed]) -> bytes | None:
    """The lab stream of records (``parts``: their compact JSON); None if an id holds a newline.

    Records are grouped by ``(name, normalized_name)`` (groups sorted by normalized name, then
    name; records in their given order within a group).
    """
    if any("\n" in item.id for item in items):
        return None
    by_name: dict[tuple[str, str | None], list[int]] = {}
    for i, lab in enumerate(items):
        by_name.setdefault((lab.name, lab.normalized_name), []).append(i)
    names = sorted(by_name, key=lambda k: ((k[1] or k[0]).casefold(), k[0], k[1] or ""))
    order = [i for key in names for i in by_name[key]]
    statuses: dict[str, int] = {}
    days = [_day(items[i]) for i in order]
    codes = [statuses.setdefault(items[i].status.value, len(statuses)) for i in order]
    # Latest per (group, status): the last in body order among the greatest day.
    best: dict[tuple[int, int], int] = {}
    group_of: list[int] = []
    for g, key in enumerate(names):
        group_of += [g] * len(by_name[key])
    for position in range(len(order)):
        key2 = (group_of[position], codes[position])
        held = best.get(key2)
        if held is None or days[position] >= days[held]:
            best[key2] = position
    latest_positions = sorted(best.items(), key=lambda kv: (kv[0][1], kv[1]))
    # Body: each group's records comma-joined; offsets relative to the body's start for now.
    offsets: list[tuple[int, int]] = []
    at = 1
    for i in order:
        offsets.append((at, at + len(parts[i])))
        at += len(parts[i]) + 1
    body = b"[" + b",".join(parts[i] for i in order) + b"]"
    latest_body = b"".join(parts[order[p]] for _, p in latest_positions)
    ids = "\n".join(items[i].id for i in order).encode()

    def header_for(base: int) -> dict[str, Any]:
        """The header when the latest copies start at ``base``."""
        body_at = base + len(latest_body)
        latest = []
        cursor = base
        for (g, code), p in latest_positions:
            size = len(parts[order[p]])
            latest.append((code, g, p, days[p], cursor, cursor + size))
            cursor += size
        groups = []
        first = 0
        for key in names:
            n = len(by_name[key])
            start = body_at + offsets[first][0]
            end = body_at + offsets[first + n - 1][1]
            groups.append((start, end, first, n))
            first += n
        columns_at = body_at + len(body)
        ids_at = columns_at + 4 * _COLUMNS * len(order)
        return {
            "count": len(order),
            "length": ids_at + len(ids),
            "names": names,
            "statuses": list(statuses),
            "groups": groups,
            "latest": latest,
            "body": (body_at, body_at + len(body)),
            "columns": columns_at,
            "ids": (ids_at, ids_at + len(ids)),
        }

    # The header's length moves everything after it: reserve room, pad with JSON whitespace.
    size = 0
    while True:
        header = pydantic_core.to_json(header_for(5 + size))
        if len(header) <= size:
            header += b" " * (size - len(header))
            break
        size = len(header) + 16
    body_at = 5 + size + len(latest_body)
    columns = [
        array("I", days),
        array("I", codes),
        array("I", (body_at + s for s, _ in offsets)),
        array("I", (body_at + e for _, e in offsets)),
    ]
    if sys.byteorder != "little":
        for column in columns:
            column.byteswap()
    return b"".join(
        [
            LAB_STREAM,
            size.to_bytes(4, "big"),
            header,
            latest_body,
            body,
            *(c.tobytes() for c in columns),
            ids,
        ]
    )


def _day(lab: Keyed) -> int:
    return lab.effective_date.toordinal() if lab.effective_date else 0
