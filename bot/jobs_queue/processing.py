"""What a worker does with one document job, in two blocking steps around the extraction.

``load_document`` opens the vault and reads the encrypted original (or learns there is nothing
to read: erased, discarded, already read). ``finish_document`` runs the same turn the embedded
engine runs after extraction (``intake.after_extraction``: status, draft in the dialogue state,
summary with confirm buttons) and returns the replies for the user's chat. Both are idempotent:
a document already read is not read again; if its draft still waits for the user, the summary
is shown again (a worker that died after saving and before sending). A document given up
(``GaveUp``: too many attempts) is marked failed and its owner told so, kindly, in their
language, with when they sent it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic import ValidationError

from bot.engine import errors, intake
from bot.engine.clock import Clock, local_today, zone_of
from bot.engine.dialogue import Step
from bot.engine.events import UserRef
from bot.engine.replies import Reply, Text
from bot.engine.turn import Turn
from bot.i18n import pick_language, translator
from extraction.result import ExtractedDocument, InputFile
from store.api import Store
from store.records import AuditAction, Document, DocumentStatus, UserProfile
from store.sql.jobs import ClaimedJob

log = logging.getLogger("carnet.worker")

CONFLICT_RETRIES = 3


GAVE_UP = "gave_up"
"""``Document.failure_code`` of a document whose reading was given up after its last attempt."""


class GaveUp(Exception):
    """A document whose job failed too many times: the user is told it could not be read."""

    code = GAVE_UP


@dataclass(frozen=True)
class Loaded:
    """The document's pages to read (None: nothing to read), the user's chat and language."""

    chat_id: int | None
    inputs: list[InputFile] | None
    status: DocumentStatus | None
    language: str = "fr"


def language_of(profile: UserProfile, default_language: str) -> str:
    """The language the user reads carnet in (chosen, else the one carnet picked, else default)."""
    return pick_language(
        profile.language.value if profile.language and profile.language_chosen else None,
        None,
        profile.language.value if profile.language else default_language,
    )


def load_document(store: Store, job: ClaimedJob, *, default_language: str = "fr") -> Loaded:
    """Read the encrypted original of the job's document from the vault."""
    try:
        with store.vault_for_account(job.account_id, job.profile_id) as vault:
            document = vault.get_document(job.document_id, with_pages=True)
            chat_id = vault.get_chat_id()
            language = language_of(vault.get_profile(), default_language)
    except Exception as exc:
        if errors.code_of(exc) in {"unknown_user", "erased"}:
            return Loaded(chat_id=None, inputs=None, status=None)
        raise
    if document is None:
        return Loaded(chat_id=chat_id, inputs=None, status=None, language=language)
    if document.status != DocumentStatus.RECEIVED:
        return Loaded(chat_id=chat_id, inputs=None, status=document.status, language=language)
    inputs = [
        InputFile(name=page.filename or f"page-{n}", data=page.content, media_type=page.media_type)
        for n, page in enumerate(document.pages, 1)
    ]
    return Loaded(chat_id=chat_id, inputs=inputs, status=document.status, language=language)


def finish_document(
    store: Store,
    clock: Clock,
    job: ClaimedJob,
    outcome: ExtractedDocument | Exception | None,
    *,
    default_language: str,
    resumed: bool = False,
) -> tuple[int | None, list[Reply]]:
    """Store the draft (or the failure); returns the user's chat and what to tell them.

    ``outcome`` None: nothing was read now; the pending summary is returned again if the
    document's draft still waits for confirmation. ``resumed``: the reading a restart cut
    short was done again (the summary says so first).
    """
    for attempt in range(CONFLICT_RETRIES):
        try:
            return _turn(store, clock, job, outcome, default_language, resumed)
        except Exception as exc:
            if errors.code_of(exc) != "concurrent_update" or attempt == CONFLICT_RETRIES - 1:
                raise
            log.info("concurrent update in worker turn, retrying")
    raise AssertionError("unreachable")


def _turn(
    store: Store,
    clock: Clock,
    job: ClaimedJob,
    outcome: ExtractedDocument | Exception | None,
    default_language: str,
    resumed: bool,
) -> tuple[int | None, list[Reply]]:
    now = clock.now()
    with store.vault_for_account(job.account_id, job.profile_id) as vault:
        document = vault.get_document(job.document_id, with_pages=False)
        chat_id = vault.get_chat_id()
        if document is None or chat_id is None:
            return chat_id, []
        profile = vault.get_profile()
        state = vault.get_dialogue()
        language = language_of(profile, default_language)
        turn = Turn(
            user=UserRef(user_id=chat_id, chat_id=chat_id),
            vault=vault,
            profile=profile,
            state=state,
            tr=translator(language),
            now=now,
            today=local_today(clock, profile.timezone),
        )
        if isinstance(outcome, GaveUp) and document.status == DocumentStatus.RECEIVED:
            replies = _give_up(turn, document)
        else:
            replies = _handler(turn, document.status, job.document_id, outcome)
            if resumed and document.status == DocumentStatus.RECEIVED and replies:
                replies = [Text(text=_when(turn, document, "intake.resumed")), *replies]
        if turn.profile_dirty:
            vault.save_profile(turn.profile)
        if turn.state_dirty:
            vault.save_dialogue(turn.state)
    return chat_id, replies


def _handler(
    turn: Turn,
    status: DocumentStatus,
    document_id: str,
    outcome: ExtractedDocument | Exception | None,
) -> list[Reply]:
    if status == DocumentStatus.RECEIVED and outcome is not None:
        return intake.after_extraction(turn, document_id, outcome)
    if status != DocumentStatus.READ or turn.state.document_id != document_id:
        return []
    if turn.state.step != Step.CONFIRM_DOCUMENT.value or not turn.state.draft:
        return []
    try:
        draft = ExtractedDocument.model_validate_json(turn.state.draft)
    except ValidationError:
        return []
    return intake.summary(turn, draft)


def _when(turn: Turn, document: Document, key: str) -> str:
    """``key`` with the local date and time the document was sent."""
    local = document.received_at.astimezone(zone_of(turn.profile.timezone))
    return turn.tr(key, date=turn.tr.date(local.date()), time=local.strftime("%H:%M"))


def _give_up(turn: Turn, document: Document) -> list[Reply]:
    """Mark the document failed for good (its original stays) and tell its owner, kindly."""
    turn.vault.update_document(
        document.model_copy(update={"status": DocumentStatus.FAILED, "failure_code": GAVE_UP})
    )
    turn.vault.audit(AuditAction.CHANGED, "document", document.id)
    return [Text(text=_when(turn, document, "intake.gave_up"), progress_key=f"doc:{document.id}")]
