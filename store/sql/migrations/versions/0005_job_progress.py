"""job progress: pages read of a document job, and the message that shows it to the user

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("document_jobs") as batch:
        batch.add_column(sa.Column("progress_message", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("pages", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("pages_read", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("document_jobs") as batch:
        batch.drop_column("pages_read")
        batch.drop_column("pages")
        batch.drop_column("progress_message")
