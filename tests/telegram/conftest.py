"""Telegram fixtures: the fake Bot API server, settings pointing at it, the real PTB application.

``bot_api`` starts a fresh fake server per test. ``start_bot(engine, ...)`` runs the real
python-telegram-bot application (long polling against the fake) around any engine:
- ``carnet`` runs the real engine from ``bot.bootstrap`` (tests of record);
- ``EchoEngine`` is a transport-only test double: it answers what it received, so adapter tests
  (splitting, escaping, albums, progress edits) do not depend on the conversation's wording.
"""

from __future__ import annotations

import contextlib
import io
import secrets
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.engine.events import (
    AlbumIn,
    ButtonIn,
    CommandIn,
    DocumentIn,
    Event,
    PhotoIn,
    TextIn,
    UnsupportedIn,
    UserRef,
)
from bot.engine.replies import Button, File, Image, LeaveChat, Reply, Text
from bot.settings import Settings, load_settings
from bot.tg.application import TelegramOptions, TgApplication, build_application, polling
from tests.fakes.bot_api import FakeBotApi, FakeUser

TOKEN = "987654:carnet-test-token"

Emit = Callable[[Reply], Awaitable[None]]


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    """A small PNG (a chart stand-in)."""
    from PIL import Image as PilImage

    out = io.BytesIO()
    PilImage.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


class EchoEngine:
    """Transport test double: answers with a description of the event it received."""

    def __init__(self) -> None:
        self.events: list[tuple[UserRef, Event]] = []

    def command_menu(self, language: str) -> list[tuple[str, str]]:
        """A two-command menu per language."""
        if language == "fr":
            return [("start", "Commencer"), ("aide", "Aide")]
        return [("start", "Start"), ("help", "Help")]

    async def handle(self, user: UserRef, event: Event, emit: Emit | None = None) -> list[Reply]:
        """Echo ``event``."""
        self.events.append((user, event))
        if user.chat_type != "private":
            return [Text(text="carnet ne fonctionne qu'en conversation privée."), LeaveChat()]
        if isinstance(event, TextIn):
            return self._text(event.text, emit)
        if isinstance(event, CommandIn):
            return [Text(text=f"command {event.name} [{event.args}]")]
        if isinstance(event, PhotoIn):
            f = event.file
            return [
                Text(
                    text=f"photo {f.width}x{f.height} {len(f.data)} bytes",
                    buttons=[
                        [Button(label="Confirmer", data="ok:1"), Button(label="Non", data="no")]
                    ],
                )
            ]
        if isinstance(event, DocumentIn):
            f = event.file
            return [Text(text=f"document {f.name} {f.media_type} {len(f.data)} bytes")]
        if isinstance(event, AlbumIn):
            sizes = ",".join(str(len(f.data)) for f in event.files)
            return [Text(text=f"album {len(event.files)} [{sizes}] caption={event.caption}")]
        if isinstance(event, ButtonIn):
            return [Text(text=f"pressed {event.data} on {event.message_id}")]
        if isinstance(event, UnsupportedIn):
            return [Text(text=f"unsupported {event.what}")]
        raise AssertionError(event)

    def _text(self, text: str, emit: Emit | None) -> list[Reply]:
        if text.startswith("long "):
            lines = int(text.split()[1])
            return [Text(text="\n".join(f"ligne {i:04d} " + "x" * 60 for i in range(lines)))]
        if text == "image":
            return [Image(data=png_bytes(), caption="courbe <HbA1c> & co")]
        if text == "file":
            return [
                File(data=b"%PDF-1.4 test", filename="carnet.pdf", media_type="application/pdf")
            ]
        if text == "boom":
            raise RuntimeError("secret health detail that must not be logged")
        return [Text(text=f"echo: {text}")]


class ProgressEngine(EchoEngine):
    """Emits a progress message, updates it, then answers (as multi-page intake does)."""

    async def handle(self, user: UserRef, event: Event, emit: Emit | None = None) -> list[Reply]:
        """Progress 1/2, 2/2 through ``emit``, then the final state in the returned list."""
        assert emit is not None
        await emit(Text(text="Lecture page 1/2…", progress_key="doc"))
        await emit(Text(text="Lecture page 2/2…", progress_key="doc"))
        return [Text(text="Lecture terminée.", progress_key="doc"), Text(text="Résumé")]


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    """A fresh fake Telegram Bot API server on 127.0.0.1."""
    api = FakeBotApi(TOKEN)
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


