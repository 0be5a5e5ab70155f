"""The CLI's basic contract: version, help, configuration errors."""

from __future__ import annotations

import subprocess
import sys

from bot.cli import main


def test_version_is_printed(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert "carnet 0.1.0" in capsys.readouterr().out


def test_help_lists_each_command():
    out = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("run", "chat", "extract", "keys", "db", "worker", "jobs"):
        assert command in out


def test_unknown_setting_stops_with_one_line(monkeypatch, capsys):
    monkeypatch.setenv("CARNET_LANGAGE", "fr")
    assert main(["chat"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["carnet: unknown setting CARNET_LANGAGE (see the README's configuration table)"]


def test_malformed_setting_stops_with_one_line(monkeypatch, capsys):
    monkeypatch.setenv("CARNET_LANGUAGE", "de")
    assert main(["chat"]) == 2
    assert "CARNET_LANGUAGE" in capsys.readouterr().err
