"""The local chat: a line is a message, ``/doc PATH`` sends a file; same engine, same store.

Buttons are shown numbered (``[1] Confirmer``) and chosen by typing their number. Files and
images the engine sends are written to ``<data_dir>/chat-files/`` and their path is printed.
"""

from __future__ import annotations

import asyncio
import mimetypes
import sys
from pathlib import Path
from typing import TextIO

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
from bot.settings import Settings

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

    async def run(self, lines: TextIO) -> int:
        """Chat until end of input."""
        handle = getattr(self.engine, "handle")  # noqa: B009
        for line in lines:
            event = self.event_of(line)
            if event is None:
                continue
            if isinstance(event, str):
                print(f"carnet> {event}", file=self.output)
                continue
            replies = await handle(self.user, event, self.emit)
            self.show(replies)
        return 0


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
        if sys.stdin.isatty():
            print(chat.tr("chat.intro"))
        return asyncio.run(chat.run(sys.stdin))
    finally:
        services.close()
