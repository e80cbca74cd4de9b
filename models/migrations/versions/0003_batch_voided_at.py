"""Batch reservations a stopped process left unfinished are voided at start-up (issue 6, item 7).

Revision ID: 0003_batch_voided_at
Revises: 0002_issues_5_6
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.migrations.tolerant import add_column_if_missing, has_column

revision: str = "0003_batch_voided_at"
down_revision: str | Sequence[str] | None = "0002_issues_5_6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_column_if_missing(
        "batch", sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    if has_column("batch", "voided_at"):
        with op.batch_alter_table("batch") as batch_op:
            batch_op.drop_column("voided_at")
