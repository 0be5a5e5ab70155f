"""Every user-facing string, in French and English: catalogues and a translator."""

from bot.i18n.translator import SUPPORTED, Translator, pick_language, translator

__all__ = ["SUPPORTED", "Translator", "pick_language", "translator"]
