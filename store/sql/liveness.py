"""Dead pooled connections found without a ping per checkout (the store's PostgreSQL engine).

``pool_pre_ping`` sends a ping at every checkout: one round trip per vault, about a tenth of a
text turn's CPU. Instead, a connection used less than ``idle_seconds`` ago is handed out as it
is, and an older one is pinged (a dead one is replaced by the pool, as with pre-ping). If the
server went away within those seconds, the first statement fails as a disconnect
(``StoreUnavailable``): SQLAlchemy then invalidates every older connection of the pool, and a
caller that can start over, because nothing of its work reached the database yet, does so
with ``again_if_unavailable``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, event, exc

from store.errors import StoreUnavailable
from store.sql.failures import CONNECT_RETRY_DELAYS

T = TypeVar("T")

IDLE_PING_SECONDS = 1.0
_USED = "carnet_used"
_now = time.monotonic  # looked up at each call (tests move it)


def ping_when_idle(engine: Engine, idle_seconds: float = IDLE_PING_SECONDS) -> None:
    """Ping a pooled connection at checkout only when it was idle ``idle_seconds`` or more."""
    dialect = engine.dialect

    def checkin(_dbapi: Any, record: Any) -> None:
        if record is not None:
            record.info[_USED] = _now()

    def checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        used = record.info.get(_USED)
        if used is None or _now() - used < idle_seconds:
            return  # just connected, or in use a moment ago
        try:
            dialect.do_ping(dbapi)
        except Exception as error:  # the pool drops it and connects again
            raise exc.DisconnectionError("pooled connection is dead") from error

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def again_if_unavailable(
    work: Callable[[], T], delays: tuple[float, ...] = CONNECT_RETRY_DELAYS
) -> T:
    """``work()``, run again after each of ``delays`` while the database is unavailable.

    Only for work that is safe to repeat when it failed: it wrote nothing, or its write was
    not committed (a failure on the first statement of a transaction).
    """
    for delay in delays:
        try:
            return work()
        except StoreUnavailable:
            time.sleep(delay)
    return work()
