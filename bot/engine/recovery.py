"""Documents a crash left half-read: found at start-up, marked failed, their owners told.

A document is stored ``received`` (encrypted original) before it is read; reading then saves it
``read`` with its draft in one transaction. A process killed in between leaves it ``received``
for ever, and Telegram does not deliver the update again (it was acknowledged, or the replay
guard drops it). At start-up, every document still ``received`` from before the start is marked
``failed`` with the code ``interrupted`` (its original stays in the user's documents) and its
owner gets one message saying so and asking to send it again. Nothing is read again
automatically: a file that crashed the reader would crash it again at every start.

Only for the embedded shape (the process that received a document reads it). With the job queue
(``carnet worker``), a ``received`` document is a queued job, not an interrupted one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.engine.clock import zone_of
from bot.engine.replies import Text
from bot.i18n import pick_language, translator
from store.api import Store
from store.records import AuditAction, DocumentStatus

log = logging.getLogger("carnet.recovery")

INTERRUPTED = "interrupted"
"""``Document.failure_code`` of a document whose reading a crash cut short."""


@dataclass(frozen=True)
class Notice:
    """What to tell one chat about its interrupted documents."""

    chat_id: int
    reply: Text
    documents: int


def sweep_interrupted(store: Store, started_at: datetime, default_language: str) -> list[Notice]:
    """Mark documents left ``received`` before ``started_at`` failed; the notices to send."""
    notices: list[Notice] = []
    for account_id, profile_id in store.profile_refs():
        try:
            notice = _sweep_profile(store, account_id, profile_id, started_at, default_language)
        except Exception as exc:  # one unreadable profile must not stop the others
            log.warning("interrupted-document sweep skipped a profile: %s", type(exc).__name__)
            continue
        if notice is not None:
            notices.append(notice)
    log.info(
        "interrupted documents=%d chats=%d",
        sum(n.documents for n in notices),
        len(notices),
    )
    return notices


def _sweep_profile(
    store: Store, account_id: str, profile_id: str, started_at: datetime, default_language: str
) -> Notice | None:
    with store.vault_for_account(account_id, profile_id) as vault:
        stuck = [
            d
            for d in vault.list_documents()
            if d.status == DocumentStatus.RECEIVED and d.received_at < started_at
        ]
        if not stuck:
            return None
        for document in stuck:
            vault.update_document(
                document.model_copy(
                    update={"status": DocumentStatus.FAILED, "failure_code": INTERRUPTED}
                )
            )
            vault.audit(AuditAction.CHANGED, "document", document.id)
        chat_id = vault.get_chat_id()
        profile = vault.get_profile()
    if chat_id is None:
        return None
    chosen = profile.language.value if profile.language and profile.language_chosen else None
    fallback = profile.language.value if profile.language else default_language
    tr = translator(pick_language(chosen, None, fallback))
    zone = zone_of(profile.timezone)
    lines = []
    for document in sorted(stuck, key=lambda d: d.received_at):
        local = document.received_at.astimezone(zone)
        lines.append(
            tr("intake.interrupted", date=tr.date(local.date()), time=local.strftime("%H:%M"))
        )
    return Notice(chat_id=chat_id, reply=Text(text="\n".join(lines)), documents=len(stuck))
