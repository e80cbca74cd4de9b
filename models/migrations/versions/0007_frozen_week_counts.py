"""The digest's ended weeks are kept as counted (`frozen_week_counts`); reports and audit entries
are indexed by time, which the digest's week counts select by.

Issue 8: the digest counted twelve weeks of sightings and transitions on every build.

Revision ID: 0007_frozen_week_counts
Revises: 0006_kept_tallies
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.migrations.tolerant import create_index_if_missing, create_table_if_missing, has_table

revision: str = "0007_frozen_week_counts"
down_revision: str | Sequence[str] | None = "0006_kept_tallies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {"audit_entry": "ix_audit_entry_at", "report": "ix_report_created_at"}
COUNTS = ("links", "photos", "targets", "accepted", "sent", "blocked", "graffiti", "painted_over")


def upgrade() -> None:
    create_table_if_missing(
        "frozen_week_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week"),
    )
    create_index_if_missing(INDEXES["audit_entry"], "audit_entry", ["at"])
    create_index_if_missing(INDEXES["report"], "report", ["created_at"])


def downgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, index in INDEXES.items():
        if index in {found["name"] for found in inspector.get_indexes(table)}:
            op.drop_index(index, table_name=table)
    if has_table("frozen_week_counts"):
        op.drop_table("frozen_week_counts")
