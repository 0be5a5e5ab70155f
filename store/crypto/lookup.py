"""Keyed hash of platform user ids, so accounts are found without storing the id in clear.

The lookup key is a random 256-bit secret stored wrapped by the master key (like a data key), not
derived from the master key itself: a master key rotation re-wraps it and every stored hash stays
valid. Without the key, the hashes cannot be tested against candidate Telegram ids.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

LOOKUP_KEY_BYTES = 32


def new_lookup_key() -> bytes:
    """A fresh random lookup key."""
    return secrets.token_bytes(LOOKUP_KEY_BYTES)


class UserLookup:
    """HMAC-SHA256 of a platform user id under the lookup key."""

    __slots__ = ("_key",)

    def __init__(self, lookup_key: bytes) -> None:
        """Keep the lookup key for hashing."""
        self._key = lookup_key

    def digest(self, user_key: int) -> bytes:
        """The 32-byte keyed hash that identifies the account of ``user_key``."""
        return hmac.new(self._key, b"user|" + str(user_key).encode(), hashlib.sha256).digest()
