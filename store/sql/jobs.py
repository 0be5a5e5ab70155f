"""The OCR job queue of the scaled shape, and per-user serialisation across bot instances.

A job carries ids only (account, profile, document): the document itself lives encrypted in the
vault. A claim is a lease, like reminder occurrences: ``claim`` selects one ready job with
``FOR UPDATE SKIP LOCKED`` (PostgreSQL) so any number of workers never take the same row nor
wait on each other, sets ``state='running'``, counts the attempt and sets ``lease_until``. A
worker that dies (SIGKILL, machine lost) leaves a running job whose lease expires: it is
claimable again, and ``attempts`` tells the next worker how many tries were already spent.
``document_id`` is unique, so a document is enqueued at most once. A job also carries the
progress of its reading (pages read of how many) and the Bot API message id of the message that
shows it, noted by the bot that sent it, so whichever worker reads the document edits it.

``UserLocks`` holds a PostgreSQL advisory transaction lock (``pg_advisory_xact_lock``) on a hash of
a user's platform id while one update of that user is handled; on SQLite (one process) it is a
no-op.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, Engine, and_, delete, func, or_, select, text, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from store.sql.database import make_engine
from store.sql.schema import accounts, document_jobs, documents, pending_updates, profiles

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class ClaimedJob(BaseModel):
    """A leased job: ids and the attempt number (1 for the first try)."""

    model_config = ConfigDict(frozen=True)

    job_id: str
    account_id: str
    profile_id: str
    document_id: str
    attempts: int


class JoblessDocument(BaseModel):
    """A stored document that has no job (ids only: its status is sealed in the vault)."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    profile_id: str
    document_id: str


class QueueDepth(BaseModel):
    """How many jobs wait and run (for the queue-depth metric)."""

    model_config = ConfigDict(frozen=True)

    queued: int
    running: int


class ReadingProgress(BaseModel):
    """Where a document's reading stands, and the chat message showing it (None: unknown)."""

    model_config = ConfigDict(frozen=True)

    message_id: int | None
    pages: int | None
    pages_read: int | None


