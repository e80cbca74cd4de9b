"""Squads: teams volunteers join with a code, their members and their curators.

A squad's points are not stored: they are summed from its members' kept tallies
(models/tally.py, services/tallies.py) when read, so a change of weights needs no backfill.
"""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, utcnow


class Squad(SQLModel, table=True):
    """A university, college or district team; volunteers join it with its code."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    code: str = Field(sa_column=Column(String(16), nullable=False, unique=True))
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("volunteer.id"), nullable=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SquadMember(SQLModel, table=True):
    """A volunteer's squad. One squad per volunteer (the primary key): joining another moves them,
    so squad totals never count one person twice."""

    __tablename__ = "squad_member"

    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), primary_key=True)
    )
    squad_id: int = Field(
        sa_column=Column(Integer, ForeignKey("squad.id"), nullable=False, index=True)
    )
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SquadCurator(SQLModel, table=True):
    """A coordinator who sees their squad's statistics; need not be a member."""

    __tablename__ = "squad_curator"

    squad_id: int = Field(sa_column=Column(Integer, ForeignKey("squad.id"), primary_key=True))
    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), primary_key=True)
    )
