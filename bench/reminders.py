"""Reminders at scale on PostgreSQL: the claim query on 1,000,000 occurrences, and send throughput.

1. Bulk-loads the store's own tables (``accounts``, ``profiles``, ``occurrences``, created by
   the store's migrations) server-side with ``INSERT … SELECT generate_series``: 100,000 users,
   1,000,000 occurrences (30 % already sent in the past, the rest spread over the next 30 days)
   plus a backlog of 2,000 due now.
2. Claim query: the exact statement ``store.claim_due`` runs (captured from the engine), timed
   with ``EXPLAIN (ANALYZE, BUFFERS)`` inside a rolled-back transaction; its plan is printed and
   must use the partial index ``ix_occurrences_unsent_due``. Target: ≤ 50 ms. Reference in the
   same process: the same statement with index scans disabled (what a missing index would cost).
3. Throughput: N real users (encrypted vaults, a confirmed medication, planned by the planner)
   all due at once; the dispatcher sends through ``bot.tg.outbound.TelegramSender`` to the fake
   Bot API (``tests/fakes/bot_api.py``) at Telegram's 30 messages/s, and each occurrence must
   arrive exactly once. Reference: the same dispatcher without the rate limit (its capacity).

    .venv/bin/python -m bench reminders [--users 100000] [--occurrences 1000000] [--senders 300]

Needs ``CARNET_BENCH_DATABASE_URL`` or ``CARNET_TEST_DATABASE_URL`` (a PostgreSQL URL; a fresh
database is created beside it and dropped at the end); prints a skip line otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.postgres import fresh_database

BACKLOG = 2_000


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def _bulk_load(engine: Any, users: int, occurrences: int, now: datetime) -> float:
    """Synthetic accounts, profiles and occurrences, generated inside PostgreSQL."""
    from sqlalchemy import text

    started = time.perf_counter()
    per_user = max(1, occurrences // users)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (id, lookup_hash, erased) "
                "SELECT 'a' || lpad(i::text, 31, '0'), decode(md5('bench' || i), 'hex'), false "
                "FROM generate_series(1, :n) AS i"
            ),
            {"n": users},
        )
        conn.execute(
            text(
                "INSERT INTO profiles (id, account_id, is_default, master_key_id, version) "
                "SELECT 'p' || lpad(i::text, 31, '0'), 'a' || lpad(i::text, 31, '0'), true, "
                "'bench', 0 FROM generate_series(1, :n) AS i"
            ),
            {"n": users},
        )
        # 30 % sent in the past 30 days, 70 % unsent from tomorrow over 30 days (not due today).
        conn.execute(
            text(
                "INSERT INTO occurrences "
                "(id, profile_id, account_id, reminder_id, due_at, sent_at) "
                "SELECT md5('o' || i), 'p' || lpad(u::text, 31, '0'), "
                "'a' || lpad(u::text, 31, '0'), md5('r' || u), "
                "CASE WHEN i % 10 < 3 THEN :now - (i % 2592000) * interval '1 second' "
                "ELSE :now + interval '1 day' + (i % 2592000) * interval '1 second' END, "
                "CASE WHEN i % 10 < 3 THEN :now - (i % 2592000) * interval '1 second' END "
                "FROM (SELECT i, 1 + (i - 1) / :per AS u FROM generate_series(1, :n) AS i) AS s"
            ),
            {"n": occurrences, "per": per_user, "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO occurrences (id, profile_id, account_id, reminder_id, due_at) "
                "SELECT md5('due' || i), 'p' || lpad((1 + i % :users)::text, 31, '0'), "
                "'a' || lpad((1 + i % :users)::text, 31, '0'), md5('r' || i), "
                ":now - (i % 600) * interval '1 second' FROM generate_series(1, :n) AS i"
            ),
            {"n": BACKLOG, "users": users, "now": now},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE occurrences"))
        conn.execute(text("ANALYZE accounts"))
        conn.execute(text("ANALYZE profiles"))
    return time.perf_counter() - started


def _capture_claim(store: Any, now: datetime) -> tuple[str, Any]:
    """The SQL text and parameters of ``claim_due``'s SELECT (run once, then rolled back)."""
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "SKIP LOCKED" in statement:
            seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        store.claim_due(now - timedelta(days=3650), limit=200)  # nothing that old: no change
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)
    return seen[0]


def _explain(engine: Any, statement: str, params: Any, *, index: bool) -> tuple[float, str]:
    """Execution time (ms) reported by EXPLAIN ANALYZE, and the plan, in a rolled-back tx."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if not index:
            for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
        lines = [row[0] for row in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    ms = next(float(line.split(":")[1].split()[0]) for line in lines if "Execution Time" in line)
    return ms, "\n".join(lines)


def _nodes(plan: str) -> list[str]:
    """The plan's node names, outermost first."""
    out = []
    for line in plan.splitlines():
        text = line.strip().removeprefix("->").strip()
        if "(cost=" in text:
            out.append(text.split("  (cost=")[0])
    return out