class DocumentJobs:
    """The ``document_jobs`` table as a queue; every method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def enqueue(self, account_id: str, profile_id: str, document_id: str, now: datetime) -> bool:
        """Queue the OCR of a stored document; False if it was already queued."""
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            return insert_job(conn, account_id, profile_id, document_id, now)

    def claim(
        self, now: datetime, *, lease: timedelta, created_before: datetime | None = None
    ) -> ClaimedJob | None:
        """Lease the oldest ready job (queued, or running with an expired lease), or None.

        ``created_before``: only queued jobs created before then (the embedded shape's
        start-up recovery, after ``requeue_orphans``).
        """
        t = document_jobs
        ready = or_(
            and_(t.c.state == QUEUED, t.c.run_after <= now),
            and_(t.c.state == RUNNING, t.c.lease_until <= now),
        )
        if created_before is not None:
            ready = and_(
                t.c.created_at < created_before, t.c.state == QUEUED, t.c.run_after <= now
            )
        query = (
            select(t.c.id, t.c.account_id, t.c.profile_id, t.c.document_id, t.c.attempts)
            .where(ready)
            .order_by(t.c.run_after, t.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            row = conn.execute(query).first()
            if row is None:
                return None
            conn.execute(
                update(t)
                .where(t.c.id == row.id)
                .values(state=RUNNING, attempts=row.attempts + 1, lease_until=now + lease)
            )
        return ClaimedJob(
            job_id=row.id,
            account_id=row.account_id,
            profile_id=row.profile_id,
            document_id=row.document_id,
            attempts=row.attempts + 1,
        )

    def extend(self, job_id: str, now: datetime, *, lease: timedelta) -> bool:
        """Push a running job's lease further (heartbeat of a long OCR); False if lost."""
        return self._set(job_id, now, lease_until=now + lease)

    def complete(self, job_id: str, now: datetime) -> bool:
        """Mark a running job done; False if it was not running (already finished)."""
        return self._set(job_id, now, state=DONE, lease_until=None, finished_at=now)

    def fail(self, job_id: str, now: datetime, code: str) -> bool:
        """Mark a running job failed for good with an error code (never a message)."""
        return self._set(
            job_id, now, state=FAILED, lease_until=None, finished_at=now, error=code[:64]
        )

    def retry(self, job_id: str, now: datetime, *, delay: timedelta, code: str) -> bool:
        """Put a running job back in the queue after ``delay`` (the attempt stays counted)."""
        return self._set(
            job_id, now, state=QUEUED, lease_until=None, run_after=now + delay, error=code[:64]
        )

    def note_message(self, document_id: str, message_id: int) -> bool:
        """Remember the message showing a document's reading; False if it has no job."""
        t = document_jobs
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            result = conn.execute(
                update(t).where(t.c.document_id == document_id).values(progress_message=message_id)
            )
            return bool(result.rowcount)

    def record_progress(self, job_id: str, now: datetime, *, pages_read: int, pages: int) -> bool:
        """Record how many pages of a running job's document were read; False if not running."""
        return self._set(job_id, now, pages_read=pages_read, pages=pages)

    def progress(self, document_id: str) -> ReadingProgress | None:
        """A document's reading progress and message (None: the document has no job)."""
        t = document_jobs
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.c.progress_message, t.c.pages, t.c.pages_read).where(
                    t.c.document_id == document_id
                )
            ).first()
        if row is None:
            return None
        return ReadingProgress(
            message_id=row.progress_message, pages=row.pages, pages_read=row.pages_read
        )

    def release(self, job_id: str, now: datetime) -> bool:
        """Give a running job back untried (graceful shutdown): the attempt is not counted."""
        t = document_jobs
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            result = conn.execute(
                update(t)
                .where(t.c.id == job_id, t.c.state == RUNNING)
                .values(
                    state=QUEUED,
                    lease_until=None,
                    run_after=now,
                    attempts=func.greatest(t.c.attempts - 1, 0)
                    if self.engine.dialect.name == "postgresql"
                    else func.max(t.c.attempts - 1, 0),
                )
            )
            return bool(result.rowcount)

    def _set(self, job_id: str, now: datetime, **values: object) -> bool:
        del now
        t = document_jobs
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            result = conn.execute(
                update(t).where(t.c.id == job_id, t.c.state == RUNNING).values(**values)
            )
            return bool(result.rowcount)

    def forget_finished(self, cutoff: datetime) -> int:
        """Delete done and failed jobs finished before ``cutoff``; returns how many."""
        t = document_jobs
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            result = conn.execute(
                delete(t).where(t.c.state.in_([DONE, FAILED]), t.c.finished_at < cutoff)
            )
            return int(result.rowcount or 0)

    def requeue_orphans(self, created_before: datetime, now: datetime) -> int:
        """Queue again the jobs left running by a process that is gone (embedded shape, at start).

        Their attempt stays counted: a document whose reading killed the process is given up
        after ``CARNET_JOB_MAX_ATTEMPTS`` starts instead of killing every start.
        """
        t = document_jobs
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            result = conn.execute(
                update(t)
                .where(t.c.created_at < created_before, t.c.state == RUNNING)
                .values(state=QUEUED, lease_until=None, run_after=now, error="interrupted")
            )
            return int(result.rowcount or 0)

    def waiting(self, created_before: datetime) -> int:
        """How many jobs created before ``created_before`` wait in the queue (retries included)."""
        t = document_jobs
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(
                        t.c.created_at < created_before, t.c.state == QUEUED
                    )
                ).scalar_one()
            )

    def jobless_documents(
        self, *, after: JoblessDocument | None = None, limit: int = 1000
    ) -> list[JoblessDocument]:
        """Documents of live accounts without a job: stored before the outbox, or read and
        their finished job forgotten (which ones still wait to be read only the vault knows).

        In (profile, document) order, at most ``limit`` of them, from after ``after`` (the last
        one of the previous batch).
        """
        key = tuple_(documents.c.profile_id, documents.c.id)
        query = (
            select(profiles.c.account_id, documents.c.profile_id, documents.c.id)
            .join(profiles, profiles.c.id == documents.c.profile_id)
            .join(accounts, accounts.c.id == profiles.c.account_id)
            .outerjoin(document_jobs, document_jobs.c.document_id == documents.c.id)
            .where(accounts.c.erased.is_(False), document_jobs.c.id.is_(None))
            .order_by(documents.c.profile_id, documents.c.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(key > tuple_(after.profile_id, after.document_id))
        with self.engine.connect() as conn:
            return [
                JoblessDocument(account_id=r.account_id, profile_id=r.profile_id, document_id=r.id)
                for r in conn.execute(query)
            ]

    def depth(self) -> QueueDepth:
        """Counts of queued and running jobs."""
        t = document_jobs
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.c.state, func.count())
                .where(t.c.state.in_([QUEUED, RUNNING]))
                .group_by(t.c.state)
            ).all()
        counts = {str(state): int(n) for state, n in rows}
        return QueueDepth(queued=counts.get(QUEUED, 0), running=counts.get(RUNNING, 0))

    def states(self) -> dict[str, str]:
        """Document id -> job state (tests and operators)."""
        t = document_jobs
        with self.engine.connect() as conn:
            return {
                r.document_id: r.state for r in conn.execute(select(t.c.document_id, t.c.state))
            }

    def attempts(self) -> dict[str, int]:
        """Document id -> attempts spent (tests and operators)."""
        t = document_jobs
        with self.engine.connect() as conn:
            return {
                r.document_id: int(r.attempts)
                for r in conn.execute(select(t.c.document_id, t.c.attempts))
            }

    def ping(self) -> None:
        """Run a trivial query (readiness: the database answers)."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))


def insert_job(
    conn: Connection,
    account_id: str,
    profile_id: str,
    document_id: str,
    now: datetime,
    *,
    running_until: datetime | None = None,
) -> bool:
    """Queue a document's reading on ``conn``, in the caller's transaction; False if present.

    Called in the transaction that stores the document (``SqlVault.queue_reading``), so a
    stored document always has its job: no crash can fall between the two. ``running_until``:
    the job is taken at once by the process that stored it (embedded shape: the attempt is
    counted before the reading starts, so a reading that kills the process is not retried for
    ever).
    """
    insert_ = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    running = running_until is not None
    result = conn.execute(
        insert_(document_jobs)
        .values(
            id=uuid.uuid4().hex,
            account_id=account_id,
            profile_id=profile_id,
            document_id=document_id,
            state=RUNNING if running else QUEUED,
            attempts=1 if running else 0,
            run_after=now,
            lease_until=running_until,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[document_jobs.c.document_id])
        .returning(document_jobs.c.id)
    )
    return result.first() is not None


def finish_job(conn: Connection, profile_id: str, document_id: str, now: datetime) -> bool:
    """Mark a document's running job done on ``conn`` (the transaction that saved its reading)."""
    t = document_jobs
    result = conn.execute(
        update(t)
        .where(t.c.profile_id == profile_id, t.c.document_id == document_id, t.c.state == RUNNING)
        .values(state=DONE, lease_until=None, finished_at=now)
    )
    return bool(result.rowcount)


