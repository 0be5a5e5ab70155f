"""The document job queue: enqueue once, leases, retries after a crash, concurrent claimers."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from store import open_store
from store.sql.database import make_engine
from store.sql.jobs import DocumentJobs, UserLocks, lock_key

LEASE = timedelta(seconds=30)


def _profile(url: str, master_key: bytes, user: int = 1) -> tuple[str, str]:
    store = open_store(url, master_key)
    with store.vault(user) as vault:
        ids = vault.account_id, vault.profile_id
    store.close()
    return ids


def test_a_document_is_queued_once_and_claimed_by_one(
    database_url: str, master_key: bytes, now: datetime
):
    account, profile = _profile(database_url, master_key)
    jobs = DocumentJobs(make_engine(database_url))
    assert jobs.enqueue(account, profile, "doc-1", now)
    assert not jobs.enqueue(account, profile, "doc-1", now), "a document is queued at most once"
    assert jobs.depth().queued == 1
    job = jobs.claim(now, lease=LEASE)
    assert job is not None and job.document_id == "doc-1" and job.attempts == 1
    assert jobs.claim(now, lease=LEASE) is None, "a leased job is nobody else's"
    assert jobs.depth().running == 1
    assert jobs.complete(job.job_id, now)
    assert not jobs.complete(job.job_id, now), "done once"
    assert jobs.claim(now + LEASE * 2, lease=LEASE) is None
    assert jobs.states() == {"doc-1": "done"}


def test_a_crashed_workers_job_comes_back_after_its_lease(
    database_url: str, master_key: bytes, now: datetime
):
    account, profile = _profile(database_url, master_key)
    jobs = DocumentJobs(make_engine(database_url))
    jobs.enqueue(account, profile, "doc-1", now)
    first = jobs.claim(now, lease=LEASE)
    assert first is not None
    # the worker dies (no complete, no release): before the lease ends nobody takes it
    assert jobs.claim(now + LEASE / 2, lease=LEASE) is None
    again = jobs.claim(now + LEASE + timedelta(seconds=1), lease=LEASE)
    assert again is not None and again.job_id == first.job_id and again.attempts == 2
    # a heartbeat keeps it: the extended lease holds it past the first deadline
    later = now + LEASE + timedelta(seconds=2)
    assert jobs.extend(again.job_id, later, lease=LEASE)
    assert jobs.claim(later + LEASE / 2, lease=LEASE) is None


def test_retry_waits_and_release_does_not_count_the_attempt(
    database_url: str, master_key: bytes, now: datetime
):
    account, profile = _profile(database_url, master_key)
    jobs = DocumentJobs(make_engine(database_url))
    jobs.enqueue(account, profile, "doc-1", now)
    job = jobs.claim(now, lease=LEASE)
    assert job is not None
    assert jobs.retry(job.job_id, now, delay=timedelta(seconds=10), code="store_error")
    assert jobs.claim(now + timedelta(seconds=5), lease=LEASE) is None, "not before its delay"
    job = jobs.claim(now + timedelta(seconds=11), lease=LEASE)
    assert job is not None and job.attempts == 2
    assert jobs.release(job.job_id, now)  # graceful shutdown gives it back untried
    job = jobs.claim(now + timedelta(seconds=12), lease=LEASE)
    assert job is not None and job.attempts == 2
    assert jobs.fail(job.job_id, now, "ocr_failed")
    assert jobs.states() == {"doc-1": "failed"}
    assert jobs.depth().queued == jobs.depth().running == 0


def test_erasing_the_profile_removes_its_jobs(database_url: str, master_key: bytes, now: datetime):
    account, profile = _profile(database_url, master_key)
    jobs = DocumentJobs(make_engine(database_url))
    jobs.enqueue(account, profile, "doc-1", now)
    store = open_store(database_url, master_key)
    assert store.erase_account(1)
    store.close()
    assert jobs.states() == {}


def test_concurrent_claimers_never_share_a_job(postgres_url: str, master_key: bytes):
    now = datetime.fromisoformat("2026-03-10T09:00:00+00:00")
    account, profile = _profile(postgres_url, master_key)
    engine = make_engine(postgres_url, pool_size=8)
    jobs = DocumentJobs(engine)
    for n in range(60):
        jobs.enqueue(account, profile, f"doc-{n}", now)
    claimed: list[str] = []
    lock = threading.Lock()

    def claimer() -> None:
        while (job := jobs.claim(now, lease=LEASE)) is not None:
            with lock:
                claimed.append(job.document_id)
            jobs.complete(job.job_id, now)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(f"doc-{n}" for n in range(60))


def test_user_locks_serialise_one_user_not_two(postgres_url: str, master_key: bytes):
    _profile(postgres_url, master_key)
    locks = UserLocks(make_engine(postgres_url, pool_size=4))
    assert lock_key(42) != lock_key(43)
    order: list[str] = []
    inside = threading.Event()

    def second(user: int) -> None:
        with locks.hold(user):
            order.append(f"second-{user}")

    with locks.hold(42):
        inside.set()
        other = threading.Thread(target=second, args=(43,))
        other.start()
        other.join(timeout=5)
        assert order == ["second-43"], "another user is not blocked"
        same = threading.Thread(target=second, args=(42,))
        same.start()
        same.join(timeout=0.5)
        assert same.is_alive(), "the same user waits"
        order.append("first-42")
    same.join(timeout=5)
    assert order == ["second-43", "first-42", "second-42"]


def test_an_update_waits_for_the_older_pending_update_of_its_user(
    postgres_url: str, master_key: bytes, now: datetime
):
    from store.sql.jobs import UpdateOrder

    _profile(postgres_url, master_key)
    order = UpdateOrder(make_engine(postgres_url, pool_size=4))
    order.received(10, 42, now)  # delivered to instance A
    order.received(11, 42, now)  # the next one, to instance B, which is faster
    order.received(12, 43, now)  # another user
    assert order.try_turn(11, 42, now) is None, "11 waits for 10"
    other = order.try_turn(12, 43, now)
    assert other is not None, "another user does not wait"
    first = order.try_turn(10, 42, now)
    assert first is not None
    first.end()
    second = order.try_turn(11, 42, now)
    assert second is not None
    second.end()
    other.end()
    order.received(20, 42, now)  # its instance died before handling it
    late = now + order.stale + timedelta(seconds=1)
    turn = order.try_turn(21, 42, late)
    assert turn is not None, "a lost older update stops blocking after a while"
    turn.end()
    assert order.forget_before(late) == 1


def test_finished_jobs_are_forgotten_after_a_while(
    database_url: str, master_key: bytes, now: datetime
):
    account, profile = _profile(database_url, master_key)
    jobs = DocumentJobs(make_engine(database_url))
    for name in ("done", "failed", "waiting"):
        jobs.enqueue(account, profile, name, now)
    for end in (jobs.complete, lambda job_id, at: jobs.fail(job_id, at, "ocr_failed")):
        job = jobs.claim(now, lease=LEASE)
        assert job is not None
        end(job.job_id, now)
    assert jobs.forget_finished(now) == 0, "not before the cutoff"
    assert jobs.forget_finished(now + timedelta(days=8)) == 2
    assert list(jobs.states().values()) == ["queued"], "the waiting job stays"
