"""The store's exception hierarchy: stable ``code`` attributes, no user-facing text."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every store error; ``code`` is stable and translated by the bot."""

    code = "store_error"


class MasterKeyMissing(StoreError):
    """No master key was given and none may be created (the key file is missing)."""

    code = "master_key_missing"


class MasterKeyInvalid(StoreError):
    """The master key is malformed (not 32 bytes of base64 or hex)."""

    code = "master_key_invalid"


class WrongMasterKey(StoreError):
    """The master key is not the one this database was created with (key-check mismatch)."""

    code = "wrong_master_key"


class RotationInProgress(StoreError):
    """A master key rotation was interrupted: run ``carnet keys rotate`` again to finish it."""

    code = "rotation_in_progress"


class DecryptionFailed(StoreError):
    """A ciphertext could not be decrypted with the key it should have been sealed with."""

    code = "decryption_failed"


class TamperDetected(DecryptionFailed):
    """A ciphertext failed authentication: modified, or copied from another row, column or user."""

    code = "tamper_detected"


class ConcurrentUpdate(StoreError):
    """Another transaction changed the same user's data at the same time; retry."""

    code = "concurrent_update"


class UnknownUser(StoreError):
    """No account (or no such profile in the account) exists for this user."""

    code = "unknown_user"


class Erased(StoreError):
    """The account was erased: its data keys are destroyed and its data is gone."""

    code = "erased"


class IdConflict(StoreError):
    """A record id already belongs to another profile."""

    code = "id_conflict"


class StoreUnavailable(StoreError):
    """The database cannot be reached (stopped, network cut, connections dropped): try later."""

    code = "store_unavailable"


class StoreFull(StoreError):
    """The database refused a write for lack of space; the transaction was rolled back."""

    code = "store_full"


__all__ = [
    "ConcurrentUpdate",
    "DecryptionFailed",
    "Erased",
    "IdConflict",
    "MasterKeyInvalid",
    "MasterKeyMissing",
    "RotationInProgress",
    "StoreError",
    "StoreFull",
    "StoreUnavailable",
    "TamperDetected",
    "UnknownUser",
    "WrongMasterKey",
]
