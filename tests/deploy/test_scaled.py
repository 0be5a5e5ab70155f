"""The scaled shape end to end: two webhook bots, OCR workers, one PostgreSQL, many users at once.

Users onboard, then all at the same time send a prescription and two questions right after it.
Every document is read exactly once (one summary each, every job done), every question is
answered, each user's answers come in the order asked, and a worker SIGKILLed in the middle of
an OCR loses nothing: its job comes back after the lease and another worker finishes it.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from bot.engine.intake import OK as INTAKE_OK
from store.sql.database import make_engine
from store.sql.jobs import DocumentJobs
from tests.deploy.cluster import Cluster
from tests.fakes.bot_api import ApiCall, FakeBotApi, FakeUser
from tests.synthetic.corpus import build_document, render_document
from tests.synthetic.render import text_pdf
from tests.telegram.conftest import onboard

USERS = 10
QUESTIONS = ("quels sont mes traitements ?", "ai-je des allergies ?")
TOKEN = "777001:carnet-scaled-test"

pytestmark = [
    pytest.mark.tesseract,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs the tesseract binary"),
]


def prescription_pdf(index: int) -> bytes:
    truth, draft = build_document(11, "prescription", index)
    return text_pdf(draft.writer.pages, truth.id)


def prescription_image(folder: Path) -> bytes:
    truth, draft = build_document(7, "prescription", 0)
    files = render_document(folder, truth, draft, ["image"])
    return (folder / files["image"][0]).read_bytes()


def is_summary(call: ApiCall) -> bool:
    return any(d.startswith(INTAKE_OK) for d in call.callback_data)


ANSWER_WORDS = ("traitement", "allergie")
"""A word of the answer to each question (prevention offers of the reminders job have neither)."""


def answers(user: FakeUser, after: int) -> list[str]:
    """The bot's answers to ``user``'s questions since call ``after``, in the order sent."""
    out = []
    for call in user.api.calls[after:]:
        if call.chat_id != user.id or call.method != "sendMessage" or is_summary(call):
            continue
        text = call.text.lower()
        if "📄" in text or "dépistage" in text or "vaccin" in text:
            continue  # document progress, prevention offers
        if any(word in text for word in ANSWER_WORDS):
            out.append(call.text)
    return out


async def test_two_bots_two_workers_many_users_and_a_killed_worker(
    postgres_url: str, master_key: bytes, tmp_path: Path
):
    api = FakeBotApi(TOKEN)
    await api.start()
    cluster = Cluster(api, postgres_url, master_key, tmp_path, {"CARNET_JOB_LEASE_SECONDS": "3"})
    jobs = DocumentJobs(make_engine(postgres_url, pool_size=2))
    try:
        await cluster.migrate()
        await cluster.start_bot("bot-1")  # the first start writes the key check row
        _, doomed = await asyncio.gather(
            cluster.start_bot("bot-2"), cluster.start_worker("worker-1", CARNET_WORKERS="1")
        )
        cluster.balance()
        users = [api.user(5000 + n) for n in range(USERS)]
        await asyncio.gather(*(onboard(u) for u in users))
        start = len(api.calls)
        sent_to = {p.webhook_url for p in cluster.procs if p.webhook_url}
        assert len(sent_to) == 2 and set(api.webhook_responses) == {200}

        # A worker dies in the middle of an OCR: the job must come back and be done once.
        victim, others = users[0], users[1:]
        await victim.send_photo(prescription_image(tmp_path))
        await wait_for_state(jobs, "running")
        await wait_for_tesseract(doomed.process.pid)  # killed while Tesseract reads the photo
        cluster.kill(doomed)
        await doomed.process.wait()
        workers = await asyncio.gather(
            cluster.start_worker("worker-2", CARNET_WORKERS="1"),
            cluster.start_worker("worker-3", CARNET_WORKERS="1"),
        )

        # Everyone at once: a prescription then two questions without waiting for answers.
        last_updates: list[dict[str, object]] = []

        async def session(index: int, user: FakeUser) -> None:
            await user.send_document(prescription_pdf(index), file_name=f"ordo-{index}.pdf")
            for question in QUESTIONS:
                await user.send_text(question)
                last_updates.append(user.last_update)

        await asyncio.gather(*(session(n, u) for n, u in enumerate(others)))
        await asyncio.gather(*(u.expect(is_summary, within=90) for u in users))
        for user in others:
            await wait_for_answers(user, len(QUESTIONS), start)
        await api.wait_quiet(1.0, within=30)
        before = [len(answers(u, start)) for u in others]
        for update in last_updates[:4]:  # Telegram retries a delivery: same update id
            await api.redeliver(update)
        await api.wait_quiet(1.0, within=30)
        after = [len(answers(u, start)) for u in others]
        assert after == before, "a redelivered update is not handled twice"

        for user in users:
            summaries = [c for c in user.replies() if is_summary(c)]
            assert len(summaries) == 1, f"one summary for user {user.id}"
            assert_reading_message_edited_by_the_worker(user)
        for user in others:
            said = answers(user, start)
            assert len(said) == len(QUESTIONS), said
            order = [next(w for w in ANSWER_WORDS if w in t.lower()) for t in said]
            assert order == list(ANSWER_WORDS), "answers in the order asked"
        states, attempts = jobs.states(), jobs.attempts()
        assert len(states) == USERS and set(states.values()) == {"done"}
        assert sorted(attempts.values()) == [1] * (USERS - 1) + [2], "the killed job ran twice"
        assert set(api.webhook_responses) == {200}

        metrics = [await w.metrics() for w in workers]
        read = sum(_counter(m, "carnet_documents_processed_total") for m in metrics)
        assert read == USERS, "every document read once by the surviving workers"
        assert all('carnet_queue_depth{state="queued"} 0' in m for m in metrics)
        bots = [await p.metrics() for p in cluster.procs if p.webhook_url]
        assert sum(_counter(m, "carnet_answer_seconds_count") for m in bots) >= USERS * 3
        replays = 'carnet_updates_refused_total{reason="replay"}'
        # The redeliveries may all reach one bot: the other then has no such series.
        assert sum(_counter(m, replays, default=0.0) for m in bots) == 4
    finally:
        await cluster.stop_all()
        jobs.engine.dispose()
        await api.stop()
    for proc in cluster.procs:
        if proc is not doomed:
            assert proc.process.returncode == 0, proc.log()[-3000:]
        assert_logs_clean(proc.log(), api.token)


def assert_reading_message_edited_by_the_worker(user: FakeUser) -> None:
    """The bot's reading message (its id noted in the job) was edited by a worker, in another
    process, into the outcome: no "Je lis votre document…" left behind."""
    [reading] = [
        c for c in user.replies() if c.method == "sendMessage" and "Je lis votre" in c.text
    ]
    message_id = reading.result["message_id"]
    edits = [
        c
        for c in user.api.calls
        if c.method == "editMessageText" and c.chat_id == user.id and c.error is None
    ]
    assert any(c.params["message_id"] == message_id and "Document lu" in c.text for c in edits), (
        f"user {user.id}: the reading message was not edited into the outcome"
    )


def has_child(pid: int) -> bool:
    """Whether the process has a child process now (Linux /proc)."""
    tasks = Path(f"/proc/{pid}/task")
    return any(c.read_text().strip() for c in tasks.glob("*/children"))


async def wait_for_tesseract(pid: int, within: float = 30.0) -> None:
    """Until the process has a child (pytesseract runs the tesseract binary)."""
    for _ in range(int(within / 0.01)):
        if has_child(pid):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the worker never ran tesseract")


async def wait_for_state(jobs: DocumentJobs, state: str, within: float = 30.0) -> None:
    for _ in range(int(within / 0.05)):
        if state in (await asyncio.to_thread(jobs.states)).values():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no job became {state}")


async def wait_for_answers(user: FakeUser, count: int, after: int, within: float = 60.0) -> None:
    for _ in range(int(within / 0.1)):
        if len(answers(user, after)) >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"user {user.id} got {answers(user, after)}")


def _counter(metrics: str, name: str, default: float | None = None) -> float:
    """A metric's value; a labelled series a process never incremented is absent (``default``)."""
    for line in metrics.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    if default is not None:
        return default
    raise AssertionError(f"{name} missing")


def assert_logs_clean(log: str, token: str) -> None:
    """JSON lines only, no token, no message text or file name."""
    assert token not in log
    for needle in (*QUESTIONS, "ordo-", "Doliprane"):
        assert needle not in log
    for line in log.splitlines():
        if line.strip():
            json.loads(line)
