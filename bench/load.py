"""Load of the scaled shape: text questions per second of one bot, documents per minute per worker.

Processes are started as in production (``tests/deploy/cluster.py``: ``carnet run --webhook``,
``carnet worker``, one PostgreSQL), fed by the fake Telegram Bot API on 127.0.0.1.

1. Text questions: ``--users`` onboarded users (default 50) each ask ``--questions`` questions in a
   closed loop (next question once the answer arrived) to ONE webhook bot process. Figure:
   answers per second sustained (target >= 300/s on 2 cores, no OCR). Reference run in the same
   process: ``Engine.handle`` alone, in this process, same users, questions and concurrency.
2. Documents: ``--documents`` prescription photos (Telegram's 1280 px JPEG, synthetic) queued at
   once, read by 1 then 2 ``carnet worker`` processes (one slot each). Figures: documents per
   minute per worker, and the 2-worker/1-worker scaling ratio. Reference in the same process: the
   extraction alone on the same photos, one at a time.

Needs PostgreSQL (``CARNET_TEST_DATABASE_URL``, a fresh database is created and dropped) and
Tesseract. ``CARNET_BENCH_SCALE`` multiplies the counts.

    .venv/bin/python -m bench load [--users 50] [--questions 20] [--documents 12 (0: none)]
        [--bot-queue postgres|inprocess] [--bot-api-rate 0]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.postgres import fresh_database

QUESTIONS = (
    "quels sont mes traitements ?",
    "ai-je des allergies ?",
    "quels vaccins ai-je eus ?",
    "mon dernier bilan sanguin ?",
)
TOKEN = "777002:carnet-load-bench"


def machine_busy_seconds() -> float:
    """CPU-seconds spent by every process of the machine (all cores, from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its waited-for children (Tesseract runs), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def photos(count: int, folder: Path) -> list[bytes]:
    """Synthetic prescription pages as Telegram would deliver them (JPEG, long side 1280 px)."""
    from PIL import Image

    from tests.synthetic.corpus import build_document, render_document

    out = []
    for index in range(count):
        truth, draft = build_document(23, "prescription", index % 6)
        sub = folder / f"doc-{index}"
        sub.mkdir()
        files = render_document(sub, truth, draft, ["image"])
        image = Image.open(sub / files["image"][0]).convert("RGB")
        image.thumbnail((1280, 1280))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        out.append(buffer.getvalue())
    return out


async def drain_reminders(api: Any) -> int:
    """Wait until the bot has sent the prevention reminders due to the new users.

    The onboarded users (born 1960) are due several vaccine and screening reminders, which the
    bot's reminders tick sends at most 29 a second from 5 s after start. They are not answers:
    the measure starts once they are out. Returns how many were sent.
    """
    from bot.tg.jobs import FIRST_TICK_SECONDS

    before = len(api.calls)
    await asyncio.sleep(FIRST_TICK_SECONDS + 1.0)
    await api.wait_quiet(2.0, within=300)
    return len(api.calls) - before


async def measure_questions(
    cluster: Any,
    users: int,
    questions: int,
    master_key: bytes,
    url: str,
    queue: str,
    bot_api_rate: str,
) -> dict[str, float]:
    """Answers per second of one webhook bot, and of ``Engine.handle`` alone (reference)."""
    from bot.bootstrap import build_services
    from bot.engine.events import TextIn, UserRef
    from bot.settings import Settings
    from tests.bot.conftest import Chat

    services = build_services(
        Settings(data_dir=cluster.folder / "ref", database_url=url, language="fr"),
        master_key=master_key,
    )
    for n in range(users):  # onboarded in process: the load below is questions only
        await Chat(services.engine, user_id=9000 + n).onboard()
    api = cluster.api
    bot = await cluster.start_bot(
        "bot-load",
        CARNET_LOG_LEVEL="WARNING",
        CARNET_QUEUE=queue,
        CARNET_BOT_API_RATE=bot_api_rate,
    )
    cluster.balance()
    reminders = await drain_reminders(api)
    people = [api.user(9000 + n) for n in range(users)]
    for person in people:
        person.cursor = len(api.calls)

    async def ask(user: Any, count: int) -> None:
        for n in range(count):
            await user.send_text(QUESTIONS[n % len(QUESTIONS)])
            await user.expect(lambda c: c.method == "sendMessage", within=60)

    await asyncio.gather(*(ask(p, 2) for p in people))  # warm-up
    first_call = len(api.calls)
    started, cpu = time.perf_counter(), cpu_seconds(bot.process.pid)
    own, machine = cpu_seconds(os.getpid()), machine_busy_seconds()
    await asyncio.gather(*(ask(p, questions) for p in people))
    elapsed = time.perf_counter() - started
    bot_cpu = cpu_seconds(bot.process.pid) - cpu
    own, machine = cpu_seconds(os.getpid()) - own, machine_busy_seconds() - machine
    sent = sum(1 for c in api.calls[first_call:] if c.method == "sendMessage")
    inline = sum(1 for c in api.calls[first_call:] if c.method == "sendMessage" and c.via_webhook)
    if sent != users * questions:  # anything but the answers would inflate the figure
        raise AssertionError(f"{sent} messages sent for {users * questions} questions")
    through_bot = users * questions / elapsed
    bot_per_cpu_s = users * questions / bot_cpu
    await cluster.stop(bot)
    cluster.procs.remove(bot)

    try:
        refs = [UserRef(user_id=9000 + n, chat_id=9000 + n) for n in range(users)]

        async def ask_engine(user: UserRef, count: int) -> None:
            for n in range(count):
                await services.engine.handle(user, TextIn(text=QUESTIONS[n % len(QUESTIONS)]))

        await asyncio.gather(*(ask_engine(u, 2) for u in refs))
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(ask_engine(u, questions) for u in refs))
        alone = users * questions / (time.perf_counter() - started)
        alone_per_cpu_s = users * questions / (time.process_time() - cpu)
    finally:
        services.close()
    return {
        "reminders": reminders,
        "inline_share": inline / max(sent, 1),
        "bot_cpu_per_s": bot_cpu / elapsed,
        "bench_cpu_per_s": own / elapsed,
        "machine_cpu_per_s": machine / elapsed,
        "bot_per_s": through_bot,
        "engine_per_s": alone,
        "bot_per_cpu_s": bot_per_cpu_s,
        "engine_per_cpu_s": alone_per_cpu_s,
    }


