"""The master key is never printed: malformed, wrong or right, whatever the command says back."""

from __future__ import annotations

import base64
import os
import secrets
import stat
from pathlib import Path

import pytest

from bot.cli import main
from bot.maintenance import load_master_key
from bot.settings import load_settings
from store import open_store


def run(monkeypatch: pytest.MonkeyPatch, data_dir: Path, key: str | None, *argv: str) -> int:
    for name in list(os.environ):
        if name.startswith(("CARNET_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CARNET_DATA_DIR", str(data_dir))
    if key is not None:
        monkeypatch.setenv("CARNET_MASTER_KEY", key)
    return main(list(argv))


def test_no_command_prints_the_master_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    right = secrets.token_bytes(32)
    wrong = secrets.token_bytes(32)
    malformed = ["not-a-key-" + secrets.token_hex(8), secrets.token_hex(31), right.hex() + "00"]
    data_dir = tmp_path / "data"

    data_dir.mkdir()
    open_store(f"sqlite:///{data_dir / 'carnet.db'}", right).close()  # a keyed database
    assert run(monkeypatch, data_dir, right.hex(), "keys", "rotate") == 0
    for key in [*malformed, wrong.hex(), base64.b64encode(wrong).decode()]:
        assert run(monkeypatch, data_dir, key, "keys", "rotate") != 0
    new_key_file = data_dir / "master.key.new"
    printed = capsys.readouterr()
    output = printed.out + printed.err
    assert "master_key" in output or "master key" in output, "the operator is told why"
    shown = [right.hex(), base64.b64encode(right).decode(), wrong.hex(), *malformed]
    if new_key_file.exists():
        shown.append(new_key_file.read_text().strip())
        assert stat.S_IMODE(new_key_file.stat().st_mode) == 0o600
    assert [k for k in shown if k in output] == []

    key_dir = tmp_path / "embedded"
    assert run(monkeypatch, key_dir, None, "db", "upgrade") == 0
    settings = load_settings({"CARNET_DATA_DIR": str(key_dir)})
    open_store(settings.effective_database_url, load_master_key(settings)).close()  # first run
    assert run(monkeypatch, key_dir, None, "keys", "rotate") == 0
    key_file = key_dir / "master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600, "the key file is its owner's only"
    assert stat.S_IMODE(key_dir.stat().st_mode) & 0o077 == 0, "so is the data directory"
    printed = capsys.readouterr()
    assert key_file.read_text().strip() not in printed.out + printed.err
