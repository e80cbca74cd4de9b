from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import StrEnumType, UTCDateTime, utcnow
from models.enums import Category, NoteCode, ReportStatus, SeniorChoice, TargetKind


class Report(SQLModel, table=True):
    """One reported target. Its id is the `#N` everybody uses to talk about it.

    Link reports carry a unique canonical key; graffiti reports (no key) share the numbering.
    """

    id: int | None = Field(default=None, primary_key=True)
    # NULL for graffiti; NULLs do not collide in a unique index on SQLite or PostgreSQL.
    canonical_key: str | None = Field(
        default=None, sa_column=Column(String(2100), unique=True, nullable=True)
    )
    kind: TargetKind = Field(sa_column=Column(StrEnumType(TargetKind), nullable=False))
    display: str = Field(max_length=2100)
    site_key: str | None = Field(default=None, max_length=300, index=True)
    status: ReportStatus = Field(
        default=ReportStatus.NEW,
        sa_column=Column(
            StrEnumType(ReportStatus), nullable=False, index=True, default=ReportStatus.NEW.value
        ),
    )
    # The digest counts a week's new targets by time.
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    status_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # When the report first became blocked or painted over (never cleared by a reappearance):
    # a confirmation sent before it still earns points.
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    found_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=True)
    )
    category: Category | None = Field(
        default=None, sa_column=Column(StrEnumType(Category, length=32), nullable=True)
    )
    # The reason given with the last rejection or regulator's decline, shown to volunteers: a
    # preset's code, or the words a moderator typed.
    resolution_code: NoteCode | None = Field(
        default=None, sa_column=Column(StrEnumType(NoteCode, length=32), nullable=True)
    )
    resolution_note: str | None = Field(default=None, max_length=500)
    batch_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("batch.id"), nullable=True, index=True)
    )
    # A moderator looking at the report's queue card holds it until claimed_until.
    claimed_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=True)
    )
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set when a moderator merges this report into another; new sightings follow the chain.
    merged_into_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("report.id"), nullable=True)
    )
    # When the probe next looks at the report (services/probe/rechecks.py); None: at once,
    # once its status is one the probe checks.
    next_check_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    # The senior volunteers' call once two counting votes agree (services/senior_votes.py):
    # "drugs" puts a new report first in the moderators' queue, "not drugs" flags its card.
    seniors_say: SeniorChoice | None = Field(
        default=None, sa_column=Column(StrEnumType(SeniorChoice), nullable=True)
    )


class Sighting(SQLModel, table=True):
    """One volunteer sending one target: the first is the find, later ones are confirmations.

    Unique per (report, volunteer): a volunteer who repeats a link is counted once, and the
    same Telegram message processed twice cannot make a second row.
    """

    __table_args__ = (UniqueConstraint("report_id", "volunteer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(Integer, ForeignKey("report.id"), nullable=False, index=True)
    )
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False, index=True)
    )
    # Telegram ids are 64-bit: user and chat ids above 2³¹ are common since about 2021.
    chat_id: int = Field(sa_type=BigInteger)
    message_id: int = Field(sa_type=BigInteger)
    text_as_sent: str = Field(max_length=2100)
    # What the volunteer wrote around the links (or under a wall photo), links taken out: for
    # moderators only, never shown to another volunteer; /forget_me empties it.
    words: str | None = Field(default=None, max_length=500)
    # What the finder added later, while the report was still new (a correction, a doubt): for
    # moderators only, like the words; /forget_me empties it.
    note: str | None = Field(default=None, max_length=500)
    # Weekly counts (digest, /top, /stats) select sightings by time.
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class Evidence(SQLModel, table=True):
    """A concrete post that showed a target (t.me/x/123 for channel x); kept for moderators."""

    __table_args__ = (UniqueConstraint("report_id", "url"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(Integer, ForeignKey("report.id"), nullable=False, index=True)
    )
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False)
    )
    url: str = Field(max_length=2100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EvidencePhoto(SQLModel, table=True):
    """A volunteer's screenshot of an online target (a shop's channel, a site), kept as evidence.

    Moderators see it on the card and in /report and get it with /photo N, always re-encoded
    without metadata; the stored file is never re-sent as is.
    """

    __tablename__ = "evidence_photo"
    __table_args__ = (UniqueConstraint("report_id", "file_unique_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(Integer, ForeignKey("report.id"), nullable=False, index=True)
    )
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False)
    )
    file_id: str = Field(max_length=256)
    file_unique_id: str = Field(max_length=64)
    photo_path: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
