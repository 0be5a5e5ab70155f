"""The master key: parsing, the 0600 key file, and the key-file side of rotation.

Threat model. The master key is the one secret that protects every profile's data key. It lives
either in ``CARNET_MASTER_KEY`` (base64 or hex of 32 bytes; best with an external secret store)
or in a key file created with mode 0600 on first run in embedded mode. Someone who steals the
database or a backup without the key learns nothing but ids, due times and row counts. Someone
who can read the process memory or the key file can read everything: that risk is accepted (the
bot must decrypt to answer), and the deployment notes tell operators to keep the key file and the
database on different backups.

Rotation, as seen from the key file (the database side is ``store.sql.keyring``):

1. ``pending_key(key_file)`` creates ``<key_file>.new`` (0600, fsynced) holding the new key,
   or returns it if an interrupted rotation left one. Nothing is wrapped under the new key
   before this file is durable, so an interruption can never lose it.
2. The database re-wraps every data key from the old key to the new one (resumable).
3. ``promote_pending_key(key_file)`` atomically renames ``.new`` over the key file; then the
   database forgets the old key's check value. Backups taken before the rotation still need the
   old key: operators who keep such backups archive the old key with them.

At every point either the key file or the ``.new`` file holds a key that can open each data key,
and ``carnet keys rotate`` run again finishes the job.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from store.errors import MasterKeyInvalid, MasterKeyMissing

MASTER_KEY_BYTES = 32


def generate_master_key() -> bytes:
    """A new random 32-byte master key."""
    return secrets.token_bytes(MASTER_KEY_BYTES)


def encode_master_key(key: bytes) -> str:
    """The text form of a master key (standard base64), as written in key files."""
    return base64.b64encode(key).decode("ascii")


def parse_master_key(text: str) -> bytes:
    """Decode a master key given as hex (64 digits) or base64 (standard or URL-safe).

    Raises:
        MasterKeyInvalid: the text is not 32 bytes in either encoding.
    """
    value = text.strip()
    if len(value) == MASTER_KEY_BYTES * 2:
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    try:
        padded = value + "=" * (-len(value) % 4)
        key = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyInvalid("not base64 or hex") from None
    if len(key) != MASTER_KEY_BYTES:
        raise MasterKeyInvalid(f"must be {MASTER_KEY_BYTES} bytes, got {len(key)}")
    return key


def read_key_file(path: Path) -> bytes:
    """Read a key file written by ``write_key_file``.

    Raises:
        MasterKeyMissing: the file does not exist.
        MasterKeyInvalid: its content is not a master key.
    """
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise MasterKeyMissing(str(path)) from None
    except UnicodeDecodeError:
        raise MasterKeyInvalid(str(path)) from None
    return parse_master_key(text)


def write_key_file(path: Path, key: bytes) -> None:
    """Write a key file atomically with mode 0600 (temp file, fsync, rename, fsync the dir)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (encode_master_key(key) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(path)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_master_key(env_value: str | None, key_file: Path, *, create: bool) -> bytes:
    """The master key: from the environment value, else the key file, else a new key file.

    Args:
        env_value: the content of ``CARNET_MASTER_KEY`` (wins when set).
        key_file: where the key file is (or will be created).
        create: create the key file (0600) when it does not exist (embedded mode only).

    Raises:
        MasterKeyMissing: no key in the environment, no key file and ``create`` is false.
        MasterKeyInvalid: the key is malformed.
    """
    if env_value:
        return parse_master_key(env_value)
    if key_file.exists():
        return read_key_file(key_file)
    if not create or pending_key_path(key_file).exists():
        raise MasterKeyMissing(str(key_file))
    key = generate_master_key()
    write_key_file(key_file, key)
    return key


def pending_key_path(key_file: Path) -> Path:
    """Where a rotation keeps the new key until every data key is re-wrapped under it."""
    return key_file.with_name(key_file.name + ".new")


def pending_key(key_file: Path) -> bytes:
    """The new key of the rotation in progress, created (0600, durable) if there is none."""
    path = pending_key_path(key_file)
    if path.exists():
        return read_key_file(path)
    key = generate_master_key()
    write_key_file(path, key)
    return key


def promote_pending_key(key_file: Path) -> None:
    """Make the pending key the key file, in one atomic rename (the key file always exists)."""
    pending = pending_key_path(key_file)
    if pending.exists():
        pending.replace(key_file)
        _fsync_dir(key_file.parent)
