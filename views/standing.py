"""The text of /stats, rendered from a volunteer's standing."""

from aiogram.utils.i18n import gettext as _

from services.standing import Standing
from views.labels import status_label


def standing_text(standing: Standing) -> str:
    stats, mine = standing.stats, standing.tally
    lines = [
        _("<b>Your numbers</b>"),
        _("Links sent: {count}").format(count=stats.links_sent),
        _("Targets you found first: {count}").format(count=stats.found_first),
        _("Confirmations of others' finds: {count}").format(count=stats.confirmations),
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
            points=mine.points, week=standing.week_points
        ),
    ]
    if standing.rank is not None:
        lines.append(
            _("Your place: {rank} of {count}").format(rank=standing.rank, count=standing.ranked)
        )
    if stats.by_status:
        lines.append("")
        lines.append(_("Your reports by status:"))
        lines.extend(
            f"• {status_label(status)}: {count}"
            for status, count in sorted(stats.by_status.items())
        )
    return "\n".join(lines)
