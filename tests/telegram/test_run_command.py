"""``carnet run`` as a process: long polling against the fake Bot API, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest

from tests.fakes.bot_api import FakeBotApi


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_carnet_run_polls_answers_serves_health_and_stops_cleanly(
    bot_api: FakeBotApi, tmp_path: Path, master_key: bytes
):
    health_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "TELEGRAM_"))}
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": bot_api.token,
            "TELEGRAM_API_BASE_URL": bot_api.base_url,
            "TELEGRAM_FILE_BASE_URL": bot_api.base_file_url,
            "CARNET_DATA_DIR": str(tmp_path / "data"),
            "CARNET_MASTER_KEY": master_key.hex(),
            "CARNET_LOG_LEVEL": "DEBUG",
            "CARNET_HEALTH_PORT": str(health_port),
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
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{health_port}") as client:
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 200
            metrics = (await client.get("/metrics")).text
        assert 'carnet_updates_total{kind="CommandIn"} 1' in metrics
        assert "carnet_answer_seconds_count 1" in metrics
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, err.decode()[-2000:]
    log = err.decode()
    assert bot_api.token not in log, "the bot token never reaches the logs"
    assert "Bonjour" not in log, "no message text in the logs"


def test_webhook_mode_without_a_token_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    from bot.cli import main

    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("CARNET_DATA_DIR", str(tmp_path / "data"))
    assert main(["run", "--webhook", "https://carnet.example.org/telegram"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "carnet: telegram_token_missing: set TELEGRAM_BOT_TOKEN (from @BotFather) "
        "to run the Telegram bot"
    ]
    assert not (tmp_path / "data").exists(), "nothing created before the check"