def queue_documents(url: str, master_key: bytes, images: list[bytes], first_user: int) -> None:
    """Store each photo as a received document of its own user and queue its job."""
    from store import open_store
    from store.records import Document, DocumentPage
    from store.sql.database import make_engine
    from store.sql.jobs import DocumentJobs

    now = datetime.now(UTC)
    store = open_store(url, master_key)
    jobs = DocumentJobs(make_engine(url, pool_size=2))
    try:
        for n, image in enumerate(images):
            user = first_user + n
            with store.vault(user) as vault:
                vault.set_chat_id(user)
                page = DocumentPage(filename="photo.jpg", media_type="image/jpeg", content=image)
                document = Document(received_at=now, pages=[page])
                vault.add_document(document)
                ids = vault.account_id, vault.profile_id
            jobs.enqueue(*ids, document.id, now)
    finally:
        jobs.engine.dispose()
        store.close()


async def measure_documents(
    cluster: Any, url: str, master_key: bytes, images: list[bytes], workers: int, first_user: int
) -> tuple[float, float]:
    """Documents per minute of ``workers`` processes (startup excluded), and per CPU-minute."""
    from store.sql.database import make_engine
    from store.sql.jobs import DocumentJobs

    procs = await asyncio.gather(
        *(
            cluster.start_worker(f"worker-{first_user}-{n}", CARNET_WORKERS="1")
            for n in range(workers)
        )
    )
    jobs = DocumentJobs(make_engine(url, pool_size=2))
    try:
        started = time.perf_counter()
        cpu = sum(cpu_seconds(p.process.pid) for p in procs)
        await asyncio.to_thread(queue_documents, url, master_key, images, first_user)
        while True:
            depth = await asyncio.to_thread(jobs.depth)
            if depth.queued == depth.running == 0:
                break
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - started
        cpu = sum(cpu_seconds(p.process.pid) for p in procs) - cpu
    finally:
        jobs.engine.dispose()
        for proc in procs:
            await cluster.stop(proc)
            cluster.procs.remove(proc)
    return len(images) / elapsed * 60, len(images) / cpu * 60


def extraction_alone(images: list[bytes]) -> tuple[float, float]:
    """Documents per minute of the extraction alone, one at a time, and per CPU-minute."""
    from bot.bootstrap import extraction_options
    from bot.settings import Settings
    from extraction.api import extract_document
    from extraction.result import InputFile

    options = extraction_options(Settings())
    extract_document([InputFile(name="w.jpg", data=images[0])], options)  # warm-up
    started, cpu = time.perf_counter(), cpu_seconds(os.getpid())
    for image in images:
        extract_document([InputFile(name="p.jpg", data=image)], options)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(os.getpid()) - cpu
    return len(images) / elapsed * 60, len(images) / cpu * 60


