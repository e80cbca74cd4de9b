"""Senior volunteers (issue 11): their votes on new reports (`senior_vote`, one per report and
senior), the seniors' call on a report (`report.seniors_say`), and the audit trail of role
changes (`role_change`: who made whom a moderator or a senior, or took the role back).

Nothing to backfill: the role is a stored string, so `senior` needs no schema change.

Revision ID: 0012_senior_votes
Revises: 0011_sighting_note
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.migrations.tolerant import (
    add_column_if_missing,
    create_index_if_missing,
    create_table_if_missing,
    has_column,
    has_table,
)

revision: str = "0012_senior_votes"
down_revision: str | Sequence[str] | None = "0011_sighting_note"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_table_if_missing(
        "senior_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "volunteer_id"),
    )
    create_index_if_missing("ix_senior_vote_report_id", "senior_vote", ["report_id"])
    create_index_if_missing("ix_senior_vote_volunteer_id", "senior_vote", ["volunteer_id"])
    create_table_if_missing(
        "role_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("from_role", sa.String(length=16), nullable=False),
        sa.Column("to_role", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["volunteer.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    create_index_if_missing("ix_role_change_volunteer_id", "role_change", ["volunteer_id"])
    add_column_if_missing("report", sa.Column("seniors_say", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # The code before this revision cannot read the role `senior`: seniors become volunteers.
    op.execute("UPDATE volunteer SET role = 'volunteer' WHERE role = 'senior'")
    for table in ("senior_vote", "role_change"):
        if has_table(table):
            op.drop_table(table)
    with op.batch_alter_table("report") as batch:
        if has_column("report", "seniors_say"):
            batch.drop_column("seniors_say")
