"""A bot process (scaled shape) that SIGKILLs itself while a photo is being stored.

``python -m tests.deploy.crash_after_store URL KEY_HEX DATA_DIR USER POINT`` onboards ``USER``,
sends a photo and dies at ``POINT``:

- ``in_transaction``: the document and its job are written, the transaction not committed;
- ``after_commit``: right after the transaction that stores the document commits (where the
  job used to be queued, in a transaction of its own).

Used by ``test_outbox.py``; the process never returns normally.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from bot.bootstrap import build_services
from bot.engine.engine import Engine
from bot.jobs_queue.defer import ReadingJobs
from bot.settings import Settings
from tests.bot.conftest import Chat
from tests.fakes.ocr import ScriptedExtractor, prescription

POINTS = ("in_transaction", "after_commit")


def die() -> None:
    """SIGKILL this process: no clean-up, no rollback, no goodbye."""
    os.kill(os.getpid(), signal.SIGKILL)


async def main(url: str, key: bytes, data_dir: Path, user: int, point: str) -> None:
    Engine.warm_up = lambda self: None  # type: ignore[method-assign]  # dies before a question
    settings = Settings(data_dir=data_dir, database_url=url, queue="postgres")
    extract = ScriptedExtractor(prescription("Doliprane 1000 mg"))
    services = build_services(settings, extract=extract, master_key=key)
    chat = Chat(services.engine, user_id=user)
    await chat.onboard()
    if point == "in_transaction":
        stored = ReadingJobs.stored

        def stored_then_die(self: ReadingJobs, *args: Any) -> None:
            stored(self, *args)
            die()

        ReadingJobs.stored = stored_then_die  # type: ignore[method-assign]
    else:
        receive = Engine._receive

        def receive_then_die(self: Engine, *args: Any) -> Any:
            receive(self, *args)
            die()

        Engine._receive = receive_then_die  # type: ignore[method-assign]
    await chat.photo()
    raise AssertionError("still alive")


if __name__ == "__main__":
    url, key_hex, folder, user, point = sys.argv[1:6]
    assert point in POINTS
    asyncio.run(main(url, bytes.fromhex(key_hex), Path(folder), int(user), point))
