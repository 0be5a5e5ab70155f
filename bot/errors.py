"""Start-up and command errors as one English line for the CLI (user messages live in i18n)."""

from __future__ import annotations


def describe_fatal(exc: Exception) -> str | None:
    """One line for an error that stops a command, or None to let it propagate.

    Errors of carnet's packages carry a stable ``code``; the line names it and what to do.
    """
    code = getattr(exc, "code", None)
    if not isinstance(code, str):
        return None
    detail = str(exc)
    return f"{code}: {detail}" if detail and detail != code else code
