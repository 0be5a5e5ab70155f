"""Envelope encryption: the master key wraps one data key per profile; AES-256-GCM seals fields.

Threat model. Each profile has its own random 256-bit data key, stored only wrapped (AES-GCM)
under a key derived from the master key, together with the master key's id so rotation can find
what is left to re-wrap. Every sensitive value is sealed with AES-256-GCM under its profile's data
key with a fresh random 96-bit nonce and associated data ``scope|table|row|column``: a ciphertext
moved to another row, column, table or user fails authentication (``TamperDetected``) instead of
decrypting to someone else's data. Destroying a wrapped data key makes every ciphertext of that
profile undecryptable (crypto-shredding).

Accepted risks: random nonces are safe far beyond the number of writes one profile will ever make
(well under 2^32 per key); ciphertext lengths reveal approximate plaintext lengths; a row can be
rolled back to an older ciphertext of the same row and column by someone with write access to the
database (the version column makes this visible to the application, not impossible).

Blob format: ``0x01 | nonce (12) | ciphertext+tag``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from store.errors import MasterKeyInvalid, TamperDetected

DATA_KEY_BYTES = 32
_FORMAT = b"\x01"
_NONCE = 12
_CHECK_PLAINTEXT = b"carnet master key check v1"


def _derive(master_key: bytes, label: bytes) -> bytes:
    """HKDF-Expand (RFC 5869, one block) of the master key for one purpose."""
    prk = hmac.new(b"carnet/v1", master_key, hashlib.sha256).digest()
    return hmac.new(prk, label + b"\x01", hashlib.sha256).digest()


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return secrets.token_bytes(DATA_KEY_BYTES)


class Sealer:
    """AES-256-GCM under one data key, with associated data bound to ``scope``.

    ``scope`` is the owner of the data (a profile id, or an account id for account fields).
    """

    __slots__ = ("_aead", "_prefix")

    def __init__(self, data_key: bytes, scope: str) -> None:
        """Bind a data key to the scope every associated data starts with."""
        self._aead = AESGCM(data_key)
        self._prefix = scope.encode() + b"|"

    def aad(self, table: str, row: str, column: str) -> bytes:
        """The associated data ``scope|table|row|column``."""
        return self._prefix + f"{table}|{row}|{column}".encode()

    def seal(self, table: str, row: str, column: str, plaintext: bytes) -> bytes:
        """Encrypt and authenticate ``plaintext`` for one cell."""
        nonce = secrets.token_bytes(_NONCE)
        return _FORMAT + nonce + self._aead.encrypt(nonce, plaintext, self.aad(table, row, column))

    def open(self, table: str, row: str, column: str, blob: bytes) -> bytes:
        """Decrypt one cell.

        Raises:
            TamperDetected: the blob was modified or belongs to another cell or user.
        """
        return self.open_with_aad(blob, self.aad(table, row, column))

    def open_with_aad(self, blob: bytes, aad: bytes) -> bytes:
        """Decrypt with a precomputed associated data (bulk loads)."""
        if blob[:1] != _FORMAT:
            raise TamperDetected("unknown ciphertext format")
        try:
            return self._aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], aad)
        except InvalidTag:
            raise TamperDetected("authentication failed") from None


class MasterKey:
    """The master key as used by the store: an id, a key-check value, and data-key wrapping.

    The id is derived from the key (so it names the key without revealing it); the check value is
    a ciphertext of a constant that only the right key opens.
    """

    __slots__ = ("_wrap", "key_id")

    def __init__(self, master_key: bytes) -> None:
        """Derive the wrapping key and the key id from a 32-byte master key."""
        if len(master_key) != 32:
            raise MasterKeyInvalid(f"must be 32 bytes, got {len(master_key)}")
        self._wrap = AESGCM(_derive(master_key, b"wrap"))
        self.key_id = _derive(master_key, b"key-id")[:8].hex()

    def check_value(self) -> bytes:
        """A fresh key-check value for this key."""
        nonce = secrets.token_bytes(_NONCE)
        return _FORMAT + nonce + self._wrap.encrypt(nonce, _CHECK_PLAINTEXT, b"check")

    def verify(self, check_value: bytes) -> bool:
        """Whether ``check_value`` was made by this key."""
        try:
            return (
                self._wrap.decrypt(
                    check_value[1 : 1 + _NONCE], check_value[1 + _NONCE :], b"check"
                )
                == _CHECK_PLAINTEXT
            )
        except InvalidTag:
            return False

    def wrap(self, key: bytes, context: str) -> bytes:
        """Wrap a data key; ``context`` (e.g. ``profile|<id>``) is bound as associated data."""
        nonce = secrets.token_bytes(_NONCE)
        aad = f"{context}|{self.key_id}".encode()
        return _FORMAT + nonce + self._wrap.encrypt(nonce, key, aad)

    def unwrap(self, wrapped: bytes, context: str) -> bytes:
        """Unwrap a data key wrapped by ``wrap`` with the same context.

        Raises:
            TamperDetected: it does not open (the key-check value already proved the master key
                right, so the wrapped key was modified or moved to another profile).
        """
        aad = f"{context}|{self.key_id}".encode()
        try:
            return self._wrap.decrypt(wrapped[1 : 1 + _NONCE], wrapped[1 + _NONCE :], aad)
        except InvalidTag:
            raise TamperDetected("a wrapped data key does not open") from None
