"""The dispatcher with a controlled clock and a real store: never twice, nothing lost."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.engine.replies import Text
from bot.reminders.actions import adherence, handle_button, pause_reminders
from bot.reminders.dispatcher import Dispatcher
from bot.reminders.planner import plan_follow_up, save_plan, sync
from bot.reminders.rate import SlidingWindow, TokenBucket
from store import open_store
from store.records import Duration, Medication, Posology, RecordStatus, TimeOfDay
from tests.reminders.conftest import EchoMessages, ProcessDied, RecordingSender, echo_translators

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 27, 6, 0, tzinfo=UTC)  # Friday 07:00 in Paris, DST on Sunday
FIRST_DOSE = datetime(2026, 3, 27, 7, 0, tzinfo=UTC)  # 08:00 in Paris


def amoxicilline(days: int = 7) -> Medication:
    return Medication(
        name="Amoxicilline",
        status=RecordStatus.CONFIRMED,
        posology=Posology(
            when=[TimeOfDay.MORNING, TimeOfDay.EVENING], duration=Duration(value=days, unit="d")
        ),
    )


def enrol(store, user: int, now: datetime, medication: Medication | None = None) -> Medication:
    medication = medication or amoxicilline()
    with store.vault(user) as vault:
        vault.set_chat_id(user)
        vault.save(medication)
        sync(vault, now)
    return medication


def dispatcher(store, sender, clock, **kw) -> Dispatcher:
    async def no_sleep(_: float) -> None:
        return None

    kw.setdefault("sleep", no_sleep)
    kw.setdefault("rate", 10**6)  # the limiter has its own tests
    return Dispatcher(store, sender, clock, translators=echo_translators, **kw)


def occurrence_ids(sender: RecordingSender) -> list[str]:
    """Occurrence ids of the messages sent, from their 'taken' buttons."""
    out = []
    for _, replies in sender.sent:
        for reply in replies:
            if isinstance(reply, Text) and reply.buttons:
                out.append(reply.buttons[0][0].data.split(":")[2])
    return out


async def test_a_due_dose_is_sent_once_with_buttons_that_carry_only_the_occurrence_id(
    store, sender, clock
):
    enrol(store, 7, START)
    d = dispatcher(store, sender, clock)
    assert (await d.tick()).sent == 0  # nothing due yet
    clock.set(FIRST_DOSE)
    report = await d.tick()
    assert report.sent == 1
    ((chat_id, (message,)),) = sender.sent
    assert chat_id == 7
    assert "Amoxicilline" in message.text and "time=08:00" in message.text
    datas = [b.data for row in message.buttons for b in row]
    assert [d.split(":")[1] for d in datas] == ["t", "l", "s", "x"]
    assert all(len(d.encode()) <= 64 and "Amox" not in d for d in datas)
    assert (await d.tick()).sent == 0
    clock.advance(minutes=10)
    assert (await d.tick()).sent == 0


async def test_seven_day_course_sends_exactly_14_reminders_at_local_hours_across_dst(
    store, sender, clock
):
    enrol(store, 7, START)
    d = dispatcher(store, sender, clock)
    sent_at: list[datetime] = []
    while clock.now() < START + timedelta(days=8):
        before = len(occurrence_ids(sender))
        await d.tick()
        sent_at += [clock.now()] * (len(occurrence_ids(sender)) - before)
        clock.advance(minutes=15)
    assert len(occurrence_ids(sender)) == 14
    assert len(set(occurrence_ids(sender))) == 14
    # Plus the weekly summary on Sunday evening, without buttons.
    assert [t for t in sender.texts if "adherence" in t] != []
    local = [t.astimezone(PARIS) for t in sent_at]
    assert {(t.hour, t.minute) for t in local} == {(8, 0), (19, 30)}


async def test_snooze_sends_again_30_minutes_later_and_answers_make_adherence(
    store, sender, clock
):
    medication = enrol(store, 7, START)
    d = dispatcher(store, sender, clock)
    clock.set(FIRST_DOSE)
    await d.tick()
    first = occurrence_ids(sender)[0]
    t = EchoMessages()
    with store.vault(7) as vault:
        (reply,) = handle_button(vault, f"rem:l:{first}", clock.now(), t)
        assert reply.text == "reminders.answer.snoozed(time=08:30)"
        # A double tap does not snooze twice.
        (again,) = handle_button(vault, f"rem:l:{first}", clock.now(), t)
        assert again.text == "reminders.answer.already"
    clock.advance(minutes=29)
    assert (await d.tick()).sent == 0
    clock.advance(minutes=1)
    assert (await d.tick()).sent == 1
    snoozed = occurrence_ids(sender)[1]
    assert snoozed != first
    with store.vault(7) as vault:
        handle_button(vault, f"rem:t:{snoozed}", clock.now(), t)
    # The rest of the course: the evening dose skipped, all the others taken.
    while clock.now() < START + timedelta(days=8):
        await d.tick()
        clock.advance(minutes=15)
    ids = occurrence_ids(sender)
    with store.vault(7) as vault:
        handle_button(vault, f"rem:s:{ids[2]}", clock.now(), t)
        for occ in ids[3:]:
            handle_button(vault, f"rem:t:{occ}", clock.now(), t)
        lines = adherence(vault, START, START + timedelta(days=7))
    (line,) = lines
    assert line.reminder_label == medication.name
    assert len(ids) == 15  # 14 doses + the snoozed one sent again
    assert (line.total, line.taken, line.skipped) == (14, 13, 1)


async def test_weekly_summary_counts_doses_taken(store, sender, clock):
    enrol(store, 7, START)
    d = dispatcher(store, sender, clock)
    t = EchoMessages()
    while clock.now() < datetime(2026, 3, 29, 17, 40, tzinfo=UTC):  # Sunday 19:40 in Paris
        before = len(sender.sent)
        await d.tick()
        with store.vault(7) as vault:
            for occ in occurrence_ids(sender)[before:]:
                # The Saturday evening dose is forgotten.
                if clock.now().astimezone(PARIS).strftime("%a %H") != "Sat 19":
                    handle_button(vault, f"rem:t:{occ}", clock.now(), t)
        clock.advance(minutes=15)
    summary = [text for text in sender.texts if "adherence" in text]
    assert summary == [
        "reminders.adherence.title\nreminders.adherence.line(name=Amoxicilline,taken=4,total=5)"
    ]


async def test_after_downtime_late_doses_become_one_summary_and_recent_ones_are_sent(
    store, sender, clock
):
    enrol(store, 7, START)
    d = dispatcher(store, sender, clock)
    # Down from Friday 07:00 to Saturday 09:00 (Paris): two doses are hours late and become one
    # summary; Saturday's 08:00 dose is one hour late (within the grace) and is sent as is.
    clock.set(datetime(2026, 3, 28, 8, 0, tzinfo=UTC))
    report = await d.tick()
    assert report.folded == 2 and report.summaries == 1 and report.sent == 1
    (dose, summary) = sender.texts
    assert "time=08:00" in dose
    assert summary.startswith("reminders.missed.title(count=2)")
    assert "time=08:00" in summary and "time=19:30" in summary
    assert not sender.sent[1][1][0].buttons
    # Down 20 minutes only: the dose is sent late, on its own, with its buttons.
    clock.set(datetime(2026, 3, 28, 18, 50, tzinfo=UTC))
    report = await d.tick()
    assert report.sent == 1 and report.folded == 0


async def test_restart_in_the_middle_of_a_dispatch_sends_nothing_twice_and_loses_nothing(
    database_url, master_key, clock
):
    url = database_url
    first_store = open_store(url, master_key, cache_profiles=0)
    for user in range(1, 11):
        enrol(first_store, user, START)
    clock.set(FIRST_DOSE)
    crashing = RecordingSender()
    crashing.crash_after = 4
    with pytest.raises((ProcessDied, BaseExceptionGroup)):
        await dispatcher(first_store, crashing, clock, concurrency=1).tick()
    first_store.close()
    assert len(crashing.sent) == 4
    # A new process starts; the claims of the dead one expire after their lease.
    second_store = open_store(url, master_key, cache_profiles=0)
    sender = RecordingSender()
    again = dispatcher(second_store, sender, clock)
    assert (await again.tick()).sent == 0  # still leased to the dead process
    clock.advance(minutes=6)
    await again.tick()
    second_store.close()
    delivered = occurrence_ids(crashing) + occurrence_ids(sender)
    assert len(delivered) == 10 and len(set(delivered)) == 10


async def test_a_failed_send_is_retried_not_lost(store, sender, clock):
    enrol(store, 7, START)
    clock.set(FIRST_DOSE)
    sender.fail_next = 1
    d = dispatcher(store, sender, clock)
    report = await d.tick()
    assert report.failed == 1 and report.requeued == 1 and sender.sent == []
    clock.advance(seconds=30)
    assert (await d.tick()).sent == 1
    assert (await d.tick()).sent == 0


async def test_after_a_network_failure_the_rest_of_the_tick_waits_for_the_lease(
    store, sender, clock
):
    for user in range(1, 6):
        enrol(store, user, START)
    clock.set(FIRST_DOSE)
    sender.fail_next = 1
    d = dispatcher(store, sender, clock, concurrency=1)
    report = await d.tick()
    assert (report.failed, report.postponed, report.sent) == (1, 4, 0)
    clock.advance(seconds=30)
    assert (await d.tick()).sent == 1  # the requeued one; the others are still leased
    clock.advance(minutes=5)
    assert (await d.tick()).sent == 4
    assert len(set(occurrence_ids(sender))) == 5


async def test_a_blocked_user_is_not_retried(store, clock):
    class Forbidden(Exception):
        pass

    class Blocked(RecordingSender):
        async def send(self, chat_id, replies):
            raise Forbidden

    enrol(store, 7, START)
    clock.set(FIRST_DOSE)
    d = dispatcher(store, Blocked(), clock)
    assert (await d.tick()).undeliverable == 1
    clock.advance(minutes=10)
    assert (await d.tick()).claimed == 0


async def test_quiet_hours_hold_a_reminder_until_morning(store, sender, clock):
    with store.vault(7) as vault:
        vault.set_chat_id(7)
        plan = plan_follow_up("prise de sang", vault.get_profile(), START, days=1)
        plan.occurrences[0] = plan.occurrences[0].model_copy(
            update={"due_at": datetime(2026, 3, 27, 22, 0, tzinfo=UTC)}  # 23:00 in Paris
        )
        save_plan(vault, plan)
    d = dispatcher(store, sender, clock)
    clock.set(datetime(2026, 3, 27, 22, 0, tzinfo=UTC))
    assert (await d.tick()).deferred == 1 and sender.sent == []
    clock.set(datetime(2026, 3, 28, 3, 0, tzinfo=UTC))  # 04:00
    await d.tick()
    assert sender.sent == []
    clock.set(datetime(2026, 3, 28, 6, 31, tzinfo=UTC))  # 07:31
    assert (await d.tick()).sent == 1
    assert sender.texts == ["reminders.follow_up(what=prise de sang)"]


async def test_paused_reminders_are_not_sent(store, sender, clock):
    medication = enrol(store, 7, START)
    with store.vault(7) as vault:
        assert pause_reminders(vault, medication.id) == 1
    clock.set(FIRST_DOSE)
    report = await dispatcher(store, sender, clock).tick()
    assert report.sent == 0 and report.dropped == 1


async def test_stop_button_stops_the_treatment_reminders(store, sender, clock):
    enrol(store, 7, START)
    d = dispatcher(store, sender, clock)
    clock.set(FIRST_DOSE)
    await d.tick()
    with store.vault(7) as vault:
        (reply,) = handle_button(
            vault, f"rem:x:{occurrence_ids(sender)[0]}", clock.now(), EchoMessages()
        )
    assert reply.text == "reminders.answer.stopped(name=Amoxicilline)"
    clock.advance(hours=12)
    assert (await d.tick()).sent == 0


async def test_sliding_window_never_puts_more_than_the_limit_in_a_second():
    fake_time = [0.0]
    sent_at: list[float] = []

    async def sleep(seconds: float) -> None:
        fake_time[0] += seconds

    window = SlidingWindow(29, 1.0, sleep=sleep, monotonic=lambda: fake_time[0])
    for i in range(100):
        if i % 7 == 0:
            fake_time[0] += 0.013  # other work between sends
        await window.acquire()
        sent_at.append(fake_time[0])
    # Windows of one second (minus float noise at the boundary, where one send leaves the window
    # exactly as the next enters).
    busiest = max(sum(1 for t in sent_at if s <= t < s + 1.0 - 1e-6) for s in sent_at)
    assert busiest == 29
    assert sent_at[-1] == pytest.approx(3.0, abs=0.1)  # 100 sends at 29/s, none dropped


async def test_dispatcher_spreads_a_backlog_at_the_rate(store, clock):
    for user in range(1, 41):
        enrol(store, user, START)
    clock.set(FIRST_DOSE)
    fake_time = [0.0]
    stamps: list[float] = []

    async def sleep(seconds: float) -> None:
        fake_time[0] += seconds

    class Stamping(RecordingSender):
        async def send(self, chat_id, replies):
            stamps.append(fake_time[0])
            await super().send(chat_id, replies)

    sender = Stamping()
    d = dispatcher(store, sender, clock, rate=29, sleep=sleep, monotonic=lambda: fake_time[0])
    report = await d.tick()
    assert report.sent == 40 and len(set(occurrence_ids(sender))) == 40
    assert max(sum(1 for t in stamps if s <= t < s + 1.0 - 1e-6) for s in stamps) <= 29
    assert stamps[-1] >= 1.0


async def test_token_bucket_spreads_sends_at_the_rate_and_drops_none(store, clock):
    slept: list[float] = []
    fake_time = [0.0]

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        fake_time[0] += seconds

    bucket = TokenBucket(30, 30, sleep=sleep, monotonic=lambda: fake_time[0])
    for _ in range(90):
        await bucket.acquire()
    assert sum(slept) == pytest.approx(2.0, rel=0.01)


def _run_dispatcher(url, master_key, clock, sender, rounds: int) -> None:
    store = open_store(url, master_key, cache_profiles=0)
    d = dispatcher(store, sender, clock, batch=7, concurrency=2)

    async def loop() -> None:
        for _ in range(rounds):
            await d.tick()

    try:
        asyncio.run(loop())
    finally:
        store.close()


@pytest.mark.postgres
def test_two_dispatchers_on_postgresql_send_each_occurrence_exactly_once(
    postgres_url, master_key, clock
):
    url = postgres_url
    setup = open_store(url, master_key, cache_profiles=0)
    for user in range(1, 31):
        enrol(setup, user, START, amoxicilline(days=2))
    setup.close()
    clock.set(START + timedelta(days=3))  # every dose due; within grace none: use a long grace
    senders = [RecordingSender(), RecordingSender()]
    threads = [
        threading.Thread(target=_run_dispatcher_grace, args=(url, master_key, clock, s, 6))
        for s in senders
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    delivered = occurrence_ids(senders[0]) + occurrence_ids(senders[1])
    assert len(delivered) == 30 * 4
    assert len(set(delivered)) == len(delivered)
    assert senders[0].sent and senders[1].sent


def _run_dispatcher_grace(url, master_key, clock, sender, rounds: int) -> None:
    store = open_store(url, master_key, cache_profiles=0)
    d = dispatcher(store, sender, clock, batch=7, concurrency=2, grace=timedelta(days=7))

    async def loop() -> None:
        for _ in range(rounds):
            await d.tick()

    try:
        asyncio.run(loop())
    finally:
        store.close()


async def test_no_weekly_summary_once_the_course_is_over(store, sender, clock):
    enrol(store, 7, START, amoxicilline(days=1))
    d = dispatcher(store, sender, clock)
    while clock.now() < START + timedelta(days=15):
        await d.tick()
        clock.advance(hours=1)
    summaries = [t for t in sender.texts if "adherence" in t]
    assert summaries == [
        "reminders.adherence.title\nreminders.adherence.line(name=Amoxicilline,taken=0,total=2)"
    ]
    # The weeks after are silent: nothing was due.
