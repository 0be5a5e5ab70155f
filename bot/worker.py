"""``carnet worker``: reads queued documents (scaled shape) and replies to their users.

Each of ``CARNET_WORKERS`` slots loops: claim one job (``store.sql.jobs``, SKIP LOCKED, with a
lease), read the encrypted original from the vault, extract in the CPU pool while a heartbeat
extends the lease, store the draft and send the summary through the Bot API, then mark the job
done. A multi-page document's reading message (sent by the bot, its id noted in the job) is
edited page by page while the worker reads it, at most once per page and per second
(``bot.jobs_queue.progress``), then into the outcome. A failure is retried with a growing
delay; after ``CARNET_JOB_MAX_ATTEMPTS`` tries (crashes included: a SIGKILLed worker's job
comes back when its lease expires) the document is marked failed and the user told. SIGTERM
stops claiming; in-flight jobs get ``SHUTDOWN_GRACE`` seconds to finish, then are given back to
the queue untried. Logs carry ids, counts and timings only.

The embedded shape runs the same ``Worker`` in process at start-up (``drain``, over SQLite) for
the jobs the previous process left unfinished (``bot.tg.recovery``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from bot.bootstrap import Services, build_services, extraction_options, real_extractor
from bot.engine import errors, intake
from bot.engine.events import FileIn
from bot.i18n import translator
from bot.jobs_queue import GaveUp, finish_document, load_document
from bot.jobs_queue.processing import Loaded
from bot.jobs_queue.progress import EVERY_SECONDS, WorkerProgress, adopt_reading_message
from bot.ops.metrics import METRICS
from bot.settings import Settings
from extraction.result import ExtractedDocument
from store.sql.jobs import ClaimedJob, DocumentJobs, UserLocks

log = logging.getLogger("carnet.worker")

POLL_SECONDS = 0.5
"""Wait between two empty claims."""
SHUTDOWN_GRACE = 20.0
"""Seconds in-flight jobs get to finish after SIGTERM before they are given back."""
RETRY_BASE_SECONDS = 5.0
KEEP_FINISHED = timedelta(days=7)
"""Finished jobs are kept this long (operators' view), then deleted."""


class Worker:
    """Claims and processes document jobs until ``stop`` is set."""

    def __init__(
        self,
        services: Services,
        jobs: DocumentJobs,
        locks: UserLocks,
        sender: Any,
        *,
        slots: int,
        lease: timedelta,
        max_attempts: int,
        created_before: datetime | None = None,
        resumed: bool = False,
        progress_every: float = EVERY_SECONDS,
    ) -> None:
        """``created_before``: only jobs queued before then (``drain``); ``resumed``: the
        summary of a document read again after a restart says so first; ``progress_every``:
        seconds between two page edits of a reading message at most."""
        self.services = services
        self.jobs = jobs
        self.locks = locks
        self.sender = sender
        self.slots = max(1, slots)
        self.lease = lease
        self.max_attempts = max(1, max_attempts)
        self.created_before = created_before
        self.resumed = resumed
        self.progress_every = progress_every
        self.stop = asyncio.Event()
        self.in_flight: dict[str, ClaimedJob] = {}
        self.given_back: list[ClaimedJob] = []
        self._tidied = float("-inf")
        self.options = extraction_options(services.settings)

    async def run(self) -> None:
        """Run the slots until ``stop``; then wait for in-flight jobs or give them back."""
        tasks = [asyncio.create_task(self._slot(n)) for n in range(self.slots)]
        await self.stop.wait()
        log.info("worker stopping in_flight=%d", len(self.in_flight))
        done, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE)
        self.given_back = list(self.in_flight.values())
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for job in self.given_back:
            released = await self._io(self.jobs.release, job.job_id, self._now())
            log.info("job given back job=%s released=%s", job.job_id, released)
        for task in done:
            if task.exception() is not None:
                log.error("worker slot failed: %s", type(task.exception()).__name__)

    async def _slot(self, number: int) -> None:
        while not self.stop.is_set():
            try:
                job = await self._claim()
            except Exception as exc:
                log.warning("claim failed slot=%d error=%s", number, type(exc).__name__)
                job = None
            if job is None:
                await self._tidy()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), POLL_SECONDS)
                continue
            self.in_flight[job.job_id] = job
            try:
                await self.process(job)
            finally:
                self.in_flight.pop(job.job_id, None)

    async def _claim(self) -> ClaimedJob | None:
        job: ClaimedJob | None = await self._io(
            self.jobs.claim, self._now(), lease=self.lease, created_before=self.created_before
        )
        return job

    async def drain(self) -> int:
        """Process the jobs queued before ``created_before`` until none is left; how many ran.

        Waits for the retries of failed attempts (their delay); ``stop`` ends it early. Cancelled
        (the process stops), it gives the job in flight back without counting its attempt.
        """
        assert self.created_before is not None
        ran = 0
        while not self.stop.is_set():
            job = await self._claim()
            if job is None:
                if not await self._io(self.jobs.waiting, self.created_before):
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), POLL_SECONDS)
                continue
            self.in_flight[job.job_id] = job
            try:
                await self.process(job)
            except asyncio.CancelledError:  # the process stops: give the job back untried
                with contextlib.suppress(Exception):
                    self.jobs.release(job.job_id, self._now())
                    self.given_back.append(job)
                raise
            finally:
                self.in_flight.pop(job.job_id, None)
            ran += 1
        return ran

    async def _tidy(self) -> None:
        """When idle, at most hourly: forget jobs finished more than ``KEEP_FINISHED`` ago."""
        now = time.monotonic()
        if now - self._tidied < 3600:
            return
        self._tidied = now
        try:
            cutoff = self._now() - KEEP_FINISHED
            count = await self._io(self.jobs.forget_finished, cutoff)
            log.info("finished jobs forgotten count=%d", count)
        except Exception as exc:
            log.warning("job tidy failed: %s", type(exc).__name__)

    async def process(self, job: ClaimedJob) -> None:
        """Read one job's document and reply; never raises (failures are retried or final)."""
        started = time.perf_counter()
        try:
            if job.attempts > self.max_attempts:
                await self._give_up(job, "too_many_attempts")
                return
            loaded = await self._io(
                load_document,
                self.services.store,
                job,
                default_language=self.services.settings.language,
            )
            outcome: ExtractedDocument | Exception | None = None
            if loaded.inputs is not None:
                outcome = await self._extract(job, loaded, loaded.inputs)
            await self._finish(job, outcome)
            await self._io(self.jobs.complete, job.job_id, self._now())
            if outcome is not None:
                METRICS.document_done(failed=isinstance(outcome, Exception))
            log.info(
                "job done job=%s attempt=%d read=%s ms=%.0f",
                job.job_id,
                job.attempts,
                outcome is not None,
                (time.perf_counter() - started) * 1000,
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            code = errors.code_of(exc)
            log.warning("job failed job=%s attempt=%d error=%s", job.job_id, job.attempts, code)
            if job.attempts >= self.max_attempts:
                await self._give_up(job, code)
                return
            delay = timedelta(seconds=RETRY_BASE_SECONDS * 2 ** (job.attempts - 1))
            with contextlib.suppress(Exception):
                await self._io(self.jobs.retry, job.job_id, self._now(), delay=delay, code=code)
                METRICS.job_retried()

    async def _extract(
        self, job: ClaimedJob, loaded: Loaded, inputs: list[Any]
    ) -> ExtractedDocument | Exception:
        progress = await self._progress(job, loaded, inputs)
        heartbeat = asyncio.create_task(self._heartbeat(job))
        started = time.perf_counter()
        try:
            result: ExtractedDocument = await asyncio.get_running_loop().run_in_executor(
                self.services.cpu_executor,
                intake.extract_listening,
                self.services.engine.extract,
                inputs,
                self.options,
                progress.on_page if progress is not None else _ignore_page,
            )
            return result
        except Exception as exc:  # unreadable document: the user is told, not retried
            log.info("extraction failed job=%s error=%s", job.job_id, type(exc).__name__)
            return exc
        finally:
            heartbeat.cancel()
            if progress is not None:
                await progress.close()
            METRICS.ocr_seconds.observe(time.perf_counter() - started)
            log.info(
                "extraction job=%s pages=%d ms=%.0f",
                job.job_id,
                len(inputs),
                (time.perf_counter() - started) * 1000,
            )

    async def _progress(
        self, job: ClaimedJob, loaded: Loaded, inputs: list[Any]
    ) -> WorkerProgress | None:
        """The page-by-page progress of this reading (None: no chat to show it in)."""
        if loaded.chat_id is None:
            return None
        try:
            files = [FileIn(name=f.name, data=f.data, media_type=f.media_type) for f in inputs]
            pages: int = await self._io(intake.count_pages, files, self.options)
            progress = WorkerProgress(
                sender=self.sender,
                jobs=self.jobs,
                job=job,
                chat_id=loaded.chat_id,
                tr=translator(loaded.language),
                pages=pages,
                run_io=self._io,
                now=self._now,
                every=self.progress_every,
            )
            await progress.start()
        except Exception as exc:  # progress is a courtesy: the reading goes on without it
            log.info("no page progress job=%s error=%s", job.job_id, type(exc).__name__)
            return None
        return progress

    async def _heartbeat(self, job: ClaimedJob) -> None:
        every = max(0.5, self.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(every)
            with contextlib.suppress(Exception):
                await self._io(self.jobs.extend, job.job_id, self._now(), lease=self.lease)

    async def _finish(
        self, job: ClaimedJob, outcome: ExtractedDocument | Exception | None
    ) -> None:
        settings = self.services.settings

        def turn() -> tuple[int | None, list[Any]]:
            chat_key = _chat_of(self.services, job)
            with self.locks.hold(chat_key) if chat_key is not None else contextlib.nullcontext():
                return finish_document(
                    self.services.store,
                    self.services.clock,
                    job,
                    outcome,
                    default_language=settings.language,
                    resumed=self.resumed,
                )

        chat_id, replies = await self._io(turn)
        if chat_id is not None and replies:
            with contextlib.suppress(Exception):  # else the outcome comes as a new message
                await adopt_reading_message(
                    self.sender, self.jobs, self._io, chat_id, job.document_id
                )
            await self.sender.send(chat_id, replies)

    async def _give_up(self, job: ClaimedJob, code: str) -> None:
        log.warning("job given up job=%s attempts=%d error=%s", job.job_id, job.attempts, code)
        try:
            await self._finish(job, GaveUp())
        except Exception as exc:
            log.warning("could not tell user job=%s error=%s", job.job_id, type(exc).__name__)
        with contextlib.suppress(Exception):
            await self._io(self.jobs.fail, job.job_id, self._now(), code)
        METRICS.document_done(failed=True)

    def _now(self) -> Any:
        return self.services.clock.now()

    async def _io(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.services.io_executor, lambda: fn(*args, **kwargs))


def _ignore_page(done: int) -> None:
    """No chat to show the reading in (the user is gone)."""
    del done


def _chat_of(services: Services, job: ClaimedJob) -> int | None:
    with services.store.vault_for_account(job.account_id, job.profile_id) as vault:
        return vault.get_chat_id()


def ocr_ready(settings: Settings) -> bool:
    """Whether the configured OCR engine can run here (Tesseract on the PATH)."""
    if settings.ocr_engine == "rapidocr":
        try:
            import rapidocr  # noqa: F401
        except ImportError:
            return False
        return True
    return shutil.which("tesseract") is not None


def run_worker(settings: Settings) -> int:
    """Process document jobs until SIGINT/SIGTERM; returns the process exit code."""
    from bot.logs import setup_logging

    if settings.queue != "postgres" or not settings.effective_database_url.startswith("postgres"):
        print("carnet: carnet worker needs CARNET_QUEUE=postgres and PostgreSQL", file=sys.stderr)
        return 2
    setup_logging(settings)
    services = build_services(settings, extract=real_extractor)
    jobs, locks = services.extra["jobs"], services.extra["locks"]
    assert isinstance(jobs, DocumentJobs) and isinstance(locks, UserLocks)
    try:
        released = asyncio.run(_serve(settings, services, jobs, locks))
    finally:
        services.cpu_executor.shutdown(wait=False, cancel_futures=True)
        jobs.engine.dispose()
        services.store.close()
    if released:
        # An OCR thread may still run; its job is back in the queue: do not wait for it.
        logging.shutdown()
        os._exit(0)
    return 0


async def _serve(
    settings: Settings, services: Services, jobs: DocumentJobs, locks: UserLocks
) -> bool:
    from bot.tg.health import HealthServer, Metrics
    from bot.tg.standalone import standalone_sender

    loop = asyncio.get_running_loop()
    async with standalone_sender(settings) as sender:
        worker = Worker(
            services,
            jobs,
            locks,
            sender,
            slots=settings.workers,
            lease=timedelta(seconds=settings.job_lease_seconds),
            max_attempts=settings.job_max_attempts,
        )
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, worker.stop.set)
        health: HealthServer | None = None
        if settings.health_port is not None:
            metrics = Metrics()
            metrics.extra.append(METRICS.render)

            async def ready() -> bool:
                await asyncio.to_thread(jobs.ping)
                return ocr_ready(settings)

            health = HealthServer(
                metrics, ready, listen=settings.webhook_listen, port=settings.health_port
            )
            await health.start()
        log.info("worker started slots=%d", worker.slots)
        try:
            await worker.run()
        finally:
            if health is not None:
                await health.stop()
        log.info("worker stopped released=%d", len(worker.given_back))
        return bool(worker.given_back)
