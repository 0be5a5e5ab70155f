"""Slash commands in French and English, and the menu registered with setMyCommands."""

from __future__ import annotations

from bot.i18n import translator

COMMANDS: dict[str, str] = {
    "start": "start",
    "aide": "help",
    "help": "help",
    "traitements": "treatments.current",
    "treatments": "treatments.current",
    # Aliases (answered, not in the menus): what users naturally type.
    "medicaments": "treatments.current",
    "medications": "treatments.current",
    "allergies": "allergies.list",
    "vaccins": "vaccines",
    "vaccines": "vaccines",
    "analyses": "labs.list",
    "labs": "labs.list",
    "documents": "documents.list",
    "rappels": "reminders.list",
    "reminders": "reminders.list",
    "export": "export",
    "supprimer": "delete",
    "delete": "delete",
    "langue": "language",
    "language": "language",
    "fuseau": "timezone",
    "timezone": "timezone",
    "profil": "profile",
    "profils": "profile",
    "profile": "profile",
    "profiles": "profile",
    "annuler": "cancel",
    "cancel": "cancel",
}
"""Command name (without the slash) -> what it does; the menus list a subset (``MENU``)."""

MENU: dict[str, list[str]] = {
    "fr": [
        "traitements",
        "allergies",
        "vaccins",
        "analyses",
        "documents",
        "rappels",
        "profil",
        "export",
        "langue",
        "fuseau",
        "supprimer",
        "aide",
    ],
    "en": [
        "treatments",
        "allergies",
        "vaccines",
        "labs",
        "documents",
        "reminders",
        "profile",
        "export",
        "language",
        "timezone",
        "delete",
        "help",
    ],
}


def command_menu(language: str) -> list[tuple[str, str]]:
    """(command, description) pairs for setMyCommands in ``language`` (fr or en)."""
    tr = translator(language)
    names = MENU.get(language, MENU["fr"])
    return [(name, tr(f"command.{COMMANDS[name]}")) for name in names]
