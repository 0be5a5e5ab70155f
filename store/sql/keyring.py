"""The database side of the master key: key-check values, the wrapped lookup key, re-wrapping.

``master_keys`` holds one key-check value per master key the database accepts: one normally, two
while a rotation is in progress. Every wrapped key (profile data keys, the lookup key) records the
id of the master key that wrapped it, so a rotation re-wraps exactly the rows still under the old
id, in small committed batches, and can stop and resume at any point.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, insert, inspect, select, update

from store.crypto import MasterKey, Sealer, new_lookup_key
from store.errors import Erased, RotationInProgress, WrongMasterKey
from store.sql.schema import master_keys, profiles, system_keys

log = logging.getLogger(__name__)

LOOKUP = "lookup"
_now = time.monotonic  # looked up at each call (tests move it)


def profile_key_context(profile_id: str) -> str:
    """Associated data of a profile's wrapped data key."""
    return f"profile|{profile_id}"


def _system_context(name: str) -> str:
    return f"system|{name}"


def open_keyring(conn: Connection, master: MasterKey) -> bytes:
    """Check the master key against the database (initialising an empty one); return lookup key.

    Raises:
        WrongMasterKey: the database was created with another master key.
        RotationInProgress: a rotation was interrupted; it must be finished first.
    """
    checks = dict(conn.execute(select(master_keys.c.key_id, master_keys.c.check_value)).all())
    if not checks:
        if conn.execute(select(func.count()).select_from(profiles)).scalar_one():
            raise WrongMasterKey("the database has data but no key-check value")
        lookup = new_lookup_key()
        conn.execute(
            insert(master_keys).values(key_id=master.key_id, check_value=master.check_value())
        )
        conn.execute(
            insert(system_keys).values(
                name=LOOKUP,
                master_key_id=master.key_id,
                wrapped=master.wrap(lookup, _system_context(LOOKUP)),
            )
        )
        return lookup
    check = checks.get(master.key_id)
    if check is None or not master.verify(check):
        raise WrongMasterKey("this master key does not open this database")
    if len(checks) > 1:
        raise RotationInProgress("run `carnet keys rotate` again to finish the rotation")
    return _unwrap_system(conn, master, LOOKUP)


def _unwrap_system(conn: Connection, master: MasterKey, name: str) -> bytes:
    row = conn.execute(
        select(system_keys.c.master_key_id, system_keys.c.wrapped).where(
            system_keys.c.name == name
        )
    ).one()
    if row.master_key_id != master.key_id:
        raise RotationInProgress("the lookup key is wrapped under another master key")
    return master.unwrap(row.wrapped, _system_context(name))


@dataclass(frozen=True)
class RotationProgress:
    """How far a rotation got: keys re-wrapped in this run, and whether none is left."""

    rewrapped: int
    done: bool


