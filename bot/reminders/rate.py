"""Rate limits for sending: spread messages under Telegram's global rate, never drop one."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol


class Limiter(Protocol):
    """Something that makes a sender wait its turn."""

    async def acquire(self, tokens: int = 1) -> None:
        """Wait until ``tokens`` may be spent, then spend them."""
        ...


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; ``acquire`` waits for its tokens.

    Callers queue on a lock, so waiting senders are served in order and none is refused.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = float(burst)
        self._sleep = sleep
        self._monotonic = monotonic
        self._tokens = float(burst)
        self._updated = monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self, tokens: int = 1) -> None:
        """Wait until ``tokens`` are available, then take them."""
        need = min(float(tokens), self.burst)
        async with self._lock:
            self._refill()
            # The tolerance keeps float rounding from turning into an endless tiny sleep.
            while self._tokens < need - 1e-9:
                await self._sleep((need - self._tokens) / self.rate)
                self._refill()
            self._tokens = max(0.0, self._tokens - need)


class SlidingWindow:
    """At most ``limit`` acquisitions in any ``period`` seconds; ``acquire`` waits, never refuses.

    Unlike a one-token bucket, a late wake-up (a busy event loop) is made up for at once, so the
    sustained rate stays at the limit while no window of ``period`` ever holds more.
    """

    def __init__(
        self,
        limit: int,
        period: float = 1.0,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("limit must be at least 1 and period positive")
        self.limit = limit
        self.period = period
        self._sleep = sleep
        self._monotonic = monotonic
        self._times: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self, tokens: int = 1) -> None:
        """Wait until ``tokens`` more fit in the window, then record them."""
        need = min(tokens, self.limit)
        async with self._lock:
            while True:
                now = self._monotonic()
                # The tolerance keeps float rounding from turning into an endless tiny sleep.
                while self._times and self._times[0] <= now - self.period + 1e-9:
                    self._times.popleft()
                if len(self._times) + need <= self.limit:
                    self._times.extend([now] * need)
                    return
                await self._sleep(
                    self._times[len(self._times) + need - self.limit - 1] + self.period - now
                )
