"""Long answers cut into readable pages, with a "more" button that shows the next one.

An answer is recomputed for each page from the question kept in the dialogue state (``data``),
so the button's callback data only holds a page number and a short tag of that question: it
never names a record, and it only ever refers to the caller's own state.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, fields
from datetime import date

from bot.engine.nlu import Intent
from bot.engine.replies import Button, Reply, Text
from bot.engine.turn import Turn
from bot.i18n import Translator

PAGE_ITEMS = 15
"""Items (list lines) shown at most on one page."""

PAGE_CHARS = 3500
"""Characters shown at most on one page (a Telegram message holds 4096)."""

MORE = "more:"
"""Button data prefix: ``more:<page>:<tag>``."""

QUESTION_KEY = "more.question"
"""Dialogue-state ``data`` key holding the paged question (intent and words, JSON)."""

SHOWN_KEY = "more.shown"
"""Dialogue-state ``data`` key: the last page sent (a second tap on its button sends nothing)."""

ITEM_PREFIX = "• "

Answerer = Callable[[Turn, Intent, str], list[Reply]]
"""Recomputes the full answer to a question (``routes.answer``)."""


def paged(turn: Turn, intent: Intent, said: str, replies: list[Reply]) -> list[Reply]:
    """The first page of ``replies``; remembers the question when there is more to show."""
    if not any(isinstance(reply, Text) and _too_long(reply.text) for reply in replies):
        return replies  # one page (most answers): nothing to encode or remember
    question = _encode(intent, said)
    page, pages = _page(replies, 0, _tag(question), turn.tr)
    if pages > 1:
        data = {**turn.state.data, QUESTION_KEY: question, SHOWN_KEY: "0"}
        turn.set_state(turn.state.model_copy(update={"data": data}))
    return page


def more(turn: Turn, data: str, answer: Answerer) -> list[Reply] | None:
    """The page a "more" button asks for; None when the button is outdated; nothing when that
    page was already sent (a double tap, an earlier page's button)."""
    number, _, tag = data[len(MORE) :].partition(":")
    question = turn.state.data.get(QUESTION_KEY)
    if not number.isdigit() or question is None or _tag(question) != tag:
        return None
    shown = turn.state.data.get(SHOWN_KEY, "0")
    if shown.isdigit() and int(number) <= int(shown):
        return []
    intent, said = _decode(question)
    page, pages = _page(answer(turn, intent, said), int(number), tag, turn.tr)
    if int(number) >= pages:
        return None
    data_now = {**turn.state.data, SHOWN_KEY: number}
    turn.set_state(turn.state.model_copy(update={"data": data_now}))
    return page


def _page(replies: list[Reply], number: int, tag: str, tr: Translator) -> tuple[list[Reply], int]:
    """Page ``number`` of the answer (its first long text cut in pages) and how many pages."""
    for index, reply in enumerate(replies):
        if isinstance(reply, Text) and _too_long(reply.text):
            chunks = split(reply.text)
            if number >= len(chunks):
                return [], len(chunks)
            text = chunks[number]
            if number > 0:
                text += "\n" + tr("more.page", page=number + 1, pages=len(chunks))
            buttons = list(reply.buttons)
            if number + 1 < len(chunks):
                label = tr("more.button", page=number + 2, pages=len(chunks))
                buttons.append([Button(label=label, data=f"{MORE}{number + 1}:{tag}")])
            cut = reply.model_copy(update={"text": text, "buttons": buttons})
            if number == 0:
                return [*replies[:index], cut, *replies[index + 1 :]], len(chunks)
            return [cut], len(chunks)
    return (replies if number == 0 else []), 1


def _too_long(text: str) -> bool:
    items = sum(1 for line in text.split("\n") if line.startswith(ITEM_PREFIX))
    return len(text) > PAGE_CHARS or items > PAGE_ITEMS


def split(text: str) -> list[str]:
    """Cut a text into pages of at most ``PAGE_ITEMS`` items and about ``PAGE_CHARS`` characters.

    The lines before the first item (the header) open every page; the lines after the last one
    (a hint, a warning) close the last page.
    """
    lines = text.split("\n")
    marks = [i for i, line in enumerate(lines) if line.startswith(ITEM_PREFIX)]
    if marks:
        head, items, tail = (
            lines[: marks[0]],
            lines[marks[0] : marks[-1] + 1],
            lines[marks[-1] + 1 :],
        )
    else:
        head, items, tail = [], lines, []
    budget = max(PAGE_CHARS - len("\n".join(head + tail)) - 100, 500)
    pages: list[list[str]] = [[]]
    size = 0
    for line in items:
        full = len(pages[-1]) >= PAGE_ITEMS or (pages[-1] and size + len(line) + 1 > budget)
        if full:
            pages.append([])
            size = 0
        pages[-1].append(line[: PAGE_CHARS - 200])
        size += len(line) + 1
    texts = ["\n".join(head + page) for page in pages]
    if tail:
        texts[-1] += "\n" + "\n".join(tail)
    return texts


def _tag(question: str) -> str:
    return hashlib.sha256(question.encode()).hexdigest()[:8]


def _encode(intent: Intent, said: str) -> str:
    values = {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(intent).items()}
    return json.dumps({"intent": values, "said": said}, ensure_ascii=False, sort_keys=True)


def _decode(question: str) -> tuple[Intent, str]:
    raw = json.loads(question)
    values = raw["intent"]
    for field in fields(Intent):
        if field.name in ("start", "end") and values.get(field.name):
            values[field.name] = date.fromisoformat(values[field.name])
    return Intent(**values), str(raw.get("said", ""))
