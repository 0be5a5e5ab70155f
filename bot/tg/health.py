"""Operations endpoints of the bot process: ``/healthz``, ``/readyz`` and Prometheus ``/metrics``.

Metrics are counts and durations only (update kinds, answers, failures); no label ever carries a
user id, a text or a value. ``extra`` sources let other parts (reminders, queue) add lines.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections import Counter
from collections.abc import Awaitable, Callable

from bot.tg.http import Listener, Request, Response

logger = logging.getLogger(__name__)

BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Answer-latency histogram buckets in seconds (OCR answers land in the upper ones)."""

ReadyCheck = Callable[[], Awaitable[bool]]
MetricsSource = Callable[[], str]


class Metrics:
    """In-process counters of the Telegram adapter, rendered in Prometheus text format."""

    def __init__(self) -> None:
        self.updates: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.inline_answers = 0
        """Answers carried by the webhook response (``bot.tg.inline``), not sent by the bot."""
        self._bucket_counts = [0] * len(BUCKETS)
        self._latency_sum = 0.0
        self._latency_count = 0
        self.extra: list[MetricsSource] = []

    def observe_answer(self, seconds: float) -> None:
        """Record one answer's latency (event in → last reply sent)."""
        index = bisect.bisect_left(BUCKETS, seconds)
        if index < len(BUCKETS):
            self._bucket_counts[index] += 1
        self._latency_sum += seconds
        self._latency_count += 1

    def render(self) -> str:
        """The Prometheus exposition text."""
        lines = [
            "# HELP carnet_updates_total Telegram updates handed to the engine, by kind.",
            "# TYPE carnet_updates_total counter",
            *(f'carnet_updates_total{{kind="{k}"}} {v}' for k, v in sorted(self.updates.items())),
            "# HELP carnet_updates_refused_total Updates stopped by a guard, by reason.",
            "# TYPE carnet_updates_refused_total counter",
            *(
                f'carnet_updates_refused_total{{reason="{k}"}} {v}'
                for k, v in sorted(self.refused.items())
            ),
            "# HELP carnet_answers_in_webhook_response_total Answers carried by the webhook "
            "response instead of a Bot API call.",
            "# TYPE carnet_answers_in_webhook_response_total counter",
            f"carnet_answers_in_webhook_response_total {self.inline_answers}",
            "# HELP carnet_update_failures_total Updates that ended in the error handler.",
            "# TYPE carnet_update_failures_total counter",
            *(
                f'carnet_update_failures_total{{error="{k}"}} {v}'
                for k, v in sorted(self.failures.items())
            ),
            "# HELP carnet_answer_seconds Event received to last reply sent.",
            "# TYPE carnet_answer_seconds histogram",
        ]
        cumulative = 0
        for bound, count in zip(BUCKETS, self._bucket_counts, strict=True):
            cumulative += count
            lines.append(f'carnet_answer_seconds_bucket{{le="{bound}"}} {cumulative}')
        lines += [
            f'carnet_answer_seconds_bucket{{le="+Inf"}} {self._latency_count}',
            f"carnet_answer_seconds_sum {self._latency_sum:.6f}",
            f"carnet_answer_seconds_count {self._latency_count}",
        ]
        text = "\n".join(lines) + "\n"
        for source in self.extra:
            try:
                text += source()
            except Exception as exc:
                logger.warning("metrics source failed: %s", type(exc).__name__)
        return text


class HealthServer:
    """Serves the three endpoints on ``listen:port``."""

    def __init__(self, metrics: Metrics, ready: ReadyCheck, *, listen: str, port: int) -> None:
        self.metrics = metrics
        self.ready = ready
        self.listen = listen
        self._http = Listener(listen, port)

    @property
    def port(self) -> int:
        """The port listened on (the bound one once started)."""
        return self._http.port

    async def start(self) -> int:
        """Listen; returns the bound port (useful with ``port=0``)."""
        return await self._http.start(self._serve, what="health endpoints", max_body=1024)

    async def _serve(self, request: Request) -> Response:
        if request.method != "GET":
            return Response(405)
        if request.path == "/healthz":
            return Response(200, b"ok\n")
        if request.path == "/readyz":
            try:
                ready = await asyncio.wait_for(self.ready(), timeout=3)
            except Exception as exc:
                logger.warning("readiness check failed: %s", type(exc).__name__)
                ready = False
            return Response(200, b"ready\n") if ready else Response(503, b"not ready\n")
        if request.path == "/metrics":
            body = self.metrics.render().encode()
            return Response(200, body, "text/plain; version=0.0.4; charset=utf-8")
        return Response(404)

    async def stop(self) -> None:
        """Stop listening."""
        await self._http.stop()
