"""Logging setup and a redaction filter: logs carry ids, counts and timings only.

The filter is a second barrier: code never logs message text or record values, and the filter
drops the arguments of any record from a third-party logger that might (httpx URLs hold the bot
token; PTB may log update contents at debug level).
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from pathlib import Path
from typing import TextIO

from bot.settings import Settings

TOKEN = re.compile(r"bot\d+:[A-Za-z0-9_-]{20,}")
OWN = ("carnet", "bot.", "store.", "extraction.")
CONTENT_QUOTERS = ("pypdf", "pypdfium2", "PIL", "pdfminer", "pytesseract", "pillow_heif")
"""Libraries that read the user's files and quote their bytes in warnings (pypdf prints the
objects it could not parse): their messages are replaced whole, whatever the level."""


class RedactionFilter(logging.Filter):
    """Masks bot tokens everywhere; blanks the arguments of third-party records below WARNING;
    logs exceptions as types and frames only (``outline``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; always keep it."""
        own = record.name.startswith(OWN)
        if record.name.startswith(CONTENT_QUOTERS):
            record.msg = f"{record.name}: message withheld (may quote the document)"
            record.args = None
            return True
        if not own and record.levelno < logging.WARNING and record.args:
            count = len(record.args) if isinstance(record.args, tuple) else 1
            record.args = tuple("<redacted>" for _ in range(count))
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{message}\n{outline(record.exc_info[1])}"
            record.exc_info = None
            record.exc_text = None
        record.msg = TOKEN.sub("bot<redacted>", message)
        record.args = None
        return True


def outline(exc: BaseException) -> str:
    """A traceback without exception texts or source lines (they may quote user data): the
    frames (file, line, function) and the exception types of the whole chain."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        where = " > ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames)
        parts.append(f"{type(current).__name__} (message withheld) at {where or '?'}")
        current = current.__cause__ or current.__context__
    return "Traceback, most recent exception first: " + " <- ".join(parts)


def setup_logging(
    settings: Settings, *, stream: TextIO | None = None, quiet: bool = False
) -> None:
    """Configure the root logger once (level from settings; WARNING when ``quiet``)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactionFilter())
    if settings.log_json:
        fmt = '{"t":"%(asctime)s","level":"%(levelname)s","logger":"%(name)s","msg":"%(message)s"}'
    else:
        fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    handler.setFormatter(logging.Formatter(fmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if quiet else settings.log_level)
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler", "matplotlib", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
