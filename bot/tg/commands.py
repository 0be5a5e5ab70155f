"""setMyCommands in French (``language_code="fr"``) and English (the default menu).

The command names and descriptions come from the engine (``command_menu(language)``), so the
menu and the commands the engine understands cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot, BotCommand
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

MenuSource = Callable[[str], list[tuple[str, str]]]
"""``language -> [(command, description)]`` as the engine lists them."""

MENU_LANGUAGES: tuple[tuple[str, str | None], ...] = (("en", None), ("fr", "fr"))
"""(engine language, Telegram ``language_code``): English is the default menu."""


def menu_source(engine: object) -> MenuSource:
    """The engine's own ``command_menu`` if it has one, else ``bot.engine.commands``'s."""
    source = getattr(engine, "command_menu", None)
    if callable(source):
        return source  # type: ignore[no-any-return]
    from bot.engine.commands import command_menu

    return command_menu


async def publish_commands(bot: Bot, source: MenuSource | None) -> int:
    """Register the command menus; returns how many menus were set (0 when unavailable)."""
    if source is None:
        logger.info("engine has no command menu; setMyCommands skipped")
        return 0
    published = 0
    for language, language_code in MENU_LANGUAGES:
        commands = [BotCommand(name, description[:256]) for name, description in source(language)]
        if not commands:
            continue
        try:
            await bot.set_my_commands(commands, language_code=language_code)
        except TelegramError as exc:
            logger.warning("setMyCommands (%s) failed: %s", language, type(exc).__name__)
            continue
        published += 1
    return published
