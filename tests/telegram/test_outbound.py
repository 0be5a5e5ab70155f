"""Splitting and escaping rules of bot.tg.outbound (pure functions, no server)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tg.outbound import escape, split_text, utf16_len


def test_short_text_is_one_chunk():
    assert split_text("Vos traitements :\n• Doliprane") == ["Vos traitements :\n• Doliprane"]


def test_split_happens_between_lines():
    lines = [f"ligne {i}" for i in range(10)]
    chunks = split_text("\n".join(lines), limit=30)
    assert all(utf16_len(c) <= 30 for c in chunks)
    assert "\n".join(chunks).split("\n") == lines


def test_a_long_line_is_cut_at_a_space_then_hard_cut():
    words = "mot " * 20
    chunks = split_text(words.strip(), limit=18)
    assert all(utf16_len(c) <= 18 for c in chunks)
    assert all(not c.startswith(" ") and not c.endswith(" ") for c in chunks)
    assert split_text("x" * 45, limit=20) == ["x" * 20, "x" * 20, "x" * 5]


def test_emoji_count_double_as_telegram_counts_them():
    chunks = split_text("💊" * 10, limit=8)
    assert chunks == ["💊" * 4, "💊" * 4, "💊" * 2]


def test_blank_text_gives_no_message():
    assert split_text(" \n \n") == []


def test_escape_leaves_only_safe_html():
    assert escape("<b>x</b> & y > 2") == "&lt;b&gt;x&lt;/b&gt; &amp; y &gt; 2"
    assert escape('« l\'ordonnance » "A"') == '« l\'ordonnance » "A"'


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400), st.integers(4, 60)
)
def test_split_never_exceeds_the_limit_and_loses_no_visible_character(text, limit):
    chunks = split_text(text, limit=limit)
    assert all(0 < utf16_len(c) <= limit for c in chunks)
    visible = "".join(ch for ch in text if not ch.isspace())
    assert "".join(ch for c in chunks for ch in c if not ch.isspace()) == visible
