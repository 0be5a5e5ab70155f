"""Maintenance commands: `carnet keys rotate`, `carnet db upgrade`, `carnet jobs requeue`,
loading the master key."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

import store
from bot.settings import Settings
from store.crypto import keys

log = logging.getLogger(__name__)


def _embedded(settings: Settings) -> bool:
    return settings.effective_database_url.startswith("sqlite")


def _database_is_keyed(settings: Settings) -> bool:
    url = settings.effective_database_url
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or not Path(path).exists():
        return False
    return store.database_is_keyed(url)


def _has_data(settings: Settings) -> bool:
    """Whether the database holds data under a master key (without creating an SQLite file)."""
    if _embedded(settings):
        return _database_is_keyed(settings)
    return store.database_is_keyed(settings.effective_database_url)


def load_master_key(settings: Settings, *, create: bool | None = None) -> bytes:
    """The master key from ``CARNET_MASTER_KEY`` or the key file.

    The key file is created (mode 0600) on first run in embedded mode (SQLite, and only while
    the database holds no data under a master key: a missing key file for such a database is
    an error, not a reason to make a key that cannot open it) unless ``create`` says
    otherwise; with PostgreSQL the key must be provided.

    Raises:
        MasterKeyMissing: no key and none may be created.
        MasterKeyInvalid: the key is malformed.
    """
    env = settings.master_key.get_secret_value() if settings.master_key else None
    if create is None:
        may_create = _embedded(settings) and not _database_is_keyed(settings)
    else:
        may_create = create
    return keys.load_master_key(env, settings.effective_key_file, create=may_create)


def upgrade_database(settings: Settings) -> int:
    """``carnet db upgrade``: apply pending migrations; prints the revision reached."""
    revision = store.upgrade_database(settings.effective_database_url)
    print(f"database at revision {revision}")
    return 0


def rotate_keys(settings: Settings, *, batch: int = 200, max_batches: int | None = None) -> int:
    """``carnet keys rotate``: re-wrap every data key under a new master key (resumable).

    With a key file, the new key is kept in ``<key file>.new`` until every data key is re-wrapped,
    then renamed over the key file; run the command again after any interruption. With
    ``CARNET_MASTER_KEY``, the new key is left in ``<key file>.new`` for the operator to move into
    the environment. Stop the bot while rotating (running instances keep the old key).

    Returns:
        0 when the rotation is complete (or there is nothing to rotate yet), 3 when
        ``max_batches`` stopped it early.
    """
    if not _has_data(settings):  # never opened by carnet: no data key, no key-check value
        print("nothing to rotate: the database has no data yet")
        return 0
    url = settings.effective_database_url
    key_file = settings.effective_key_file
    env_mode = settings.master_key is not None
    current = load_master_key(settings, create=False)
    pending_path = keys.pending_key_path(key_file)
    if pending_path.exists():
        new = keys.read_key_file(pending_path)
        if new == current:  # the operator already moved the new key into the environment
            forgotten = store.forget_old_master_keys(url, current)
            pending_path.unlink()
            print(
                f"rotation finished: master key {store.master_key_id(current)} ({forgotten} old)"
            )
            return 0
    else:
        if store.forget_old_master_keys(url, current):
            print(f"interrupted rotation finished: master key {store.master_key_id(current)}")
            return 0
        new = keys.pending_key(key_file)
    count, done = store.rewrap_data_keys(url, current, new, batch=batch, max_batches=max_batches)
    log.info("data keys re-wrapped", extra={"count": count})
    if not done:
        print(f"rotation paused after {count} keys: run `carnet keys rotate` again to continue")
        return 3
    if env_mode:
        store.forget_old_master_keys(url, new)
        print(
            f"rotation done ({count} keys re-wrapped). The new master key is in {pending_path}: "
            "set CARNET_MASTER_KEY to its content, then run `carnet keys rotate` once more to "
            "delete the file."
        )
        return 0
    keys.promote_pending_key(key_file)
    store.forget_old_master_keys(url, new)
    print(f"rotation done: {count} keys re-wrapped under master key {store.master_key_id(new)}")
    return 0


def requeue_documents(
    settings: Settings, *, dry_run: bool = False, now: datetime | None = None
) -> int:
    """``carnet jobs requeue``: queue the reading of documents left ``received`` without a job.

    One-off, for documents stored before the reading job was written with the document (the
    outbox): a ``carnet worker`` then reads them and their owners get the summary. Safe while
    bots and workers run, and to run again (``bot.jobs_queue.requeue``). Scaled shape only (the
    embedded one queues them itself at start-up).

    Returns:
        0 when done, 1 when some profile could not be opened (logged; run again), 2 outside the
        scaled shape.
    """
    url = settings.effective_database_url
    if settings.queue != "postgres" or not url.startswith("postgres"):
        print(
            "carnet: carnet jobs requeue needs CARNET_QUEUE=postgres and PostgreSQL",
            file=sys.stderr,
        )
        return 2
    from bot.jobs_queue.requeue import requeue_received
    from store.sql.jobs import open_jobs

    opened = store.open_store(url, load_master_key(settings, create=False))
    jobs, _ = open_jobs(url, pool_size=2)
    try:
        result = requeue_received(opened, jobs, before=now or datetime.now(UTC), dry_run=dry_run)
    finally:
        jobs.engine.dispose()
        opened.close()
    verb = "would be queued (dry run)" if dry_run else "queued for reading"
    print(
        f"{result.queued} received document(s) without a job {verb}; "
        f"{result.without_job} document(s) without a job checked"
    )
    if result.skipped_profiles:
        print(f"{result.skipped_profiles} profile(s) could not be opened: run it again later")
        return 1
    return 0
