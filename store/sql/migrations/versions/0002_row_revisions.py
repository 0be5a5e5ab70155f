"""row revisions: records.rev and documents.rev (profile version of the last write), indexed

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


INDEXES = {
    "records": ("ix_records_profile_kind_rev", ["profile_id", "kind", "rev"]),
    "documents": ("ix_documents_profile_rev", ["profile_id", "rev"]),
}


def upgrade() -> None:
    """Apply."""
    for table, (index, columns) in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("rev", sa.Integer(), server_default=sa.text("0"), nullable=False)
            )
            batch_op.create_index(index, columns, unique=False)


def downgrade() -> None:
    """Revert."""
    for table, (index, _columns) in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
            batch_op.drop_column("rev")