def _wall(engine: Any, statement: str, params: Any, *, index: bool) -> float:
    """Wall time (ms) of the claim SELECT as the application sees it, in a rolled-back tx."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if not index:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        started = time.perf_counter()
        cursor.execute(statement, params)
        cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        raw.rollback()
    finally:
        raw.close()
    return elapsed


def _with_claim_params(params: Any, now: datetime, limit: int) -> Any:
    """The captured parameters with ``now`` and ``limit`` replaced."""
    out = dict(params)
    for key, value in out.items():
        if isinstance(value, datetime):
            out[key] = now
        elif isinstance(value, int) and value == 200:
            out[key] = limit
    return out


def _seed_senders(store: Any, count: int, now: datetime) -> None:
    from bot.reminders.planner import sync
    from store.records import Duration, Medication, Posology, RecordStatus, TimeOfDay

    for user in range(1, count + 1):
        with store.vault(10_000_000 + user) as vault:
            vault.set_chat_id(10_000_000 + user)
            vault.save(
                Medication(
                    name=f"Médicament {user % 7}",
                    status=RecordStatus.CONFIRMED,
                    posology=Posology(
                        when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
                        duration=Duration(value=2, unit="d"),
                    ),
                )
            )
            sync(vault, now)


def _busiest(stamps: list[float]) -> int:
    """The most timestamps in any one-second window."""
    ordered = sorted(stamps)
    return max(
        (sum(1 for t in ordered[i:] if t - start < 1.0 - 1e-6) for i, start in enumerate(ordered)),
        default=0,
    )


class _StampingSender:
    """Records when each Bot API call starts (what the rate limit governs)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.stamps: list[float] = []

    async def send(self, chat_id: int, replies: list[Any]) -> None:
        self.stamps.append(time.monotonic())
        await self.inner.send(chat_id, replies)


