"""The conversation engine: ``Engine.handle(user, event) -> replies``, transport-agnostic.

Blocking work runs off the event loop: store transactions in the I/O executor, extraction in the
CPU executor (both given by ``bot.bootstrap``). One user's events are serialised by a per-user
lock; the dialogue state is loaded and saved in the same vault transaction as the records it
talks about, so a restart or a second instance continues where the user was.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from bot.engine import errors, intake, onboarding, profiles, routes
from bot.engine.clock import Clock, local_today
from bot.engine.events import (
    AlbumIn,
    ButtonIn,
    CommandIn,
    DocumentIn,
    Event,
    FileIn,
    PhotoIn,
    TextIn,
    UnsupportedIn,
    UserRef,
)
from bot.engine.replies import LeaveChat, Reply, Text
from bot.engine.turn import Turn
from bot.i18n import Translator, pick_language, translator
from extraction.options import ExtractionOptions
from extraction.result import ExtractedDocument, InputFile
from store.api import Store
from store.errors import UnknownUser
from store.records import DialogueState
from store.vault import Vault

log = logging.getLogger("carnet.engine")

Extractor = Callable[[list[InputFile], ExtractionOptions], ExtractedDocument]
"""Runs extraction (blocking, CPU-bound) on the files of one document."""

Emit = Callable[[Reply], Awaitable[None]]
"""Sends a reply right away (chat action, progress) while the engine keeps working."""

Defer = Callable[[int, str], None]
"""Queues the reading of a stored document (user id, document id) for a worker (blocking)."""


class Reading(Protocol):
    """Writes a document's reading job in the store's transactions (``bot.jobs_queue``)."""

    def stored(self, vault: Vault, document_id: str, now: datetime) -> None:
        """In the transaction that stores the received document."""

    def read(self, vault: Vault, document_id: str, now: datetime) -> None:
        """In the transaction that saves what was read (or why it could not be)."""


T = TypeVar("T")


@dataclass(frozen=True)
class EngineConfig:
    """Plain values the engine needs from the settings."""

    default_language: str = "fr"
    default_timezone: str = "Europe/Paris"


class Engine:
    """Events in, replies out. One instance serves every user."""

    def __init__(
        self,
        *,
        store: Store,
        clock: Clock,
        extract: Extractor,
        options: ExtractionOptions | None = None,
        config: EngineConfig | None = None,
        io_executor: Executor | None = None,
        cpu_executor: Executor | None = None,
        defer: Defer | None = None,
        reading: Reading | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.extract = extract
        self.options = options or ExtractionOptions()
        self.config = config or EngineConfig()
        self._io = io_executor
        self._cpu = cpu_executor
        self.defer = defer
        self.reading = reading
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def warm_up(self) -> None:
        """Build the NLU vocabulary, drug index and chart fonts before a user needs them."""
        from bot.engine import charts, drugs
        from bot.engine.nlu import understand

        today = self.clock.now().date()
        understand("quels sont mes traitements ?", today)
        drugs.lookup("carnet-warm-up")
        charts.warm_up(today)

    async def handle(self, user: UserRef, event: Event, emit: Emit | None = None) -> list[Reply]:
        """Answer one event from ``user``; never raises, a failure becomes a kind message.

        ``emit``, when given, receives the early replies of long work (chat action, progress
        message) as soon as they are known; they are then not repeated in the returned list.
        """
        started = time.perf_counter()
        kind = type(event).__name__
        if user.chat_type != "private":
            tr = translator(pick_language(None, user.language_code, self.config.default_language))
            return [Text(text=tr("group.refused")), LeaveChat()]
        lock = self._locks.get(user.user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user.user_id] = lock
        async with lock:
            try:
                replies = await self._dispatch(user, event, emit)
            except Exception as exc:
                log.exception("engine error kind=%s error=%s", kind, type(exc).__name__)
                tr = translator(
                    pick_language(None, user.language_code, self.config.default_language)
                )
                replies = [Text(text=errors.message_for(exc, tr))]
        log.info(
            "handled kind=%s replies=%d ms=%.1f",
            kind,
            len(replies),
            (time.perf_counter() - started) * 1000,
        )
        return replies

    async def _dispatch(self, user: UserRef, event: Event, emit: Emit | None) -> list[Reply]:
        files = _files_of(event)
        if files is not None:
            return await self._intake(user, files, emit)
        if isinstance(event, UnsupportedIn):
            return await self._io_call(self._in_turn, user, event, routes.unsupported)
        if isinstance(event, TextIn | ButtonIn | CommandIn):
            return await self._io_call(self._in_turn, user, event, routes.route)
        raise AssertionError(kind_of(event))

    async def _intake(self, user: UserRef, files: list[FileIn], emit: Emit | None) -> list[Reply]:
        received = await self._io_call(self._receive, user, files)
        if isinstance(received, list):
            return received
        document_id, tr = received
        if self.defer is not None:  # scaled shape: a `carnet worker` reads it and replies
            queued = intake.queued_replies(tr, document_id, len(files))
            if emit is not None:
                for reply in queued:
                    await emit(reply)
                queued = []
            await self._io_call(self.defer, user.user_id, document_id)
            return queued
        pages = await self._io_call(intake.count_pages, files, self.options)
        progress = intake.PageProgress(tr, document_id, pages, emit)
        early = progress.opening()
        if emit is not None:
            for reply in early:
                await emit(reply)
            early = []
        inputs = [InputFile(name=f.name, data=f.data, media_type=f.media_type) for f in files]
        outcome: ExtractedDocument | Exception
        started = time.perf_counter()
        progress.start()
        try:
            outcome = await self._cpu_call(
                intake.extract_listening, self.extract, inputs, self.options, progress.on_page
            )
        except Exception as exc:
            outcome = exc
            log.info("extraction failed error=%s", type(exc).__name__)
        finally:
            await progress.finish()
        log.info("extraction pages=%d ms=%.0f", len(files), (time.perf_counter() - started) * 1000)
        replies = await self._io_call(self._after_extraction, user, document_id, outcome)
        return [*early, *replies]

    def _receive(self, user: UserRef, files: list[FileIn]) -> list[Reply] | tuple[str, Translator]:
        result: list[Reply] | tuple[str, Translator] = []

        def body(turn: Turn) -> list[Reply]:
            nonlocal result
            if not turn.profile.consent.given:
                return onboarding.consent_prompt(turn.tr)
            document_id = intake.receive(turn, files)
            if self.reading is not None:  # its job, in the same transaction
                self.reading.stored(turn.vault, document_id, turn.now)
            result = (document_id, turn.tr)
            return []

        replies = self._in_turn(user, None, lambda turn, _event: body(turn))
        return replies if replies else result

    def _after_extraction(
        self, user: UserRef, document_id: str, outcome: ExtractedDocument | Exception
    ) -> list[Reply]:
        def body(turn: Turn) -> list[Reply]:
            replies = intake.after_extraction(turn, document_id, outcome)
            if self.reading is not None:
                self.reading.read(turn.vault, document_id, turn.now)
            return replies

        return self._in_turn(user, None, lambda turn, _event: body(turn))

    def _in_turn(
        self,
        user: UserRef,
        event: Event | None,
        handler: Callable[[Turn, Event | None], list[Reply]],
    ) -> list[Reply]:
        """One turn in the user's vault; before consent (no account yet), the consent flow.

        Whether the account exists is learnt from the vault's own first query (no separate
        round trip): a turn for an unknown user opens nothing and creates nothing.
        """
        if isinstance(event, ButtonIn | CommandIn) and onboarding.is_erase_confirmation(event):
            if not self.store.has_account(user.user_id):
                return onboarding.before_consent(user, event, self.config.default_language)
            return onboarding.erase(self.store, user, event, self.config.default_language)
        replies = self._retrying(user, event, handler, create=False)
        if replies is not None:
            return replies
        if not onboarding.is_consent_yes(event):
            return onboarding.before_consent(user, event, self.config.default_language)
        created = self._retrying(user, event, _consent_handler, create=True)
        assert created is not None  # the account was created
        return created

    def _retrying(
        self,
        user: UserRef,
        event: Event | None,
        handler: Callable[[Turn, Event | None], list[Reply]],
        *,
        create: bool,
    ) -> list[Reply] | None:
        try:
            return self._turn(user, event, handler, create=create)
        except Exception as exc:
            if errors.code_of(exc) != "concurrent_update":
                raise
            log.info("concurrent update, retrying once")
            return self._turn(user, event, handler, create=create)

    def _turn(
        self,
        user: UserRef,
        event: Event | None,
        handler: Callable[[Turn, Event | None], list[Reply]],
        *,
        create: bool,
    ) -> list[Reply] | None:
        """The replies, or None when the user has no account and ``create`` is false."""
        now = self.clock.now()
        active = None
        with ExitStack() as stack:
            try:
                vault = stack.enter_context(self.store.vault(user.user_id, create=create))
            except UnknownUser:
                return None
            state = vault.get_dialogue()
            active = profiles.active_of(state, vault.profile_id)
            if active is None:
                turn, replies = self._run(vault, state, user, event, handler, now)
        if active is not None:  # a second profile (a child's record) is the active one
            with self.store.vault(user.user_id, active) as vault:
                turn, replies = self._run(vault, vault.get_dialogue(), user, event, handler, now)
        if turn.add_profile or turn.switch_to:
            profiles.after_turn(self.store, user.user_id, turn)
        return replies

    def _run(
        self,
        vault: Vault,
        state: DialogueState,
        user: UserRef,
        event: Event | None,
        handler: Callable[[Turn, Event | None], list[Reply]],
        now: datetime,
    ) -> tuple[Turn, list[Reply]]:
        profile = vault.get_profile()
        language = pick_language(
            profile.language.value if profile.language and profile.language_chosen else None,
            user.language_code,
            profile.language.value if profile.language else self.config.default_language,
        )
        turn = Turn(
            user=user,
            vault=vault,
            profile=profile,
            state=state,
            tr=translator(language),
            now=now,
            today=local_today(self.clock, profile.timezone),
            list_profiles=lambda: self.store.profiles(user.user_id),
        )
        replies = handler(turn, event)
        if turn.profile_dirty:
            vault.save_profile(turn.profile)
        if turn.state_dirty:
            vault.save_dialogue(turn.state)
        return turn, replies

    async def _io_call(self, fn: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._io, fn, *args)

    async def _cpu_call(self, fn: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu, fn, *args)


def _consent_handler(turn: Turn, _event: Event | None) -> list[Reply]:
    return onboarding.accept_consent(turn)


def _files_of(event: Event) -> list[FileIn] | None:
    if isinstance(event, PhotoIn | DocumentIn):
        return [event.file]
    if isinstance(event, AlbumIn):
        return list(event.files)
    return None


def kind_of(event: Event) -> str:
    """The event's class name, for logs."""
    return type(event).__name__


def utc_now_of(clock: Clock) -> datetime:
    """The clock's time (helper for adapters that need a timestamp)."""
    return clock.now()
