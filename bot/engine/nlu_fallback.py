"""Nearest labelled phrasings: the intent of a message the rules could not place.

The rules answer "unknown", or fall back to "current treatments" when they only see a product
name. Then the message is compared with the labelled development phrasings
(``data/nlu_examples.json``, written by ``python -m bench nlu --write-examples``) once names,
tests, vaccines, conditions, months and numbers are replaced by placeholders, so "what's the point
of taking kardegic" meets "what's the point of X"-like examples whatever the product. A vote of
the closest examples decides, only above a similarity floor; slots are then read by the same
finders as the rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

EXAMPLES = Path(__file__).with_name("data") / "nlu_examples.json"
FLOOR = 82.0
"""Least similarity (0-100, token-sort ratio of masked texts) for a neighbour to vote."""
NEIGHBOURS = 5


def mask(
    text: str, names: Sequence[str], tables: Sequence[Sequence[str]], months: Sequence[str]
) -> str:
    """Normalised, corrected text with names and values replaced by placeholders."""
    for placeholder, words in (
        ("zprod", names),
        *(("ztest", tables[0]), ("zvacc", tables[1]), ("zcond", tables[2])),
        ("zmonth", months),
    ):
        pattern = _alternation(tuple(words))
        if pattern is not None:
            text = pattern.sub(f" {placeholder} ", text)
    text = re.sub(r"\d+(?:[.,/]\d+)*", " znum ", text)
    return " ".join(text.split())


@lru_cache(maxsize=16)
def _alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in ordered) + r")\b")


@lru_cache(maxsize=1)
def _examples() -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not EXAMPLES.exists():
        return (), ()
    rows = json.loads(EXAMPLES.read_text("utf-8"))
    return tuple(r[1] for r in rows), tuple(r[0] for r in rows)


def nearest_intent(masked: str, allowed: Callable[[str], bool]) -> str | None:
    """The intent the closest examples vote for (among ``allowed``), or None below the floor."""
    texts, intents = _examples()
    if not texts or not masked:
        return None
    votes: dict[str, float] = {}
    for _, score, index in process.extract(
        masked, texts, scorer=fuzz.token_sort_ratio, limit=NEIGHBOURS, score_cutoff=FLOOR
    ):
        if allowed(intents[index]):
            votes[intents[index]] = votes.get(intents[index], 0.0) + score
    if not votes:
        return None
    return max(votes, key=lambda k: votes[k])
