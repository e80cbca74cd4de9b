"""Graffiti: the street details of a graffiti Report, its photos, and unfinished conversations.

A graffiti Report is created only when its conversation ends (answered, or abandoned past the
timeout), so the lifecycle never sees a half-made report; until then the photos and answers
live in GraffitiDraft rows, written from the first photo so nothing is lost on a restart.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from models.base import StrEnumType, UTCDateTime, utcnow
from models.enums import ClaimStatus, District


class DraftStep(StrEnum):
    """What the bot is waiting for in a graffiti conversation."""

    PLACE = "place"
    HANDLE = "handle"
    # The photo is a screenshot of something online: waiting for the link it shows.
    SCREENSHOT = "screenshot"


def _report_fk(*, nullable: bool, index: bool = False, unique: bool = False) -> "Column[int]":
    return Column(Integer, ForeignKey("report.id"), nullable=nullable, index=index, unique=unique)


class Graffiti(SQLModel, table=True):
    """One graffiti report's street details; one row per Report of kind GRAFFITI."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=_report_fk(nullable=False, unique=True))
    # The first photo's largest size: file_unique_id is stable across forwards and bots.
    file_id: str = Field(max_length=256)
    file_unique_id: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    # 64-bit perceptual hash stored as a signed BIGINT (numpy reinterprets it as uint64).
    phash: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    latitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    longitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    address: str | None = Field(default=None, max_length=500)
    district: District | None = Field(
        default=None, sa_column=Column(StrEnumType(District), nullable=True)
    )
    # District of the crew the report was assigned to (may differ from where it was reported).
    assigned_district: District | None = Field(
        default=None, sa_column=Column(StrEnumType(District), nullable=True)
    )
    # The nearest district centre to the wall's coordinates, until a moderator confirms it
    # (then it becomes `district`) or picks another.
    suggested_district: District | None = Field(
        default=None, sa_column=Column(StrEnumType(District), nullable=True)
    )
    # True once assigned (e.g. with /assign) until a crew file carries the wall. NULL on rows
    # older than this column: those walls went out before and are not sent again.
    crew_file_due: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))
    # What the volunteer said is written on the wall, as typed.
    handle_text: str | None = Field(default=None, max_length=500)
    # The online target that handle names (a link report sharing the numbering).
    handle_report_id: int | None = Field(
        default=None, sa_column=_report_fk(nullable=True, index=True)
    )
    possible_duplicate_of: int | None = Field(default=None, sa_column=_report_fk(nullable=True))
    same_wall_of: int | None = Field(default=None, sa_column=_report_fk(nullable=True))
    media_group_id: str | None = Field(default=None, max_length=64)
    # Original bytes kept as evidence when [storage] photo_dir is set; never re-sent.
    photo_path: str | None = Field(default=None, max_length=500)


class PaintClaim(SQLModel, table=True):
    """A volunteer's «after» photo(s) saying a wall was painted over, until a moderator decides.

    Only a confirmation changes the wall's status (and so notices and points): otherwise anyone
    could close any wall, or a finder their own. At most one claim per wall is open: a later
    photo of the same wall joins it (the partial unique index settles two at once).
    """

    __tablename__ = "paint_claim"
    __table_args__ = (
        Index(
            "uq_paint_claim_open",
            "report_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=_report_fk(nullable=False, index=True))
    # Who sent the first photo; later claimants are the volunteers of the claim's photos.
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False)
    )
    status: ClaimStatus = Field(
        default=ClaimStatus.OPEN,
        sa_column=Column(StrEnumType(ClaimStatus), nullable=False, default=ClaimStatus.OPEN.value),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=True)
    )
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class GraffitiPhoto(SQLModel, table=True):
    """Further photos of an album, and volunteers' "after" photos of a painted-over wall."""

    __tablename__ = "graffiti_photo"
    __table_args__ = (UniqueConstraint("report_id", "file_unique_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=_report_fk(nullable=False, index=True))
    is_after: bool = Field(default=False)
    # The claim an «after» photo belongs to; NULL for album photos and for after-photos taken
    # before claims existed (or sent by a moderator, whose word needs no confirmation).
    claim_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("paint_claim.id"), nullable=True, index=True),
    )
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False)
    )
    file_id: str = Field(max_length=256)
    file_unique_id: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    phash: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    photo_path: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GraffitiDraft(SQLModel, table=True):
    """A graffiti conversation in progress. Albums share one draft per (volunteer, album id)."""

    __tablename__ = "graffiti_draft"
    __table_args__ = (UniqueConstraint("volunteer_id", "media_group_id"),)

    id: int | None = Field(default=None, primary_key=True)
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False, index=True)
    )
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int = Field(sa_type=BigInteger)
    # NULL for a single photo: NULLs never collide in the unique index.
    media_group_id: str | None = Field(default=None, max_length=64)
    step: DraftStep = Field(
        default=DraftStep.PLACE,
        sa_column=Column(StrEnumType(DraftStep), nullable=False, default=DraftStep.PLACE.value),
    )
    caption: str | None = Field(default=None, max_length=1100)
    latitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    longitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    address: str | None = Field(default=None, max_length=500)
    district: District | None = Field(
        default=None, sa_column=Column(StrEnumType(District), nullable=True)
    )
    handle_text: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The last answer; the conversation is finished this long after it goes quiet.
    touched_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class GraffitiDraftPhoto(SQLModel, table=True):
    __tablename__ = "graffiti_draft_photo"
    __table_args__ = (UniqueConstraint("draft_id", "file_unique_id"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("graffiti_draft.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    message_id: int = Field(sa_type=BigInteger)
    file_id: str = Field(max_length=256)
    file_unique_id: str = Field(max_length=64)
    phash: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    photo_path: str | None = Field(default=None, max_length=500)
