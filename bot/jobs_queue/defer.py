"""Queue a received document for a worker instead of reading it in the bot process."""

from __future__ import annotations

import logging

from bot.engine.clock import Clock
from store.api import Store
from store.sql.jobs import DocumentJobs

log = logging.getLogger("carnet.queue")


class JobDeferrer:
    """The engine's ``defer`` hook: one job of ids per stored document (blocking)."""

    def __init__(self, store: Store, jobs: DocumentJobs, clock: Clock) -> None:
        self.store = store
        self.jobs = jobs
        self.clock = clock

    def __call__(self, user_key: int, document_id: str) -> None:
        """Queue the reading of ``document_id``, stored in the user's default profile."""
        with self.store.vault(user_key, create=False) as vault:
            account_id, profile_id = vault.account_id, vault.profile_id
        queued = self.jobs.enqueue(account_id, profile_id, document_id, self.clock.now())
        log.info("document job queued=%s", queued)
