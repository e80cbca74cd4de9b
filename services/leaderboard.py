"""Leaderboards by points: overall, within a squad, and of squads.

A row carries a name only when the volunteer opted in with a nickname; for everyone else the
name is None and the renderer writes "Volunteer". No id, first name or username ever leaves
this module in a row.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.squads import Squad, SquadMember
from models.volunteer import Volunteer
from services.personal_data import forgotten_ids
from services.tallies import PointWeights, Tally, points_by_volunteer, rank_of, tallies


@dataclass(frozen=True, slots=True)
class BoardRow:
    rank: int
    points: int
    name: str | None  # the consented nickname, else None
    is_you: bool = False


@dataclass(frozen=True, slots=True)
class Board:
    rows: list[BoardRow]
    your_rank: int | None
    your_points: int
    ranked: int  # volunteers with any points


@dataclass(frozen=True, slots=True)
class SquadRow:
    rank: int
    name: str
    points: int
    members: int


async def public_names(session: AsyncSession, volunteer_ids: list[int]) -> dict[int, str]:
    """Nicknames of those who consented; nobody else is in the result."""
    if not volunteer_ids:
        return {}
    rows = await session.exec(
        select(Volunteer.id, Volunteer.nickname).where(
            col(Volunteer.id).in_(volunteer_ids),
            col(Volunteer.public_consent).is_(True),
            col(Volunteer.nickname).is_not(None),
        )
    )
    return {
        volunteer_id: nickname
        for volunteer_id, nickname in rows.all()
        if volunteer_id and nickname
    }


def points_of(found: Mapping[int, Tally]) -> dict[int, int]:
    return {volunteer_id: tally.points for volunteer_id, tally in found.items()}


async def board_from(
    session: AsyncSession,
    found: Mapping[int, int],
    *,
    limit: int = 10,
    viewer_id: int | None = None,
) -> Board:
    # Whoever used /forget_me is on no board; their sightings still count for the reports.
    gone = await forgotten_ids(session)
    points = {v: p for v, p in found.items() if v not in gone}
    ranked = sorted(
        ((p, v) for v, p in points.items() if p > 0), key=lambda item: (-item[0], item[1])
    )
    top = ranked[:limit]
    names = await public_names(session, [v for _, v in top])
    rows = [
        BoardRow(
            rank=rank_of(points, volunteer_id) or 0,
            points=value,
            name=names.get(volunteer_id),
            is_you=volunteer_id == viewer_id,
        )
        for value, volunteer_id in top
    ]
    your_rank = rank_of(points, viewer_id) if viewer_id is not None else None
    your_points = points.get(viewer_id, 0) if viewer_id is not None else 0
    return Board(rows=rows, your_rank=your_rank, your_points=your_points, ranked=len(ranked))


async def leaderboard(
    session: AsyncSession,
    *,
    weights: PointWeights,
    since: datetime | None = None,
    until: datetime | None = None,
    squad_id: int | None = None,
    limit: int = 10,
    viewer_id: int | None = None,
) -> Board:
    found = await tallies(session, weights=weights, since=since, until=until, squad_id=squad_id)
    return await board_from(session, points_of(found), limit=limit, viewer_id=viewer_id)


async def squad_rows(session: AsyncSession, found: Mapping[int, int]) -> list[SquadRow]:
    """Squads by their members' points (each volunteer counted in their one squad)."""
    squads = {s.id: s for s in (await session.exec(select(Squad))).all() if s.id is not None}
    if not squads:
        return []
    membership = dict(
        (await session.exec(select(SquadMember.volunteer_id, SquadMember.squad_id))).all()
    )
    totals = dict.fromkeys(squads, 0)
    members = dict.fromkeys(squads, 0)
    for squad_id in membership.values():
        members[squad_id] += 1
    for volunteer_id, points in found.items():
        member_of = membership.get(volunteer_id)
        if member_of is not None:
            totals[member_of] += points
    ordered = sorted(squads, key=lambda s: (-totals[s], squads[s].name))
    return [
        SquadRow(
            rank=1 + sum(1 for other in totals.values() if other > totals[squad_id]),
            name=squads[squad_id].name,
            points=totals[squad_id],
            members=members[squad_id],
        )
        for squad_id in ordered
    ]


async def squad_members(session: AsyncSession, squad_id: int) -> set[int]:
    rows = await session.exec(
        select(SquadMember.volunteer_id).where(SquadMember.squad_id == squad_id)
    )
    return set(rows.all())


@dataclass(frozen=True, slots=True)
class Overview:
    week: Board
    all_time: Board
    squads_week: list[SquadRow]
    squads_all_time: list[SquadRow]
    squad: Squad | None  # the viewer's squad
    squad_week: Board | None  # the viewer's squad, this week


async def overview(
    session: AsyncSession,
    *,
    weights: PointWeights,
    since: datetime,
    until: datetime,
    viewer_id: int,
    limit: int = 10,
) -> Overview:
    """Everything /top shows, from the points kept for the week and for all time."""
    week = await points_by_volunteer(session, weights=weights, since=since, until=until)
    all_time = await points_by_volunteer(session, weights=weights)
    squad = (
        await session.exec(
            select(Squad)
            .join(SquadMember, col(SquadMember.squad_id) == col(Squad.id))
            .where(SquadMember.volunteer_id == viewer_id)
        )
    ).first()
    squad_week = None
    if squad is not None and squad.id is not None:
        members = await squad_members(session, squad.id)
        mates = {v: t for v, t in week.items() if v in members}
        squad_week = await board_from(session, mates, limit=limit, viewer_id=viewer_id)
    return Overview(
        week=await board_from(session, week, limit=limit, viewer_id=viewer_id),
        all_time=await board_from(session, all_time, limit=limit, viewer_id=viewer_id),
        squads_week=await squad_rows(session, week),
        squads_all_time=await squad_rows(session, all_time),
        squad=squad,
        squad_week=squad_week,
    )
