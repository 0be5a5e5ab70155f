"""Prometheus metrics of the slow paths: documents read, OCR seconds, queue depth, reminders.

Counts and durations only: no label carries a user id, a text, a file name or a value. One
process-wide ``METRICS`` object; ``bot.tg.health`` renders it through ``Metrics.extra``.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

log = logging.getLogger("carnet.ops")

OCR_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
"""OCR-seconds histogram buckets (one document, all pages)."""

T = TypeVar("T")


class Histogram:
    """A cumulative Prometheus histogram (thread-safe)."""

    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets = buckets
        self.counts = [0] * len(buckets)
        self.total = 0.0
        self.count = 0
        self._lock = threading.Lock()

    def observe(self, value: float) -> None:
        """Add one observation."""
        with self._lock:
            index = bisect.bisect_left(self.buckets, value)
            if index < len(self.buckets):
                self.counts[index] += 1
            self.total += value
            self.count += 1

    def lines(self, name: str) -> list[str]:
        """The ``_bucket``, ``_sum`` and ``_count`` lines."""
        out, cumulative = [], 0
        with self._lock:
            for bound, n in zip(self.buckets, self.counts, strict=True):
                cumulative += n
                out.append(f'{name}_bucket{{le="{bound}"}} {cumulative}')
            out += [
                f'{name}_bucket{{le="+Inf"}} {self.count}',
                f"{name}_sum {self.total:.6f}",
                f"{name}_count {self.count}",
            ]
        return out


class OpsMetrics:
    """Documents, OCR, queue and reminders counters of this process."""

    def __init__(self) -> None:
        self.documents_processed = 0
        self.documents_failed = 0
        self.jobs_retried = 0
        self.ocr_seconds = Histogram(OCR_BUCKETS)
        self.reminders_sent = 0
        self.reminders_late = 0
        self.queue_depth: Callable[[], Any] | None = None
        """Returns an object with ``queued`` and ``running`` counts (``store.sql.jobs``)."""
        self._lock = threading.Lock()

    def document_done(self, *, failed: bool) -> None:
        """Count a document whose reading ended (read, or failed for good)."""
        with self._lock:
            if failed:
                self.documents_failed += 1
            else:
                self.documents_processed += 1

    def job_retried(self) -> None:
        """Count a job put back for another try."""
        with self._lock:
            self.jobs_retried += 1

    def reminders(self, *, sent: int, late: int) -> None:
        """Add one reminders tick's counts (late: folded into a missed-doses summary)."""
        with self._lock:
            self.reminders_sent += sent
            self.reminders_late += late

    def render(self) -> str:
        """The Prometheus exposition text of these metrics."""
        lines = [
            "# HELP carnet_documents_processed_total Documents read (draft stored, user told).",
            "# TYPE carnet_documents_processed_total counter",
            f"carnet_documents_processed_total {self.documents_processed}",
            "# HELP carnet_documents_failed_total Documents that could not be read, for good.",
            "# TYPE carnet_documents_failed_total counter",
            f"carnet_documents_failed_total {self.documents_failed}",
            "# HELP carnet_document_jobs_retried_total Document jobs put back for another try.",
            "# TYPE carnet_document_jobs_retried_total counter",
            f"carnet_document_jobs_retried_total {self.jobs_retried}",
            "# HELP carnet_ocr_seconds Extraction time of one document (all pages).",
            "# TYPE carnet_ocr_seconds histogram",
            *self.ocr_seconds.lines("carnet_ocr_seconds"),
            "# HELP carnet_reminders_sent_total Reminder messages sent.",
            "# TYPE carnet_reminders_sent_total counter",
            f"carnet_reminders_sent_total {self.reminders_sent}",
            "# HELP carnet_reminders_late_total Reminders sent late (folded into a summary).",
            "# TYPE carnet_reminders_late_total counter",
            f"carnet_reminders_late_total {self.reminders_late}",
        ]
        if self.queue_depth is not None:
            try:
                depth = self.queue_depth()
                queued, running = int(depth.queued), int(depth.running)
            except Exception as exc:
                log.warning("queue depth unavailable: %s", type(exc).__name__)
            else:
                lines += [
                    "# HELP carnet_queue_depth Document jobs by state (queued, running).",
                    "# TYPE carnet_queue_depth gauge",
                    f'carnet_queue_depth{{state="queued"}} {queued}',
                    f'carnet_queue_depth{{state="running"}} {running}',
                ]
        return "\n".join(lines) + "\n"


METRICS = OpsMetrics()
"""This process's metrics."""


def timed_extractor(extract: Callable[..., T]) -> Callable[..., T]:
    """``extract`` observed into the OCR histogram (embedded shape: OCR in the bot process)."""

    def run(*args: Any) -> T:
        started = time.perf_counter()
        try:
            result = extract(*args)
        except Exception:
            METRICS.ocr_seconds.observe(time.perf_counter() - started)
            METRICS.document_done(failed=True)
            raise
        METRICS.ocr_seconds.observe(time.perf_counter() - started)
        METRICS.document_done(failed=False)
        return result

    return run


def observe_reminders(dispatcher: Any) -> None:
    """Count the sent and late reminders of each tick of ``dispatcher`` (its ``TickReport``)."""
    tick: Callable[[], Awaitable[Any]] = dispatcher.tick

    async def counted() -> Any:
        report = await tick()
        sent = getattr(report, "sent", 0)
        if isinstance(sent, int):
            METRICS.reminders(sent=sent, late=int(getattr(report, "folded", 0) or 0))
        return report

    dispatcher.tick = counted
