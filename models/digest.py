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
