"""A finder's note on their own report while it is still new (`sighting.note`, issue 11): shown
to moderators on the card beside the volunteer's words, erased by /forget_me.

Revision ID: 0011_sighting_note
Revises: 0010_sighting_words
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.migrations.tolerant import add_column_if_missing, has_column

revision: str = "0011_sighting_note"
down_revision: str | Sequence[str] | None = "0010_sighting_words"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_column_if_missing("sighting", sa.Column("note", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sighting") as batch:
        if has_column("sighting", "note"):
            batch.drop_column("note")
