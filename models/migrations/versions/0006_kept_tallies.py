"""Standings kept, not recomputed (issue 8): `report.closed_at`, table `tally_day`.

`report.closed_at` is when a report first became blocked or painted over, backfilled from the
audit trail (points no longer scan the whole audit table). `tally_day` is filled from history
by the same aggregate services/kept_tallies.py rebuilds it with (written out here: a revision
must not change when the services do); `python -m bot rebuild-tallies` recomputes it any time.

Revision ID: 0006_kept_tallies
Revises: 0005_sighting_created_at_index
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

revision: str = "0006_kept_tallies"
down_revision: str | Sequence[str] | None = "0005_sighting_created_at_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = (
    "sightings", "photos", "found_first", "accepted", "rejected", "blocked", "painted_over",
    "earned_found_blocked", "earned_found_accepted", "earned_confirmation",
)  # fmt: skip


def upgrade() -> None:
    add_column_if_missing("report", sa.Column("closed_at", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE report SET closed_at = (SELECT min(a.at) FROM audit_entry a"
        " WHERE a.report_id = report.id AND a.to_status IN ('blocked', 'painted_over'))"
        " WHERE closed_at IS NULL"
    )
    create_table_if_missing(
        "tally_day",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"]),
        sa.PrimaryKeyConstraint("volunteer_id", "day"),
    )
    create_index_if_missing("ix_tally_day_day", "tally_day", ["day"])
    op.execute("DELETE FROM tally_day")
    op.execute(BACKFILL.format(day=_almaty_day(op.get_bind().dialect.name)))


def _almaty_day(dialect: str) -> str:
    """Almaty's day as services/points.py computes it: UTC+5 all year (since 2024-03-01)."""
    if dialect == "postgresql":
        return "CAST(timezone('UTC', s.created_at) + interval '5 hours' AS DATE)"
    return "date(s.created_at, '+5 hours')"


# A finder's sighting earns found_blocked once the report closed, else found_accepted once it
# was accepted; another volunteer's sighting earns a confirmation when the report was accepted
# and it came before the closing; a rejected report earns nothing.
FOUND = "r.found_by_id = s.volunteer_id"
OTHER = "r.found_by_id <> s.volunteer_id"
ACCEPTED = (
    "r.status IN ('accepted', 'sent', 'blocked', 'declined', 'still_online', 'reappeared',"
    " 'assigned', 'painted_over')"
)
CLOSED = "r.closed_at IS NOT NULL"
REJECTED = "r.status = 'rejected'"
GRAFFITI = "r.kind = 'graffiti'"
BACKFILL = f"""
INSERT INTO tally_day (volunteer_id, day, {", ".join(COUNTS)})
SELECT s.volunteer_id, {{day}}, count(*),
  sum(CASE WHEN {GRAFFITI} THEN 1 ELSE 0 END),
  sum(CASE WHEN {FOUND} THEN 1 ELSE 0 END),
  sum(CASE WHEN {ACCEPTED} THEN 1 ELSE 0 END),
  sum(CASE WHEN {REJECTED} THEN 1 ELSE 0 END),
  sum(CASE WHEN {CLOSED} AND NOT ({GRAFFITI}) THEN 1 ELSE 0 END),
  sum(CASE WHEN {CLOSED} AND {GRAFFITI} THEN 1 ELSE 0 END),
  sum(CASE WHEN NOT ({REJECTED}) AND {FOUND} AND {CLOSED} THEN 1 ELSE 0 END),
  sum(CASE WHEN NOT ({REJECTED}) AND {FOUND} AND NOT ({CLOSED}) AND {ACCEPTED} THEN 1 ELSE 0 END),
  sum(CASE WHEN NOT ({REJECTED}) AND {OTHER} AND {ACCEPTED}
    AND (r.closed_at IS NULL OR s.created_at < r.closed_at) THEN 1 ELSE 0 END)
FROM sighting s JOIN report r ON r.id = s.report_id
GROUP BY s.volunteer_id, {{day}}
"""


def downgrade() -> None:
    if has_table("tally_day"):
        op.drop_table("tally_day")
    with op.batch_alter_table("report") as batch:
        if has_column("report", "closed_at"):
            batch.drop_column("closed_at")
