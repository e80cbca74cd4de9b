from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from models.base import StrEnumType, UTCDateTime, utcnow
from models.enums import Category, District, NoteCode, NoticeEvent, ReportStatus


class AuditEntry(SQLModel, table=True):
    """One state change of one report: who, when, from what to what, and why."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(Integer, ForeignKey("report.id"), nullable=False, index=True)
    )
    from_status: ReportStatus = Field(sa_column=Column(StrEnumType(ReportStatus), nullable=False))
    to_status: ReportStatus = Field(sa_column=Column(StrEnumType(ReportStatus), nullable=False))
    # None for changes the bot makes by itself (rechecks, timeouts).
    actor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=True)
    )
    # The digest counts a week's transitions by time.
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # Why: a code (rendered in the reader's language) with what it names, and/or the words a
    # moderator typed.
    code: NoteCode | None = Field(
        default=None, sa_column=Column(StrEnumType(NoteCode, length=32), nullable=True)
    )
    ref_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    district: District | None = Field(
        default=None, sa_column=Column(StrEnumType(District), nullable=True)
    )
    note: str | None = Field(default=None, max_length=1000)


class Batch(SQLModel, table=True):
    """A set of accepted reports forwarded to Кибернадзор as one CSV + XLSX pair."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False)
    )
    category: Category | None = Field(
        default=None, sa_column=Column(StrEnumType(Category, length=32), nullable=True)
    )
    report_count: int = 0
    # Telegram file ids of the delivered documents, so /batch N can resend them without rebuilding.
    csv_file_id: str | None = Field(default=None, max_length=256)
    xlsx_file_id: str | None = Field(default=None, max_length=256)
    # Set at start-up for a reservation a crashed process never completed (bot/batch_recovery):
    # its claims were released and any files the moderator got from it are void.
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Notice(SQLModel, table=True):
    """An outcome a volunteer should hear about: an outbox row written with the transition.

    Written in the same transaction as the state change, so a crash never loses a notice; a
    sender drains pending rows grouped per volunteer (one message for many reports).
    """

    id: int | None = Field(default=None, primary_key=True)
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False, index=True)
    )
    report_id: int = Field(sa_column=Column(Integer, ForeignKey("report.id"), nullable=False))
    event: NoticeEvent = Field(sa_column=Column(StrEnumType(NoticeEvent), nullable=False))
    # A rejection's reason: a preset's code, or the words the moderator typed.
    code: NoteCode | None = Field(
        default=None, sa_column=Column(StrEnumType(NoteCode, length=32), nullable=True)
    )
    note: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set when delivered, or when skipped because the volunteer turned notices off.
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
