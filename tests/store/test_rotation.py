"""Master key: wrong key refused without touching data; rotation re-wraps and resumes."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, select

import bot.maintenance as maintenance
from bot.settings import Settings
from store import (
    LabResult,
    MasterKeyMissing,
    Medication,
    RotationInProgress,
    WrongMasterKey,
    open_store,
)
from store.crypto import keys
from store.sql.database import normalise_url
from store.sql.schema import metadata
from tests.store.conftest import USER, Scenario, fill


def _settings(data_dir: Path, url: str, **extra: object) -> Settings:
    return Settings(data_dir=data_dir, database_url=url, **extra)


def _snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        rows = {
            t.name: sorted(tuple(r) for r in conn.execute(select(t)))
            for t in metadata.sorted_tables
        }
    engine.dispose()
    return rows


def _check_scenario(url: str, key: bytes, scenario: Scenario) -> None:
    store = open_store(url, key)
    try:
        with store.vault(USER) as vault:
            assert {m.name for m in vault.records(Medication)} == set(scenario.drugs)
            assert {r.name for r in vault.records(LabResult)} == set(scenario.labs)
        assert {p.display_name for p in store.profiles(USER)} >= {"Enfant 3"}
    finally:
        store.close()


def _prepare(database_url: str, data_dir: Path, scenario: Scenario) -> tuple[Settings, bytes]:
    settings = _settings(data_dir, database_url)
    key = maintenance.load_master_key(settings, create=True)
    store = open_store(database_url, key)
    fill(store, USER, scenario)
    for n in range(5):
        store.add_profile(USER, f"Enfant {n}")
    store.close()
    return settings, key


def test_wrong_key_is_refused_and_changes_nothing(
    database_url: str, master_key: bytes, scenario: Scenario
):
    store = open_store(database_url, master_key)
    fill(store, USER, scenario)
    store.close()
    before = _snapshot(database_url)
    with pytest.raises(WrongMasterKey):
        open_store(database_url, keys.generate_master_key())
    assert _snapshot(database_url) == before
    _check_scenario_default(database_url, master_key, scenario)


def _check_scenario_default(url: str, key: bytes, scenario: Scenario) -> None:
    store = open_store(url, key)
    with store.vault(USER) as vault:
        assert {m.name for m in vault.records(Medication)} == set(scenario.drugs)
    store.close()


def test_key_file_is_created_0600_and_parsed(data_dir: Path):
    settings = _settings(data_dir, f"sqlite:///{data_dir / 'carnet.db'}")
    key = maintenance.load_master_key(settings)
    mode = stat.S_IMODE(settings.effective_key_file.stat().st_mode)
    assert mode == 0o600
    assert maintenance.load_master_key(settings) == key
    assert keys.parse_master_key(key.hex()) == key
    assert keys.parse_master_key(base64.urlsafe_b64encode(key).decode()) == key
    postgres = _settings(data_dir / "other", "postgresql://x@localhost/db")
    with pytest.raises(MasterKeyMissing):
        maintenance.load_master_key(postgres)
    third = _settings(data_dir / "third", f"sqlite:///{data_dir / 'third' / 'carnet.db'}")
    open_store(third.effective_database_url, keys.generate_master_key()).close()
    with pytest.raises(MasterKeyMissing):  # never invent a key for a database that has one
        maintenance.load_master_key(third)


def test_rotation_rewraps_and_retires_the_old_key(
    database_url: str, data_dir: Path, scenario: Scenario
):
    settings, old = _prepare(database_url, data_dir, scenario)
    assert maintenance.rotate_keys(settings) == 0
    new = keys.read_key_file(settings.effective_key_file)
    assert new != old
    assert not keys.pending_key_path(settings.effective_key_file).exists()
    with pytest.raises(WrongMasterKey):
        open_store(database_url, old)
    _check_scenario(database_url, new, scenario)


def test_interrupted_rewrap_resumes(database_url: str, data_dir: Path, scenario: Scenario):
    settings, old = _prepare(database_url, data_dir, scenario)
    assert maintenance.rotate_keys(settings, batch=2, max_batches=1) == 3
    new = keys.read_key_file(keys.pending_key_path(settings.effective_key_file))
    for key in (old, new):
        with pytest.raises(RotationInProgress):
            open_store(database_url, key)
    assert keys.read_key_file(settings.effective_key_file) == old
    assert maintenance.rotate_keys(settings, batch=2) == 0
    assert keys.read_key_file(settings.effective_key_file) == new
    _check_scenario(database_url, new, scenario)


@pytest.mark.parametrize(
    "crash_in",
    [
        "keys.pending_key",  # before the new key is durable
        "store.rewrap_data_keys",  # new key written, nothing re-wrapped
        "keys.promote_pending_key",  # everything re-wrapped, key file not replaced yet
        "store.forget_old_master_keys",  # key file replaced, old key still accepted
    ],
)
def test_crash_at_each_step_is_recoverable(
    database_url: str,
    data_dir: Path,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
    crash_in: str,
):
    settings, old = _prepare(database_url, data_dir, scenario)
    module_name, name = crash_in.split(".")
    module = getattr(maintenance, module_name)
    real = getattr(module, name)
    calls = {"n": 0}

    def crash(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        # forget_old_master_keys is also called once before rotating: crash after promotion.
        if name == "forget_old_master_keys" and calls["n"] == 1:
            return real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(module, name, crash)
    with pytest.raises(KeyboardInterrupt):
        maintenance.rotate_keys(settings)
    monkeypatch.setattr(module, name, real)
    assert maintenance.rotate_keys(settings) == 0
    new = keys.read_key_file(settings.effective_key_file)
    assert new != old
    assert not keys.pending_key_path(settings.effective_key_file).exists()
    _check_scenario(database_url, new, scenario)


def test_rotation_with_key_in_environment(database_url: str, data_dir: Path, scenario: Scenario):
    old = keys.generate_master_key()
    env_settings = _settings(
        data_dir, database_url, master_key=SecretStr(keys.encode_master_key(old))
    )
    store = open_store(database_url, old)
    fill(store, USER, scenario)
    store.add_profile(USER, "Enfant 3")
    store.close()
    assert maintenance.rotate_keys(env_settings) == 0
    pending = keys.pending_key_path(env_settings.effective_key_file)
    new = keys.read_key_file(pending)
    _check_scenario(database_url, new, scenario)
    moved = _settings(data_dir, database_url, master_key=SecretStr(new.hex()))
    assert maintenance.rotate_keys(moved) == 0
    assert not pending.exists()
    _check_scenario(database_url, new, scenario)


def test_cli_db_upgrade_and_keys_rotate(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    from bot.cli import main

    monkeypatch.setenv("CARNET_DATA_DIR", str(data_dir))
    monkeypatch.delenv("CARNET_DATABASE_URL", raising=False)
    monkeypatch.delenv("CARNET_MASTER_KEY", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert "database at revision" in capsys.readouterr().out
    settings = _settings(data_dir, f"sqlite:///{data_dir / 'carnet.db'}")
    maintenance.load_master_key(settings)  # first run after `db upgrade`: the key is created
    open_store(settings.effective_database_url, maintenance.load_master_key(settings)).close()
    before = settings.effective_key_file.read_bytes()
    assert main(["keys", "rotate"]) == 0
    assert "rotation done" in capsys.readouterr().out
    assert settings.effective_key_file.read_bytes() != before
    open_store(settings.effective_database_url, maintenance.load_master_key(settings)).close()
    keys.write_key_file(settings.effective_key_file, keys.generate_master_key())
    assert main(["keys", "rotate"]) == 1  # wrong key: one line, no change
    assert "wrong_master_key" in capsys.readouterr().err
