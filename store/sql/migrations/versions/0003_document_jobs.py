"""document jobs and pending updates: OCR job queue and per-user order of the scaled shape

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 15:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "document_jobs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_document_jobs_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_jobs")),
        sa.UniqueConstraint("document_id", name=op.f("uq_document_jobs_document_id")),
    )
    op.create_index(
        "ix_document_jobs_state_run_after", "document_jobs", ["state", "run_after"], unique=False
    )
    op.create_index(
        op.f("ix_document_jobs_profile_id"), "document_jobs", ["profile_id"], unique=False
    )
    op.create_table(
        "pending_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_lock", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_pending_updates")),
    )
    op.create_index(
        op.f("ix_pending_updates_user_lock"), "pending_updates", ["user_lock"], unique=False
    )


def downgrade() -> None:
    """Revert."""
    op.drop_index(op.f("ix_pending_updates_user_lock"), table_name="pending_updates")
    op.drop_table("pending_updates")
    op.drop_index(op.f("ix_document_jobs_profile_id"), table_name="document_jobs")
    op.drop_index("ix_document_jobs_state_run_after", table_name="document_jobs")
    op.drop_table("document_jobs")
