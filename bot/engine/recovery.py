"""Documents a crash left half-read (embedded shape): found at start-up and read again.

A document is stored ``received`` (encrypted original) together with its reading job, taken at
once by the process that received it (``bot.jobs_queue.ReadingJobs``); reading then saves it
``read`` with its draft and marks the job done, in one transaction. A process killed in between
leaves the job running. At the next start ``bot.tg.recovery`` queues those jobs again (their
attempt stays counted) and reads them in the bounded in-process pool (``bot.worker.Worker``):
the owner gets the summary, or, once ``CARNET_JOB_MAX_ATTEMPTS`` readings were cut short (a
file that kills the reader would kill it at every start), a kind message in their language
saying the document could not be read.

``queue_left_received`` covers documents stored before reading jobs were written with them:
any document still ``received`` from before the start gets its job here.

Only for the embedded shape (the process that received a document reads it). With the job queue
(``carnet worker``), a ``received`` document is a queued job, not an interrupted one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from store.api import Store
from store.records import DocumentStatus
from store.sql.vault import SqlVault

log = logging.getLogger("carnet.recovery")

INTERRUPTED = "interrupted"
"""The job error code of a reading a crash cut short."""


def queue_left_received(store: Store, started_at: datetime) -> int:
    """Give a reading job to every document left ``received`` before ``started_at``.

    Idempotent (a document has at most one job); returns how many jobs were added.
    """
    added = 0
    for account_id, profile_id in store.profile_refs():
        try:
            added += _queue_profile(store, account_id, profile_id, started_at)
        except Exception as exc:  # one unreadable profile must not stop the others
            log.warning("received-document sweep skipped a profile: %s", type(exc).__name__)
    log.info("received documents without a job queued=%d", added)
    return added


def _queue_profile(store: Store, account_id: str, profile_id: str, started_at: datetime) -> int:
    added = 0
    with store.vault_for_account(account_id, profile_id) as vault:
        if not isinstance(vault, SqlVault):
            return 0
        for document in vault.list_documents():
            if document.status == DocumentStatus.RECEIVED and document.received_at < started_at:
                added += vault.queue_reading(document.id, document.received_at)
    return added
