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
        """Queue the reading of ``document_id``, in whichever of the user's profiles holds it."""
        account_id, profile_id = self._owner(user_key, document_id)
        queued = self.jobs.enqueue(account_id, profile_id, document_id, self.clock.now())
        log.info("document job queued=%s", queued)

    def _owner(self, user_key: int, document_id: str) -> tuple[str, str]:
        with self.store.vault(user_key, create=False) as vault:  # the default profile first
            default = vault.account_id, vault.profile_id
            if vault.get_document(document_id, with_pages=False) is not None:
                return default
        for summary in self.store.profiles(user_key):  # a child's, a parent's profile
            if summary.profile_id == default[1]:
                continue
            with self.store.vault(user_key, summary.profile_id, create=False) as vault:
                if vault.get_document(document_id, with_pages=False) is not None:
                    return vault.account_id, vault.profile_id
        return default
