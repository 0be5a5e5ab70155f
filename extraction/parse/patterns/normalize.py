"""Length-preserving text normalisation, so that match spans map back to the words read."""

from __future__ import annotations

import unicodedata

# One character in, one out: spans found in the simplified text are valid in the original.
_CHAR_MAP = {
    "μ": "µ",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\t": " ",
    "’": "'",
    "‘": "'",
    "`": "'",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "“": '"',
    "”": '"',
    "«": '"',
    "»": '"',
    "œ": "o",
    "Œ": "O",
    "æ": "a",
    "Æ": "A",
    "×": "x",
    "≤": "<",
    "≥": ">",
}


def clean(text: str) -> str:
    """Unify look-alike characters (µ/μ, dashes, quotes, spaces) without changing the length."""
    return "".join(_CHAR_MAP.get(char, char) for char in text)


def _plain(char: str) -> str:
    if char.isascii() or char in "µ½¼¾°²³":
        return char
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base and base.isascii() else char


def simplify(text: str) -> str:
    """Lower case, accents removed, look-alikes unified; same length as the input."""
    return "".join(_plain(char) for char in clean(text)).lower()
