"""Points kept per volunteer (all time) and per volunteer and week, under the kept weights.

Issue 8: everyone's all-time points (every /stats place, /top) summed from tally_day grow with
history; these tables answer in one row per volunteer. Created empty: the bot records its
weights at the next start and fills both from tally_day (services/kept_tallies.py).

Revision ID: 0008_tally_points
Revises: 0007_frozen_week_counts
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.migrations.tolerant import create_index_if_missing, create_table_if_missing, has_table

revision: str = "0008_tally_points"
down_revision: str | Sequence[str] | None = "0007_frozen_week_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_table_if_missing(
        "tally_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("found_blocked", sa.Integer(), nullable=False),
        sa.Column("found_accepted", sa.Integer(), nullable=False),
        sa.Column("confirmation", sa.Integer(), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    create_table_if_missing(
        "tally_points",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    create_table_if_missing(
        "tally_week",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("monday", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("volunteer_id", "monday"),
    )
    create_index_if_missing("ix_tally_week_monday", "tally_week", ["monday"])


def downgrade() -> None:
    for table in ("tally_week", "tally_points", "tally_weights"):
        if has_table(table):
            op.drop_table(table)
