"""The composition root: builds the store, executors, clock and engine from the settings.

Nothing happens at import time; ``build_services`` does it all and ``Services.close`` undoes it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.engine.clock import Clock
from bot.engine.engine import Engine, EngineConfig, Extractor
from bot.ops.metrics import timed_extractor
from bot.settings import Settings
from extraction.options import ExtractionOptions
from extraction.result import ExtractedDocument, InputFile
from store.api import Store


class SystemClock:
    """The real clock (the only place the engine's time comes from in production)."""

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)


def extraction_options(settings: Settings) -> ExtractionOptions:
    """Extraction knobs from the settings (extraction never reads the environment)."""
    return ExtractionOptions(
        ocr_engine=settings.ocr_engine,
        confidence_threshold=settings.confidence_threshold,
        max_megapixels=settings.max_megapixels,
        max_pdf_pages=settings.max_pdf_pages,
        max_bytes=int(settings.max_file_mb * 1024 * 1024),
        ocr_timeout_seconds=settings.ocr_timeout_seconds,
    )


def real_extractor(files: list[InputFile], options: ExtractionOptions) -> ExtractedDocument:
    """The extraction pipeline (imported on first use: OCR libraries are heavy)."""
    from extraction.api import extract_document

    return extract_document(files, options)


@dataclass
class Services:
    """Everything a running carnet needs; ``close`` releases it."""

    settings: Settings
    store: Store
    engine: Engine
    clock: Clock
    io_executor: ThreadPoolExecutor
    cpu_executor: ThreadPoolExecutor
    extra: dict[str, object] = field(default_factory=dict)

    def close(self) -> None:
        """Stop the executors and close the store."""
        self.cpu_executor.shutdown(wait=False, cancel_futures=True)
        self.io_executor.shutdown(wait=True)
        self.store.close()


def build_services(
    settings: Settings,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    extract: Extractor | None = None,
    master_key: bytes | None = None,
) -> Services:
    """Build the services from ``settings``; tests may pass their own store, clock or extractor."""
    from bot.maintenance import load_master_key
    from store import open_store

    clock = clock or SystemClock()
    if store is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = master_key if master_key is not None else load_master_key(settings)
        store = open_store(settings.effective_database_url, key)
    io_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="carnet-io")
    cpu_executor = ThreadPoolExecutor(
        max_workers=max(1, settings.workers), thread_name_prefix="carnet-ocr"
    )
    from bot.jobs_queue import JobDeferrer, ReadingJobs

    extra: dict[str, object] = {}
    defer = None
    lease = timedelta(seconds=settings.job_lease_seconds)
    reading = ReadingJobs(queued=settings.queue == "postgres", lease=lease)
    if settings.queue == "postgres":  # scaled shape: OCR jobs for `carnet worker`
        from bot.ops.metrics import METRICS
        from store.sql.jobs import open_jobs

        jobs, locks = open_jobs(settings.effective_database_url)
        extra.update(jobs=jobs, locks=locks)
        defer = JobDeferrer()
        METRICS.queue_depth = jobs.depth
    engine = Engine(
        store=store,
        clock=clock,
        extract=extract or timed_extractor(real_extractor),
        options=extraction_options(settings),
        config=EngineConfig(
            default_language=settings.language, default_timezone=settings.timezone
        ),
        io_executor=io_executor,
        cpu_executor=cpu_executor,
        defer=defer,
        reading=reading,
    )
    cpu_executor.submit(engine.warm_up)
    return Services(
        settings=settings,
        store=store,
        engine=engine,
        clock=clock,
        io_executor=io_executor,
        cpu_executor=cpu_executor,
        extra=extra,
    )
