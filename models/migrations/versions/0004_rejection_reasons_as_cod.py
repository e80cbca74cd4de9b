"""Stored codes, rendered labels: preset rejection reasons and the notes the bot writes itself
become codes, rendered in the reader's language; a moderator's own words stay free text.

Rows written before: the English texts the bot stored (the four preset reasons, its «after»
photo notes, a crew's district, `#N` of a merge or a wall seen again, `batch N`) are converted
to codes and their text cleared; anything else is what a moderator typed and stays as typed.
The texts are matched exactly as the bot wrote them, so a typed reason is never mistaken for one.
Downgrade writes the English texts back.

The codes are literals here, not the application's enum: a revision is a frozen record.

Revision ID: 0004_rejection_reasons_as_cod
Revises: 0003_batch_voided_at
Create Date: 2026-12-01
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.migrations.tolerant import add_column_if_missing, has_column

revision: str = "0004_rejection_reasons_as_cod"
down_revision: str | Sequence[str] | None = "0003_batch_voided_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The preset reasons' English texts, as the queue's buttons stored them.
PRESETS = {
    "not drug-related": "not_drug_related",
    "the link does not work": "link_dead",
    "not enough evidence": "not_enough_evidence",
    "duplicate": "duplicate",
}
# The audit notes the bot wrote itself; "after-photo" is what the first release wrote.
BOT_NOTES = {
    **PRESETS,
    "confirmed «after» photo": "after_photo_confirmed",
    "«after» photo": "after_photo",
    "after-photo": "after_photo",
}
DISTRICTS = (
    "alatau", "almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib",
)  # fmt: skip
# Notes that name a number, by the status the change led to.
NUMBERED = {
    "merged": (re.compile(r"#(\d+)"), "merged_into"),
    "reappeared": (re.compile(r"#(\d+)"), "same_wall"),
    "sent": (re.compile(r"batch (\d+)"), "batch"),
}
NUMBERED_TEXTS = {"merged_into": "#{}", "same_wall": "#{}", "batch": "batch {}"}


def upgrade() -> None:
    add_column_if_missing("report", sa.Column("resolution_code", sa.String(length=32)))
    add_column_if_missing("notice", sa.Column("code", sa.String(length=32)))
    add_column_if_missing("audit_entry", sa.Column("code", sa.String(length=32)))
    add_column_if_missing("audit_entry", sa.Column("ref_id", sa.Integer()))
    add_column_if_missing("audit_entry", sa.Column("district", sa.String(length=16)))
    for text, code in PRESETS.items():
        _execute(
            "UPDATE report SET resolution_code = :code, resolution_note = NULL "
            "WHERE resolution_note = :text AND resolution_code IS NULL",
            code=code, text=text,
        )  # fmt: skip
        _execute(
            "UPDATE notice SET code = :code, note = NULL WHERE note = :text AND code IS NULL",
            code=code, text=text,
        )  # fmt: skip
    for text, code in BOT_NOTES.items():
        _execute(
            "UPDATE audit_entry SET code = :code, note = NULL WHERE note = :text AND code IS NULL",
            code=code, text=text,
        )  # fmt: skip
    for district in DISTRICTS:
        _execute(
            "UPDATE audit_entry SET code = 'crew', district = :district, note = NULL "
            "WHERE note = :district AND to_status = 'assigned' AND code IS NULL",
            district=district,
        )  # fmt: skip
    _numbered_notes_to_codes()


def _execute(statement: str, **params: object) -> None:
    op.get_bind().execute(sa.text(statement), params)


def _numbered_notes_to_codes() -> None:
    """One UPDATE per distinct note (a batch's note stands on every report it sent)."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT DISTINCT to_status, note FROM audit_entry "
            "WHERE code IS NULL AND to_status IN ('merged', 'reappeared', 'sent')"
        )
    )
    for to_status, note in rows.all():
        pattern, code = NUMBERED[to_status]
        match = pattern.fullmatch(note or "")
        if match is None or int(match[1]) > 2**31 - 1:
            continue
        _execute(
            "UPDATE audit_entry SET code = :code, ref_id = :ref, note = NULL "
            "WHERE note = :note AND to_status = :to_status AND code IS NULL",
            code=code, ref=int(match[1]), note=note, to_status=to_status,
        )  # fmt: skip


def downgrade() -> None:
    for text, code in PRESETS.items():
        _execute(
            "UPDATE report SET resolution_note = :text WHERE resolution_code = :code",
            code=code, text=text,
        )  # fmt: skip
        _execute("UPDATE notice SET note = :text WHERE code = :code", code=code, text=text)
    # "after-photo" is not written back: the later spelling says the same.
    texts = {code: text for text, code in BOT_NOTES.items() if text != "after-photo"}
    for code, text in texts.items():
        _execute("UPDATE audit_entry SET note = :text WHERE code = :code", code=code, text=text)
    _execute("UPDATE audit_entry SET note = district WHERE code = 'crew'")
    rows = op.get_bind().execute(
        sa.text("SELECT DISTINCT code, ref_id FROM audit_entry WHERE ref_id IS NOT NULL")
    )
    for code, ref in rows.all():
        _execute(
            "UPDATE audit_entry SET note = :note WHERE code = :code AND ref_id = :ref",
            note=NUMBERED_TEXTS[code].format(ref), code=code, ref=ref,
        )  # fmt: skip
    for table, columns in (
        ("report", ["resolution_code"]),
        ("notice", ["code"]),
        ("audit_entry", ["code", "ref_id", "district"]),
    ):
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                if has_column(table, column):
                    batch_op.drop_column(column)
