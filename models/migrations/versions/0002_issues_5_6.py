"""Issues 5 and 6: the tables and nullable columns added since the first release; 64-bit ids.

Every step checks first (models/migrations/tolerant.py): a database made by `create_all` is
stamped at the baseline and may already have any of these. Downgrade keeps ids BIGINT.

Revision ID: 0002_issues_5_6
Revises: 0001_wave1_baseline
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
    widen_to_bigint,
)

revision: str = "0002_issues_5_6"
down_revision: str | Sequence[str] | None = "0001_wave1_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_table_if_missing(
        "bot_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    create_table_if_missing(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("request_message_id", sa.BigInteger(), nullable=False),
        sa.Column("status_message_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id", "request_message_id"),
    )
    create_table_if_missing(
        "broadcast_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcast.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("broadcast_id", "volunteer_id"),
    )
    create_index_if_missing(
        "ix_broadcast_delivery_broadcast_id", "broadcast_delivery", ["broadcast_id"]
    )
    create_table_if_missing(
        "evidence_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("file_unique_id", sa.String(length=64), nullable=False),
        sa.Column("photo_path", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "file_unique_id"),
    )
    create_index_if_missing("ix_evidence_photo_report_id", "evidence_photo", ["report_id"])
    create_table_if_missing(
        "paint_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_id"], ["volunteer.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    create_index_if_missing("ix_paint_claim_report_id", "paint_claim", ["report_id"])
    create_index_if_missing(
        "uq_paint_claim_open",
        "paint_claim",
        ["report_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    add_column_if_missing("graffiti", sa.Column("suggested_district", sa.String(length=16)))
    # NULL on walls older than the column: they went out before and are not sent again.
    # (A database whose start-up step added the short-lived crew_file_at keeps it, unused.)
    add_column_if_missing("graffiti", sa.Column("crew_file_due", sa.Boolean()))
    _add_claim_id()
    create_index_if_missing("ix_graffiti_photo_claim_id", "graffiti_photo", ["claim_id"])
    add_column_if_missing("volunteer", sa.Column("forgotten_at", sa.DateTime(timezone=True)))
    # Telegram chat and message ids pass 2³¹; the first release stored some in INTEGER.
    for table, column in (
        ("graffiti_draft", "chat_id"),
        ("graffiti_draft", "message_id"),
        ("graffiti_draft_photo", "message_id"),
        ("sighting", "chat_id"),
        ("sighting", "message_id"),
    ):
        widen_to_bigint(table, column)


def _add_claim_id() -> None:
    """graffiti_photo.claim_id with its foreign key to paint_claim.

    SQLite cannot add a constraint to an existing table, but it can add a column with a
    REFERENCES clause. A SQLite database whose start-up step already added the column without
    the key keeps it that way (no query relies on it); PostgreSQL gets the key added.
    """
    if op.get_bind().dialect.name == "sqlite":
        if not has_column("graffiti_photo", "claim_id"):
            op.execute(
                "ALTER TABLE graffiti_photo "
                "ADD COLUMN claim_id INTEGER REFERENCES paint_claim (id)"
            )
        return
    add_column_if_missing("graffiti_photo", sa.Column("claim_id", sa.Integer()))
    keys = sa.inspect(op.get_bind()).get_foreign_keys("graffiti_photo")
    if not any(key["constrained_columns"] == ["claim_id"] for key in keys):
        op.create_foreign_key(
            "graffiti_photo_claim_id_fkey", "graffiti_photo", "paint_claim", ["claim_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("volunteer") as batch_op:
        batch_op.drop_column("forgotten_at")
    with op.batch_alter_table("graffiti_photo") as batch_op:
        batch_op.drop_index("ix_graffiti_photo_claim_id")
        batch_op.drop_column("claim_id")
    with op.batch_alter_table("graffiti") as batch_op:
        batch_op.drop_column("crew_file_due")
        batch_op.drop_column("suggested_district")
    for table in ("paint_claim", "evidence_photo", "broadcast_delivery", "broadcast", "bot_fact"):
        op.drop_table(table)
