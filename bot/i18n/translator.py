"""Translator: message keys to text in one language, plus dates and numbers in that language."""

from __future__ import annotations

from datetime import date as Date

from bot.i18n import en as en_catalogue
from bot.i18n import fr as fr_catalogue

CATALOGUES: dict[str, dict[str, str]] = {
    "fr": fr_catalogue.MESSAGES,
    "en": en_catalogue.MESSAGES,
}
MONTHS: dict[str, list[str]] = {"fr": fr_catalogue.MONTHS, "en": en_catalogue.MONTHS}
SUPPORTED = ("fr", "en")


class Translator:
    """Looks messages up in one language's catalogue (French as the fallback)."""

    def __init__(self, language: str) -> None:
        self.language = language if language in CATALOGUES else "fr"
        self._messages = CATALOGUES[self.language]

    def __call__(self, key: str, **values: object) -> str:
        """The message ``key`` with ``values`` substituted."""
        template = self._messages.get(key) or CATALOGUES["fr"].get(key) or key
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        """Whether the catalogue holds ``key``."""
        return key in self._messages

    def date(self, value: Date | None) -> str:
        """A date in words: ``3 mars 2026`` / ``3 March 2026``."""
        if value is None:
            return self("date.unknown")
        month = MONTHS[self.language][value.month - 1]
        return f"{value.day} {month} {value.year}"

    def month(self, value: Date) -> str:
        """A month and year: ``mars 2026``."""
        return f"{MONTHS[self.language][value.month - 1]} {value.year}"

    def number(self, value: float) -> str:
        """A number without useless decimals, with a decimal comma in French."""
        text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
        return text.replace(".", ",") if self.language == "fr" else text


def translator(language: str | None) -> Translator:
    """The translator for ``language`` (French when unknown)."""
    return Translator(language or "fr")


def pick_language(chosen: str | None, language_code: str | None, default: str) -> str:
    """The user's chosen language, else their client's language (fr/en), else ``default``."""
    if chosen in CATALOGUES:
        return chosen
    if language_code:
        base = language_code.lower().split("-")[0]
        if base in CATALOGUES:
            return base
    return default if default in CATALOGUES else "fr"
