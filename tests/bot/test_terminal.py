"""The local chat as a user runs it: a subprocess fed on stdin, restarted on the same data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image


def _chat(data_dir: Path, lines: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "TELEGRAM_"))}
    env.update({"CARNET_DATA_DIR": str(data_dir), "CARNET_LANGUAGE": "fr"})
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def test_terminal_chat_onboards_stores_and_continues_after_restart(data_dir: Path, tmp_path: Path):
    blank = tmp_path / "blank.png"
    Image.new("RGB", (200, 120), "white").save(blank)
    out = _chat(
        data_dir,
        [
            "/start",
            "1",  # consent button
            "1975",
            "1",  # sex: female
            "1",  # keep timezone
            "1",  # keep hours
            "je prends du Levothyrox 75 le matin",
            "1",  # yes, save
            f"/doc {tmp_path / 'missing.pdf'}",
            f"/doc {blank}",
            "je suis allergique à la pénicilline",
        ],
    )
    assert "[1] ✅ J'accepte" in out
    assert "C'est prêt" in out
    assert "✅ C'est enregistré." in out
    assert "Je ne trouve pas le fichier" in out
    assert "Je lis votre document" in out
    assert "Je l'enregistre ?" in out
    key = data_dir / "master.key"
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600

    out = _chat(data_dir, ["oui", "quels sont mes traitements ?", "/allergies"])
    assert "Levothyrox 75 — le matin" in out
    assert "pénicilline (allergie)" in out
