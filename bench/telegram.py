"""End-to-end answer latency through Telegram: message in, reply out, over the fake Bot API.

The real python-telegram-bot application (long polling, rate limiter, per-user serialisation,
HTML escaping, splits) runs the real engine on an encrypted SQLite store holding 10 years of
history for one user (``bench.nlu``'s generator), against ``tests/fakes/bot_api.py`` on
127.0.0.1. For each question of the NLU set we time, from the moment the update is queued on
the fake server, the first and the last message the bot sends in answer (no OCR). Target: median
<= 100 ms, p99 <= 300 ms. Reference run in the same process: ``Engine.handle`` alone on the same
questions and store, so the ratio is what Telegram transport adds.

    .venv/bin/python -m bench telegram [--scale 1.0] [--limit 120]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.nlu import _Clock, _percentile, _seed, load_cases


def _fail(files: object, options: object) -> Any:
    raise AssertionError("no OCR in this benchmark")


def _figures(times: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(times),
        "p99_ms": _percentile(times, 0.99),
        "n": len(times),
    }


async def _measure(questions: list[str], scale: float, tmp: Path, verbose: bool) -> dict[str, Any]:
    from bot.engine.engine import Engine
    from bot.engine.events import TextIn, UserRef
    from bot.settings import load_settings
    from bot.tg.application import ADAPTER_KEY, build_application, polling
    from store import open_store
    from tests.fakes.bot_api import SEND_METHODS, FakeBotApi

    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    store = open_store(f"sqlite:///{tmp}/bench.db", secrets.token_bytes(32))
    api = FakeBotApi()
    await api.start()
    try:
        started = time.perf_counter()
        records = await asyncio.to_thread(_seed, store, 1, now, scale)
        seeded = time.perf_counter() - started
        engine = Engine(store=store, clock=_Clock(now), extract=_fail)

        user = UserRef(user_id=1, chat_id=1, language_code="fr")
        await engine.handle(user, TextIn(text="quels sont mes traitements ?"))  # warm-up
        direct: list[float] = []
        for question in questions:
            begin = time.perf_counter()
            await engine.handle(user, TextIn(text=question))
            direct.append((time.perf_counter() - begin) * 1000)

        settings = load_settings(
            {
                "TELEGRAM_BOT_TOKEN": api.token,
                "TELEGRAM_API_BASE_URL": api.base_url,
                "TELEGRAM_FILE_BASE_URL": api.base_file_url,
                "CARNET_DATA_DIR": str(tmp),
                "CARNET_RATE_LIMIT_PER_MINUTE": "0",
            }
        )
        app = build_application(settings, engine)
        adapter = app.bot_data[ADAPTER_KEY]
        original = adapter.dispatch
        finished: asyncio.Queue[float] = asyncio.Queue()

        async def timed(user: UserRef, event: Any) -> None:
            await original(user, event)
            finished.put_nowait(time.monotonic())

        adapter.dispatch = timed  # every reply of one event is sent when dispatch returns
        first: list[float] = []
        last: list[float] = []
        counts: list[int] = []
        async with polling(app):
            alice = api.user(1)
            for question in ["quels sont mes traitements ?", *questions]:  # first: warm-up
                start = len(api.calls)
                begin = time.monotonic()
                await alice.send_text(question)
                end = await asyncio.wait_for(finished.get(), timeout=60)
                mine = [
                    c
                    for c in api.calls[start:]
                    if c.chat_id == 1 and c.method in SEND_METHODS and c.at <= end
                ]
                assert mine and all(c.error is None for c in mine), "no reply, or refused"
                if verbose:
                    print([(c.method, round((c.at - begin) * 1000), len(c.text)) for c in mine])
                counts.append(len(mine))
                first.append((mine[0].at - begin) * 1000)
                last.append((mine[-1].at - begin) * 1000)
        first, last, counts = first[1:], last[1:], counts[1:]
    finally:
        await api.stop()
        store.close()
    return {
        "records": records,
        "seed_seconds": seeded,
        "direct": _figures(direct),
        "first": _figures(first),
        "last": _figures(last),
        "messages": sum(counts),
    }


def main() -> int:
    """Print the Telegram end-to-end latency and its ratio to the engine alone."""
    parser = argparse.ArgumentParser(prog="bench.telegram")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--limit", type=int, default=120, help="questions measured")
    parser.add_argument("--verbose", action="store_true", help="print each answer's messages")
    args = parser.parse_args()
    from bot.engine import nlu

    _, cases = load_cases()
    questions = [c["text"] for c in cases if c["intent"] in nlu.QUESTIONS][: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(_measure(questions, args.scale, Path(tmp), args.verbose))
    first, last, direct = figures["first"], figures["last"], figures["direct"]
    print(
        f"Telegram end to end (fake Bot API, real PTB + engine), 10-year user "
        f"({figures['records']} records, seeded in {figures['seed_seconds']:.0f} s), "
        f"{first['n']} questions:"
    )
    print(
        f"  first reply: median {first['median_ms']:.1f} ms, p99 {first['p99_ms']:.1f} ms "
        f"(targets: median <= 100 ms, p99 <= 300 ms)"
    )
    print(
        f"  last reply:  median {last['median_ms']:.1f} ms, p99 {last['p99_ms']:.1f} ms; "
        f"{figures['messages'] / first['n']:.1f} messages per answer"
    )
    print(
        f"reference, Engine.handle alone: median {direct['median_ms']:.1f} ms, "
        f"p99 {direct['p99_ms']:.1f} ms; ratio median "
        f"{last['median_ms'] / max(direct['median_ms'], 1e-9):.2f}x"
    )
    return 0 if last["median_ms"] <= 100 and last["p99_ms"] <= 300 else 1


if __name__ == "__main__":
    raise SystemExit(main())
