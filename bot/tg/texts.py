"""The few messages the adapter itself says (refusals, limits, last-resort errors), localised.

Texts come from the engine's catalogues (``bot.i18n``); none is written here.
"""

from __future__ import annotations


def localised(key: str, language_code: str | None, default_language: str) -> str:
    """The message ``key`` in the user's client language (the generic error when missing)."""
    from bot.engine.errors import message_for_code
    from bot.i18n import pick_language, translator

    tr = translator(pick_language(None, language_code, default_language))
    return tr(key) if tr.has(key) else message_for_code("internal", tr)


def error_text(exc: BaseException, language_code: str | None, default_language: str) -> str:
    """A kind message for ``exc`` in the user's language, never its text."""
    from bot.engine.errors import message_for
    from bot.i18n import pick_language, translator

    return message_for(exc, translator(pick_language(None, language_code, default_language)))
