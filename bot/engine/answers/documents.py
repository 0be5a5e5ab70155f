"""Documents: the list, and an original sent back on request ("l'ordonnance du 3 mars")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.engine.answers.common import Facts, bullet
from bot.engine.replies import Button, File, Reply, Text
from bot.i18n import Translator
from store.records import Document, DocumentStatus

SEND = "doc:send:"
SHOWN = (DocumentStatus.CONFIRMED, DocumentStatus.READ)


def day_of(document: Document) -> date:
    """The document's date (as printed, else when it was received)."""
    return document.document_date or document.received_at.date()


def title(document: Document, tr: Translator) -> str:
    """``ordonnance du 3 mars 2026``."""
    return tr(
        "documents.title", kind=tr(f"kind.{document.kind.value}"), date=tr.date(day_of(document))
    )


def listing(facts: Facts, tr: Translator, kind: str | None = None) -> list[Reply]:
    """The user's documents, most recent first."""
    docs = [d for d in facts.documents if d.status in SHOWN]
    if kind:
        docs = [d for d in docs if d.kind.value == kind]
    if not docs:
        return [Text(text=tr("documents.none"))]
    docs.sort(key=day_of, reverse=True)
    lines = [bullet(title(d, tr)) for d in docs]  # long lists are cut in pages by the engine
    return [
        Text(
            text=tr("documents.header", n=len(docs))
            + "\n"
            + "\n".join(lines)
            + "\n"
            + tr("documents.hint")
        )
    ]


def show(
    facts: Facts,
    tr: Translator,
    kind: str | None,
    start: date | None,
    end: date | None,
    load: Callable[[str], Document | None],
) -> list[Reply]:
    """Send the original of the matching document, or offer a choice when several match."""
    docs = [d for d in facts.documents if d.status in SHOWN]
    if kind:
        docs = [d for d in docs if d.kind.value == kind]
    if start and end:
        docs = [d for d in docs if start <= day_of(d) <= end]
    docs.sort(key=day_of, reverse=True)
    if not docs:
        return [Text(text=tr("documents.not_found"))]
    if len(docs) > 1 and not (start and end and start == end):
        buttons = [[Button(label=title(d, tr), data=SEND + d.id)] for d in docs[:8]]
        return [Text(text=tr("documents.choose"), buttons=buttons)]
    return send(docs[0].id, tr, load)


def send(document_id: str, tr: Translator, load: Callable[[str], Document | None]) -> list[Reply]:
    """The original pages of one of the user's own documents."""
    document = load(document_id)
    if document is None or not document.pages:
        return [Text(text=tr("documents.not_found"))]
    caption = title(document, tr)
    replies: list[Reply] = []
    for number, page in enumerate(document.pages, start=1):
        extension = {"application/pdf": "pdf", "image/png": "png"}.get(page.media_type, "jpg")
        name = f"{document.kind.value}-{day_of(document).isoformat()}-{number}.{extension}"
        replies.append(
            File(
                data=page.content,
                filename=name,
                media_type=page.media_type,
                caption=caption if number == 1 else None,
            )
        )
    return replies
