"""Baseline: the schema of the first released wave (commit f958ec2), what deployments have.

Generated from that commit's models against an empty database and checked by hand. A database
that `create_all` made at that version is stamped at this revision (models/migrate.py).

Revision ID: 0001_wave1_baseline
Revises:
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_wave1_baseline"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.BigInteger(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week", "recipient_kind", "recipient_id"),
    )
    op.create_table(
        "volunteer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("first_name", sa.String(length=128), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("telegram_language", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("banned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ban_reason", sa.String(length=500), nullable=True),
        sa.Column("notices_enabled", sa.Boolean(), nullable=False),
        sa.Column("is_reachable", sa.Boolean(), nullable=False),
        sa.Column("nickname", sa.String(length=32), nullable=True),
        sa.Column("public_consent", sa.Boolean(), nullable=False),
        sa.Column("personal_digest_enabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("telegram_id"),
    )
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_volunteer_username"), ["username"], unique=False)

    op.create_table(
        "batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("csv_file_id", sa.String(length=256), nullable=True),
        sa.Column("xlsx_file_id", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "graffiti_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("caption", sa.String(length=1100), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("district", sa.String(length=16), nullable=True),
        sa.Column("handle_text", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("touched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("volunteer_id", "media_group_id"),
    )
    with op.batch_alter_table("graffiti_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_graffiti_draft_touched_at"), ["touched_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_graffiti_draft_volunteer_id"), ["volunteer_id"], unique=False
        )

    op.create_table(
        "squad",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "graffiti_draft_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("file_unique_id", sa.String(length=64), nullable=False),
        sa.Column("phash", sa.BigInteger(), nullable=True),
        sa.Column("photo_path", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["draft_id"], ["graffiti_draft.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("draft_id", "file_unique_id"),
    )
    with op.batch_alter_table("graffiti_draft_photo", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_graffiti_draft_photo_draft_id"), ["draft_id"], unique=False
        )

    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_key", sa.String(length=2100), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("display", sa.String(length=2100), nullable=False),
        sa.Column("site_key", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found_by_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("resolution_note", sa.String(length=500), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"],
            ["volunteer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["found_by_id"],
            ["volunteer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["report.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("canonical_key"),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_site_key"), ["site_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_status"), ["status"], unique=False)

    op.create_table(
        "squad_curator",
        sa.Column("squad_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["squad_id"],
            ["squad.id"],
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("squad_id", "volunteer_id"),
    )
    op.create_table(
        "squad_member",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("squad_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["squad_id"],
            ["squad.id"],
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("volunteer_id"),
    )
    with op.batch_alter_table("squad_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_squad_member_squad_id"), ["squad_id"], unique=False)

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["volunteer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_report_id"), ["report_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "url"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_report_id"), ["report_id"], unique=False)

    op.create_table(
        "graffiti",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("file_unique_id", sa.String(length=64), nullable=False),
        sa.Column("phash", sa.BigInteger(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("district", sa.String(length=16), nullable=True),
        sa.Column("assigned_district", sa.String(length=16), nullable=True),
        sa.Column("handle_text", sa.String(length=500), nullable=True),
        sa.Column("handle_report_id", sa.Integer(), nullable=True),
        sa.Column("possible_duplicate_of", sa.Integer(), nullable=True),
        sa.Column("same_wall_of", sa.Integer(), nullable=True),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("photo_path", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["handle_report_id"],
            ["report.id"],
        ),
        sa.ForeignKeyConstraint(
            ["possible_duplicate_of"],
            ["report.id"],
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
        ),
        sa.ForeignKeyConstraint(
            ["same_wall_of"],
            ["report.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id"),
    )
    with op.batch_alter_table("graffiti", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_graffiti_file_unique_id"), ["file_unique_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_graffiti_handle_report_id"), ["handle_report_id"], unique=False
        )

    op.create_table(
        "graffiti_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("is_after", sa.Boolean(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("file_unique_id", sa.String(length=64), nullable=False),
        sa.Column("phash", sa.BigInteger(), nullable=True),
        sa.Column("photo_path", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "file_unique_id"),
    )
    with op.batch_alter_table("graffiti_photo", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_graffiti_photo_file_unique_id"), ["file_unique_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_graffiti_photo_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_done_at"), ["done_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_volunteer_id"), ["volunteer_id"], unique=False)

    op.create_table(
        "sighting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("text_as_sent", sa.String(length=2100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "volunteer_id"),
    )
    with op.batch_alter_table("sighting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sighting_report_id"), ["report_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sighting_volunteer_id"), ["volunteer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sighting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sighting_volunteer_id"))
        batch_op.drop_index(batch_op.f("ix_sighting_report_id"))

    op.drop_table("sighting")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_volunteer_id"))
        batch_op.drop_index(batch_op.f("ix_notice_done_at"))

    op.drop_table("notice")
    with op.batch_alter_table("graffiti_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graffiti_photo_report_id"))
        batch_op.drop_index(batch_op.f("ix_graffiti_photo_file_unique_id"))

    op.drop_table("graffiti_photo")
    with op.batch_alter_table("graffiti", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graffiti_handle_report_id"))
        batch_op.drop_index(batch_op.f("ix_graffiti_file_unique_id"))

    op.drop_table("graffiti")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_report_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_report_id"))

    op.drop_table("audit_entry")
    with op.batch_alter_table("squad_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_squad_member_squad_id"))

    op.drop_table("squad_member")
    op.drop_table("squad_curator")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_status"))
        batch_op.drop_index(batch_op.f("ix_report_site_key"))
        batch_op.drop_index(batch_op.f("ix_report_batch_id"))

    op.drop_table("report")
    with op.batch_alter_table("graffiti_draft_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graffiti_draft_photo_draft_id"))

    op.drop_table("graffiti_draft_photo")
    op.drop_table("squad")
    with op.batch_alter_table("graffiti_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graffiti_draft_volunteer_id"))
        batch_op.drop_index(batch_op.f("ix_graffiti_draft_touched_at"))

    op.drop_table("graffiti_draft")
    op.drop_table("batch")
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_username"))

    op.drop_table("volunteer")
    op.drop_table("digest_delivery")
