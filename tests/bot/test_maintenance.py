"""`carnet keys rotate` on a database carnet never opened says so in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from store.crypto import keys


@pytest.mark.parametrize("with_key", [True, False])
def test_rotate_on_a_fresh_database_has_nothing_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], with_key
):
    monkeypatch.setenv("CARNET_DATA_DIR", str(tmp_path))
    if with_key:
        keys.load_master_key(None, tmp_path / "master.key", create=True)
    assert main(["keys", "rotate"]) == 0
    out = capsys.readouterr()
    assert out.out.strip().splitlines() == ["nothing to rotate: the database has no data yet"]
    assert out.err == ""
    assert not list(tmp_path.glob("*.new"))  # no pending key left behind
