"""Operations metrics: counts and durations in Prometheus text, nothing about people."""

from __future__ import annotations

import pytest

from bot.ops.metrics import OpsMetrics, observe_reminders, timed_extractor
from store.sql.jobs import QueueDepth


class Report:
    def __init__(self, sent: int, folded: int) -> None:
        self.sent, self.folded = sent, folded


class Dispatcher:
    def __init__(self) -> None:
        self.reports = [Report(3, 1), Report(2, 0)]

    async def tick(self) -> Report:
        return self.reports.pop(0)


def test_render_has_every_family_and_queue_depth():
    metrics = OpsMetrics()
    metrics.document_done(failed=False)
    metrics.document_done(failed=True)
    metrics.ocr_seconds.observe(1.5)
    metrics.ocr_seconds.observe(70.0)
    metrics.queue_depth = lambda: QueueDepth(queued=4, running=2)
    text = metrics.render()
    assert "carnet_documents_processed_total 1" in text
    assert "carnet_documents_failed_total 1" in text
    assert 'carnet_ocr_seconds_bucket{le="2.0"} 1' in text
    assert 'carnet_ocr_seconds_bucket{le="+Inf"} 2' in text
    assert 'carnet_queue_depth{state="queued"} 4' in text
    assert 'carnet_queue_depth{state="running"} 2' in text
    for line in text.splitlines():
        assert line.startswith(("# HELP carnet_", "# TYPE carnet_", "carnet_"))


def test_a_failing_queue_depth_leaves_the_rest():
    metrics = OpsMetrics()

    def broken() -> QueueDepth:
        raise ConnectionError("database down")

    metrics.queue_depth = broken
    text = metrics.render()
    assert "carnet_queue_depth" not in text and "carnet_documents_processed_total 0" in text


async def test_reminder_ticks_are_counted(monkeypatch: pytest.MonkeyPatch):
    import bot.ops.metrics as module

    fresh = OpsMetrics()
    monkeypatch.setattr(module, "METRICS", fresh)
    dispatcher = Dispatcher()
    observe_reminders(dispatcher)
    await dispatcher.tick()
    await dispatcher.tick()
    assert (fresh.reminders_sent, fresh.reminders_late) == (5, 1)


def test_embedded_extraction_is_timed_and_counted(monkeypatch: pytest.MonkeyPatch):
    import bot.ops.metrics as module

    fresh = OpsMetrics()
    monkeypatch.setattr(module, "METRICS", fresh)

    def read(files: list[str]) -> str:
        if not files:
            raise ValueError("empty")
        return "draft"

    timed = timed_extractor(read)
    assert timed(["page"]) == "draft"
    with pytest.raises(ValueError):
        timed([])
    assert (fresh.documents_processed, fresh.documents_failed, fresh.ocr_seconds.count) == (
        1,
        1,
        2,
    )
