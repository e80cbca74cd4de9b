"""Tallies kept per volunteer per Almaty day, so standings are read, not recomputed.

Kept current by services/kept_tallies.py in the same transaction as every event that changes
them; `python -m bot rebuild-tallies` recomputes the whole table from history.
"""

from datetime import date

from sqlalchemy import Column, Date, ForeignKey, Integer
from sqlmodel import Field, SQLModel


def _count() -> Column[int]:
    return Column(Integer, nullable=False, default=0, server_default="0")


class TallyDay(SQLModel, table=True):
    """One volunteer's sightings of one Almaty day (UTC+5), and what became of their reports.

    No points are stored, only how many sightings earn each kind of points (`earned_*`, named
    after the weights): points and the daily cap are applied when reading, so a change of
    weights applies to past work at once and needs no rebuild.
    """

    __tablename__ = "tally_day"

    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), primary_key=True)
    )
    day: date = Field(sa_column=Column(Date, primary_key=True, index=True))
    sightings: int = Field(default=0, sa_column=_count())
    photos: int = Field(default=0, sa_column=_count())
    found_first: int = Field(default=0, sa_column=_count())
    accepted: int = Field(default=0, sa_column=_count())
    rejected: int = Field(default=0, sa_column=_count())
    blocked: int = Field(default=0, sa_column=_count())
    painted_over: int = Field(default=0, sa_column=_count())
    earned_found_blocked: int = Field(default=0, sa_column=_count())
    earned_found_accepted: int = Field(default=0, sa_column=_count())
    earned_confirmation: int = Field(default=0, sa_column=_count())


class TallyWeights(SQLModel, table=True):
    """The point weights tally_points and tally_week were kept with (one row, id 1).

    The bot writes its configured weights at start; when they changed, both tables are
    recomputed from tally_day. Without this row neither table is kept nor read.
    """

    __tablename__ = "tally_weights"

    id: int = Field(default=1, primary_key=True)
    found_blocked: int
    found_accepted: int
    confirmation: int
    daily_cap: int


class TallyPoints(SQLModel, table=True):
    """One volunteer's all-time points under the kept weights, daily cap applied."""

    __tablename__ = "tally_points"

    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), primary_key=True)
    )
    points: int = Field(default=0, sa_column=_count())


class TallyWeek(SQLModel, table=True):
    """One volunteer's points of one Almaty week (from its Monday) under the kept weights."""

    __tablename__ = "tally_week"

    volunteer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("volunteer.id"), primary_key=True)
    )
    monday: date = Field(sa_column=Column(Date, primary_key=True, index=True))
    points: int = Field(default=0, sa_column=_count())
