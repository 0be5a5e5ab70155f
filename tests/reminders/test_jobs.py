"""The reminders job is installed on the PTB application and ticks the dispatcher."""

from __future__ import annotations

from types import SimpleNamespace

from telegram.ext import ApplicationBuilder

from bot.reminders.dispatcher import Dispatcher
from bot.tg import jobs


class CountingDispatcher(Dispatcher):
    def __init__(self) -> None:
        self.ticks = 0

    async def tick(self):  # type: ignore[override]
        self.ticks += 1


async def test_install_registers_one_repeating_job(store, clock):
    app = ApplicationBuilder().token("123456:TEST").build()
    dispatcher = jobs.install(app, SimpleNamespace(store=store, clock=clock), interval=45)
    assert isinstance(dispatcher, Dispatcher)
    (job,) = app.job_queue.get_jobs_by_name(jobs.JOB_NAME)
    assert job.data is dispatcher
    assert app.bot_data[jobs.DISPATCHER_KEY] is dispatcher


async def test_tick_runs_the_dispatcher_and_survives_errors():
    counting = CountingDispatcher()
    await jobs.tick(SimpleNamespace(job=SimpleNamespace(data=counting)))
    assert counting.ticks == 1

    class Failing(CountingDispatcher):
        async def tick(self):  # type: ignore[override]
            raise RuntimeError("boom")

    await jobs.tick(SimpleNamespace(job=SimpleNamespace(data=Failing())))
