"""The tally and rank lines /stats adds to a volunteer's numbers."""

from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from services.clock import utcnow
from services.tallies import PointWeights, Tally, rank_of, tallies
from services.weeks import Week


async def tally_lines(
    session: AsyncSession, volunteer_id: int, weights: PointWeights
) -> list[str]:
    week = Week.of(utcnow())
    everyone = await tallies(session, weights=weights)
    this_week = await tallies(session, weights=weights, since=week.start, until=week.end)
    mine = everyone.get(volunteer_id, Tally(volunteer_id))
    points = {v: t.points for v, t in everyone.items()}
    week_points = {v: t.points for v, t in this_week.items()}
    lines = [
        _("Photos sent: {count}").format(count=mine.photos),
        _("Accepted: {accepted}, rejected: {rejected}").format(
            accepted=mine.accepted, rejected=mine.rejected
        ),
    ]
    if mine.accuracy is not None:
        lines.append(_("Accuracy: {percent}%").format(percent=round(mine.accuracy * 100)))
    lines += [
        _("Blocked or removed: {count}").format(count=mine.blocked),
        _("Painted over: {count}").format(count=mine.painted_over),
        _("Points: {points} (this week: {week})").format(
            points=mine.points, week=week_points.get(volunteer_id, 0)
        ),
    ]
    rank = rank_of(points, volunteer_id)
    if rank is not None:
        lines.append(
            _("Your place: {rank} of {count}").format(
                rank=rank, count=sum(1 for p in points.values() if p > 0)
            )
        )
    return lines
