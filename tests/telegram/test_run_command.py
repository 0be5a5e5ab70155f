"""``carnet run`` as a process: long polling against the fake Bot API, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fakes.bot_api import FakeBotApi


async def test_carnet_run_polls_answers_and_stops_cleanly(
    bot_api: FakeBotApi, tmp_path: Path, master_key: bytes
):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "TELEGRAM_"))}
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": bot_api.token,
            "TELEGRAM_API_BASE_URL": bot_api.base_url,
            "TELEGRAM_FILE_BASE_URL": bot_api.base_file_url,
            "CARNET_DATA_DIR": str(tmp_path / "data"),
            "CARNET_MASTER_KEY": master_key.hex(),
            "CARNET_LOG_LEVEL": "DEBUG",
        }
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        alice = bot_api.user(1001)
        await alice.send_command("/start")
        welcome = await alice.expect_buttons(within=30)
        assert welcome.callback_data == ["consent:yes", "consent:no"]
        menus = {c.params.get("language_code") for c in bot_api.calls_of("setMyCommands")}
        assert menus == {None, "fr"}
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, err.decode()[-2000:]
    log = err.decode()
    assert bot_api.token not in log, "the bot token never reaches the logs"
    assert "Bonjour" not in log, "no message text in the logs"
