"""Unwrapped profile data keys kept in memory (``store.sql.keyring.DataKeys``): only for the exact
wrapped key they came from, for a bounded time, and never for an erased profile."""

from __future__ import annotations

import secrets

import pytest

from store.crypto import MasterKey, new_data_key
from store.errors import Erased, RotationInProgress
from store.sql import keyring
from store.sql.keyring import DataKeys, profile_key_context


def _wrapped(master: MasterKey, profile_id: str) -> bytes:
    return master.wrap(new_data_key(), profile_key_context(profile_id))


def _opens(sealer: object, other: object) -> bool:
    blob = sealer.seal("t", "r", "c", b"x")  # type: ignore[attr-defined]
    try:
        return bool(other.open("t", "r", "c", blob) == b"x")  # type: ignore[attr-defined]
    except Exception:
        return False


def test_a_key_is_unwrapped_once_per_wrapped_key(monkeypatch: pytest.MonkeyPatch):
    master = MasterKey(secrets.token_bytes(32))
    keys = DataKeys()
    wrapped = _wrapped(master, "p1")
    unwraps: list[bytes] = []
    real = MasterKey.unwrap

    def counted(self: MasterKey, blob: bytes, context: str) -> bytes:
        unwraps.append(blob)
        return real(self, blob, context)

    monkeypatch.setattr(MasterKey, "unwrap", counted)
    first = keys.sealer(master, "p1", master.key_id, wrapped)
    assert keys.sealer(master, "p1", master.key_id, wrapped) is first
    assert len(unwraps) == 1
    rewrapped = _wrapped(master, "p1")  # another key in the row (restored, re-created)
    second = keys.sealer(master, "p1", master.key_id, rewrapped)
    assert len(unwraps) == 2 and not _opens(first, second)


def test_an_erased_or_rotated_key_is_never_served_from_memory():
    master = MasterKey(secrets.token_bytes(32))
    keys = DataKeys()
    wrapped = _wrapped(master, "p1")
    keys.sealer(master, "p1", master.key_id, wrapped)
    with pytest.raises(Erased):
        keys.sealer(master, "p1", master.key_id, None)
    with pytest.raises(RotationInProgress):
        keys.sealer(master, "p1", "another-master", wrapped)


def test_keys_expire_and_are_bounded(monkeypatch: pytest.MonkeyPatch):
    master = MasterKey(secrets.token_bytes(32))
    keys = DataKeys(max_keys=2, ttl_seconds=60)
    wrapped = {p: _wrapped(master, p) for p in ("a", "b", "c")}
    a = keys.sealer(master, "a", master.key_id, wrapped["a"])
    keys.sealer(master, "b", master.key_id, wrapped["b"])
    keys.sealer(master, "c", master.key_id, wrapped["c"])  # a, the least recent, goes
    assert keys.sealer(master, "a", master.key_id, wrapped["a"]) is not a
    c = keys.sealer(master, "c", master.key_id, wrapped["c"])
    later = keyring.time.monotonic() + 61
    monkeypatch.setattr(keyring, "_now", lambda: later)
    assert keys.sealer(master, "c", master.key_id, wrapped["c"]) is not c
