"""Adding to the record: documents (photo, album, PDF) and statements in words.

Nothing becomes a fact before the user confirms. A document's original is stored encrypted as
``received`` at once, then ``read`` with the extraction draft kept in the dialogue state; records
are written only on confirmation, in one vault transaction with an audit entry. A statement
("je suis allergique à la pénicilline") is proposed the same way and confirmed with a button.
While a multi-page document is read, its reading message is edited page by page ("page 2/3…",
``PageProgress``), then into the outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, Sequence

from pydantic import ValidationError

from bot.engine import drugs, errors, reminding, safety
from bot.engine.answers.common import (
    Facts,
    bullet,
    cite,
    is_current,
    med_label,
    posology_words,
)
from bot.engine.answers.labs import value_words
from bot.engine.answers.treatments import find as find_medication
from bot.engine.dialogue import Step
from bot.engine.events import FileIn
from bot.engine.nlu import Intent, find_date, find_lab_test, normalize
from bot.engine.posology_words import read_posology
from bot.engine.replies import Button, ChatAction, Reply, Text
from bot.engine.turn import Turn
from bot.i18n import Translator
from extraction import progress
from extraction.options import ExtractionOptions
from extraction.result import ExtractedDocument, InputFile
from store.records import (
    Allergy,
    AuditAction,
    Coding,
    Condition,
    DialogueState,
    Document,
    DocumentKind,
    DocumentPage,
    DocumentStatus,
    LabResult,
    Medication,
    MedicationStatus,
    Provenance,
    Quantity,
    RecordStatus,
    Vaccination,
)
from store.vault import Clinical

OK, FIX, DROP = "doc:ok:", "doc:fix:", "doc:no:"
STATEMENT_OK, STATEMENT_NO = "st:ok", "st:no"

log = logging.getLogger("carnet.engine.intake")

MAX_PAGE_EDITS = 10
"""At most this many page updates of one document's reading message (every k-th page beyond)."""

Emit = Callable[[Reply], Awaitable[None]]
"""Sends one reply right away (the adapter edits a progress message in place)."""


def progress_key(document_id: str) -> str:
    """The key tying a document's reading message and its edits together."""
    return f"doc:{document_id}"


def count_pages(files: Sequence[FileIn], options: ExtractionOptions) -> int:
    """Pages the document will have: one per picture, a PDF's own page count (blocking).

    A file extraction cannot open counts as one page: extraction itself says why later.
    """
    from extraction.errors import ExtractionError
    from extraction.inputs import InputKind, check_size, sniff
    from extraction.pdf import check_pdf

    total = 0
    for file in files:
        try:
            check_size(file.data, options)
            is_pdf = sniff(file.data).kind is InputKind.PDF
            total += check_pdf(file.data, options) if is_pdf else 1
        except ExtractionError:
            total += 1
    return max(total, 1)


def reading_message(tr: Translator, document_id: str, page: int, pages: int) -> Text:
    """The reading message: "page 2/3…" on a multi-page document."""
    text = (
        tr("intake.reading_page", page=page, pages=pages)
        if pages > 1
        else tr("intake.reading_one")
    )
    return Text(text=text, progress_key=progress_key(document_id))


def queued_replies(tr: Translator, document_id: str, files: int) -> list[Reply]:
    """What the user sees when the document is queued for a worker (no per-page progress)."""
    text = tr("intake.reading", pages=files) if files > 1 else tr("intake.reading_one")
    return [ChatAction(action="typing"), Text(text=text, progress_key=progress_key(document_id))]


