"""Cost of one text turn of ``Engine.handle`` in process: answers per CPU-second, SQL per turn.

The load bench's reference (``bench.load``) without the cluster: ``--users`` users onboarded
with empty records (``tests.bot.conftest.Chat``) ask the load's 4 questions in rotation, all
users concurrently, each in a closed loop. Printed: answers/s wall clock, answers per
CPU-second of this process, SQL statements, commits and pool pre-pings per answer, the
CPU of the PostgreSQL server processes serving the store's connections per answer (local
server only),
and with ``--profile FILE`` a cProfile of the measured phase (the event loop thread and the
store threads, ``pstats`` format; ``--top N`` prints the N costliest functions).

    .venv/bin/python -m bench engine_turn [--db sqlite|postgres|both] [--users 50]
        [--questions 40] [--profile out.prof] [--top 25]

PostgreSQL needs ``CARNET_TEST_DATABASE_URL`` (a fresh database is created and dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.load import QUESTIONS


class SqlCounter:
    """Counts statements sent to the database and pool pre-pings.

    SQLite: SQLAlchemy's events. PostgreSQL: at the driver (psycopg), where the store also sends
    statements of its own: every ``Cursor.execute`` and the commits. Not counted there: the
    ``BEGIN`` psycopg sends before a transaction's first ``Cursor.execute``, and the vault's
    opening string (``BEGIN``, account lock and profile row in one round trip, no cursor).
    """

    def __init__(self, engine: Any) -> None:
        """Listen on ``engine`` (a SQLAlchemy Engine)."""
        from sqlalchemy import event

        self.statements = 0
        self.commits = 0
        self.pings = 0
        self._lock = threading.Lock()
        if engine.dialect.name == "postgresql":
            import psycopg

            self._count(psycopg.Cursor, "execute", "statements")
            self._count(psycopg.Connection, "commit", "commits")
        else:
            event.listen(engine, "before_cursor_execute", self._statement)
        dialect = engine.dialect
        ping = dialect.do_ping

        def counted_ping(dbapi_connection: Any) -> bool:
            with self._lock:
                self.pings += 1
            return bool(ping(dbapi_connection))

        dialect.do_ping = counted_ping

    def _count(self, cls: Any, method: str, counter: str) -> None:
        real = getattr(cls, method)

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                setattr(self, counter, getattr(self, counter) + 1)
            return real(*args, **kwargs)

        setattr(cls, method, counted)

    def _statement(self, *_args: Any) -> None:
        with self._lock:
            self.statements += 1

    def snapshot(self) -> tuple[int, int, int]:
        """(statements, commits, pings) so far."""
        with self._lock:
            return self.statements, self.commits, self.pings


def backend_cpu(url: str) -> float | None:
    """CPU-seconds used so far by the server processes of this PostgreSQL database's sessions.

    Read from ``/proc`` (the server runs on this machine), for every other session of the
    database, which are the store's pooled connections; None when the server is not local.
    """
    import psycopg

    from store.sql.database import normalise_url

    with psycopg.connect(
        normalise_url(url).replace("postgresql+psycopg://", "postgresql://")
    ) as c:
        pids = [
            int(row[0])
            for row in c.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    total = 0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def profiled(path: str | None) -> Iterator[None]:
    """cProfile every thread (loop and executors) while the block runs, dumped to ``path``."""
    if path is None:
        yield
        return
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_thread(*_args: Any) -> None:
        profile = cProfile.Profile()
        with lock:
            profiles.append(profile)
        profile.enable()

    main = cProfile.Profile()
    threading.setprofile(start_thread)
    main.enable()
    try:
        yield
    finally:
        main.disable()
        threading.setprofile(None)  # type: ignore[arg-type]
        for profile in profiles:
            profile.disable()
        stats = pstats.Stats(main)
        for profile in profiles:
            stats.add(profile)
        stats.dump_stats(path)


async def measure(url: str, folder: Path, args: argparse.Namespace) -> dict[str, float]:
    """Onboard the users, warm up, then time ``--questions`` questions per user."""
    from bot.bootstrap import build_services
    from bot.engine.events import TextIn, UserRef
    from bot.settings import Settings
    from tests.bot.conftest import Chat

    services = build_services(
        Settings(data_dir=folder, database_url=url, language="fr"),
        master_key=secrets.token_bytes(32),
    )
    try:
        services.cpu_executor.submit(lambda: None).result()  # warm-up done
        for n in range(args.users):
            await Chat(services.engine, user_id=9000 + n).onboard()
        refs = [UserRef(user_id=9000 + n, chat_id=9000 + n) for n in range(args.users)]
        counter = SqlCounter(services.store.engine)  # type: ignore[attr-defined]

        async def ask(user: UserRef, count: int) -> None:
            for n in range(count):
                await services.engine.handle(user, TextIn(text=QUESTIONS[n % len(QUESTIONS)]))

        await asyncio.gather(*(ask(u, 4) for u in refs))
        before = counter.snapshot()
        if args.profile:  # new store threads, so that the profiler sees them from their start
            services.engine._io = ThreadPoolExecutor(4, thread_name_prefix="carnet-io-profiled")
        postgres = url.startswith("postgresql")
        server = backend_cpu(url) if postgres else None
        with profiled(args.profile):
            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(ask(u, args.questions) for u in refs))
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        server_after = backend_cpu(url) if postgres else None
        answers = args.users * args.questions
        after = counter.snapshot()
        statements, commits, pings = (
            (b - a) / answers for a, b in zip(before, after, strict=True)
        )
        return {
            "per_s": answers / elapsed,
            "per_cpu_s": answers / cpu,
            "statements": statements,
            "commits": commits,
            "pings": pings,
            "server_us": (
                (server_after - server) / answers * 1e6
                if server is not None and server_after is not None
                else -1.0
            ),
        }
    finally:
        services.close()


def run(kind: str, args: argparse.Namespace) -> dict[str, float] | None:
    """Measure on a fresh SQLite file or a fresh PostgreSQL database."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if kind == "sqlite":
            return asyncio.run(measure(f"sqlite:///{folder / 'carnet.db'}", folder, args))
        admin = os.environ.get("CARNET_TEST_DATABASE_URL")
        if not admin:
            print("engine_turn: postgres needs CARNET_TEST_DATABASE_URL; skipped")
            return None
        from tests.postgres import fresh_database

        with fresh_database(admin, "carnet_turn") as url:
            return asyncio.run(measure(url, folder, args))


def main() -> int:
    """Print answers/s, answers per CPU-second and SQL per answer for each database."""
    parser = argparse.ArgumentParser(prog="bench.engine_turn")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--profile", help="write a cProfile (pstats) of the measured phase")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for kind in kinds:
        load = os.getloadavg()[0]
        f = run(kind, args)
        if f is None:
            continue
        print(
            f"Engine.handle on {kind}, {args.users} users x {args.questions} questions "
            f"(load average {load:.1f} -> {os.getloadavg()[0]:.1f}): {f['per_s']:.0f} answers/s "
            f"wall, {f['per_cpu_s']:.0f} per CPU-second; per answer {f['statements']:.2f} SQL "
            f"statements through cursors, {f['commits']:.2f} commits, {f['pings']:.2f} pre-pings "
            "(PostgreSQL: counted at the driver; SQLite: BEGIN and COMMIT not counted)"
            + (
                f"; PostgreSQL's own CPU {f['server_us']:.0f} µs per answer"
                if f["server_us"] >= 0
                else ""
            ),
            flush=True,
        )
        if args.profile and args.top:
            pstats.Stats(args.profile).sort_stats("tottime").print_stats(args.top)
            pstats.Stats(args.profile).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
