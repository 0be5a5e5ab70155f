"""Engine fixtures: a real encrypted SQLite store in tmp_path, a fake clock, a chat helper."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.engine.engine import Engine, EngineConfig
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
from bot.engine.replies import Button, Image, Reply, Text
from store import open_store
from store.api import Store
from tests.fakes.clock import FakeClock
from tests.fakes.ocr import ScriptedExtractor, prescription


@pytest.fixture
def store(tmp_path: Path, master_key: bytes) -> Iterator[Store]:
    """A real encrypted SQLite store."""
    opened = open_store(f"sqlite:///{tmp_path / 'c.db'}", master_key)
    yield opened
    opened.close()


@pytest.fixture
def any_store(database_url: str, master_key: bytes) -> Iterator[Store]:
    """A real encrypted store on SQLite, and on PostgreSQL too when it is configured."""
    opened = open_store(database_url, master_key)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> FakeClock:
    """10 March 2026, 09:00 UTC."""
    return FakeClock()


@pytest.fixture
def extractor() -> ScriptedExtractor:
    """Reads every document as a two-line prescription unless told otherwise."""
    return ScriptedExtractor(prescription("Doliprane 1000 mg", "Amoxicilline 1 g"))


@pytest.fixture
def engine(store: Store, clock: FakeClock, extractor: ScriptedExtractor) -> Engine:
    """The engine over the real store, a fake clock and scripted extraction."""
    return Engine(store=store, clock=clock, extract=extractor, config=EngineConfig())


class Chat:
    """One user talking to the engine, keeping the replies for assertions."""

    def __init__(self, engine: Engine, user_id: int = 1001, language: str = "fr") -> None:
        self.engine = engine
        self.user = UserRef(user_id=user_id, chat_id=user_id, language_code=language)
        self.last: list[Reply] = []

    async def send(self, event: Event) -> list[Reply]:
        """Send an event, return (and keep) the replies."""
        self.last = await self.engine.handle(self.user, event)
        return self.last

    async def say(self, text: str) -> str:
        """Send a text; return all reply texts joined."""
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            await self.send(CommandIn(name=name, args=args))
        else:
            await self.send(TextIn(text=text))
        return self.text

    async def press(self, label_part: str) -> str:
        """Press the button whose label contains ``label_part`` in the last replies."""
        button = self.button(label_part)
        await self.send(ButtonIn(data=button.data))
        return self.text

    def button(self, label_part: str) -> Button:
        """The button of the last replies whose label contains ``label_part``."""
        for reply in self.last:
            if isinstance(reply, Text):
                for row in reply.buttons:
                    for button in row:
                        if label_part.lower() in button.label.lower():
                            return button
        raise AssertionError(f"no button {label_part!r} in {self.text!r}")

    async def photo(self, data: bytes = b"\xff\xd8fake-jpeg", name: str = "p.jpg") -> str:
        """Send a photo."""
        file = FileIn(name=name, data=data, media_type="image/jpeg", is_photo=True)
        await self.send(PhotoIn(file=file))
        return self.text

    async def pdf(self, data: bytes = b"%PDF-1.4 fake", name: str = "doc.pdf") -> str:
        """Send a PDF document."""
        file = FileIn(name=name, data=data, media_type="application/pdf")
        await self.send(DocumentIn(file=file))
        return self.text

    async def onboard(self) -> None:
        """Consent and skip the profile questions."""
        await self.say("/start")
        await self.press("agree" if self.user.language_code == "en" else "J'accepte")
        await self.say("1960")
        await self.press("Femme" if self.user.language_code != "en" else "Female")
        await self.press("Oui" if self.user.language_code != "en" else "Yes")
        await self.press("Ça me va" if self.user.language_code != "en" else "Fine")

    @property
    def text(self) -> str:
        """All texts and captions of the last replies."""
        parts = []
        for reply in self.last:
            if isinstance(reply, Text):
                parts.append(reply.text)
            elif isinstance(reply, Image) and reply.caption:
                parts.append(reply.caption)
        return "\n".join(parts)


@pytest.fixture
def chat(engine: Engine) -> Chat:
    """A French-speaking user."""
    return Chat(engine)