class _TimedStore:
    """The store, with the duration of each ``claim_due`` call recorded."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.claims: list[float] = []

    def claim_due(self, now: datetime, **kw: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.store.claim_due(now, **kw)
        finally:
            self.claims.append((time.perf_counter() - started) * 1000)

    def mark_sent(self, occurrence_id: str, at: datetime) -> bool:
        return bool(self.store.mark_sent(occurrence_id, at))

    def vault_for_account(self, account_id: str, profile_id: str) -> Any:
        return self.store.vault_for_account(account_id, profile_id)


async def _dispatch(store: Any, api: Any, now: datetime, rate: int) -> dict[str, float]:
    """One tick sending everything due at ``now`` through the fake Bot API."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.reminders.dispatcher import Dispatcher
    from bot.tg.outbound import TelegramSender

    # A connection pool like the application's (PTB's default Bot request has one connection).
    bot = Bot(
        api.token,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        request=HTTPXRequest(connection_pool_size=32),
    )
    await bot.initialize()
    timed = _TimedStore(store)
    sender = _StampingSender(TelegramSender(bot))
    dispatcher = Dispatcher(timed, sender, _Clock(now), rate=rate, concurrency=16)
    before = len(api.calls_of("sendMessage"))
    started = time.perf_counter()
    started_mono = time.monotonic()
    report = await dispatcher.tick()
    elapsed = time.perf_counter() - started
    await bot.shutdown()
    calls = api.calls_of("sendMessage")[before:]
    sent = len(calls)
    stamps = sorted(c.at for c in calls)
    window = _busiest(stamps)
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    return {
        "max_in_1s_calls": _busiest(sender.stamps),
        "steady_per_second": steady,
        "first_send_s": stamps[0] - started_mono if stamps else 0.0,
        "max_in_1s": window,
        "claimed": report.claimed,
        "sent": sent,
        "failed": report.failed,
        "seconds": elapsed,
        "per_second": sent / elapsed if elapsed else 0.0,
        "claim_ms_median": statistics.median(timed.claims),
        "claim_ms_max": max(timed.claims),
    }


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="bench.reminders")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--occurrences", type=int, default=1_000_000)
    parser.add_argument("--senders", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    base = os.environ.get("CARNET_BENCH_DATABASE_URL") or os.environ.get(
        "CARNET_TEST_DATABASE_URL"
    )
    if not base or not base.startswith("postgresql"):
        print("bench.reminders skipped: set CARNET_BENCH_DATABASE_URL to a PostgreSQL URL")
        return 0
    from bot.reminders.dispatcher import SEND_RATE
    from store import open_store
    from tests.fakes.bot_api import FakeBotApi

    # Morning of Friday 27 March 2026 in Paris (the 08:00 dose is due at 07:00 UTC).
    now = datetime(2026, 3, 27, 7, 0, tzinfo=UTC)
    with fresh_database(base, "carnet_bench") as url:
        store = open_store(url, secrets.token_bytes(32), cache_profiles=0)
        try:
            loaded = _bulk_load(store.engine, args.users, args.occurrences, now)
            total = args.occurrences + BACKLOG
            print(
                f"loaded {args.users:,} users and {total:,} occurrences in {loaded:.1f} s "
                f"({total / loaded:,.0f} rows/s)"
            )
            statement, params = _capture_claim(store, now)
            params = _with_claim_params(params, now, 200)
            _explain(store.engine, statement, params, index=True)  # warm the cache
            indexed = [
                _explain(store.engine, statement, params, index=True)[0] for _ in range(args.runs)
            ]
            wall = [_wall(store.engine, statement, params, index=True) for _ in range(args.runs)]
            _, plan = _explain(store.engine, statement, params, index=True)
            scans = [_explain(store.engine, statement, params, index=False)[0] for _ in range(5)]
            _, scan_plan = _explain(store.engine, statement, params, index=False)
            print("claim query (limit 200, FOR UPDATE SKIP LOCKED), plan:")
            print("    " + plan.replace("\n", "\n    "))
            uses_index = "ix_occurrences_unsent_due" in plan
            print(
                f"claim query: median {statistics.median(indexed):.2f} ms "
                f"(max {max(indexed):.2f}) server-side, median {statistics.median(wall):.2f} ms "
                f"wall; index scan: {'yes' if uses_index else 'NO'}; target <= 50 ms: "
                f"{'ok' if statistics.median(wall) <= 50 and uses_index else 'MISSED'}"
            )
            print(
                f"reference (index scans off): median {statistics.median(scans):.1f} ms, "
                f"plan: {' / '.join(_nodes(scan_plan))}"
            )
            print(
                f"ratio reference / indexed: "
                f"{statistics.median(scans) / statistics.median(indexed):.0f}x"
            )
            claims = []
            for _ in range(BACKLOG // 200):
                started = time.perf_counter()
                got = store.claim_due(now, limit=200)
                claims.append((time.perf_counter() - started) * 1000)
                assert len(got) == 200
            print(
                f"store.claim_due (select + lease update + commit, 200 rows, alone): "
                f"median {statistics.median(claims):.1f} ms, max {max(claims):.1f} ms"
            )
            # Take the synthetic backlog out of the way: its profiles have no keys to open.
            from sqlalchemy import text

            with store.engine.begin() as conn:
                conn.execute(
                    text(
                        "UPDATE occurrences SET sent_at = :now WHERE id LIKE '%' AND sent_at "
                        "IS NULL AND due_at <= :now"
                    ),
                    {"now": now},
                )
            started = time.perf_counter()
            _seed_senders(store, args.senders, now - timedelta(hours=1))
            print(
                f"seeded {args.senders} encrypted users with a 2-day course in "
                f"{time.perf_counter() - started:.1f} s"
            )

            async def run() -> tuple[dict[str, float], dict[str, float]]:
                api = FakeBotApi()
                await api.start()
                try:
                    reference = await _dispatch(store, api, now, rate=10**9)
                    evening = now + timedelta(hours=11, minutes=30)  # the 19:30 dose
                    limited = await _dispatch(store, api, evening, rate=SEND_RATE)
                    ids = [c.params.get("reply_markup", "") for c in api.calls_of("sendMessage")]
                    assert len(ids) == len(set(map(str, ids))), "an occurrence was sent twice"
                    return reference, limited
                finally:
                    await api.stop()

            reference, limited = asyncio.run(run())
            for name, figures in (("unlimited (reference)", reference), ("rate-limited", limited)):
                print(
                    f"dispatch {name}: {figures['sent']:.0f}/{figures['claimed']:.0f} sent "
                    f"in {figures['seconds']:.2f} s = {figures['per_second']:.1f} msg/s "
                    f"(first after {figures['first_send_s']:.2f} s, then "
                    f"{figures['steady_per_second']:.1f} msg/s); "
                    f"claim_due median {figures['claim_ms_median']:.1f} ms "
                    f"(max {figures['claim_ms_max']:.1f}); failed {figures['failed']:.0f}; "
                    f"busiest second: {figures['max_in_1s_calls']:.0f} calls made, "
                    f"{figures['max_in_1s']:.0f} received by the fake server"
                )
            print(
                f"capacity / Telegram rate: {reference['per_second'] / 30:.1f}x; "
                f"rate-limited run sustained {limited['steady_per_second'] / 30:.0%} of 30 msg/s"
            )
        finally:
            store.close()
    return 0
