"""What a squad's curators see: its totals this week and in all, and its top five."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.squads import Squad
from services.clock import utcnow
from services.leaderboard import Board, board_from, points_of, squad_members
from services.squads import curated_squads
from services.tallies import PointWeights, tallies
from services.weeks import Week

BOARD_SIZE = 5


@dataclass(frozen=True, slots=True)
class SquadPeriod:
    links: int
    photos: int
    accepted: int
    closed: int  # blocked or painted over
    points: int
    board: Board


@dataclass(frozen=True, slots=True)
class SquadStats:
    name: str
    code: str
    members: int
    this_week: SquadPeriod
    all_time: SquadPeriod


async def _period(
    session: AsyncSession,
    squad_id: int,
    *,
    weights: PointWeights,
    since: datetime | None,
    until: datetime,
    viewer_id: int,
) -> SquadPeriod:
    found = await tallies(session, weights=weights, since=since, until=until, squad_id=squad_id)
    values = found.values()
    return SquadPeriod(
        links=sum(t.links for t in values),
        photos=sum(t.photos for t in values),
        accepted=sum(t.accepted for t in values),
        closed=sum(t.blocked + t.painted_over for t in values),
        points=sum(t.points for t in values),
        board=await board_from(session, points_of(found), limit=BOARD_SIZE, viewer_id=viewer_id),
    )


async def squad_stats(
    session: AsyncSession,
    squad: Squad,
    *,
    weights: PointWeights,
    viewer_id: int,
    now: datetime | None = None,
) -> SquadStats:
    week = Week.of(now or utcnow())
    squad_id = saved_id(squad)

    async def period(since: datetime | None) -> SquadPeriod:
        return await _period(
            session, squad_id, weights=weights, since=since, until=week.end, viewer_id=viewer_id
        )

    return SquadStats(
        name=squad.name,
        code=squad.code,
        members=len(await squad_members(session, squad_id)),
        this_week=await period(week.start),
        all_time=await period(None),
    )


async def curated_squad_stats(
    session: AsyncSession, *, curator_id: int, weights: PointWeights, now: datetime | None = None
) -> list[SquadStats]:
    """The statistics of every squad the volunteer curates, by squad name; empty for others."""
    return [
        await squad_stats(session, squad, weights=weights, viewer_id=curator_id, now=now)
        for squad in await curated_squads(session, curator_id)
    ]