async def run(args: argparse.Namespace, admin_url: str, folder: Path) -> dict[str, float]:
    from tests.deploy.cluster import Cluster
    from tests.fakes.bot_api import FakeBotApi

    master_key = secrets.token_bytes(32)
    images = photos(args.documents, folder)
    figures: dict[str, float] = {}
    with fresh_database(admin_url, "carnet_bench") as url:
        api = FakeBotApi(TOKEN)
        await api.start()
        cluster = Cluster(api, url, master_key, folder, {"CARNET_LOG_LEVEL": "WARNING"})
        try:
            await cluster.migrate()
            figures.update(
                await measure_questions(
                    cluster,
                    args.users,
                    args.questions,
                    master_key,
                    url,
                    args.bot_queue,
                    args.bot_api_rate,
                )
            )
            if images:
                one = await measure_documents(cluster, url, master_key, images, 1, 20000)
                two = await measure_documents(cluster, url, master_key, images, 2, 30000)
                figures.update(docs_1=one[0], docs_1_cpu=one[1], docs_2=two[0], docs_2_cpu=two[1])
        finally:
            await cluster.stop_all()
            await api.stop()
    if images:
        figures["docs_alone"], figures["docs_alone_cpu"] = await asyncio.to_thread(
            extraction_alone, images
        )
    return figures


def main() -> int:
    """Print the load figures and their ratios to the in-process references."""
    parser = argparse.ArgumentParser(prog="bench.load")
    scale = float(os.environ.get("CARNET_BENCH_SCALE", "1") or 1)
    parser.add_argument("--users", type=int, default=max(2, int(50 * scale)))
    parser.add_argument("--questions", type=int, default=max(2, int(20 * scale)))
    parser.add_argument("--documents", type=int, default=max(2, int(12 * scale)))
    parser.add_argument(
        "--bot-queue",
        choices=["postgres", "inprocess"],
        default="postgres",
        help="inprocess: the bot without per-user turns across instances (what they cost)",
    )
    parser.add_argument(
        "--bot-api-rate",
        default="0",
        help="CARNET_BOT_API_RATE of the bot: messages/s it may send (0, default: no limit, "
        "to measure the process; Telegram's free limit, 30, caps a bot at 30 answers/s)",
    )
    args = parser.parse_args()
    admin_url = os.environ.get("CARNET_TEST_DATABASE_URL")
    if not admin_url or shutil.which("tesseract") is None:
        print("bench.load: needs CARNET_TEST_DATABASE_URL (PostgreSQL) and tesseract; skipped")
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        f = asyncio.run(run(args, admin_url, Path(tmp)))
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    print(
        f"scaled shape on {cores} cores (load average {load_before:.1f} before, {load:.1f} at "
        f"the end: other processes share them), one PostgreSQL, fake Bot API and load generator "
        f"in the bench process on 127.0.0.1; bot Bot API rate limit {args.bot_api_rate}/s "
        f"(0: none)"
    )
    print(
        f"text questions, {args.users} users x {args.questions} (closed loop; "
        f"{f['reminders']:.0f} prevention reminders sent before), one webhook bot "
        f"({args.bot_queue} queue; {f['inline_share']:.0%} of answers in the webhook "
        f"responses): "
        f"{f['bot_per_s']:.0f} answers/s wall clock (target >= 300/s); "
        f"{f['bot_per_cpu_s']:.0f} answers per CPU-second of the bot process "
        f"({f['bot_cpu_per_s']:.2f} CPU-s/s; bench process {f['bench_cpu_per_s']:.2f}, "
        f"{f['bench_cpu_per_s'] / f['bot_per_s'] * 1e6:.0f} µs per answer, "
        f"whole machine {f['machine_cpu_per_s']:.2f} of {cores}); reference "
        f"Engine.handle alone {f['engine_per_s']:.0f}/s, {f['engine_per_cpu_s']:.0f} per CPU-s; "
        f"ratio {f['bot_per_s'] / f['engine_per_s']:.2f}x wall, "
        f"{f['bot_per_cpu_s'] / f['engine_per_cpu_s']:.2f}x CPU"
    )
    if "docs_1" not in f:
        return 0
    print(
        f"documents ({args.documents} photos, Tesseract): 1 worker {f['docs_1']:.1f}/min "
        f"({f['docs_1_cpu']:.1f} per CPU-minute), 2 workers {f['docs_2']:.1f}/min "
        f"({f['docs_2_cpu']:.1f} per CPU-minute); scaling 1 -> 2 workers "
        f"{f['docs_2'] / f['docs_1']:.2f}x wall; reference extraction alone "
        f"{f['docs_alone']:.1f}/min ({f['docs_alone_cpu']:.1f} per CPU-minute); "
        f"ratio 1 worker / alone {f['docs_1_cpu'] / f['docs_alone_cpu']:.2f}x per CPU-minute"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
