"""Page progress of the extraction running in the current thread, for callers that show it.

The caller (the bot, to edit a "page 2/3…" message) sets a listener around its call with
``listening``; the pipeline calls ``page_read`` once per page read. Without a listener it does
nothing, so the extraction API's signature stays the same for every other caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

PageListener = Callable[[int], None]
"""Called with the number of pages read so far (1, 2, ...) of the document being extracted."""

_listener: ContextVar[PageListener | None] = ContextVar("extraction_page_listener", default=None)


@contextmanager
def listening(listener: PageListener) -> Iterator[None]:
    """Call ``listener`` after each page read by extractions run inside this block."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def page_read(pages: int) -> None:
    """Report that ``pages`` pages of the current document have been read."""
    listener = _listener.get()
    if listener is not None:
        listener(pages)
