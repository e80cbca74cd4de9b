"""The probe's records (issue 9): every check of a report (`probe_check`), each scheduled run
(`probe_run`, for /probe_status), the reappearances still to be told to the moderators
(`probe_alert`), and when each report is next due (`report.next_check_at`).

Nothing to backfill: reports without a next check are due at once once the probe checks them.

Revision ID: 0009_probe_checks
Revises: 0008_tally_points
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

revision: str = "0009_probe_checks"
down_revision: str | Sequence[str] | None = "0008_tally_points"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUN_COUNTS = ("due", "checked", "online", "blocked", "gone", "unknown", "changed")
NEXT_CHECK_INDEX = "ix_report_next_check_at"


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), server_default="0", nullable=False)


def upgrade() -> None:
    create_table_if_missing(
        "probe_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        *(_count(name) for name in RUN_COUNTS),
        sa.PrimaryKeyConstraint("id"),
    )
    create_index_if_missing("ix_probe_run_started_at", "probe_run", ["started_at"])
    create_table_if_missing(
        "probe_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("vantage", sa.String(length=16), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("stages", sa.Text(), nullable=False),
        _count("latency_ms"),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("final_url", sa.String(length=2100), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("addresses", sa.Text(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=True),
        sa.Column("body_length", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("member_count", sa.Integer(), nullable=True),
        sa.Column("changed_to", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    create_index_if_missing("ix_probe_check_checked_at", "probe_check", ["checked_at"])
    create_index_if_missing(
        "ix_probe_check_report_id_checked_at", "probe_check", ["report_id", "checked_at"]
    )
    create_table_if_missing(
        "probe_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["check_id"], ["probe_check.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    create_index_if_missing("ix_probe_alert_sent_at", "probe_alert", ["sent_at"])
    add_column_if_missing("report", sa.Column("next_check_at", sa.DateTime(timezone=True)))
    create_index_if_missing(NEXT_CHECK_INDEX, "report", ["next_check_at"])


def downgrade() -> None:
    for table in ("probe_alert", "probe_check", "probe_run"):
        if has_table(table):
            op.drop_table(table)
    if NEXT_CHECK_INDEX in {
        index["name"] for index in sa.inspect(op.get_bind()).get_indexes("report")
    }:
        op.drop_index(NEXT_CHECK_INDEX, table_name="report")
    with op.batch_alter_table("report") as batch:
        if has_column("report", "next_check_at"):
            batch.drop_column("next_check_at")
