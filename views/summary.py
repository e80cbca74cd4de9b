"""The moderators' group summary of new reports, rendered outside any update."""

from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from models.enums import TargetKind
from services.clock import to_almaty
from services.mod_summary import SummaryContent
from views.graffiti import district_label
from views.labels import N_, shorten

_KIND_LABELS: dict[TargetKind, str] = {
    TargetKind.WEBSITE: N_("site"),
    TargetKind.TELEGRAM: N_("Telegram"),
    TargetKind.SOCIAL: N_("social network"),
    TargetKind.GRAFFITI: N_("graffiti"),
}


def render_summary(i18n: I18n, content: SummaryContent, *, locale: str) -> str:
    with i18n.context(), i18n.use_locale(locale):
        since = to_almaty(content.since).strftime("%H:%M") if content.since else ""
        lines = [
            _(
                "<b>{count} new report</b> since {time}",
                "<b>{count} new reports</b> since {time}",
                content.count,
            ).format(count=content.count, time=since)
        ]
        for report in content.newest:
            parts = [f"#{report.id}", _(_KIND_LABELS[report.kind])]
            if report.district is not None:
                parts.append(district_label(report.district))
            elif report.rough_place:
                parts.append(report.rough_place)
            if report.display:
                parts.append(f"<code>{escape(shorten(report.display, 60))}</code>")
            lines.append(" · ".join(parts))
        if content.count > len(content.newest):
            hidden = content.count - len(content.newest)
            lines.append(
                "… " + _("and {count} more", "and {count} more", hidden).format(count=hidden)
            )
        lines.append("")
        lines.append(_("Triage them: /queue in a private chat with the bot"))
    return "\n".join(lines)
