"""The scaled shape without Docker: ``carnet run --webhook`` bots and ``carnet worker`` processes.

Each process is started as the compose file would start its container (same commands, same
variables), against one PostgreSQL database and the fake Telegram Bot API of ``tests.fakes``,
which delivers webhook updates round-robin like a load balancer in front of the bots.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.fakes.bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Proc:
    """One running carnet process."""

    name: str
    process: asyncio.subprocess.Process
    health_port: int
    log_path: Path
    webhook_url: str | None = None

    def log(self) -> str:
        """What the process wrote to stderr so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def metrics(self) -> str:
        """The process's ``/metrics`` text."""
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{self.health_port}/metrics")
            return response.text


@dataclass
class Cluster:
    """Starts and stops the processes of one scaled deployment."""

    api: FakeBotApi
    database_url: str
    master_key: bytes
    folder: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: list[Proc] = field(default_factory=list)
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of one process (what ``carnet.env`` holds in production)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "TELEGRAM_"))}
        env.update(
            {
                "TELEGRAM_BOT_TOKEN": self.api.token,
                "TELEGRAM_API_BASE_URL": self.api.base_url,
                "TELEGRAM_FILE_BASE_URL": self.api.base_file_url,
                "CARNET_DATA_DIR": str(self.folder / "data"),
                "CARNET_DATABASE_URL": self.database_url,
                "CARNET_MASTER_KEY": self.master_key.hex(),
                "CARNET_QUEUE": "postgres",
                "CARNET_LOG_JSON": "true",
                "CARNET_LOG_LEVEL": "INFO",
                "CARNET_RATE_LIMIT_PER_MINUTE": "100000",
                "PYTHONPATH": str(ROOT),
            }
        )
        env.update(self.extra_env)
        env.update(extra)
        return env

    async def _spawn(self, name: str, args: list[str], env: dict[str, str], port: int) -> Proc:
        log_path = self.folder / f"{name}.log"
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                *args,
                env=env,
                cwd=self.folder,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
        proc = Proc(name, process, port, log_path)
        self.procs.append(proc)
        return proc

    async def migrate(self) -> None:
        """``carnet db upgrade`` (the compose ``migrate`` service), before anything else runs."""
        proc = await self._spawn("migrate", ["db", "upgrade"], self.env(), 0)
        code = await asyncio.wait_for(proc.process.wait(), timeout=60)
        self.procs.remove(proc)
        assert code == 0, proc.log()[-3000:]

    async def start_bot(self, name: str, **extra: str) -> Proc:
        """``carnet run --webhook URL`` on its own port; returns once it answers ``/readyz``."""
        port, health = free_port(), free_port()
        url = f"http://127.0.0.1:{port}/telegram"
        env = self.env(
            CARNET_WEBHOOK_PORT=str(port),
            CARNET_WEBHOOK_SECRET=self.secret,
            CARNET_HEALTH_PORT=str(health),
            **extra,
        )
        proc = await self._spawn(name, ["run", "--webhook", url], env, health)
        proc.webhook_url = url
        await self.wait_ready(proc)
        return proc

    async def start_worker(self, name: str, **extra: str) -> Proc:
        """``carnet worker``; returns once it answers ``/readyz``."""
        health = free_port()
        env = self.env(CARNET_HEALTH_PORT=str(health), **extra)
        proc = await self._spawn(name, ["worker"], env, health)
        await self.wait_ready(proc)
        return proc

    async def wait_ready(self, proc: Proc, within: float = 60.0) -> None:
        """Poll ``/readyz`` until 200 (the process died: fail with its log)."""
        deadline = asyncio.get_running_loop().time() + within
        async with httpx.AsyncClient() as client:
            while True:
                if proc.process.returncode is not None:
                    raise AssertionError(f"{proc.name} exited:\n{proc.log()[-3000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    url = f"http://127.0.0.1:{proc.health_port}/readyz"
                    if (await client.get(url, timeout=2)).status_code == 200:
                        return
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"{proc.name} not ready:\n{proc.log()[-3000:]}")
                await asyncio.sleep(0.2)

    def balance(self) -> None:
        """Deliver updates round-robin to every bot (the reverse proxy)."""
        self.api.balance_webhook([p.webhook_url for p in self.procs if p.webhook_url])

    @staticmethod
    def kill(proc: Proc) -> None:
        """SIGKILL: no cleanup, no goodbye (a lost machine)."""
        proc.process.send_signal(signal.SIGKILL)

    async def stop(self, proc: Proc, within: float = 30.0) -> int:
        """SIGTERM and wait; returns the exit code."""
        if proc.process.returncode is None:
            proc.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(proc.process.wait(), timeout=within)

    async def stop_all(self) -> None:
        """Stop every process still running (SIGKILL after 30 s)."""
        for proc in self.procs:
            if proc.process.returncode is None:
                proc.process.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                await asyncio.wait_for(proc.process.wait(), timeout=30)
            except TimeoutError:
                proc.process.kill()
                await proc.process.wait()
