"""Operations endpoints: liveness, readiness (503 when the store fails), content-free metrics."""

from __future__ import annotations

import httpx

from bot.tg.health import HealthServer, Metrics


async def test_readiness_follows_the_check_and_metrics_carry_counts_only():
    metrics = Metrics()
    metrics.updates["TextIn"] += 2
    metrics.refused["group"] += 1
    metrics.observe_answer(0.04)
    metrics.observe_answer(3.0)
    state = {"ready": True}

    async def ready() -> bool:
        if not state["ready"]:
            raise ConnectionError("database down")
        return True

    server = HealthServer(metrics, ready, listen="127.0.0.1", port=0)
    port = await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 200
            state["ready"] = False
            assert (await client.get("/readyz")).status_code == 503
            assert (await client.get("/healthz")).status_code == 200, "alive while not ready"
            text = (await client.get("/metrics")).text
    finally:
        await server.stop()
    assert 'carnet_updates_total{kind="TextIn"} 2' in text
    assert 'carnet_updates_refused_total{reason="group"} 1' in text
    assert 'carnet_answer_seconds_bucket{le="0.05"} 1' in text
    assert 'carnet_answer_seconds_bucket{le="5.0"} 2' in text
    assert "carnet_answer_seconds_count 2" in text
