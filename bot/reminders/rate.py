"""A token bucket: spreads sends to stay under Telegram's global rate, never drops one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


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
