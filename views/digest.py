"""The weekly digest and the personal weekly message in words, in the current locale.

Callers choose the language with `i18n.use_locale(...)`; nothing here knows who reads it.
"""

from datetime import timedelta
from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from services.digest.build import Digest
from services.digest.chart import Series, render_png_async
from services.digest.counts import WeekCounts
from services.digest.deliveries import DigestRunReport
from services.leaderboard import Board, BoardRow
from services.tallies import Tally
from services.weeks import Week
from views.graffiti import district_label


def week_label(week: Week) -> str:
    sunday = week.monday + timedelta(days=6)
    return f"{week.monday:%d.%m}–{sunday:%d.%m.%Y}"


def display_name(row: BoardRow) -> str:
    """A consented nickname, escaped; everyone else is just "Volunteer"."""
    return escape(row.name) if row.name else _("Volunteer")


def board_lines(board: Board, *, empty: str | None = None) -> list[str]:
    if not board.rows:
        return [empty or _("No points yet.")]
    lines = []
    for row in board.rows:
        you = " " + _("(you)") if row.is_you else ""
        lines.append(
            _("{rank}. {name} — {points} pts").format(
                rank=row.rank, name=display_name(row), points=row.points
            )
            + you
        )
    return lines


def _compare(label: str, now: int, before: int) -> str:
    delta = now - before
    sign = f"+{delta}" if delta > 0 else ("±0" if delta == 0 else str(delta))
    return _("{label}: <b>{now}</b> (previous week {before}, {delta})").format(
        label=label, now=now, before=before, delta=sign
    )


def _funnel(current: WeekCounts, previous: WeekCounts) -> list[str]:
    rows = [
        (_("Links received"), "links"),
        (_("Photos received"), "photos"),
        (_("New targets"), "targets"),
        (_("Accepted"), "accepted"),
        (_("Sent to Kibernadzor"), "sent"),
        (_("Blocked or removed"), "blocked"),
    ]
    lines = [_compare(label, getattr(current, f), getattr(previous, f)) for label, f in rows]
    lines.append("")
    lines.append(_compare(_("Graffiti reported"), current.graffiti, previous.graffiti))
    lines.append(_compare(_("Graffiti painted over"), current.painted_over, previous.painted_over))
    return lines


def invitation(bot_username: str) -> str:
    """The digest's last line: readers of the channel can join from the post itself."""
    return _("Want to help? Become a cyber-volunteer: @{bot}").format(bot=escape(bot_username))


def digest_text(digest: Digest, *, bot_username: str | None = None) -> str:
    lines = [
        _("<b>Weekly digest</b> · {week}").format(week=week_label(digest.week)),
        "",
        *_funnel(digest.current, digest.previous),
        "",
    ]
    if digest.median_days is None:
        lines.append(_("Median days from acceptance to blocking: no blocks this week."))
    else:
        lines.append(
            _("Median days from acceptance to blocking: <b>{days}</b>").format(
                days=f"{digest.median_days:.1f}"
            )
        )
    if digest.median_days_observed is not None:
        lines.append(
            _("Median days from sending to blocked, as the bot's checks saw it: <b>{days}</b>")
            .format(days=f"{digest.median_days_observed:.1f}")
        )  # fmt: skip
    lines += ["", _("<b>Graffiti by district</b> (reported / painted over)")]
    if not digest.districts:
        lines.append(_("No graffiti this week."))
    for item in digest.districts:
        name = district_label(item.district) if item.district else _("district not given")
        lines.append(f"• {name}: {item.reported} / {item.painted_over}")
    lines += ["", _("<b>Top ten of the week</b>"), *board_lines(digest.top)]
    if bot_username:
        lines += ["", invitation(bot_username)]
    return "\n".join(lines)


def chart_title() -> str:
    return _("The last twelve weeks")


def chart_series(digest: Digest) -> list[Series]:
    history = [counts for _week, counts in digest.history]
    return [
        Series(_("Links received"), [c.links for c in history]),
        Series(_("Photos received"), [c.photos for c in history]),
        Series(_("Blocked or removed"), [c.blocked for c in history]),
        Series(_("Graffiti painted over"), [c.painted_over for c in history]),
    ]


def personal_text(
    *,
    week: Week,
    tally: Tally,
    week_rank: int | None,
    total_points: int,
    total_rank: int | None,
) -> str:
    lines = [
        _("<b>Your week</b> · {week}").format(week=week_label(week)),
        _("Links sent: {count}").format(count=tally.links),
        _("Photos sent: {count}").format(count=tally.photos),
        _("Targets you found first: {count}").format(count=tally.found_first),
        _("Accepted: {count}").format(count=tally.accepted),
        _("Blocked or removed: {count}").format(count=tally.blocked + tally.painted_over),
        _("Points this week: {points}").format(points=tally.points),
    ]
    if week_rank is not None:
        lines.append(_("Your place this week: {rank}").format(rank=week_rank))
    lines.append(_("Points in all: {points}").format(points=total_points))
    if total_rank is not None:
        lines.append(_("Your place overall: {rank}").format(rank=total_rank))
    lines += ["", _("Thank you! /privacy turns this weekly message off.")]
    return "\n".join(lines)


def chart_weeks(digest: Digest) -> list[str]:
    """Each week as the date of its Monday: readers know dates, not ISO week numbers."""
    return [f"{week.monday:%d.%m}" for week, _counts in digest.history]


def chart_x_label(digest: Digest) -> str:
    label = _("Weeks, by their Monday")
    if not digest.history:
        return label
    first, last = digest.history[0][0].monday.year, digest.history[-1][0].monday.year
    return f"{label} ({first})" if first == last else f"{label} ({first}–{last})"


async def render_for_chat(
    digest: Digest, i18n: I18n, locale: str, *, bot_username: str | None = None
) -> tuple[str, bytes]:
    """The digest's text and chart in one language (the chart is drawn off the event loop)."""
    with i18n.context(), i18n.use_locale(locale):
        text = digest_text(digest, bot_username=bot_username)
        title, series = chart_title(), chart_series(digest)
        x_label = chart_x_label(digest)
    png = await render_png_async(
        title=title, weeks=chart_weeks(digest), series=series, x_label=x_label
    )
    return text, png


def run_report_text(report: DigestRunReport) -> str:
    """What the staff member who asked for /digest_now hears when the run is over."""
    week = report.week.key
    if report.predates_bot:
        text = _("The bot was not running yet in {week}: there is no digest to post for it.")
        return text.format(week=week)
    if report.progress is None:
        return _("Everyone already has the digest of {week}.").format(week=week)
    progress = report.progress
    return _(
        "Digest of {week} posted: {sent} delivered, {unavailable} unreachable, {failed} failed."
    ).format(
        week=week, sent=progress.sent, unavailable=progress.unavailable, failed=progress.failed
    )
