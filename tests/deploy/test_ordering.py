"""The webhook bots' update gate on PostgreSQL: dedup on receipt, per-user turns across bots."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from store import open_store
from store.sql.ordering import UpdateGate


def _migrated(url: str, master_key: bytes) -> None:
    open_store(url, master_key).close()


async def test_an_update_is_received_once_and_waits_for_the_older_one_of_its_user(
    postgres_url: str, master_key: bytes, now: datetime
) -> None:
    _migrated(postgres_url, master_key)
    a, b = UpdateGate(postgres_url, turns=2), UpdateGate(postgres_url, turns=2)  # two instances
    try:
        assert await a.receive(10, 42, now)
        assert await b.receive(11, 42, now)  # the next one reaches instance B, which is faster
        assert await b.receive(12, 43, now)  # another user
        assert not await a.receive(11, 42, now), "a redelivered update is dropped on receipt"
        assert await a.receive(13, None, now), "an update without a user is deduplicated too"
        assert not await b.receive(13, None, now)
        assert await b.try_turn(11, 42, now) is None, "11 waits for 10"
        other = await b.try_turn(12, 43, now)
        assert other is not None, "another user does not wait"
        first = await a.try_turn(10, 42, now)
        assert first is not None
        second = asyncio.create_task(b.try_turn(11, 42, now))
        await asyncio.sleep(0.2)
        assert not second.done(), "the user's lock is held by 10's turn"
        await first.end()
        turn = await asyncio.wait_for(second, 10)
        assert turn is not None, "10 done: 11's turn"
        await turn.end()
        await other.end()
        assert await a.receive(20, 42, now)  # its instance died before handling it
        late = now + a.stale + timedelta(seconds=1)
        assert await b.receive(21, 42, late)
        turn = await b.try_turn(21, 42, late)
        assert turn is not None, "a lost older update stops blocking after a while"
        await turn.end()
        await a.forget(late, now + timedelta(seconds=1))
        assert await a.receive(10, None, late), "ids seen before the cutoff are forgotten"
        assert not await a.receive(21, 42, late)
        assert await a.try_turn(22, 42, late) is not None, "the lost pending update is forgotten"
    finally:
        await a.close()
        await b.close()


async def test_receipt_and_turn_in_one_flight_keep_order_and_dedup(
    postgres_url: str, master_key: bytes, now: datetime
) -> None:
    _migrated(postgres_url, master_key)
    a, b = UpdateGate(postgres_url, turns=2), UpdateGate(postgres_url, turns=2)  # two instances
    try:
        fresh, first = await a.receive_turn(30, 52, now)
        assert fresh and first is not None, "a new update of an idle user: its turn at once"
        second = asyncio.create_task(b.receive_turn(31, 52, now))
        await asyncio.sleep(0.2)
        assert not second.done(), "the user's lock is held by 30's turn"
        assert not await a.receive(31, 52, now), "31's receipt is committed before its turn"
        await first.end()
        fresh, turn = await asyncio.wait_for(second, 10)
        assert fresh and turn is not None, "30 done: 31's turn"
        await turn.end()
        assert await b.receive_turn(31, 52, now) == (False, None), "a redelivery is dropped"

        assert await a.receive(40, 53, now)  # received, not handled yet
        fresh, turn = await b.receive_turn(41, 53, now)
        assert fresh and turn is None, "41 waits for the older pending 40"
        assert await b.try_turn(41, 53, now) is None
        held = await a.try_turn(40, 53, now)
        assert held is not None
        await held.end()
        turn = await b.try_turn(41, 53, now)
        assert turn is not None, "40 done: 41's turn"
        await turn.end()
        kept, _ = await a.receive_turn(50, 54, now)
        assert kept
        await a.close()  # shutting down with a turn held: its connection and lock go
        fresh, turn = await asyncio.wait_for(b.receive_turn(51, 54, now), 10)
        assert fresh and turn is None, "50 is still pending (its instance stopped before it)"
    finally:
        await a.close()
        await b.close()