def lock_key(user_key: int) -> int:
    """A signed 64-bit advisory-lock key for a platform user id (a hash, not the id itself)."""
    digest = hashlib.blake2b(str(user_key).encode(), digest_size=8, person=b"carnet-user").digest()
    return int.from_bytes(digest, "big", signed=True)


class UserLocks:
    """Serialises one user's updates across processes (PostgreSQL advisory transaction lock)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.enabled = engine.dialect.name == "postgresql"

    @contextmanager
    def hold(self, user_key: int) -> Iterator[None]:
        """Hold the user's lock for the ``with`` body (blocking; call from a worker thread)."""
        if not self.enabled:
            yield
            return
        with self.engine.connect() as conn, conn.begin():
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(user_key)})
            yield


class UserTurn:
    """A held user turn: ``end`` forgets the pending update and frees the lock."""

    def __init__(self, conn: Connection, update_id: int) -> None:
        self._conn = conn
        self.update_id = update_id

    def end(self) -> None:
        """Drop the update from the pending ones, commit (the lock goes), close."""
        try:
            self._conn.execute(
                delete(pending_updates).where(pending_updates.c.update_id == self.update_id)
            )
            self._conn.commit()
        finally:
            self._conn.close()


class UpdateOrder:
    """One user's updates handled one at a time and in ``update_id`` order, across instances.

    ``received`` records an update before the webhook answers Telegram (so Telegram's next
    update of that user, wherever it lands, finds it). ``try_turn`` takes the user's advisory
    lock, and while an older update of the same user is still pending it lets the lock go (the
    caller waits and tries again; an older update pending for more than ``stale`` is taken as
    lost with its instance).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        stale: timedelta = timedelta(seconds=15),
    ) -> None:
        self.engine = engine
        self.stale = stale

    def received(self, update_id: int, user_key: int, now: datetime) -> None:
        """Record a received update of ``user_key`` (idempotent)."""
        insert_ = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            conn.execute(
                insert_(pending_updates)
                .values(update_id=update_id, user_lock=lock_key(user_key), received_at=now)
                .on_conflict_do_nothing(index_elements=[pending_updates.c.update_id])
            )

    def try_turn(self, update_id: int, user_key: int, now: datetime) -> UserTurn | None:
        """Take the user's turn for ``update_id`` (blocking); None while an older one is pending.

        The returned turn holds the user's advisory lock (its own connection and transaction)
        until ``end``; with None nothing is held: wait a little and try again.
        """
        key = lock_key(user_key)
        t = pending_updates
        conn = self.engine.connect()
        try:
            conn.begin()
            if self.enabled:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
            older = conn.execute(
                select(t.c.update_id)
                .where(
                    t.c.user_lock == key,
                    t.c.update_id < update_id,
                    t.c.received_at > now - self.stale,
                )
                .limit(1)
            ).first()
        except BaseException:
            conn.close()
            raise
        if older is None:
            return UserTurn(conn, update_id)
        conn.rollback()
        conn.close()
        return None

    @property
    def enabled(self) -> bool:
        """Advisory locks exist (PostgreSQL); SQLite has one process anyway."""
        return self.engine.dialect.name == "postgresql"

    def forget_before(self, cutoff: datetime) -> int:
        """Drop pending rows received before ``cutoff`` (updates lost with their instance)."""
        with self.engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
            result = conn.execute(
                delete(pending_updates).where(pending_updates.c.received_at < cutoff)
            )
            return int(result.rowcount or 0)


def open_jobs(url: str, *, pool_size: int = 10) -> tuple[DocumentJobs, UserLocks]:
    """The job queue and user locks over their own connection pool (the database is migrated)."""
    engine = make_engine(url, pool_size=pool_size)
    return DocumentJobs(engine), UserLocks(engine)