def telegram_settings(
    api: FakeBotApi, data_dir: Path, master_key: bytes, database_url: str, **extra: str
) -> Settings:
    """Settings for a bot talking to ``api``, with data in ``data_dir``."""
    env = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_FILE_BASE_URL": api.base_file_url,
        "CARNET_DATA_DIR": str(data_dir),
        "CARNET_DATABASE_URL": database_url,
        "CARNET_MASTER_KEY": master_key.hex(),
        **extra,
    }
    return load_settings(env)


@pytest.fixture(scope="session")
def tg_master_key() -> bytes:
    """One master key for the Telegram tests (their databases are copies of one template)."""
    return secrets.token_bytes(32)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory, tg_master_key: bytes) -> Path:
    """A real SQLite database migrated once by ``bot.bootstrap``; each test gets a copy."""
    from bot.bootstrap import build_services

    folder = tmp_path_factory.mktemp("template")
    url = f"sqlite:///{folder / 'carnet.db'}"
    env = {"CARNET_DATA_DIR": str(folder), "CARNET_DATABASE_URL": url}
    build_services(load_settings({**env, "CARNET_MASTER_KEY": tg_master_key.hex()})).close()
    return folder / "carnet.db"


@pytest.fixture
def tg_settings(
    bot_api: FakeBotApi,
    data_dir: Path,
    tg_master_key: bytes,
    migrated_database: Path,
    tmp_path: Path,
) -> Settings:
    """Settings pointing at the fake server; a fresh copy of the migrated SQLite database."""
    for suffix in ("", "-wal", "-shm"):
        source = migrated_database.with_name(migrated_database.name + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / f"carnet.db{suffix}")
    return telegram_settings(
        bot_api, data_dir, tg_master_key, f"sqlite:///{tmp_path / 'carnet.db'}"
    )


StartBot = Callable[..., contextlib.AbstractAsyncContextManager[TgApplication]]


@pytest.fixture
def start_bot(tg_settings: Settings) -> StartBot:
    """``async with start_bot(engine, settings=..., album_delay=...) as app``: a polling bot."""

    @contextlib.asynccontextmanager
    async def start(
        engine: Any,
        *,
        settings: Settings | None = None,
        album_delay: float = 0.3,
        read_timeout: float | None = None,
        seen_update: Callable[[int], bool] | None = None,
    ) -> AsyncIterator[TgApplication]:
        options = TelegramOptions(album_delay=album_delay, read_timeout=read_timeout)
        app = build_application(settings or tg_settings, engine, options, seen_update=seen_update)
        async with polling(app, poll_timeout=5):
            yield app

    return start


@pytest.fixture
async def echo_bot(start_bot: StartBot) -> AsyncIterator[EchoEngine]:
    """A polling bot around the echo test double."""
    engine = EchoEngine()
    async with start_bot(engine):
        yield engine


@pytest.fixture
def carnet_clock() -> Any:
    """The clock of ``carnet``: None is the system clock (override to pin "today")."""
    return None


@pytest.fixture
async def carnet(
    start_bot: StartBot, tg_settings: Settings, carnet_clock: Any
) -> AsyncIterator[Any]:
    """The real carnet (``bot.bootstrap`` services: engine, encrypted SQLite store, real OCR)
    behind the real PTB application, polling the fake Bot API. Yields the services."""
    from bot.bootstrap import build_services

    services = build_services(tg_settings, clock=carnet_clock)
    try:
        async with start_bot(services.engine, seen_update=services.store.seen_update):
            yield services
    finally:
        services.close()


async def onboard(user: FakeUser) -> None:
    """Go through /start as a user would: consent, birth year, sex, keep timezone and hours."""
    from bot.engine.onboarding import CONSENT_YES, KEEP_HOURS, KEEP_TZ

    await user.send_command("/start")
    await user.expect(lambda c: CONSENT_YES in c.callback_data)
    await user.press(CONSENT_YES)
    await user.expect(lambda c: bool(c.buttons))
    await user.send_text("1960")
    await user.expect(lambda c: "sex:f" in c.callback_data)
    await user.press("sex:f")
    await user.expect(lambda c: KEEP_TZ in c.callback_data)
    await user.press(KEEP_TZ)
    await user.expect(lambda c: KEEP_HOURS in c.callback_data)
    await user.press(KEEP_HOURS)
    await user.expect(lambda c: not c.buttons)
    await user.api.wait_quiet(0.2)
    user.cursor = len(user.api.calls)
