"""Senior volunteers' votes on new reports, and the audit trail of role changes."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import StrEnumType, UTCDateTime, utcnow
from models.enums import Role, SeniorChoice


class SeniorVote(SQLModel, table=True):
    """One senior's vote on one report: unique per (report, senior), so a second press of a
    button, or the same update delivered twice, cannot vote twice."""

    __tablename__ = "senior_vote"
    __table_args__ = (UniqueConstraint("report_id", "volunteer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(Integer, ForeignKey("report.id"), nullable=False, index=True)
    )
    # The senior's database id (volunteer.id), never a Telegram id: agreement is grouped by it.
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False, index=True)
    )
    choice: SeniorChoice = Field(sa_column=Column(StrEnumType(SeniorChoice), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoleChange(SQLModel, table=True):
    """Who made whom a moderator or a senior, or took the role back, and when."""

    __tablename__ = "role_change"

    id: int | None = Field(default=None, primary_key=True)
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=False, index=True)
    )
    from_role: Role = Field(sa_column=Column(StrEnumType(Role), nullable=False))
    to_role: Role = Field(sa_column=Column(StrEnumType(Role), nullable=False))
    # The administrator's row; None only for a change the bot makes by itself.
    actor_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=True)
    )
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
