"""Database failures as store errors: an unreachable database, a full disk.

SQLAlchemy reports both as ``OperationalError`` whose text quotes the SQL and its parameters
(ciphertext, lookup hashes). ``translate_failures(engine)`` turns them, where they are raised,
into ``StoreUnavailable`` / ``StoreFull`` carrying only the driver error's class name, so callers
can answer "try again shortly" and nothing of the statement reaches a log. Lock conflicts
(``ConcurrentUpdate``) and other errors are left as they are. A failed pre-ping is left alone
too: the pool then opens a fresh connection, which is how carnet recovers without a restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from store.errors import StoreFull, StoreUnavailable

T = TypeVar("T")

FULL_MARKERS = ("database or disk is full", "disk full", "no space left", "could not extend file")
CONNECT_RETRY_DELAYS = (0.2, 0.5, 1.0)
"""Pauses between attempts to open a connection (about 2 s in all before giving up)."""


def _on_error(context: ExceptionContext) -> None:
    if context.is_pre_ping:
        return
    original = context.original_exception
    text = str(original).lower()
    if any(marker in text for marker in FULL_MARKERS):
        raise StoreFull(type(original).__name__) from None
    if context.is_disconnect or (context.connection is None and context.execution_context is None):
        raise StoreUnavailable(type(original).__name__) from None


def translate_failures(engine: Engine) -> None:
    """Install the translation on ``engine`` (once, right after it is made)."""
    event.listen(engine, "handle_error", _on_error)


def with_connect_retries(
    open_: Callable[[], T], delays: tuple[float, ...] = CONNECT_RETRY_DELAYS
) -> T:
    """``open_()`` (a connection), tried again after each of ``delays`` while unreachable."""
    for delay in delays:
        try:
            return open_()
        except StoreUnavailable:
            time.sleep(delay)
    return open_()
