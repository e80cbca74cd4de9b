"""/top: this week's and all-time leaderboards, squads, and how others see the viewer."""

from html import escape

from aiogram.utils.i18n import gettext as _

from models.volunteer import Volunteer
from services.leaderboard import Overview, SquadRow
from services.weeks import Week
from views.digest import board_lines, week_label


def _squad_lines(rows: list[SquadRow]) -> list[str]:
    return [
        _("{rank}. {name} — {points} pts, members: {members}").format(
            rank=row.rank, name=escape(row.name), points=row.points, members=row.members
        )
        for row in rows[:10]
    ]


def _your_place(rank: int | None, points: int) -> str:
    if rank is None:
        return _("You have no points here yet.")
    return _("Your place: {rank} ({points} pts)").format(rank=rank, points=points)


def render_top(view: Overview, week: Week, viewer: Volunteer) -> str:
    lines = [
        _("<b>Top of this week</b> · {week}").format(week=week_label(week)),
        *board_lines(view.week),
        _your_place(view.week.your_rank, view.week.your_points),
        "",
        _("<b>Top of all time</b>"),
        *board_lines(view.all_time),
        _your_place(view.all_time.your_rank, view.all_time.your_points),
    ]
    if view.squads_week:
        lines += ["", _("<b>Squads this week</b>"), *_squad_lines(view.squads_week)]
        lines += ["", _("<b>Squads of all time</b>"), *_squad_lines(view.squads_all_time)]
    if view.squad is not None and view.squad_week is not None:
        lines += [
            "",
            _("<b>Your squad «{name}» this week</b>").format(name=escape(view.squad.name)),
            *board_lines(view.squad_week),
        ]
    lines += ["", _how_others_see_you(viewer)]
    return "\n".join(lines)


def _how_others_see_you(viewer: Volunteer) -> str:
    if viewer.public_consent and viewer.nickname:
        return _("Others see you as «{nickname}»; /privacy changes it.").format(
            nickname=escape(viewer.nickname)
        )
    return _("Others see you as «Volunteer» unless you choose a nickname: /privacy")
