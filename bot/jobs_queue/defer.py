"""A received document's reading job, written in the transaction that stores the document.

The engine calls ``ReadingJobs.stored`` inside the vault transaction of ``intake.receive``: the
document and its job (``store.sql.jobs``, keyed by document id) are committed together, so no
crash can leave a stored document without its job (a transactional outbox). Scaled shape: the
job is queued for a ``carnet worker``. Embedded shape: the job is taken at once by this process
(its first attempt counted before the reading starts) and ``read`` marks it done in the
transaction that saves the reading; a job still running at the next start was interrupted
(``bot.engine.recovery``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from store.sql.vault import SqlVault
from store.vault import Vault

log = logging.getLogger("carnet.queue")


class ReadingJobs:
    """The engine's ``reading`` hook: one job per received document, in the same transaction."""

    def __init__(self, *, queued: bool, lease: timedelta) -> None:
        self.queued = queued
        self.lease = lease

    def stored(self, vault: Vault, document_id: str, now: datetime) -> None:
        """Record the document's job with the document (``vault`` is in its transaction)."""
        if not isinstance(vault, SqlVault):
            return  # an in-memory vault (tests of the engine alone): nothing is durable anyway
        running_until = None if self.queued else now + self.lease
        vault.queue_reading(document_id, now, running_until=running_until)

    def read(self, vault: Vault, document_id: str, now: datetime) -> None:
        """Mark the job done with the saved outcome of the reading (embedded shape)."""
        if isinstance(vault, SqlVault):
            vault.reading_done(document_id, now)


class JobDeferrer:
    """The engine's ``defer`` hook (scaled shape): the engine leaves the reading to a worker.

    The job itself was queued with the document (``ReadingJobs``); nothing is left to write.
    """

    def __call__(self, user_key: int, document_id: str) -> None:
        """Called once the document and its job are committed."""
        del user_key, document_id
        log.info("document job queued with the document")
