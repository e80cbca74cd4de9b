"""Administrators' broadcasts and their recipients, recorded like the weekly digest's deliveries.

A broadcast is one row per /broadcast command, unique per (chat, message) so a redelivered
update finds the row it made the first time. Pressing Send writes one delivery row per
recipient with no outcome; each outcome is written right after its send, so a restart sends
exactly the rows still without one, and the final count is counted from the rows.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import StrEnumType, UTCDateTime, utcnow
from models.enums import BroadcastOutcome, BroadcastState


class Broadcast(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("chat_id", "request_message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    created_by_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False)
    )
    # The administrator's chat and the /broadcast message in it: the redelivery key.
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    request_message_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    # The status line above the preview; edited with the progress and the final count.
    status_message_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, nullable=True)
    )
    text: str = Field(sa_column=Column(Text, nullable=False))  # HTML, as recipients get it
    language: str | None = Field(default=None, max_length=8)  # None: every language
    state: BroadcastState = Field(
        default=BroadcastState.PREVIEW,
        sa_column=Column(StrEnumType(BroadcastState), nullable=False),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BroadcastDelivery(SQLModel, table=True):
    __tablename__ = "broadcast_delivery"
    __table_args__ = (UniqueConstraint("broadcast_id", "volunteer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(
        sa_column=Column(Integer, ForeignKey("broadcast.id"), nullable=False, index=True)
    )
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False)
    )
    outcome: BroadcastOutcome | None = Field(
        default=None, sa_column=Column(StrEnumType(BroadcastOutcome), nullable=True)
    )
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
