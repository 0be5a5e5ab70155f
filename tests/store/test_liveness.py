"""Pooled PostgreSQL connections are not pinged at every checkout (``store.sql.liveness``), yet
a connection the server dropped never turns into an error: an idle one is pinged and replaced,
and one dropped right after use makes the vault start over on a fresh connection."""

from __future__ import annotations

import psycopg
import pytest

from store import Medication, open_store
from store.sql import liveness
from tests.store.conftest import USER

pytestmark = pytest.mark.postgres


def _drop_connections(url: str) -> int:
    """Terminate every other server session on this database (what a server restart does)."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return len(
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        )


def _pings(store: object) -> list[int]:
    dialect = store.engine.dialect  # type: ignore[attr-defined]
    real = dialect.do_ping
    count = [0]

    def counted(dbapi: object) -> bool:
        count[0] += 1
        return bool(real(dbapi))

    dialect.do_ping = counted
    return count


def test_a_connection_dropped_right_after_use_is_replaced_without_error(
    postgres_url: str, master_key: bytes
):
    store = open_store(postgres_url, master_key)
    try:
        with store.vault(USER) as vault:
            vault.save(Medication(name="Levothyrox"))
        pings = _pings(store)
        with store.vault(USER) as vault:  # a connection in use a moment ago: no ping
            assert [m.name for m in vault.records(Medication)] == ["Levothyrox"]
        assert pings == [0]
        assert _drop_connections(postgres_url) >= 1
        with store.vault(USER) as vault:  # the first statement fails: started over
            assert [m.name for m in vault.records(Medication)] == ["Levothyrox"]
        assert pings == [0], "recovered without a ping"
        assert _drop_connections(postgres_url) >= 1
        assert store.has_account(USER)
    finally:
        store.close()


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(
    postgres_url: str, master_key: bytes, monkeypatch: pytest.MonkeyPatch
):
    store = open_store(postgres_url, master_key)
    try:
        with store.vault(USER) as vault:
            vault.save(Medication(name="Doliprane"))
        pings = _pings(store)
        assert _drop_connections(postgres_url) >= 1
        later = liveness._now() + 2 * liveness.IDLE_PING_SECONDS
        monkeypatch.setattr(liveness, "_now", lambda: later)
        with store.vault(USER) as vault:
            assert [m.name for m in vault.records(Medication)] == ["Doliprane"]
        assert pings[0] >= 1, "the idle connection was pinged"
    finally:
        store.close()
