"""Sightings are counted by week (the digest, /top, /stats): index `sighting.created_at`.

Issue 8 measured the digest at 1,000,000 sightings; its weekly counts scanned the whole table.

Revision ID: 0005_sighting_created_at_index
Revises: 0004_rejection_reasons_as_cod
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.migrations.tolerant import create_index_if_missing

revision: str = "0005_sighting_created_at_index"
down_revision: str | Sequence[str] | None = "0004_rejection_reasons_as_cod"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_sighting_created_at"


def upgrade() -> None:
    create_index_if_missing(INDEX, "sighting", ["created_at"])


def downgrade() -> None:
    if INDEX in {index["name"] for index in sa.inspect(op.get_bind()).get_indexes("sighting")}:
        op.drop_index(INDEX, table_name="sighting")
