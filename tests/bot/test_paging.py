"""Long answers for a ten-year record come in readable pages with a "more" button."""

from __future__ import annotations

import pytest

from bot.engine.events import ButtonIn
from bot.engine.paging import PAGE_CHARS, PAGE_ITEMS, split
from bot.engine.replies import Text
from tests.bot import history
from tests.bot.conftest import Chat


@pytest.fixture
def ten(chat: Chat, store, clock) -> Chat:
    with store.vault(chat.user.user_id) as vault:
        history.ten_years(vault, clock.now())
    return chat


def _check_readable(chat: Chat) -> None:
    texts = [r for r in chat.last if isinstance(r, Text)]
    assert len(texts) == 1, chat.text
    text = texts[0].text
    assert len(text) <= PAGE_CHARS + 200
    assert sum(1 for line in text.split("\n") if line.startswith("• ")) <= PAGE_ITEMS


async def test_documents_list_pages_newest_first_until_the_end(ten: Chat):
    first = await ten.say("/documents")
    _check_readable(ten)
    assert "2026" in first.split("\n")[1]  # the newest document opens the list
    seen = {line for line in first.split("\n") if line.startswith("• ")}
    pages = 1
    while True:
        try:
            button = ten.button("Voir plus")
        except AssertionError:
            break
        assert len(button.data.encode()) <= 64 and button.data.startswith("more:")
        text = await ten.press("Voir plus")
        _check_readable(ten)
        lines = {line for line in text.split("\n") if line.startswith("• ")}
        assert lines and not lines & seen  # each page shows new documents
        seen |= lines
        pages += 1
    assert pages > 3 and len(seen) > 100  # every document reachable, page by page


async def test_past_treatments_grouped_newest_first(ten: Chat):
    text = await ten.say("quels traitements ai-je pris ?")
    _check_readable(ten)
    lines = [line for line in text.split("\n") if line.startswith("• ")]
    assert all(" fois, du " in line for line in lines)  # renewals grouped on one line
    assert len(lines) == len(set(line.split(" — ")[0] for line in lines))
    assert "2026" in lines[0]


async def test_english_pages(engine, store, clock):
    en = Chat(engine, user_id=5005, language="en")
    with store.vault(en.user.user_id) as vault:
        history.ten_years(vault, clock.now())
        profile = vault.get_profile()
        vault.save_profile(profile.model_copy(update={"language": history.Language.EN}))
    await en.say("/documents")
    _check_readable(en)
    text = await en.press("Show more")
    _check_readable(en)
    assert "(page 2/" in text and en.button("Show more (3/")


async def test_outdated_or_foreign_more_button_is_refused(ten: Chat):
    await ten.say("/documents")
    data = ten.button("Voir plus").data
    await ten.say("/aide")
    await ten.send(ButtonIn(data=data.rsplit(":", 1)[0] + ":00000000"))
    assert "plus à jour" in ten.text
    await ten.send(ButtonIn(data="more:999:" + data.rsplit(":", 1)[1]))
    assert "plus à jour" in ten.text


async def test_short_answers_have_no_button(chat: Chat, store, clock):
    with store.vault(chat.user.user_id) as vault:
        history.basic(vault, clock.now())
    await chat.say("/documents")
    assert all(not r.buttons for r in chat.last if isinstance(r, Text))


async def test_lab_values_over_years_newest_first_in_pages(ten: Chat):
    text = await ten.say("mes glycémies depuis 2016")
    _check_readable(ten)
    lines = [line for line in text.split("\n") if line.startswith("• ")]
    assert len(lines) == 15 and "décembre 2025" in lines[0]  # the newest value first
    second = await ten.press("Voir plus")
    assert "2025" not in second.split("\n")[1] and "(page 2/" in second


def test_split_keeps_the_header_on_every_page_and_the_hint_on_the_last():
    items = [f"• item {i} " + "x" * (i % 7) * 60 for i in range(100)]
    pages = split("Header:\n" + "\n".join(items) + "\nHint at the end")
    assert len(pages) > 6
    for page in pages:
        lines = page.split("\n")
        assert lines[0] == "Header:"
        assert len(page) <= PAGE_CHARS and sum(line.startswith("• ") for line in lines) <= 15
    assert pages[-1].endswith("Hint at the end") and "Hint" not in pages[0]
    shown = [line for page in pages for line in page.split("\n") if line.startswith("• ")]
    assert shown == items  # nothing lost, nothing repeated, order kept


async def test_a_second_tap_on_the_same_more_button_sends_nothing(ten: Chat):
    await ten.say("/documents")
    more = ten.button("Voir plus")
    second = await ten.press("Voir plus")
    assert "(page 2/" in second
    following = ten.button("Voir plus")
    assert await ten.send(ButtonIn(data=more.data)) == [], "page 2 was already sent"
    await ten.send(ButtonIn(data=following.data))
    assert "(page 3/" in ten.text
    await ten.say("/documents")  # asked again: its pages can be sent again
    assert "(page 2/" in await ten.press("Voir plus")
