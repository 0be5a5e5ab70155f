"""The honest "I don't know", with examples of what carnet can answer."""

from __future__ import annotations

from bot.engine.replies import Reply, Text
from bot.i18n import Translator


def unknown(tr: Translator) -> list[Reply]:
    """Say it plainly and show examples."""
    return [Text(text=tr("fallback.unknown") + "\n" + tr("fallback.examples"))]


def help_text(tr: Translator) -> list[Reply]:
    """What carnet can do."""
    return [Text(text=tr("help.text"))]
