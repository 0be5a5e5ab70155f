"""Text folding shared by the reference lookups: upper case, no accents, one space, µ unified."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


def fold(text: str) -> str:
    """Upper case without accents or doubled spaces (``Paracétamol`` -> ``PARACETAMOL``)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("μ", "µ"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.upper().replace("’", "'")
    return _SPACES.sub(" ", plain).strip()


def compact(text: str) -> str:
    """Letters and digits only, folded (``M-M-RvaxPro`` -> ``MMRVAXPRO``)."""
    return _NON_ALNUM.sub("", fold(text))


def words_key(text: str) -> str:
    """Folded words separated by single spaces, punctuation removed (``HDL-c`` -> ``HDL C``)."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


_CONFUSIONS = [
    (re.compile(r"(?<=[A-Z])[1L|!](?=[A-Z]|$)|(?<=^)[1|!](?=[A-Z])"), "I"),
    (re.compile(r"(?<=[A-Z])0(?=[A-Z])|^0(?=[A-Z])"), "O"),
    (re.compile(r"(?<=[A-Z])5(?=[A-Z])"), "S"),
    (re.compile(r"RN"), "M"),
    (re.compile(r"VV"), "W"),
]


def ocr_fold(text: str) -> str:
    """``compact`` with the letters OCR confuses unified (l/1/I, 0/O, 5/S, rn/m) for lookups.

    ``REVAXLS`` and ``REVAXIS`` fold to the same key; digits between letters and digits stay.
    """
    key = compact(text)
    for pattern, replacement in _CONFUSIONS:
        key = pattern.sub(replacement, key)
    return key
