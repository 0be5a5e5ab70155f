"""SqlVault: the Vault bound to one profile, inside one transaction opened by the store.

Every statement filters on the vault's ``profile_id``; no method takes a profile or account id
from its caller, so code holding a vault can only reach its own profile's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from store.crypto import Sealer
from store.errors import IdConflict
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
from store.sql import jobs
from store.sql.cache import RecordCache
from store.sql.codec import (
    Codec,
    dump_snapshot,
    gc_paused,
    kind_of,
    open_chat_id,
    seal_chat_id,
    snapshot_body,
)
from store.sql.schema import (
    accounts,
    document_pages,
    documents,
    occurrences,
    profiles,
    records,
    snapshots,
)
from store.sql.snapshot import Fetch, LabKey, LabSnapshot, chunk_kind, merged_stream

Clinical = Medication | LabResult | Vaccination | Allergy | Condition
C = TypeVar("C", Medication, LabResult, Vaccination, Allergy, Condition)
R = TypeVar("R", bound=BaseModel)

DOCUMENT_KIND = "document"
_REWRITE_MIN = 200  # rows changed since a snapshot before it is rewritten (and 10% of it)


_PAGES_INSERT = insert(document_pages)


@cache
def _records_upsert(dialect: str) -> Insert:
    """The record upsert for one dialect, built once (executed with many rows)."""
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(records)
    return stmt.on_conflict_do_update(
        index_elements=[records.c.profile_id, records.c.kind, records.c.id],
        set_={"payload": stmt.excluded.payload, "rev": stmt.excluded.rev},
    )


class _LabDelta:
    """Lab rows written since a snapshot: their keys, JSON and load-order positions; gone ids.

    ``replaced``: the snapshot's ids whose record changed or is gone.
    """

    __slots__ = ("gone", "keys", "parts", "positions", "replaced")

    def __init__(
        self,
        keys: list[LabKey],
        parts: list[bytes],
        positions: list[int],
        gone: set[str],
        replaced: set[str],
    ) -> None:
        self.keys = keys
        self.parts = parts
        self.positions = positions
        self.gone = gone
        self.replaced = replaced


class _Rows:
    """Where the rows of one kind are and how they open: a record type, a table, a filter."""

    __slots__ = ("model", "open_parts", "table", "where")

    def __init__(
        self,
        model: type[BaseModel],
        table: Table,
        where: list[ColumnElement[bool]],
        open_parts: Callable[[Sequence[Any]], list[bytes]],
    ) -> None:
        self.model = model
        self.table = table
        self.where = where
        self.open_parts = open_parts


class SqlVault:
    """Per-profile access to decrypted records within the store's transaction."""

    def __init__(
        self,
        conn: Connection,
        codec: Codec,
        *,
        account_id: str,
        version: int,
        cache: RecordCache,
        account_sealer: Callable[[], Sealer],
        clock: Callable[[], datetime],
        snapshot_min: int = 256,
    ) -> None:
        """Bind a transaction to one profile (built by the store, not by callers).

        ``snapshot_min``: a kind read in full with at least that many rows gets a sealed
        snapshot for the next cold load (0: snapshots are neither read nor written).
        """
        self._conn = conn
        self._codec = codec
        self._account_id = account_id
        self._profile_id = codec.profile_id
        self._version = version
        self._cache = cache
        self._account_sealer = account_sealer
        self._clock = clock
        self._snapshot_min = snapshot_min
        self._upsert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        self.dirty = False
        self.saved: dict[str, dict[str, Any]] = {}
        self.deleted: dict[str, set[str]] = {}
        self._pending: dict[tuple[str, str], dict[str, Any]] = {}
        self._lab_delta: tuple[int, _LabDelta] | None = None

    @property
    def account_id(self) -> str:
        """The internal id of the account (never the Telegram id)."""
        return self._account_id

    @property
    def profile_id(self) -> str:
        """The internal id of the profile this vault is bound to."""
        return self._profile_id

    @property
    def version(self) -> int:
        """The profile version this vault was opened at."""
        return self._version

    @property
    def _rev(self) -> int:
        """The version this vault's writes will have once committed (stamped on their rows)."""
        return self._version + 1

    # Change tracking (for the version bump and the cache) ---------------------------------------

    def _saved(self, kind: str, record: BaseModel, record_id: str) -> None:
        self._keep(kind, record.model_copy(deep=True), record_id)

    def _keep(self, kind: str, copy: BaseModel, record_id: str) -> None:
        """Track a saved record (``copy``: private to the vault, shared with the cache later)."""
        self.dirty = True
        self.saved.setdefault(kind, {})[record_id] = copy
        self.deleted.get(kind, set()).discard(record_id)

    def _deleted(self, kind: str, record_id: str) -> None:
        self.dirty = True
        self.saved.get(kind, {}).pop(record_id, None)
        self.deleted.setdefault(kind, set()).add(record_id)

    def _touched(self, kind: str) -> bool:
        return kind in self.saved or kind in self.deleted

    # Profile, chat id, dialogue -----------------------------------------------------------------

    def get_profile(self) -> UserProfile:
        """The profile settings (defaults for a new profile)."""
        blob = self._conn.execute(
            select(profiles.c.payload).where(profiles.c.id == self._profile_id)
        ).scalar_one()
        if blob is None:
            return UserProfile(id=self._profile_id)
        return self._codec.open_profile(blob)

    def save_profile(self, profile: UserProfile) -> None:
        """Store the profile settings (its id is always this vault's profile)."""
        if profile.id != self._profile_id:
            profile = profile.model_copy(update={"id": self._profile_id})
        self._update_profile_row(payload=self._codec.seal_profile(profile))

    def get_chat_id(self) -> int | None:
        """The account's chat id (shared by its profiles)."""
        blob = self._conn.execute(
            select(accounts.c.chat_id).where(accounts.c.id == self._account_id)
        ).scalar_one()
        return (
            None if blob is None else open_chat_id(self._account_sealer(), self._account_id, blob)
        )

    def set_chat_id(self, chat_id: int) -> None:
        """Remember the account's chat id, encrypted."""
        blob = seal_chat_id(self._account_sealer(), self._account_id, chat_id)
        self._conn.execute(
            update(accounts).where(accounts.c.id == self._account_id).values(chat_id=blob)
        )
        self.dirty = True

    def get_dialogue(self) -> DialogueState:
        """The dialogue state (idle for a new profile)."""
        blob = self._conn.execute(
            select(profiles.c.dialogue).where(profiles.c.id == self._profile_id)
        ).scalar_one()
        return DialogueState() if blob is None else self._codec.open_dialogue(blob)

    def save_dialogue(self, state: DialogueState) -> None:
        """Store the dialogue state."""
        self._update_profile_row(dialogue=self._codec.seal_dialogue(state))

    def _update_profile_row(self, **values: bytes) -> None:
        self._conn.execute(
            update(profiles).where(profiles.c.id == self._profile_id).values(**values)
        )
        self.dirty = True

    # Documents ----------------------------------------------------------------------------------

    def add_document(self, document: Document) -> None:
        """Store a new document with its pages.

        Raises:
            IdConflict: a document with this id already exists in this profile.
        """
        inserted = self._conn.execute(
            self._upsert(documents)
            .values(
                profile_id=self._profile_id,
                id=document.id,
                payload=self._codec.seal_document(document),
                page_count=len(document.pages),
                rev=self._rev,
            )
            .on_conflict_do_nothing(index_elements=[documents.c.profile_id, documents.c.id])
            .returning(documents.c.id)
        ).first()
        if inserted is None:
            raise IdConflict("document id already stored")
        self._insert_pages(document)
        self._saved(DOCUMENT_KIND, document.model_copy(update={"pages": []}), document.id)

    def update_document(self, document: Document) -> None:
        """Update a document; its pages are replaced only when ``document.pages`` is not empty."""
        values: dict[str, Any] = {
            "payload": self._codec.seal_document(document),
            "rev": self._rev,
        }
        if document.pages:
            values["page_count"] = len(document.pages)
        result = self._conn.execute(
            update(documents)
            .where(documents.c.profile_id == self._profile_id, documents.c.id == document.id)
            .values(**values)
        )
        if result.rowcount == 0:
            self.add_document(document)
            return
        if document.pages:
            self._conn.execute(
                delete(document_pages).where(
                    document_pages.c.profile_id == self._profile_id,
                    document_pages.c.document_id == document.id,
                )
            )
            self._insert_pages(document)
        self._saved(DOCUMENT_KIND, document.model_copy(update={"pages": []}), document.id)

    def _insert_pages(self, document: Document) -> None:
        if not document.pages:
            return
        rows = []
        for page_no, page in enumerate(document.pages):
            meta, content = self._codec.seal_page(document.id, page_no, page)
            rows.append(
                {
                    "profile_id": self._profile_id,
                    "document_id": document.id,
                    "page_no": page_no,
                    "meta": meta,
                    "content": content,
                }
            )
        self._conn.execute(_PAGES_INSERT, rows)

    def get_document(self, document_id: str, *, with_pages: bool = True) -> Document | None:
        """One document, with its decrypted pages unless ``with_pages`` is false."""
        row = self._conn.execute(
            select(documents.c.id, documents.c.payload).where(
                documents.c.profile_id == self._profile_id, documents.c.id == document_id
            )
        ).first()
        if row is None:
            return None
        (document,) = self._codec.open_documents([row])
        if with_pages:
            document = self._with_pages([document])[0]
        return document

    def list_documents(self, *, with_pages: bool = False) -> list[Document]:
        """Every document of the profile (pages only when asked: they are large)."""
        listed: list[Document] = self._fresh(
            Document,
            DOCUMENT_KIND,
            documents,
            [documents.c.profile_id == self._profile_id],
            self._codec.open_document_parts,
        )
        return self._with_pages(listed) if with_pages else listed

    def _with_pages(self, docs: list[Document]) -> list[Document]:
        if not docs:
            return docs
        query = select(
            document_pages.c.document_id,
            document_pages.c.page_no,
            document_pages.c.meta,
            document_pages.c.content,
        ).where(document_pages.c.profile_id == self._profile_id)
        if len(docs) == 1:
            query = query.where(document_pages.c.document_id == docs[0].id)
        pages: dict[str, list[Any]] = {}
        for doc_id, page_no, meta, content in self._conn.execute(
            query.order_by(document_pages.c.document_id, document_pages.c.page_no)
        ):
            pages.setdefault(doc_id, []).append(
                self._codec.open_page(doc_id, page_no, meta, content)
            )
        return [d.model_copy(update={"pages": pages.get(d.id, [])}) for d in docs]

    def queue_reading(
        self, document_id: str, now: datetime, *, running_until: datetime | None = None
    ) -> bool:
        """Queue the reading of one of this profile's documents in this transaction.

        In the transaction that stores the document, so the document never exists without its
        job (``store.sql.jobs.insert_job``). False if it was already queued.
        """
        return jobs.insert_job(
            self._conn,
            self._account_id,
            self._profile_id,
            document_id,
            now,
            running_until=running_until,
        )

    def reading_done(self, document_id: str, now: datetime) -> bool:
        """Mark the running reading job of a document done, with the reading's outcome."""
        return jobs.finish_job(self._conn, self._profile_id, document_id, now)

    # Clinical records, reminders, audit ---------------------------------------------------------

    def save(self, record: Clinical) -> None:
        """Insert or update one clinical record (by id)."""
        self.save_all([record])

    def save_all(self, records_: Sequence[Clinical]) -> None:
        """Insert or update several records in one statement per kind."""
        by_kind: dict[str, list[BaseModel]] = {}
        for record in records_:
            by_kind.setdefault(kind_of(type(record)), []).append(record)
        for kind, items in by_kind.items():
            self._upsert_records(kind, items)

    def _upsert_records(self, kind: str, items: Sequence[BaseModel]) -> None:
        """Seal now; write with the next read or at commit (one statement for all rows).

        The copy kept for the cache is validated from the sealed JSON: a private deep copy,
        equal to what a reload gives, and several times cheaper than ``model_copy(deep=True)``.
        """
        if not items:
            return
        parts = [self._codec.record_json(item) for item in items]
        copies = self._codec.validate(type(items[0]), parts)
        for item, part, copy in zip(items, parts, copies, strict=True):
            record_id: str = item.id  # type: ignore[attr-defined]
            self._pending[(kind, record_id)] = {
                "profile_id": self._profile_id,
                "kind": kind,
                "id": record_id,
                "payload": self._codec.seal_record_json(kind, record_id, part),
                "rev": self._rev,
            }
            self._keep(kind, copy, record_id)

    def flush(self) -> None:
        """Write the pending record upserts (called before reads and before commit).

        One statement built once, executed for many rows: psycopg pipelines them in one round
        trip and the statement is compiled once per process (a multi-row VALUES statement was
        compiled by SQLAlchemy at every flush: ~30% of a PostgreSQL insert of 20 lab results).
        """
        if not self._pending:
            return
        rows = list(self._pending.values())
        self._pending.clear()
        self._conn.execute(_records_upsert(self._conn.dialect.name), rows)

    def records(self, kind: type[C]) -> list[C]:
        """All records of one kind for this profile."""
        return self._load(kind)

    def lab_results(self, match: Callable[[str, str | None], bool]) -> list[LabResult]:
        """The lab results whose ``(name, normalized_name)`` match, without building the others.

        Read from the chunked lab snapshot (``store.sql.snapshot``; ``match`` is called once per
        distinct name): only the matching names' groups are fetched, opened and validated, then
        brought up to date by the rows written since (changed ones re-matched, gone ones
        dropped; only the matching ones built), so the answer equals filtering
        ``records(LabResult)``. Never fills the kind's cache (a part is not the kind). Falls
        back to the full load when the kind is cached, written by this vault, or its snapshot
        is missing or not chunked.
        """
        opened = self._lab_snapshot()
        if opened is None:
            return [r for r in self._load(LabResult) if match(r.name, r.normalized_name)]
        version, snapshot = opened
        wanted = [g for g, (name, norm) in enumerate(snapshot.names) if match(name, norm)]
        found = self._codec.validate_slices(LabResult, snapshot.groups(wanted))
        if version == self._version:
            return found
        delta = self._lab_changes(version, snapshot)
        by_id = {r.id: r for r in found}
        parts = []
        for key, part in zip(delta.keys, delta.parts, strict=True):
            if match(key.name, key.normalized_name):
                parts.append(part)
            else:
                by_id.pop(key.id, None)  # renamed to another test since
        by_id.update((r.id, r) for r in self._codec.validate(LabResult, parts))
        return [r for i, r in by_id.items() if i not in delta.gone]

    def latest_lab_results(self, status: RecordStatus) -> list[LabResult]:
        """For each distinct ``(name, normalized_name)``, its latest result with this status.

        Latest by effective date (undated first), the later one in load order on a tie; the
        results come in load order. From the chunked snapshot: its header and its copies of
        each name's latest result (about one record per name validated), with rows written
        since competing; else from the full load.
        """
        opened = self._lab_snapshot()
        if opened is None:
            every = [r for r in self._load(LabResult) if r.status is status]
            return _latest_by_name(every, list(range(len(every))))
        version, snapshot = opened
        code = snapshot.status_code(status.value)
        latest = [entry for entry in snapshot.header.latest if entry[0] == code]
        if version == self._version:
            return self._codec.validate_slices(LabResult, snapshot.spans([e[4:] for e in latest]))
        delta = self._lab_changes(version, snapshot)
        replaced = delta.replaced
        ids = snapshot.ids() if replaced else []
        names = snapshot.names
        # name -> (day, position, span of its JSON in the snapshot, or -1 and its fresh index)
        best: dict[tuple[str, str | None], tuple[int, int, tuple[int, int]]] = {}
        for _, group, position, day, start, end in latest:
            if not replaced or ids[position] not in replaced:
                best[names[group]] = (day, position, (start, end))
                continue
            days, codes, starts, ends = snapshot.columns()  # the next one still there
            _, _, first, n = snapshot.header.groups[group]
            for p in range(first, first + n):
                if codes[p] == code and ids[p] not in replaced:
                    held = best.get(names[group])
                    if held is None or days[p] >= held[0]:
                        best[names[group]] = (days[p], p, (starts[p], ends[p]))
        newer: dict[int, int] = {}  # position -> index in delta.parts
        for i, (key, position) in enumerate(zip(delta.keys, delta.positions, strict=True)):
            if key.status is not status:
                continue
            name = (key.name, key.normalized_name)
            day = key.effective_date.toordinal() if key.effective_date else 0
            held = best.get(name)
            if held is None or (day, position) >= held[:2]:
                best[name] = (day, position, (0, 0))
                newer[position] = i
        chosen = sorted((position, span) for _, position, span in best.values())
        spans = [span for position, span in chosen if position not in newer]
        built = iter(self._codec.validate_slices(LabResult, snapshot.spans(spans)))
        fresh = iter(self._codec.validate(LabResult, [delta.parts[i] for i in newer.values()]))
        by_position = {position: next(fresh) for position in newer}
        return [by_position[p] if p in newer else next(built) for p, _ in chosen]

    def _lab_snapshot(self) -> tuple[int, LabSnapshot] | None:
        """``(version, snapshot)`` of the chunked lab snapshot, when a partial read can use it."""
        kind = kind_of(LabResult)
        if (
            self._snapshot_min <= 0
            or self._touched(kind)
            or self._cache.stale(self._profile_id, kind) is not None
        ):
            return None
        self.flush()
        row = self._snapshot_row(kind)
        if row is None or row[0] > self._version:
            return None
        version, first = row
        opened = self._codec.open_lab_snapshot(kind, version, first, self._chunks(kind, version))
        return None if opened is None else (version, opened)

    def _lab_changes(self, since: int, snapshot: LabSnapshot) -> _LabDelta:
        """The lab rows written since ``since`` (opened, not built) and the snapshot's ids gone.

        One query returns the rows with a newer ``rev`` and how many kept an older one. Every
        row with an older ``rev`` is in the snapshot, so when their count is the snapshot's,
        nothing of it was changed or deleted: the newer rows are all new, and the snapshot's
        ids are not read. Otherwise they are, and the ids still there are listed only if the
        counts say some are gone. Kept for this vault (lab questions share it). Past as many
        changes as make a full load rewrite the snapshot, it is rewritten here too, from its
        own JSON and the newer rows, without building any record.
        """
        if self._lab_delta is not None and self._lab_delta[0] == since:
            return self._lab_delta[1]
        kind = kind_of(LabResult)
        mine = [records.c.profile_id == self._profile_id, records.c.kind == kind]
        kept = (
            select(func.count().label("n"))
            .select_from(records)
            .where(*mine, records.c.rev <= since)
            .subquery()
        )
        rows = self._conn.execute(
            select(kept.c.n, records.c.id, records.c.payload).select_from(
                kept.outerjoin(records, and_(*mine, records.c.rev > since))
            )
        ).all()
        unchanged = int(rows[0][0])
        changed = [(row[1], row[2]) for row in rows if row[1] is not None]
        parts = self._codec.open_record_parts(kind, changed)
        keys = self._codec.lab_keys(parts)
        appended = iter(range(snapshot.count, snapshot.count + len(keys)))
        if unchanged == snapshot.count:  # all of the snapshot is still there, unchanged
            delta = _LabDelta(keys, parts, [next(appended) for _ in keys], set(), set())
        else:
            at = {record_id: i for i, record_id in enumerate(snapshot.ids())}
            positions = [at.get(key.id) for key in keys]
            inside = {key.id for key, p in zip(keys, positions, strict=True) if p is not None}
            gone: set[str] = set()
            if unchanged + len(inside) != snapshot.count:
                there = set(self._conn.execute(select(records.c.id).where(*mine)).scalars())
                gone = {i for i in snapshot.ids() if i not in there}
            delta = _LabDelta(
                keys,
                parts,
                [next(appended) if p is None else p for p in positions],
                gone,
                gone | inside,
            )
        self._lab_delta = (since, delta)
        if len(keys) + len(delta.gone) > max(_REWRITE_MIN, snapshot.count // 10):
            stream = merged_stream(snapshot, keys, parts, delta.gone)  # like a full load would
            if stream is not None:
                self._write_snapshot(kind, stream)
        return delta

    def _load(self, model: type[R]) -> list[R]:
        kind = kind_of(model)
        loaded: list[R] = self._fresh(
            model,
            kind,
            records,
            [records.c.profile_id == self._profile_id, records.c.kind == kind],
            lambda rows: self._codec.open_record_parts(kind, rows),
        )
        return loaded

    def _fresh(
        self,
        model: type[R],
        kind: str,
        table: Table,
        where: list[ColumnElement[bool]],
        open_parts: Callable[[Sequence[Any]], list[bytes]],
    ) -> list[Any]:
        """Records of one kind: cached, refreshed from a base by the rows written since, or read.

        The base is this process's cache, else the profile's sealed snapshot of that kind.
        Without either (or when they cannot be brought up to date), every row is decrypted and
        validated, and a snapshot is written for the next cold load if the kind is large.
        """
        cached = self._cached(kind)
        if cached is not None:
            return cached
        self.flush()
        source = _Rows(model, table, where, open_parts)
        stale = None if self._touched(kind) else self._cache.stale(self._profile_id, kind)
        if stale is not None and stale.version < self._version:
            merged, _ = self._refreshed(source, stale.version, stale.records)
            if merged is not None:
                self._remember(kind, merged)
                return list(merged.values())
        with gc_paused():  # tens of thousands of rows and records: see store.sql.codec
            snapped = self._from_snapshot(source, kind)
            if snapped is not None:
                loaded: list[Any] = (
                    snapped if isinstance(snapped, list) else list(snapped.values())
                )
            else:
                rows = self._conn.execute(select(table.c.id, table.c.payload).where(*where)).all()
                parts = open_parts(rows)
                del rows
                loaded = self._codec.validate(model, parts)
                if 0 < self._snapshot_min <= len(parts) and not self._touched(kind):
                    self._write_snapshot(kind, snapshot_body(model, parts, loaded))
                del parts
        self._remember(kind, loaded)
        return loaded

    def _refreshed(
        self, source: _Rows, since: int, base: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, int]:
        """``base`` (every record as of version ``since``) brought up to date, or None.

        Only rows with a newer ``rev`` are decrypted; ids that are gone are dropped (one id-only
        query, run only when the count says some are). Also returns how many rows changed.
        """
        table, where = source.table, source.where
        changed = self._conn.execute(
            select(table.c.id, table.c.payload).where(*where, table.c.rev > since)
        ).all()
        if changed:
            fresh: list[Any] = self._codec.validate(source.model, source.open_parts(changed))
            base.update((r.id, r) for r in fresh)
        delta = len(changed)
        total = self._conn.execute(
            select(func.count()).select_from(table).where(*where)
        ).scalar_one()
        if total != len(base):  # some ids are gone: keep only those still there
            ids = self._conn.execute(select(table.c.id).where(*where)).scalars().all()
            kept = [base.get(i) for i in ids]
            delta += len(base) - len(ids)
            base = {r.id: r for r in kept if r is not None}
        return (base if len(base) == total else None), delta

    # Snapshots ----------------------------------------------------------------------------------

    def _from_snapshot(self, source: _Rows, kind: str) -> list[Any] | dict[str, Any] | None:
        """Every record of one kind from its sealed snapshot and the rows written since, or None.

        A list when the snapshot is up to date, else a dict by id.

        A snapshot that many rows have changed since is rewritten (not when this vault wrote
        that kind: the snapshot must only hold committed rows of its version).

        Raises:
            TamperDetected: the snapshot does not open (it is never silently rebuilt over).
        """
        if self._snapshot_min <= 0:
            return None
        row = self._snapshot_row(kind)
        if row is None or row[0] > self._version:
            return None
        version = row[0]
        opened: list[Any]
        opened, indexed = self._codec.open_snapshot(
            source.model, kind, version, row[1], self._chunks(kind, version)
        )
        del row
        touched = self._touched(kind)
        unindexed = source.model is LabResult and not indexed  # written before chunks
        if version == self._version and not touched:
            if unindexed:  # once: the lab questions read it in parts
                self._write_snapshot(kind, dump_snapshot(source.model, opened))
            return opened  # nothing of the profile was written since the snapshot
        base = {r.id: r for r in opened}
        del opened
        size = len(base)
        merged, delta = self._refreshed(source, version, base)
        if (
            merged is not None
            and not touched
            and (unindexed or delta > max(_REWRITE_MIN, size // 10))
        ):
            self._write_snapshot(kind, dump_snapshot(source.model, list(merged.values())))
        return merged

    def _snapshot_row(self, kind: str) -> tuple[int, bytes] | None:
        """``(version, payload)`` of one kind's snapshot, if any.

        On PostgreSQL the payload is read in the binary protocol: a 6 MB bytea arrives about
        three times faster than as hex text (measured through SQLAlchemy's default).
        """
        if self._conn.dialect.name != "postgresql":
            row = self._conn.execute(
                select(snapshots.c.version, snapshots.c.payload).where(
                    snapshots.c.profile_id == self._profile_id, snapshots.c.kind == kind
                )
            ).first()
            return None if row is None else (row.version, row.payload)
        driver = self._conn.connection.driver_connection  # same transaction
        assert driver is not None
        with driver.cursor(binary=True) as cursor:
            cursor.execute(
                "SELECT version, payload FROM snapshots WHERE profile_id = %s AND kind = %s",
                (self._profile_id, kind),
            )
            found = cursor.fetchone()
        return None if found is None else (int(found[0]), bytes(found[1]))

    def _chunks(self, kind: str, version: int) -> Fetch:
        """Fetch the sealed cells of a chunked snapshot's chunks by number (one query)."""

        def fetch(numbers: list[int]) -> dict[int, bytes]:
            names = {chunk_kind(kind, n): n for n in numbers}
            if self._conn.dialect.name != "postgresql":
                rows = self._conn.execute(
                    select(snapshots.c.kind, snapshots.c.payload).where(
                        snapshots.c.profile_id == self._profile_id,
                        snapshots.c.kind.in_(list(names)),
                        snapshots.c.version == version,
                    )
                ).all()
                return {names[name]: payload for name, payload in rows}
            driver = self._conn.connection.driver_connection  # same transaction
            assert driver is not None
            with driver.cursor(binary=True) as cursor:
                cursor.execute(
                    "SELECT kind, payload FROM snapshots"
                    " WHERE profile_id = %s AND kind = ANY(%s) AND version = %s",
                    (self._profile_id, list(names), version),
                )
                return {names[name]: bytes(payload) for name, payload in cursor.fetchall()}

        return fetch

    def _write_snapshot(self, kind: str, body: bytes) -> None:
        """Seal every record of one kind as of this vault's version (no version bump: not data).

        A lab stream is written in chunks: the kind's row holds chunk 0, ``kind:n`` rows the
        others (those of the snapshot it replaces are deleted first).
        """
        cells = self._codec.seal_snapshot_cells(kind, self._version, body)
        stmt = self._upsert(snapshots).values(
            profile_id=self._profile_id, kind=kind, version=self._version, payload=cells[0]
        )
        self._conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[snapshots.c.profile_id, snapshots.c.kind],
                set_={"version": stmt.excluded.version, "payload": stmt.excluded.payload},
            )
        )
        if kind != kind_of(LabResult):
            return
        self._conn.execute(
            delete(snapshots).where(
                snapshots.c.profile_id == self._profile_id,
                snapshots.c.kind.startswith(f"{kind}:"),
            )
        )
        if len(cells) > 1:
            self._conn.execute(
                insert(snapshots),
                [
                    {
                        "profile_id": self._profile_id,
                        "kind": chunk_kind(kind, n),
                        "version": self._version,
                        "payload": cell,
                    }
                    for n, cell in enumerate(cells[1:], start=1)
                ],
            )

    def _cached(self, kind: str) -> list[Any] | None:
        if self._touched(kind):
            return None
        return self._cache.get(self._profile_id, self._version, kind)

    def _remember(self, kind: str, loaded: list[Any] | dict[str, Any]) -> None:
        if not self._touched(kind):
            self._cache.put(self._profile_id, self._version, kind, loaded)

    def get(self, kind: type[C], record_id: str) -> C | None:
        """One record by id, or None."""
        return self._get(kind, record_id)

    def _get(self, model: type[R], record_id: str) -> R | None:
        kind = kind_of(model)
        self.flush()
        row = self._conn.execute(
            select(records.c.id, records.c.payload).where(
                records.c.profile_id == self._profile_id,
                records.c.kind == kind,
                records.c.id == record_id,
            )
        ).first()
        return None if row is None else self._codec.open_records(model, kind, [row])[0]

    def delete(self, kind: type[C], record_id: str) -> bool:
        """Delete one record; False if it did not exist."""
        return self._delete(kind_of(kind), record_id)

    def _delete(self, kind: str, record_id: str) -> bool:
        self.flush()
        result = self._conn.execute(
            delete(records).where(
                records.c.profile_id == self._profile_id,
                records.c.kind == kind,
                records.c.id == record_id,
            )
        )
        if result.rowcount:
            self._deleted(kind, record_id)
        return bool(result.rowcount)

    def save_reminder(self, reminder: Reminder) -> None:
        """Insert or update a reminder."""
        self._upsert_records(kind_of(Reminder), [reminder])

    def list_reminders(self) -> list[Reminder]:
        """Every reminder of the profile."""
        return self._load(Reminder)

    def delete_reminder(self, reminder_id: str) -> None:
        """Delete a reminder and its unsent occurrences."""
        self._delete(kind_of(Reminder), reminder_id)
        self._conn.execute(
            delete(occurrences).where(
                occurrences.c.profile_id == self._profile_id,
                occurrences.c.reminder_id == reminder_id,
                occurrences.c.sent_at.is_(None),
            )
        )
        self.dirty = True

    # Occurrences --------------------------------------------------------------------------------

    def save_occurrences(self, items: Sequence[Occurrence]) -> None:
        """Insert or update occurrences; a sent occurrence stays sent.

        Raises:
            IdConflict: an occurrence id belongs to another profile.
        """
        if not items:
            return
        ids = [o.id for o in items]
        foreign = self._conn.execute(
            select(occurrences.c.id).where(
                occurrences.c.id.in_(ids), occurrences.c.profile_id != self._profile_id
            )
        ).first()
        if foreign is not None:
            raise IdConflict("occurrence id belongs to another profile")
        rows = [
            {
                "id": o.id,
                "profile_id": self._profile_id,
                "account_id": self._account_id,
                "reminder_id": o.reminder_id,
                "due_at": o.due_at,
                "sent_at": o.sent_at,
                "lease_until": None,
                "payload": self._codec.seal_answer(o.id, o.answer, o.answered_at),
            }
            for o in items
        ]
        stmt = self._upsert(occurrences)
        table = occurrences
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={
                "reminder_id": stmt.excluded.reminder_id,
                "due_at": stmt.excluded.due_at,
                "sent_at": func.coalesce(table.c.sent_at, stmt.excluded.sent_at),
                "payload": stmt.excluded.payload,
            },
            where=table.c.profile_id == self._profile_id,
        )
        self._conn.execute(stmt, rows)
        self.dirty = True

    def list_occurrences(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[Occurrence]:
        """Occurrences due in ``[since, until)``, by due time."""
        conditions = [occurrences.c.profile_id == self._profile_id]
        if since is not None:
            conditions.append(occurrences.c.due_at >= since)
        if until is not None:
            conditions.append(occurrences.c.due_at < until)
        rows = self._conn.execute(
            select(
                occurrences.c.id,
                occurrences.c.reminder_id,
                occurrences.c.due_at,
                occurrences.c.sent_at,
                occurrences.c.payload,
            )
            .where(and_(*conditions))
            .order_by(occurrences.c.due_at, occurrences.c.id)
        ).all()
        result = []
        for occ_id, reminder_id, due_at, sent_at, payload in rows:
            answer, answered_at = (
                self._codec.open_answer(occ_id, payload) if payload else (None, None)
            )
            result.append(
                Occurrence(
                    id=occ_id,
                    reminder_id=reminder_id,
                    due_at=due_at,
                    sent_at=sent_at,
                    answer=answer,
                    answered_at=answered_at,
                )
            )
        return result

    # Audit --------------------------------------------------------------------------------------

    def audit(
        self, action: AuditAction, record_type: str, record_id: str | None = None, count: int = 1
    ) -> None:
        """Append an event to the profile's log."""
        entry = AuditEntry(
            at=self._clock(),
            action=action,
            record_type=record_type,
            record_id=record_id,
            count=count,
        )
        self._upsert_records(kind_of(AuditEntry), [entry])

    def audit_log(self) -> list[AuditEntry]:
        """The profile's event log, oldest first."""
        return sorted(self._load(AuditEntry), key=lambda e: (e.at, e.id))


def _latest_by_name(results: list[LabResult], positions: list[int]) -> list[LabResult]:
    """Per distinct ``(name, normalized_name)``, the latest by date (later position on a tie)."""
    best: dict[tuple[str, str | None], tuple[int, int]] = {}
    for record, position in zip(results, positions, strict=True):
        day = record.effective_date.toordinal() if record.effective_date else 0
        key = (record.name, record.normalized_name)
        held = best.get(key)
        if held is None or (day, position) >= held:
            best[key] = (day, position)
    by_position = dict(zip(positions, results, strict=True))
    return [by_position[p] for p in sorted(p for _, p in best.values())]
