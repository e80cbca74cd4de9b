"""The record of weekly digest deliveries: which recipient got which week's digest."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import StrEnumType, UTCDateTime, utcnow
from models.enums import RecipientKind


class DigestDelivery(SQLModel, table=True):
    """One weekly digest delivered to one recipient: written right after the send succeeded.

    The unique constraint is what makes a restart resume: a recipient with a row is skipped.
    """

    __tablename__ = "digest_delivery"
    __table_args__ = (UniqueConstraint("week", "recipient_kind", "recipient_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # The ISO week the digest reports on, e.g. "2026-W47" (Asia/Almaty calendar).
    week: str = Field(sa_column=Column(String(8), nullable=False))
    recipient_kind: RecipientKind = Field(
        sa_column=Column(StrEnumType(RecipientKind), nullable=False)
    )
    recipient_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    delivered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FrozenWeekCounts(SQLModel, table=True):
    """A past week's funnel, counted once after the week ended and never again.

    Audit entries and sightings of an ended week are history, so the counts would come out the
    same each time; counting twelve weeks of a million sightings for every digest did not. What a
    later merge changes (a merged report no longer counts as a new target) stays as the week was
    reported: the digest's past weeks are what the city was told then.
    """

    __tablename__ = "frozen_week_counts"

    id: int | None = Field(default=None, primary_key=True)
    # The ISO week, e.g. "2026-W47" (Asia/Almaty calendar).
    week: str = Field(sa_column=Column(String(8), nullable=False, unique=True))
    links: int = 0
    photos: int = 0
    targets: int = 0
    accepted: int = 0
    sent: int = 0
    blocked: int = 0
    graffiti: int = 0
    painted_over: int = 0
    frozen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
