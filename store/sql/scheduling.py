"""Claiming due reminder occurrences safely across instances, and platform update deduplication.

A claim is a lease: ``lease_until`` is set on claimed unsent occurrences, and an occurrence whose
lease expired (its claimer died before sending) is claimable again. On PostgreSQL the claim
selects with ``FOR UPDATE SKIP LOCKED`` so concurrent claimers never block on or take the same
rows; on SQLite the claim runs in one ``BEGIN IMMEDIATE`` transaction (a single writer).
Only ids and due times are read: no key is needed to schedule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from store.api import DueOccurrence
from store.sql.schema import occurrences, seen_updates


def claim_due(
    engine: Engine, now: datetime, *, limit: int = 100, lease: timedelta = timedelta(minutes=5)
) -> list[DueOccurrence]:
    """Claim up to ``limit`` unsent occurrences due at or before ``now``, earliest first."""
    table = occurrences
    query = (
        select(
            table.c.id, table.c.reminder_id, table.c.account_id, table.c.profile_id, table.c.due_at
        )
        .where(
            table.c.sent_at.is_(None),
            table.c.due_at <= now,
            or_(table.c.lease_until.is_(None), table.c.lease_until <= now),
        )
        .order_by(table.c.due_at, table.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    with engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
        rows = conn.execute(query).all()
        if not rows:
            return []
        conn.execute(
            update(table)
            .where(table.c.id.in_([r.id for r in rows]))
            .values(lease_until=now + lease)
        )
    return [
        DueOccurrence(
            occurrence_id=r.id,
            reminder_id=r.reminder_id,
            account_id=r.account_id,
            profile_id=r.profile_id,
            due_at=r.due_at,
        )
        for r in rows
    ]


def mark_sent(engine: Engine, occurrence_id: str, at: datetime) -> bool:
    """Record an occurrence as sent; False if it was already sent (or does not exist)."""
    with engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
        result = conn.execute(
            update(occurrences)
            .where(and_(occurrences.c.id == occurrence_id, occurrences.c.sent_at.is_(None)))
            .values(sent_at=at, lease_until=None)
        )
        return bool(result.rowcount)


def seen_update(engine: Engine, update_id: int, at: datetime) -> bool:
    """Record a platform update id; True if it had been seen before."""
    insert_ = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    with engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
        result = conn.execute(
            insert_(seen_updates)
            .values(update_id=update_id, seen_at=at)
            .on_conflict_do_nothing(index_elements=[seen_updates.c.update_id])
            .returning(seen_updates.c.update_id)
        )
        return result.first() is None


def forget_updates(engine: Engine, before: datetime) -> int:
    """Drop update ids seen before ``before`` (Telegram never redelivers after a day)."""
    with engine.connect().execution_options(carnet_write=True) as conn, conn.begin():
        result = conn.execute(seen_updates.delete().where(seen_updates.c.seen_at < before))
        return int(result.rowcount)
