"""A settable clock for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The frozen current time."""
        return self.current

    def advance(self, **kwargs: float) -> None:
        """Move forward by a ``timedelta(**kwargs)``."""
        self.current += timedelta(**kwargs)

    def set(self, when: datetime) -> None:
        """Jump to ``when``."""
        self.current = when