class PageProgress:
    """Shows a document's reading, page by page, while extraction runs in another thread.

    ``opening`` is the first reading message ("page 1/3…"); ``on_page`` (called from the
    extraction thread after each page) queues "page k+1/3…", which one task on the event loop
    emits in order, so edits never overtake each other; ``finish`` waits for the last one.
    Without ``emit`` (no way to edit in place) only the opening message is shown.
    """

    def __init__(self, tr: Translator, document_id: str, pages: int, emit: Emit | None) -> None:
        self.tr = tr
        self.document_id = document_id
        self.pages = pages
        self.emit = emit
        self.shown: list[int] = []
        self._step = -(-pages // MAX_PAGE_EDITS)
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[int | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def opening(self) -> list[Reply]:
        """Typing… and the reading message, at page 1."""
        self.shown.append(1)
        return [
            ChatAction(action="typing"),
            reading_message(self.tr, self.document_id, 1, self.pages),
        ]

    def start(self) -> None:
        """Start emitting page updates (after the opening replies were sent)."""
        if self.emit is not None and self.pages > 1:
            self._task = asyncio.create_task(self._run(self.emit))

    def on_page(self, done: int) -> None:
        """``done`` pages were read (extraction thread): announce the next one."""
        following = done + 1
        if self._task is None or following > self.pages or done % self._step:
            return
        with contextlib.suppress(RuntimeError):  # a closing loop: nobody to show it to
            self._loop.call_soon_threadsafe(self._queue.put_nowait, following)

    async def finish(self) -> None:
        """Wait until every queued page update was emitted."""
        if self._task is None:
            return
        self._queue.put_nowait(None)
        await self._task
        self._task = None

    async def _run(self, emit: Emit) -> None:
        while (page := await self._queue.get()) is not None:
            if page <= self.shown[-1]:
                continue
            self.shown.append(page)
            try:
                await emit(reading_message(self.tr, self.document_id, page, self.pages))
            except Exception as exc:  # a lost progress edit must not lose the document
                log.info("page progress not shown error=%s", type(exc).__name__)


def extract_listening(
    extract: Callable[[list[InputFile], ExtractionOptions], ExtractedDocument],
    files: list[InputFile],
    options: ExtractionOptions,
    on_page: progress.PageListener,
) -> ExtractedDocument:
    """Run ``extract`` (in the calling thread) with ``on_page`` called after each page read."""
    with progress.listening(on_page):
        return extract(files, options)


def load_facts(turn: Turn) -> Facts:
    """The confirmed records and documents of the user, read from the vault on first use."""
    return Facts(turn.vault)


def receive(turn: Turn, files: Sequence[FileIn]) -> str:
    """Store the original (encrypted by the store) as a received document; returns its id."""
    pages = [
        DocumentPage(
            filename=f.name,
            media_type=f.media_type
            or ("image/jpeg" if f.is_photo else "application/octet-stream"),
            content=f.data,
        )
        for f in files
    ]
    document = Document(received_at=turn.now, pages=pages)
    turn.vault.add_document(document)
    turn.vault.audit(AuditAction.ADDED, "document", document.id)
    return document.id


def after_extraction(
    turn: Turn, document_id: str, outcome: ExtractedDocument | Exception
) -> list[Reply]:
    """Mark the document read (or failed) and show what was read, with confirm buttons."""
    tr = turn.tr
    document = turn.vault.get_document(document_id, with_pages=False)
    if document is None:
        return [Text(text=tr("error.internal"))]
    if isinstance(outcome, Exception):
        code = errors.code_of(outcome)
        turn.vault.update_document(
            document.model_copy(update={"status": DocumentStatus.FAILED, "failure_code": code})
        )
        return [Text(text=errors.message_for(outcome, tr), progress_key=progress_key(document_id))]
    draft = _own(outcome, document_id)
    turn.vault.update_document(
        document.model_copy(
            update={
                "status": DocumentStatus.READ,
                "kind": draft.kind,
                "document_date": draft.document_date,
                "text": outcome.text or None,
            }
        )
    )
    done = Text(
        text=tr("intake.read_done", pages=draft.page_count), progress_key=progress_key(document_id)
    )
    if draft.item_count == 0:
        return [done, Text(text=tr("intake.nothing_found"))]
    turn.set_state(
        DialogueState(
            version=turn.state.version,
            step=Step.CONFIRM_DOCUMENT.value,
            document_id=document_id,
            draft=draft.model_dump_json(),
        )
    )
    return [done, *summary(turn, draft)]


def _own(extracted: ExtractedDocument, document_id: str) -> ExtractedDocument:
    """The draft bound to the stored document id, without the raw text (kept on the document)."""

    def fix(record: Clinical) -> Clinical:
        provenance = record.provenance.model_copy(update={"document_id": document_id})
        return record.model_copy(
            update={"provenance": provenance, "status": RecordStatus.PROPOSED}
        )

    meds = []
    for med in extracted.medications:
        fixed = fix(med)
        assert isinstance(fixed, Medication)
        update: dict[str, object] = {}
        if fixed.prescriber is None and extracted.prescriber:
            update["prescriber"] = extracted.prescriber
        if fixed.authored_on is None and extracted.document_date:
            update["authored_on"] = extracted.document_date
        if fixed.start_date is None and (fixed.authored_on or extracted.document_date):
            update["start_date"] = fixed.authored_on or extracted.document_date
        meds.append(fixed.model_copy(update=update) if update else fixed)
    labs = []
    for lab in extracted.lab_results:
        fixed_lab = fix(lab)
        assert isinstance(fixed_lab, LabResult)
        if fixed_lab.effective_date is None and extracted.document_date:
            fixed_lab = fixed_lab.model_copy(update={"effective_date": extracted.document_date})
        labs.append(fixed_lab)
    return extracted.model_copy(
        update={
            "document_id": document_id,
            "text": "",
            "medications": meds,
            "lab_results": labs,
            "vaccinations": [fix(v) for v in extracted.vaccinations],
            "allergies": [fix(a) for a in extracted.allergies],
        }
    )


def _draft(turn: Turn) -> ExtractedDocument | None:
    if not turn.state.draft or turn.state.step not in (
        Step.CONFIRM_DOCUMENT.value,
        Step.CORRECT_DOCUMENT.value,
    ):
        return None
    try:
        return ExtractedDocument.model_validate_json(turn.state.draft)
    except ValidationError:
        return None


def summary(turn: Turn, draft: ExtractedDocument) -> list[Reply]:
    """What was read, grouped, with uncertain fields asked back and safety warnings."""
    tr = turn.tr
    kind = tr(f"kind.{draft.kind.value}")
    head = tr("intake.summary_head", kind=kind, date=tr.date(draft.document_date))
    if draft.prescriber:
        head += " " + tr("intake.by", who=draft.prescriber)
    parts = [head]
    if draft.medications:
        parts.append(tr("intake.medications"))
        parts.extend(
            bullet(f"{med_label(m)} — {posology_words(m.posology, tr)}") for m in draft.medications
        )
    if draft.lab_results:
        parts.append(tr("intake.labs"))
        parts.extend(
            bullet(tr("labs.pair", name=r.name, value=value_words(r, tr)))
            for r in draft.lab_results
        )
    if draft.vaccinations:
        parts.append(tr("intake.vaccinations"))
        for v in draft.vaccinations:
            lot = " " + tr("vaccines.lot", lot=v.lot_number) if v.lot_number else ""
            parts.append(bullet(f"{v.product} — {tr.date(v.date)}{lot}"))
    if draft.allergies:
        parts.append(tr("intake.allergies"))
        parts.extend(bullet(a.substance) for a in draft.allergies)
    for warning in draft.warnings:
        if tr.has(f"intake.warning.{warning}"):
            parts.append(tr(f"intake.warning.{warning}"))
    questions = _questions(draft, tr)
    if questions:
        parts.append(tr("intake.uncertain"))
        parts.extend(questions)
    facts = load_facts(turn)
    warnings = warning_lines(turn, facts, draft.medications)
    if warnings:
        parts.append(tr("safety.header"))
        parts.extend(warnings)
        parts.append(tr("safety.advice"))
    parts.append(tr("intake.not_stored_yet"))
    doc = draft.document_id
    buttons = [
        [Button(label=tr("intake.confirm"), data=OK + doc)],
        [
            Button(label=tr("intake.correct"), data=FIX + doc),
            Button(label=tr("intake.discard"), data=DROP + doc),
        ],
    ]
    return [Text(text="\n".join(parts), buttons=buttons)]


def _questions(draft: ExtractedDocument, tr: Translator) -> list[str]:
    lines = []
    items: list[tuple[str, Clinical]] = [
        *((med_label(m), m) for m in draft.medications),
        *((r.name, r) for r in draft.lab_results),
        *((v.product, v) for v in draft.vaccinations),
        *((a.substance, a) for a in draft.allergies),
    ]
    for name, record in items:
        for flag in record.needs_confirmation:
            field = tr(f"field.{flag.field}") if tr.has(f"field.{flag.field}") else flag.field
            seen = tr("intake.read_as", value=flag.value) if flag.value else ""
            lines.append(bullet(tr("intake.question", name=name, field=field, seen=seen).strip()))
    return lines


def warning_lines(turn: Turn, facts: Facts, new: Sequence[Medication]) -> list[str]:
    """Allergy conflicts and duplicate substances for medications about to be added."""
    tr = turn.tr
    current = [m for m in facts.medications if is_current(m, turn.today)]
    lines = []
    for warning in safety.check_new(new, facts.allergies, current):
        if isinstance(warning, safety.Conflict):
            key = drugs.class_key(warning.class_prefix) if warning.class_prefix else None
            lines.append(
                bullet(
                    tr(
                        "safety.allergy_class" if key else "safety.allergy",
                        product=warning.product,
                        allergy=warning.allergy.substance,
                        klass=tr(f"class.{key}") if key else "",
                        source=cite(warning.allergy, facts, tr),
                    )
                )
            )
        else:
            lines.append(
                bullet(
                    tr(
                        "safety.duplicate",
                        product=warning.product,
                        substance=warning.substance,
                        existing=med_label(warning.existing),
                        source=cite(warning.existing, facts, tr),
                    )
                )
            )
    return lines


def on_document_button(turn: Turn, data: str) -> list[Reply]:
    """Confirm, correct or discard the pending document (only the caller's own pending one)."""
    tr = turn.tr
    draft = _draft(turn)
    document_id = data.split(":", 2)[2]
    if draft is None or turn.state.document_id != document_id:
        return [Text(text=tr("intake.expired"))]
    if data.startswith(OK):
        return confirm_document(turn, draft)
    if data.startswith(DROP):
        document = turn.vault.get_document(document_id, with_pages=False)
        if document is not None:
            turn.vault.update_document(
                document.model_copy(update={"status": DocumentStatus.DISCARDED})
            )
        turn.reset_state()
        return [Text(text=tr("intake.discarded"))]
    turn.set_state(turn.state.model_copy(update={"step": Step.CORRECT_DOCUMENT.value}))
    return [Text(text=tr("intake.correct_how"))]


def confirm_document(turn: Turn, draft: ExtractedDocument) -> list[Reply]:
    """Write the records, mark the document confirmed, audit; all in this transaction."""
    tr = turn.tr
    confirmed = {"status": RecordStatus.CONFIRMED, "recorded_at": turn.now}
    records: list[Clinical] = [
        *(m.model_copy(update=confirmed) for m in draft.medications),
        *(r.model_copy(update=confirmed) for r in draft.lab_results),
        *(v.model_copy(update=confirmed) for v in draft.vaccinations),
        *(a.model_copy(update=confirmed) for a in draft.allergies),
    ]
    turn.vault.save_all(records)
    for kind, items in (
        ("medication", draft.medications),
        ("lab_result", draft.lab_results),
        ("vaccination", draft.vaccinations),
        ("allergy", draft.allergies),
    ):
        if items:
            turn.vault.audit(AuditAction.ADDED, kind, draft.document_id, count=len(items))
    document = turn.vault.get_document(draft.document_id, with_pages=False)
    if document is not None:
        turn.vault.update_document(
            document.model_copy(update={"status": DocumentStatus.CONFIRMED})
        )
    turn.reset_state()
    planned = reminding.after_medications(turn) if draft.medications else 0
    if draft.vaccinations:
        reminding.after_prevention_change(turn)
    return [
        Text(
            text=tr(
                "intake.saved",
                meds=len(draft.medications),
                labs=len(draft.lab_results),
                vaccines=len(draft.vaccinations),
                allergies=len(draft.allergies),
            )
        ),
        *reminding.planned_note(turn, planned),
    ]


CORRECTION_CUE = re.compile(
    r"\b(dose|dosage|posologie|date|valeur|value|resultat|nom|name|duree|duration|"
    r"c est|it s|it is|should be|plutot|en fait|actually|pas|not|supprime|enleve|retire|"
    r"remove|delete|comprimes?|gelules?|fois par jour|matin|soir)\b"
)


def looks_like_correction(text: str) -> bool:
    """Whether a message typed while a document awaits confirmation corrects it."""
    return CORRECTION_CUE.search(normalize(text)) is not None


def correct(turn: Turn, text: str) -> list[Reply]:
    """Apply a typed correction to the pending draft and show the summary again."""
    tr = turn.tr
    draft = _draft(turn)
    if draft is None:
        turn.reset_state()
        return [Text(text=tr("intake.expired"))]
    updated = apply_correction(draft, text, turn)
    if updated is None:
        return [Text(text=tr("intake.correction_not_understood"))]
    turn.set_state(
        turn.state.model_copy(
            update={"step": Step.CONFIRM_DOCUMENT.value, "draft": updated.model_dump_json()}
        )
    )
    return [Text(text=tr("intake.corrected")), *summary(turn, updated)]


def _target(items: Sequence[Clinical], names: Sequence[str], text: str) -> int | None:
    t = f" {normalize(text)} "
    for index, name in enumerate(names):
        words = [w for w in normalize(name).split() if len(w) > 2 and not w.isdigit()]
        if words and f" {words[0]} " in t:
            return index
    flagged = [i for i, item in enumerate(items) if item.needs_confirmation]
    if flagged:
        return flagged[0]
    return 0 if items else None


def apply_correction(draft: ExtractedDocument, text: str, turn: Turn) -> ExtractedDocument | None:
    """The draft with the field the user named set to the value they typed, or None."""
    t = normalize(text)
    value_part = re.split(r"\b(?:c est|est|it s|it is|should be|=|:)\b", t, maxsplit=1)
    said = value_part[1].strip() if len(value_part) > 1 else t
    if re.search(r"\b(supprime|enleve|retire|remove|delete)\b", t):
        return _remove_item(draft, text)
    test = find_lab_test(t)
    if draft.lab_results and (test or re.search(r"\b(valeur|value|resultat)\b", t)):
        index = next(
            (
                i
                for i, r in enumerate(draft.lab_results)
                if test and find_lab_test(normalize(r.name)) == test
            ),
            None,
        )
        if index is None:
            index = _target(draft.lab_results, [r.name for r in draft.lab_results], text)
        number = re.search(r"(\d+(?:[.,]\d+)?)", said)
        if index is not None and number:
            labs = list(draft.lab_results)
            labs[index] = labs[index].model_copy(
                update={
                    "value": float(number[1].replace(",", ".")),
                    "needs_confirmation": [
                        f
                        for f in labs[index].needs_confirmation
                        if f.field not in ("value", "unit")
                    ],
                }
            )
            return draft.model_copy(update={"lab_results": labs})
    if re.search(r"\bdate\b", t):
        day = find_date(said, turn.today)
        if day is None:
            return None
        vaccinations = [
            v.model_copy(
                update={
                    "date": day,
                    "needs_confirmation": [f for f in v.needs_confirmation if f.field != "date"],
                }
            )
            for v in draft.vaccinations
        ]
        meds = [
            m.model_copy(update={"authored_on": day, "start_date": day}) for m in draft.medications
        ]
        labs = [r.model_copy(update={"effective_date": day}) for r in draft.lab_results]
        return draft.model_copy(
            update={
                "document_date": day,
                "vaccinations": vaccinations,
                "medications": meds,
                "lab_results": labs,
            }
        )
    if draft.medications:
        names = [m.name for m in draft.medications]
        index = _target(draft.medications, names, text)
        if index is None:
            return None
        med = draft.medications[index]
        if re.search(r"\b(nom|name|medicament|drug)\b", t):
            original = _original_after(text)
            if not original:
                return None
            return _replace_med(
                draft,
                index,
                med.model_copy(
                    update={
                        "name": original,
                        "needs_confirmation": [
                            f for f in med.needs_confirmation if f.field != "name"
                        ],
                    }
                ),
            )
        reading = read_posology(said)
        changed = {k: getattr(reading, k) for k in reading.model_fields_set if k != "text"}
        if not changed:
            return None
        posology = med.posology.model_copy(update=changed)
        posology = posology.model_copy(update={"text": None})
        fixed_fields = set(changed) | {"posology", "dose", "frequency", "when"}
        flags = [
            f
            for f in med.needs_confirmation
            if f.field not in fixed_fields and not f.field.startswith("posology")
        ]
        return _replace_med(
            draft,
            index,
            med.model_copy(update={"posology": posology, "needs_confirmation": flags}),
        )
    return None


def _replace_med(draft: ExtractedDocument, index: int, med: Medication) -> ExtractedDocument:
    meds = list(draft.medications)
    meds[index] = med
    return draft.model_copy(update={"medications": meds})


def _remove_item(draft: ExtractedDocument, text: str) -> ExtractedDocument | None:
    t = f" {normalize(text)} "
    for field, items, name_of in (
        ("medications", draft.medications, lambda r: r.name),
        ("lab_results", draft.lab_results, lambda r: r.name),
        ("vaccinations", draft.vaccinations, lambda r: r.product),
        ("allergies", draft.allergies, lambda r: r.substance),
    ):
        for index, item in enumerate(items):
            words = [w for w in normalize(name_of(item)).split() if len(w) > 2]
            if words and f" {words[0]} " in t:
                kept = [x for i, x in enumerate(items) if i != index]
                return draft.model_copy(update={field: kept})
    return None


def _original_after(text: str) -> str | None:
    match = re.search(r"(?:c'est|c’est|est|is|:|=)\s*(.+)$", text.strip(), flags=re.IGNORECASE)
    value = (match[1] if match else "").strip(" .!?")
    return value or None


def original_words(text: str, normalized: str) -> str:
    """The words of ``text`` whose normalised form is ``normalized`` (keeps accents and case)."""
    words = text.split()
    size = len(normalized.split())
    for start in range(len(words)):
        chunk = " ".join(words[start : start + size])
        if normalize(chunk) == normalized:
            return chunk.strip(" ?!.,;:'’")
    return normalized


def _strip_article(word: str) -> str:
    return re.sub(r"^(?:l|d|l’|d’)['’]", "", word)


def propose_statement(turn: Turn, intent: Intent, text: str) -> list[Reply]:
    """Build the record a statement implies and ask the user to confirm it."""
    tr = turn.tr
    said = Provenance(document_id=None, confidence=1.0)
    record: Clinical
    warnings: list[str] = []
    if intent.name == "state.allergy" and intent.product:
        name = _strip_article(original_words(text, intent.product))
        prefix = drugs.allergy_class(intent.product)
        record = Allergy(
            substance=name, normalized_substance=intent.product, drug_class=prefix, provenance=said
        )
        key = drugs.class_key(prefix) if prefix else None
        line = tr("statement.allergy", name=name)
        if key:
            line += " " + tr("statement.allergy_class", klass=tr(f"class.{key}"))
        assert isinstance(record, Allergy)
        facts = load_facts(turn)
        for med in facts.medications:
            if not is_current(med, turn.today):
                continue
            codes = [c.code for c in med.codings]
            if safety.conflicts_for(med.name, med.substances, codes, [record]):
                warnings.append(
                    bullet(
                        tr(
                            "safety.current_conflict",
                            existing=med_label(med),
                            allergy=name,
                            source=cite(med, facts, tr),
                        )
                    )
                )
    elif intent.name == "state.vaccination":
        key = intent.vaccine
        label = tr(f"vaccine.{key}") if key and tr.has(f"vaccine.{key}") else tr("vaccine.unknown")
        record = Vaccination(
            product=label,
            normalized_name=key,
            diseases=[key] if key else [],
            date=intent.start,
            provenance=said,
        )
        line = tr("statement.vaccination", name=label, date=tr.date(intent.start))
    elif intent.name == "state.treatment" and intent.product:
        name = original_words(text, intent.product)
        name = name[:1].upper() + name[1:]
        detail = intent.detail or ""
        strength = re.match(r"^(\d+(?:[.,]\d+)?)\s*(mg|g|µg|mcg|ui|ml)?\b", detail)
        posology = read_posology(detail[strength.end() :] if strength else detail)
        info = drugs.lookup(intent.product)
        record = Medication(
            name=name,
            normalized_name=intent.product,
            strength=(strength[0].strip() if strength else None),
            substances=list(info.substances),
            codings=[Coding(system="ATC", code=code) for code in info.atc],
            posology=posology,
            start_date=turn.today,
            provenance=said,
        )
        line = tr(
            "statement.treatment", name=med_label(record), posology=posology_words(posology, tr)
        )
        warnings = warning_lines(turn, load_facts(turn), [record])
    elif intent.name == "state.stop" and intent.product:
        facts = load_facts(turn)
        meds = [
            m
            for m in find_medication(facts, intent.product, turn.today)
            if is_current(m, turn.today)
        ]
        if not meds:
            return [Text(text=tr("statement.stop_not_found", product=intent.product))]
        med = meds[0]
        turn.set_state(
            DialogueState(
                version=turn.state.version,
                step=Step.CONFIRM_STATEMENT.value,
                draft=json.dumps({"op": "stop", "id": med.id}),
            )
        )
        return [_ask(tr, tr("statement.stop", name=med_label(med), source=cite(med, facts, tr)))]
    elif intent.name == "state.condition" and intent.condition:
        label = tr(f"condition.{intent.condition}")
        record = Condition(name=label, normalized_name=intent.condition, provenance=said)
        line = tr("statement.condition", name=label)
    else:
        return []
    turn.set_state(
        DialogueState(
            version=turn.state.version,
            step=Step.CONFIRM_STATEMENT.value,
            draft=json.dumps(
                {
                    "op": "add",
                    "type": type(record).__name__,
                    "record": record.model_dump(mode="json"),
                }
            ),
        )
    )
    if warnings:
        line += (
            "\n" + tr("safety.header") + "\n" + "\n".join(warnings) + "\n" + tr("safety.advice")
        )
    return [_ask(tr, line)]


def _ask(tr: Translator, line: str) -> Text:
    return Text(
        text=line + "\n" + tr("statement.confirm_question"),
        buttons=[
            [
                Button(label=tr("common.yes_save"), data=STATEMENT_OK),
                Button(label=tr("common.no"), data=STATEMENT_NO),
            ]
        ],
    )


KINDS: dict[str, type[Allergy] | type[Vaccination] | type[Medication] | type[Condition]] = {
    "Allergy": Allergy,
    "Vaccination": Vaccination,
    "Medication": Medication,
    "Condition": Condition,
}


def on_statement_answer(turn: Turn, yes: bool) -> list[Reply]:
    """Store (or drop) the statement awaiting confirmation."""
    tr = turn.tr
    if turn.state.step != Step.CONFIRM_STATEMENT.value or not turn.state.draft:
        return [Text(text=tr("intake.expired"))]
    payload = json.loads(turn.state.draft)
    turn.reset_state()
    if not yes:
        return [Text(text=tr("statement.cancelled"))]
    if payload.get("op") == "stop":
        med = turn.vault.get(Medication, str(payload.get("id")))
        if med is None:
            return [Text(text=tr("intake.expired"))]
        turn.vault.save(
            med.model_copy(update={"med_status": MedicationStatus.STOPPED, "end_date": turn.today})
        )
        turn.vault.audit(AuditAction.CHANGED, "medication", med.id)
        reminding.after_medications(turn)
        return [Text(text=tr("statement.stopped", name=med_label(med), date=tr.date(turn.today)))]
    kind = KINDS[payload["type"]]
    record = kind.model_validate(payload["record"]).model_copy(
        update={"status": RecordStatus.CONFIRMED, "recorded_at": turn.now}
    )
    turn.vault.save(record)
    turn.vault.audit(AuditAction.ADDED, kind.__name__.lower(), record.id)
    planned = 0
    if isinstance(record, Medication):
        planned = reminding.after_medications(turn)
    elif isinstance(record, Vaccination | Condition):
        reminding.after_prevention_change(turn)
    return [Text(text=tr("statement.saved")), *reminding.planned_note(turn, planned)]


def quantity(value: float, unit: str | None) -> Quantity:
    """A quantity (helper for tests and corrections)."""
    return Quantity(value=value, unit=unit)


__all__ = [
    "DocumentKind",
    "after_extraction",
    "confirm_document",
    "correct",
    "load_facts",
    "on_document_button",
    "on_statement_answer",
    "propose_statement",
    "receive",
    "summary",
]
