"""The reminder dispatcher: claim due occurrences, build messages, send them, never twice.

One ``tick`` (run every 30 s by ``bot.tg.jobs``, or by a worker):

1. ``store.claim_due(now, lease=...)`` leases due, unsent occurrences (``FOR UPDATE SKIP LOCKED``
   on PostgreSQL, so several instances never claim the same row within a lease). Row claiming
   was chosen over a task queue (procrastinate): the occurrences table already is the queue,
   with its due times in clear, and a partial index on unsent rows keeps the claim at < 1 ms.
2. For each profile (in worker threads: the store is synchronous): open its vault, decide per
   occurrence (send, fold into a "missed" summary, hold during quiet hours, or drop because
   paused, stopped or erased), extend open-ended schedules.
3. For each message: **mark sent first, then send** (``mark_sent`` returns False if another
   instance already did: then nothing is sent). Batches are pipelined: the next one is claimed
   and read while the current one is being sent.

Delivery guarantee (the trade-off, chosen on purpose): *at most once*. If the process dies
between ``mark_sent`` and the Bot API call, that one message is lost; if it dies after sending,
nothing is sent again. The opposite order (send, then mark) would resend after a crash once the
lease expires, and a duplicate "take your pill" reminder can cause a double dose, whereas a lost
one is at worst a missed reminder. The window is one in-flight message per worker (marked,
waiting for its turn under the rate limit or being sent). A send that
*fails* with a transient error is not lost: a fresh occurrence with the same due time replaces
it (retried on the next tick, within a day), and the rest of the tick waits for its lease to
expire. Permanent errors (the user blocked carnet) are not retried.

After downtime, an intake reminder more than ``grace`` late is not sent on its own: all such
reminders of a profile become one summary message. Other kinds (renewal, vaccination...) are
sent late. Nothing is sent during the user's quiet hours (the claim is left to expire and looked
at again). Sends go through a sliding-window limiter (at most 29 messages in any second,
under Telegram's global limit of 30): a backlog is spread over several ticks, never dropped.
With several instances, give each ``rate = 29 // instances``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import BaseModel

from bot.engine.clock import Clock
from bot.engine.replies import Reply, Text
from bot.reminders.actions import adherence_text, is_paused, weekly_adherence
from bot.reminders.messages import (
    Messages,
    TranslatorFactory,
    default_translators,
    missed_summary,
    reminder_message,
)
from bot.reminders.planner import PREVENTION_CHECK, extend, in_quiet_hours, parse_rule, zone
from bot.reminders.prevention import sync_preventions
from bot.reminders.rate import Limiter, SlidingWindow
from store.api import DueOccurrence
from store.records import Occurrence, Reminder, ReminderKind, UserProfile
from store.vault import Vault

logger = logging.getLogger(__name__)

RETRY_WINDOW = timedelta(days=1)
GONE_CODES = frozenset({"erased", "unknown_user"})
FIRST_BATCH = 10
# Telegram's global limit is about 30 messages per second: at most 29 in any one-second window
# (one of margin for network jitter on the way).
SEND_RATE = 29
# Sender errors that retrying cannot fix (the user blocked carnet, the chat is gone): by class
# name, since this package never imports the Telegram library.
PERMANENT_ERRORS = frozenset({"Forbidden", "BadRequest", "NotPrivateChat", "ChatMigrated"})


class Sender(Protocol):
    """Delivers replies to one private chat (``bot.tg.outbound.TelegramSender``)."""

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        """Deliver ``replies`` in order to ``chat_id``; raise if they could not be delivered."""
        ...


class ReminderStore(Protocol):
    """The part of ``store.api.Store`` the dispatcher uses."""

    def claim_due(
        self, now: datetime, *, limit: int = 100, lease: timedelta = timedelta(minutes=5)
    ) -> list[DueOccurrence]:
        """Lease due unsent occurrences."""
        ...

    def mark_sent(self, occurrence_id: str, at: datetime) -> bool:
        """Record as sent; False if it already was."""
        ...

    def vault_for_account(self, account_id: str, profile_id: str) -> AbstractContextManager[Vault]:
        """A vault transaction for a known profile."""
        ...


class TickReport(BaseModel):
    """Counts of one tick (what the logs and the benchmark print)."""

    claimed: int = 0
    sent: int = 0
    folded: int = 0
    summaries: int = 0
    deferred: int = 0
    dropped: int = 0
    already_sent: int = 0
    failed: int = 0
    requeued: int = 0
    undeliverable: int = 0
    postponed: int = 0
    seconds: float = 0.0


@dataclass
class _Outgoing:
    """One message to send, and the occurrences it stands for."""

    account_id: str
    profile_id: str
    chat_id: int
    replies: list[Reply]
    occurrences: list[tuple[str, str, datetime]]  # (occurrence id, reminder id, due at)


@dataclass
class _ProfileWork:
    outgoing: list[_Outgoing] = field(default_factory=list)


class Dispatcher:
    """Sends due reminders; safe to run in several processes against one PostgreSQL store."""

    def __init__(
        self,
        store: ReminderStore,
        sender: Sender,
        clock: Clock,
        *,
        translators: TranslatorFactory = default_translators,
        grace: timedelta = timedelta(hours=1),
        lease: timedelta = timedelta(minutes=5),
        batch: int = 50,
        max_per_tick: int = 2000,
        rate: int = SEND_RATE,
        concurrency: int = 8,
        limiter: Limiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.translators = translators
        self.grace = grace
        self.lease = lease
        self.batch = batch
        self.max_per_tick = max_per_tick
        self.concurrency = concurrency
        self.limiter = limiter or SlidingWindow(rate, 1.0, sleep=sleep, monotonic=monotonic)
        self._monotonic = monotonic
        self._broken = False

    async def tick(self) -> TickReport:
        """Claim what is due now and deliver it; returns counts (no content).

        Batches are pipelined: while one batch is being sent, the next one is claimed and its
        vaults are read in worker threads (the store is synchronous), so sending never waits on
        the database and the rate limit is the only brake.
        """
        started = self._monotonic()
        report = TickReport()
        self._broken = False
        async with asyncio.TaskGroup() as group:
            delivering: asyncio.Task[None] | None = None
            while report.claimed < self.max_per_tick and not self._broken:
                now = self.clock.now()
                # A small first batch gets the first message out quickly; later ones are
                # read while the previous batch is being sent.
                size = FIRST_BATCH if delivering is None else self.batch
                limit = min(size, self.max_per_tick - report.claimed)
                claimed = await asyncio.to_thread(
                    self.store.claim_due, now, limit=limit, lease=self.lease
                )
                report.claimed += len(claimed)
                if not claimed:
                    break
                outgoing = await self._prepare(claimed, now, report)
                if delivering is not None:
                    await delivering
                delivering = group.create_task(self._deliver(outgoing, report))
                if len(claimed) < limit:
                    break
        report.seconds = self._monotonic() - started
        if report.claimed:
            logger.info(
                "reminders tick claimed=%d sent=%d folded=%d deferred=%d dropped=%d "
                "failed=%d seconds=%.3f",
                report.claimed,
                report.sent,
                report.folded,
                report.deferred,
                report.dropped,
                report.failed,
                report.seconds,
            )
        return report

    # -- building ---------------------------------------------------------------------------

    async def _prepare(
        self, claimed: Sequence[DueOccurrence], now: datetime, report: TickReport
    ) -> list[list[_Outgoing]]:
        """Messages per profile (each list is sent in order), profiles read in worker threads."""
        groups: dict[tuple[str, str], list[DueOccurrence]] = defaultdict(list)
        for due in claimed:
            groups[(due.account_id, due.profile_id)].append(due)
        limit = asyncio.Semaphore(self.concurrency)
        results: list[tuple[list[_Outgoing], list[str], TickReport]] = []

        async def one(key: tuple[str, str], dues: list[DueOccurrence]) -> None:
            async with limit:
                results.append(await asyncio.to_thread(self._prepare_group, key, dues, now))

        async with asyncio.TaskGroup() as group:
            for key, dues in groups.items():
                group.create_task(one(key, dues))
        work: list[list[_Outgoing]] = []
        drops: list[str] = []
        for outgoing, dropped, counts in results:
            work.append(outgoing)
            drops.extend(dropped)
            report.deferred += counts.deferred
            report.failed += counts.failed
        # Marked outside the vault transactions: SQLite has a single writer.
        report.dropped += await asyncio.to_thread(self._mark_all, drops, now)
        return work

    def _mark_all(self, occurrence_ids: Sequence[str], now: datetime) -> int:
        return sum(
            1 for occurrence_id in occurrence_ids if self.store.mark_sent(occurrence_id, now)
        )

    def _prepare_group(
        self, key: tuple[str, str], dues: list[DueOccurrence], now: datetime
    ) -> tuple[list[_Outgoing], list[str], TickReport]:
        """One profile's messages, the occurrences to drop, and counts (runs in a thread)."""
        account_id, profile_id = key
        counts = TickReport()
        drops: list[str] = []
        try:
            with self.store.vault_for_account(account_id, profile_id) as vault:
                outgoing = self._prepare_profile(vault, dues, now, counts, drops)
        except Exception as exc:
            if getattr(exc, "code", None) in GONE_CODES:
                # The profile was erased: nothing to remind any more.
                return [], [d.occurrence_id for d in dues], counts
            # A storage error: leave the lease to expire and retry on a later tick.
            logger.warning(
                "reminders profile failed profile=%s error=%s", profile_id, type(exc).__name__
            )
            counts.failed += len(dues)
            return [], [], counts
        return outgoing, drops, counts

    def _prepare_profile(
        self,
        vault: Vault,
        dues: Sequence[DueOccurrence],
        now: datetime,
        report: TickReport,
        drops: list[str],
    ) -> list[_Outgoing]:
        profile = vault.get_profile()
        chat_id = vault.get_chat_id()
        t = self.translators(profile.language.value if profile.language else None)
        reminders = {r.id: r for r in vault.list_reminders()}
        since = min(d.due_at for d in dues)
        until = max(d.due_at for d in dues) + timedelta(seconds=1)
        stored = {o.id: o for o in vault.list_occurrences(since=since, until=until)}
        quiet = in_quiet_hours(now.astimezone(zone(profile)).time(), profile.reminders)
        out: list[_Outgoing] = []
        missed: list[tuple[DueOccurrence, Reminder]] = []
        touched: set[str] = set()
        for due in sorted(dues, key=lambda d: d.due_at):
            reminder = reminders.get(due.reminder_id)
            occurrence = stored.get(due.occurrence_id)
            if (
                reminder is None
                or occurrence is None
                or occurrence.answer is not None
                or is_paused(reminder, now)
                or not profile.reminders.enabled
                or chat_id is None
            ):
                drops.append(due.occurrence_id)
                continue
            touched.add(reminder.id)
            if reminder.rule == PREVENTION_CHECK:
                # Silent: evaluate the calendar again; offers are planned as new occurrences.
                drops.append(due.occurrence_id)
                if profile.reminders.prevention:
                    sync_preventions(vault, now)
                continue
            if reminder.kind == ReminderKind.SUMMARY and not weekly_adherence(vault, now):
                # No dose this week: say nothing; once no treatment is left, stop summarising.
                drops.append(due.occurrence_id)
                if not any(r.kind == ReminderKind.INTAKE and r.active for r in reminders.values()):
                    vault.save_reminder(reminder.model_copy(update={"active": False}))
                    touched.discard(reminder.id)
                continue
            if reminder.kind == ReminderKind.INTAKE and now - due.due_at > self.grace:
                missed.append((due, reminder))
                continue
            if quiet:
                # Left claimed: its lease expires and it is looked at again after the quiet
                # hours (an intake reminder then late beyond the grace joins the summary).
                report.deferred += 1
                continue
            out.append(
                _Outgoing(
                    due.account_id,
                    due.profile_id,
                    chat_id,
                    [self._message(t, vault, profile, reminder, due, now)],
                    [(due.occurrence_id, reminder.id, due.due_at)],
                )
            )
        if missed and chat_id is not None and quiet:
            report.deferred += len(missed)
        elif missed and chat_id is not None:
            text = missed_summary(t, profile, [(r, d.due_at) for d, r in missed])
            out.append(
                _Outgoing(
                    missed[0][0].account_id,
                    missed[0][0].profile_id,
                    chat_id,
                    [text],
                    [(d.occurrence_id, r.id, d.due_at) for d, r in missed],
                )
            )
        new = self._extensions(vault, profile, reminders, touched, now)
        if new:
            vault.save_occurrences(new)
        return out

    def _message(
        self,
        t: Messages,
        vault: Vault,
        profile: UserProfile,
        reminder: Reminder,
        due: DueOccurrence,
        now: datetime,
    ) -> Text:
        if reminder.kind == ReminderKind.SUMMARY:
            return Text(text=adherence_text(t, weekly_adherence(vault, now)))
        return reminder_message(t, reminder, profile, due.occurrence_id, due.due_at)

    def _extensions(
        self,
        vault: Vault,
        profile: UserProfile,
        reminders: dict[str, Reminder],
        touched: set[str],
        now: datetime,
    ) -> list[Occurrence]:
        """Next occurrences of open-ended reminders (chronic intake, checks, weekly summary)."""
        candidates = [reminders[i] for i in touched if _open_ended(reminders[i])]
        if not candidates:
            return []
        last: dict[str, datetime] = {}
        for occurrence in vault.list_occurrences(since=now):
            if occurrence.due_at > last.get(
                occurrence.reminder_id, occurrence.due_at - timedelta(1)
            ):
                last[occurrence.reminder_id] = occurrence.due_at
        added: list[Occurrence] = []
        for reminder in candidates:
            added.extend(extend(reminder, profile, last.get(reminder.id), now))
        return added

    # -- delivering -------------------------------------------------------------------------

    async def _deliver(self, work: list[list[_Outgoing]], report: TickReport) -> None:
        queue: asyncio.Queue[list[_Outgoing]] = asyncio.Queue()
        for item in work:
            if item:
                queue.put_nowait(item)

        async def worker() -> None:
            while not queue.empty():
                messages = queue.get_nowait()
                for message in messages:
                    await self._send_one(message, report)

        async with asyncio.TaskGroup() as group:
            for _ in range(min(self.concurrency, queue.qsize())):
                group.create_task(worker())

    async def _send_one(self, message: _Outgoing, report: TickReport) -> None:
        if self._broken:
            # A transient failure earlier in this tick: leave the rest claimed; their lease
            # expires and a later tick tries again (nothing marked, nothing lost).
            report.postponed += len(message.occurrences)
            return
        now = self.clock.now()
        fresh = await asyncio.to_thread(self._mark_fresh, message.occurrences, now)
        report.already_sent += len(message.occurrences) - len(fresh)
        if not fresh:
            return
        # The turn is taken right before the call, so the limit holds where Telegram counts it.
        # Each worker holds at most one marked, unsent message (the at-most-once window).
        await self.limiter.acquire(len(message.replies))
        try:
            await self.sender.send(message.chat_id, message.replies)
        except Exception as exc:
            name = type(exc).__name__
            logger.warning(
                "reminders send failed profile=%s occurrences=%d error=%s",
                message.profile_id,
                len(fresh),
                name,
            )
            if name in PERMANENT_ERRORS:
                report.undeliverable += len(fresh)
                return
            report.failed += len(fresh)
            self._broken = True
            await asyncio.to_thread(self._requeue, message, fresh, report)
            return
        if len(message.occurrences) > 1:
            report.folded += len(fresh)
            report.summaries += 1
        else:
            report.sent += 1

    def _mark_fresh(
        self, occurrences: list[tuple[str, str, datetime]], now: datetime
    ) -> list[tuple[str, str, datetime]]:
        """The occurrences this call marked as sent (others were already sent elsewhere)."""
        return [o for o in occurrences if self.store.mark_sent(o[0], now)]

    def _requeue(
        self, message: _Outgoing, fresh: list[tuple[str, str, datetime]], report: TickReport
    ) -> None:
        """Replace occurrences whose send failed by new ones with the same due time.

        Keeping the due time keeps the grace rule right (a dose retried hours later joins the
        missed summary) and bounds retries to ``RETRY_WINDOW`` after the original due time.
        """
        now = self.clock.now()
        retry = [
            Occurrence(reminder_id=reminder_id, due_at=due_at)
            for _, reminder_id, due_at in fresh
            if now - due_at < RETRY_WINDOW
        ]
        if not retry:
            return
        try:
            with self.store.vault_for_account(message.account_id, message.profile_id) as vault:
                vault.save_occurrences(retry)
        except Exception:
            logger.exception("reminders requeue failed profile=%s", message.profile_id)
            return
        report.requeued += len(retry)


def _open_ended(reminder: Reminder) -> bool:
    """Whether the reminder has no planned end (its occurrences are planned as time goes)."""
    if reminder.kind == ReminderKind.SUMMARY or reminder.rule == PREVENTION_CHECK:
        return True
    rule = parse_rule(reminder)
    if reminder.kind == ReminderKind.INTAKE:
        return "fp" in rule and rule.get("total") is None
    return reminder.kind == ReminderKind.RENEWAL and rule.get("phase") == "check"
