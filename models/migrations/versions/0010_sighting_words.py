"""What a volunteer wrote around their links or under a wall photo (`sighting.words`, issue 11):
shown to moderators on the card and in /report, erased by /forget_me.

Nothing to backfill: sightings taken before this revision keep no words.

Revision ID: 0010_sighting_words
Revises: 0009_probe_checks
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.migrations.tolerant import add_column_if_missing, has_column

revision: str = "0010_sighting_words"
down_revision: str | Sequence[str] | None = "0009_probe_checks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_column_if_missing("sighting", sa.Column("words", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sighting") as batch:
        if has_column("sighting", "words"):
            batch.drop_column("words")
