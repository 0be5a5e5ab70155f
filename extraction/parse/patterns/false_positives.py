"""Lines that are never medical items: letterhead, contact details, patient identity, footers."""

from __future__ import annotations

import re

HEADER = re.compile(
    r"^\s*(?:t[ée]l(?:[ée]phone)?\.?\s*:?|fax|phone|mobile|e-?mail|courriel|www\.|https?:|"
    r"rpps|n°\s*(?:am|rpps|finess|adeli|s[ée]cu)|finess|adeli|siret|"
    r"(?:m\.|mme|mlle|monsieur|madame|mr\.?|mrs\.?|ms\.?)\s+[A-Za-zÀ-ÿ]|patient\s*:|nom\s*:|"
    r"pr[ée]nom\s*:|n[ée]e?\s*\(?e?\)?\s+le|date de naissance|dob\s*:|poids\s*:|taille\s*:|"
    r"weight\s*:|address\s*:|adresse\s*:|m[ée]decine\s|m[ée]decin\s|sp[ée]cialiste|cardiolog|"
    r"p[ée]diatr|endocrinolog|general practitioner|family medicine|internal medicine|"
    r"\d{5}\s+[A-Za-zÀ-ÿ]|\d{1,4}\s*,?\s*(?:rue|avenue|av\.|boulevard|bd|place|chemin|all[ée]e|"
    r"impasse|route|quai|cours)\b)",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}")


def is_header_line(text: str) -> bool:
    """Whether a line is letterhead, contact or identity text rather than content."""
    return bool(HEADER.match(text) or PHONE.search(text))