def has_key_check(engine: Engine) -> bool:
    """Whether the database holds a key-check value (it belongs to a master key)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(master_keys.name):
            return False
        return conn.execute(select(master_keys.c.key_id).limit(1)).first() is not None


def rotation_pending(engine: Engine) -> bool:
    """Whether the database accepts more than one master key (an interrupted rotation)."""
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(master_keys)).scalar_one() > 1)


def accepts(engine: Engine, master: MasterKey) -> bool:
    """Whether the database has a valid key-check value for this master key."""
    with engine.connect() as conn:
        check = conn.execute(
            select(master_keys.c.check_value).where(master_keys.c.key_id == master.key_id)
        ).scalar_one_or_none()
    return check is not None and master.verify(check)


def rewrap(
    engine: Engine,
    old: MasterKey,
    new: MasterKey,
    *,
    batch: int = 200,
    max_batches: int | None = None,
) -> RotationProgress:
    """Re-wrap every key still under ``old`` with ``new``, committing after each batch.

    The data itself is not touched. Safe to run again after any interruption.

    Raises:
        WrongMasterKey: the database accepts neither key.
    """
    with engine.begin() as conn:
        checks = dict(conn.execute(select(master_keys.c.key_id, master_keys.c.check_value)).all())
        old_ok = old.key_id in checks and old.verify(checks[old.key_id])
        if not old_ok:
            raise WrongMasterKey("the current master key does not open this database")
        if new.key_id not in checks:
            conn.execute(
                insert(master_keys).values(key_id=new.key_id, check_value=new.check_value())
            )
    total = 0
    batches = 0
    with engine.begin() as conn:
        row = conn.execute(
            select(system_keys.c.wrapped).where(
                system_keys.c.name == LOOKUP, system_keys.c.master_key_id == old.key_id
            )
        ).one_or_none()
        if row is not None:
            key = old.unwrap(row.wrapped, _system_context(LOOKUP))
            conn.execute(
                update(system_keys)
                .where(system_keys.c.name == LOOKUP, system_keys.c.master_key_id == old.key_id)
                .values(master_key_id=new.key_id, wrapped=new.wrap(key, _system_context(LOOKUP)))
            )
            total += 1
    while max_batches is None or batches < max_batches:
        with engine.begin() as conn:
            rows = conn.execute(
                select(profiles.c.id, profiles.c.wrapped_key)
                .where(profiles.c.master_key_id == old.key_id)
                .order_by(profiles.c.id)
                .limit(batch)
            ).all()
            if not rows:
                return RotationProgress(total, True)
            for profile_id, wrapped in rows:
                values: dict[str, object] = {"master_key_id": new.key_id}
                if wrapped is not None:  # erased profiles have no key left to re-wrap
                    context = profile_key_context(profile_id)
                    values["wrapped_key"] = new.wrap(old.unwrap(wrapped, context), context)
                conn.execute(
                    update(profiles)
                    .where(profiles.c.id == profile_id, profiles.c.master_key_id == old.key_id)
                    .values(**values)
                )
            total += len(rows)
        batches += 1
        log.info("rotation batch committed", extra={"count": len(rows)})
    with engine.connect() as conn:
        left = conn.execute(
            select(func.count())
            .select_from(profiles)
            .where(profiles.c.master_key_id == old.key_id)
        ).scalar_one()
    return RotationProgress(total, left == 0)


def forget_other_keys(engine: Engine, keep: MasterKey) -> int:
    """Drop the key-check values of every other master key, once nothing is wrapped under them.

    Raises:
        WrongMasterKey: ``keep`` is not accepted by the database.
        RotationInProgress: some key is still wrapped under another master key.
    """
    with engine.begin() as conn:
        check = conn.execute(
            select(master_keys.c.check_value).where(master_keys.c.key_id == keep.key_id)
        ).scalar_one_or_none()
        if check is None or not keep.verify(check):
            raise WrongMasterKey("this master key does not open this database")
        stale = (
            conn.execute(
                select(func.count())
                .select_from(profiles)
                .where(profiles.c.master_key_id != keep.key_id)
            ).scalar_one()
            + conn.execute(
                select(func.count())
                .select_from(system_keys)
                .where(system_keys.c.master_key_id != keep.key_id)
            ).scalar_one()
        )
        if stale:
            raise RotationInProgress(f"{stale} keys are still wrapped under another master key")
        result = conn.execute(master_keys.delete().where(master_keys.c.key_id != keep.key_id))
        return int(result.rowcount)


class DataKeys:
    """Unwrapped profile data keys of one process, by the wrapped key they come from.

    Unwrapping costs an AES-GCM open per vault; a wrapped key never changes in place (rotation
    writes a new ciphertext under a new master key id, erasure sets it to NULL), so the sealer
    found for ``(profile id, master key id, wrapped bytes)`` stays right for as long as the row
    holds those bytes, whichever instance reads it: the row is read in every vault's first
    query and the key is taken from here only if it matches. Bounded in entries and age (key
    material does not linger for idle users); ``drop`` forgets a profile on erasure.
    """

    def __init__(self, max_keys: int = 4096, ttl_seconds: float = 600.0) -> None:
        """Keep at most ``max_keys`` sealers, each at most ``ttl_seconds`` (0 keys: off)."""
        self._max = max_keys
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        self._keys: OrderedDict[str, tuple[str, bytes, float, Sealer]] = OrderedDict()

    def sealer(
        self, master: MasterKey, profile_id: str, master_key_id: str, wrapped: bytes | None
    ) -> Sealer:
        """The profile's sealer (``accounts.unwrap_profile_key``, cached).

        Raises:
            Erased: the data key was destroyed.
            RotationInProgress: the key is wrapped under another master key.
        """
        if wrapped is None:
            self.drop(profile_id)
            raise Erased("profile data key destroyed")
        if master_key_id != master.key_id:
            raise RotationInProgress("profile key wrapped under another master key")
        now = _now()
        with self._lock:
            held = self._keys.get(profile_id)
            fresh = held is not None and now - held[2] < self._ttl
            if held is not None and fresh and held[0] == master_key_id and held[1] == wrapped:
                self._keys.move_to_end(profile_id)
                return held[3]
        sealer = Sealer(master.unwrap(wrapped, profile_key_context(profile_id)), profile_id)
        if self._max > 0:
            with self._lock:
                self._keys[profile_id] = (master_key_id, bytes(wrapped), now, sealer)
                self._keys.move_to_end(profile_id)
                while len(self._keys) > self._max:
                    self._keys.popitem(last=False)
        return sealer

    def drop(self, profile_id: str) -> None:
        """Forget one profile's key (erasure)."""
        with self._lock:
            self._keys.pop(profile_id, None)

    def clear(self) -> None:
        """Forget every key."""
        with self._lock:
            self._keys.clear()
