"""The local chat: a line is a message, ``/doc PATH`` sends a file; same engine, same store.

Buttons are shown numbered (``[1] Confirmer``) and chosen by typing their number. Files and
images the engine sends are written to ``<data_dir>/chat-files/`` and their path is printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import sys
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.engine.clock import Clock
from bot.engine.events import (
    ButtonIn,
    CommandIn,
    DocumentIn,
    Event,
    FileIn,
    PhotoIn,
    TextIn,
    UserRef,
)
from bot.engine.replies import Button, ChatAction, File, Image, LeaveChat, Reply, Text
from bot.i18n import translator
from bot.reminders import Dispatcher
from bot.settings import Settings
from store.api import DueOccurrence, Store
from store.vault import Vault

logger = logging.getLogger(__name__)

TICK_SECONDS = 30.0
"""How often the local chat looks for due reminders (as ``bot.tg.jobs`` does for Telegram)."""

LOCAL_USER_ID = 1
"""The terminal user's id in the store (Telegram ids are never this small for real users)."""

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/gif"}


def file_event(path: Path) -> Event:
    """A photo for an image file, a document for anything else (PDF, text)."""
    data = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    file = FileIn(
        name=path.name, data=data, media_type=media_type, is_photo=media_type in IMAGE_TYPES
    )
    return PhotoIn(file=file) if file.is_photo else DocumentIn(file=file)


class TerminalChat:
    """Reads lines, feeds the engine, prints replies."""

    def __init__(
        self, engine: object, out_dir: Path, output: TextIO, language: str | None
    ) -> None:
        self.engine = engine
        self.out_dir = out_dir
        self.output = output
        self.user = UserRef(user_id=LOCAL_USER_ID, chat_id=LOCAL_USER_ID, language_code=language)
        self.buttons: list[Button] = []
        self.tr = translator(language)
        self.dispatcher: Dispatcher | None = None
        self.tick_seconds = TICK_SECONDS

    def event_of(self, line: str) -> Event | str | None:
        """The event a typed line stands for, an error line, or None for an empty line."""
        line = line.strip()
        if not line:
            return None
        if line.isdigit() and self.buttons and 1 <= int(line) <= len(self.buttons):
            return ButtonIn(data=self.buttons[int(line) - 1].data)
        if line.startswith("/doc"):
            raw = line[4:].strip().strip("'\"")
            path = Path(raw).expanduser()
            if not raw or not path.is_file():
                return self.tr("chat.no_file", path=raw or "?")
            return file_event(path)
        if line.startswith("/"):
            name, _, args = line[1:].partition(" ")
            return CommandIn(name=name, args=args.strip())
        return TextIn(text=line)

    async def emit(self, reply: Reply) -> None:
        """Print an early reply (progress) right away."""
        self.show([reply])

    def show(self, replies: list[Reply]) -> None:
        """Print replies; number the buttons."""
        for reply in replies:
            if isinstance(reply, Text):
                print(f"carnet> {reply.text}", file=self.output)
                if reply.buttons:
                    self.buttons = [b for row in reply.buttons for b in row]
                    for number, button in enumerate(self.buttons, start=1):
                        print(f"  [{number}] {button.label}", file=self.output)
            elif isinstance(reply, Image | File):
                self.out_dir.mkdir(parents=True, exist_ok=True)
                path = self.out_dir / reply.filename
                path.write_bytes(reply.data)
                caption = f" — {reply.caption}" if reply.caption else ""
                print(f"carnet> [{path}]{caption}", file=self.output)
            elif isinstance(reply, ChatAction):
                continue
            elif isinstance(reply, LeaveChat):
                print(f"carnet> {self.tr('chat.left')}", file=self.output)
        self.output.flush()

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        """Deliver reminders (the dispatcher's ``Sender``): printed like any reply."""
        self.show(replies)

    async def deliver_due(self) -> int:
        """Run one reminders tick now; returns how many messages were printed."""
        if self.dispatcher is None:
            return 0
        report = await self.dispatcher.tick()
        return report.sent + report.summaries

    async def _ticking(self) -> None:
        while True:
            try:
                await self.deliver_due()
            except Exception as exc:  # a failed tick must not end the chat; the next one retries
                logger.error("reminders tick failed: %s", type(exc).__name__)
            await asyncio.sleep(self.tick_seconds)

    async def run(self, lines: TextIO) -> int:
        """Chat until end of input, delivering due reminders every ``tick_seconds`` meanwhile."""
        handle = getattr(self.engine, "handle")  # noqa: B009
        ticker = asyncio.create_task(self._ticking()) if self.dispatcher is not None else None
        try:
            while True:
                line = await asyncio.to_thread(lines.readline) if ticker else lines.readline()
                if not line:
                    break
                event = self.event_of(line)
                if event is None:
                    continue
                if isinstance(event, str):
                    print(f"carnet> {event}", file=self.output)
                    continue
                replies = await handle(self.user, event, self.emit)
                self.show(replies)
        finally:
            if ticker is not None:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
        return 0


class LocalReminders:
    """The store as the terminal's dispatcher sees it: only the local user's occurrences."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._account_id: str | None = None

    def _local_account(self) -> str | None:
        if self._account_id is None and self.store.has_account(LOCAL_USER_ID):
            with self.store.vault(LOCAL_USER_ID, create=False) as vault:
                self._account_id = vault.account_id
        return self._account_id

    def claim_due(
        self, now: datetime, *, limit: int = 100, lease: timedelta = timedelta(minutes=5)
    ) -> list[DueOccurrence]:
        """Lease the local user's due occurrences (nothing before the local account exists)."""
        account = self._local_account()
        if account is None:
            return []
        claimed = self.store.claim_due(now, limit=limit, lease=lease)
        return [due for due in claimed if due.account_id == account]

    def mark_sent(self, occurrence_id: str, at: datetime) -> bool:
        """Record an occurrence as sent."""
        return self.store.mark_sent(occurrence_id, at)

    def vault_for_account(self, account_id: str, profile_id: str) -> AbstractContextManager[Vault]:
        """A vault transaction for a known profile."""
        return self.store.vault_for_account(account_id, profile_id)


def local_dispatcher(store: Store, clock: Clock, chat: TerminalChat) -> Dispatcher:
    """The in-process reminders dispatcher of the local chat, printing to ``chat``."""
    return Dispatcher(LocalReminders(store), chat, clock)


def run_chat(settings: Settings) -> int:
    """Run the local chat on stdin/stdout with the configured store; returns the exit code."""
    from bot.bootstrap import build_services

    try:
        from bot.logs import setup_logging

        setup_logging(settings, stream=sys.stderr, quiet=True)
    except ImportError:
        pass
    services = build_services(settings)
    try:
        chat = TerminalChat(
            services.engine, settings.data_dir / "chat-files", sys.stdout, settings.language
        )
        if settings.effective_database_url.startswith("sqlite"):  # embedded: one process
            chat.dispatcher = local_dispatcher(services.store, services.clock, chat)
        if sys.stdin.isatty():
            print(chat.tr("chat.intro"))
        return asyncio.run(chat.run(sys.stdin))
    finally:
        services.close()
