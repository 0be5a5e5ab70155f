"""row revisions: records.rev and documents.rev (profile version of the last write)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    for table in ("records", "documents"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("rev", sa.Integer(), server_default=sa.text("0"), nullable=False)
            )


def downgrade() -> None:
    """Revert."""
    for table in ("documents", "records"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("rev")
