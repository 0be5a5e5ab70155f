"""Envelope encryption primitives: sealing binds each ciphertext to its cell and its key."""

from __future__ import annotations

import pytest

from store import MasterKeyInvalid, TamperDetected
from store.crypto import MasterKey, Sealer, UserLookup, keys, new_data_key, new_lookup_key


def test_seal_round_trip_and_cell_binding():
    key = new_data_key()
    sealer = Sealer(key, "profile-a")
    blob = sealer.seal("records:lab", "r1", "payload", b"Glucose 7.2 mmol/L")
    assert b"Glucose" not in blob
    assert sealer.open("records:lab", "r1", "payload", blob) == b"Glucose 7.2 mmol/L"
    assert sealer.seal("records:lab", "r1", "payload", b"x") != sealer.seal(
        "records:lab", "r1", "payload", b"x"
    )  # fresh nonce every time
    for cell in (
        ("records:lab", "r2", "payload"),
        ("records:medication", "r1", "payload"),
        ("records:lab", "r1", "meta"),
    ):
        with pytest.raises(TamperDetected):
            sealer.open(*cell, blob)
    with pytest.raises(TamperDetected):
        Sealer(key, "profile-b").open("records:lab", "r1", "payload", blob)
    with pytest.raises(TamperDetected):
        Sealer(new_data_key(), "profile-a").open("records:lab", "r1", "payload", blob)
    with pytest.raises(TamperDetected):
        sealer.open("records:lab", "r1", "payload", blob[:-1] + bytes([blob[-1] ^ 1]))


def test_master_key_check_value_and_wrapping():
    master, other = MasterKey(keys.generate_master_key()), MasterKey(keys.generate_master_key())
    assert master.key_id != other.key_id
    assert master.verify(master.check_value())
    assert not other.verify(master.check_value())
    data_key = new_data_key()
    wrapped = master.wrap(data_key, "profile|p1")
    assert master.unwrap(wrapped, "profile|p1") == data_key
    with pytest.raises(TamperDetected):
        master.unwrap(wrapped, "profile|p2")
    with pytest.raises(TamperDetected):
        other.unwrap(wrapped, "profile|p1")
    with pytest.raises(MasterKeyInvalid):
        MasterKey(b"short")


@pytest.mark.parametrize("text", ["", "not a key", "00" * 31, "A" * 40, "zz" * 32])
def test_malformed_master_keys_are_refused(text: str):
    with pytest.raises(MasterKeyInvalid):
        keys.parse_master_key(text)


def test_lookup_is_keyed_and_stable():
    key = new_lookup_key()
    assert UserLookup(key).digest(42) == UserLookup(key).digest(42)
    assert UserLookup(key).digest(42) != UserLookup(key).digest(43)
    assert UserLookup(new_lookup_key()).digest(42) != UserLookup(key).digest(42)
    assert b"42" not in UserLookup(key).digest(42)
