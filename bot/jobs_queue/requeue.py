"""Documents left ``received`` without a reading job get one (``carnet jobs requeue``).

Since the transactional outbox (``bot.jobs_queue.defer``) a document is stored with its job, but
documents stored before it may have none: received, never read, and no worker will ever see
them. This one-off sweep finds documents without a job by their ids (``DocumentJobs``), opens
only the vaults that hold some, and queues the reading of those still ``received`` (read ones
whose finished job was forgotten are left alone), in the vault's transaction. Queued jobs are
dated when the document was received, so the oldest are read first. Idempotent (a document has
at most one job) and safe while bots and workers run.
"""

from __future__ import annotations

import logging
from datetime import datetime
from itertools import groupby

from pydantic import BaseModel, ConfigDict

from store.api import Store
from store.records import DocumentStatus
from store.sql.jobs import DocumentJobs, JoblessDocument
from store.sql.vault import SqlVault

log = logging.getLogger("carnet.queue")

BATCH = 1000
"""Documents without a job looked at per query (the sweep never holds them all)."""


class Requeued(BaseModel):
    """What the sweep found and did."""

    model_config = ConfigDict(frozen=True)

    without_job: int
    """Documents without a job (received or not)."""
    queued: int
    """Documents still ``received`` now queued for reading (or that would be, dry run)."""
    skipped_profiles: int
    """Profiles that could not be opened (logged); run again later."""


def requeue_received(
    store: Store,
    jobs: DocumentJobs,
    *,
    before: datetime,
    dry_run: bool = False,
    batch: int = BATCH,
) -> Requeued:
    """Queue the reading of every document received before ``before`` that has no job."""
    without_job = queued = skipped = 0
    last: JoblessDocument | None = None
    while jobless := jobs.jobless_documents(after=last, limit=batch):
        without_job += len(jobless)
        last = jobless[-1]
        for (account_id, profile_id), group in groupby(
            jobless, key=lambda d: (d.account_id, d.profile_id)
        ):
            try:
                queued += _queue_profile(
                    store, account_id, profile_id, list(group), before, dry_run
                )
            except Exception as exc:  # one unreadable profile must not stop the others
                skipped += 1
                log.warning("requeue skipped a profile: %s", type(exc).__name__)
    log.info(
        "received documents requeued without_job=%d queued=%d skipped_profiles=%d dry_run=%s",
        without_job,
        queued,
        skipped,
        dry_run,
    )
    return Requeued(without_job=without_job, queued=queued, skipped_profiles=skipped)


def _queue_profile(
    store: Store,
    account_id: str,
    profile_id: str,
    jobless: list[JoblessDocument],
    before: datetime,
    dry_run: bool,
) -> int:
    queued = 0
    with store.vault_for_account(account_id, profile_id) as vault:
        if not isinstance(vault, SqlVault):
            return 0
        for item in jobless:
            document = vault.get_document(item.document_id, with_pages=False)
            if (
                document is None
                or document.status != DocumentStatus.RECEIVED
                or document.received_at >= before
            ):
                continue
            if dry_run:
                queued += 1
            else:
                queued += vault.queue_reading(document.id, document.received_at)
    return queued
