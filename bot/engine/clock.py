"""The Clock port: the engine never reads the system time itself (it is injected)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    """Something that tells the current time (timezone-aware, UTC)."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


def local_today(clock: Clock, timezone: str) -> date:
    """Today's date in ``timezone`` (Europe/Paris when the name is unknown)."""
    return clock.now().astimezone(zone_of(timezone)).date()


def zone_of(name: str) -> ZoneInfo:
    """The ZoneInfo for ``name``, falling back to Europe/Paris."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Paris")


def is_valid_zone(name: str) -> bool:
    """Whether ``name`` is a known IANA timezone."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return "/" in name or name == "UTC"
