"""The moderators' alert of reports the rechecks found back online, rendered outside any
update (by bot/jobs/rechecks.py). Moderators only: volunteers never see probe details."""

from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from services.probe.alerts import PendingAlert
from views.labels import kind_label, shorten


def render_reappeared(i18n: I18n, alert: PendingAlert, *, locale: str) -> str:
    count = len(alert.reports)
    with i18n.context(), i18n.use_locale(locale):
        lines = [
            _(
                "<b>{count} report is back online</b> (two automatic checks in a row):",
                "<b>{count} reports are back online</b> (two automatic checks in a row):",
                count,
            ).format(count=count)
        ]
        for report in alert.reports:
            shown = escape(shorten(report.display, 60))
            lines.append(
                f"• #{report.report_id} · {kind_label(report.kind, short=True)} · "
                f"<code>{shown}</code>"
            )
        lines.append("")
        lines.append(
            _("They are marked reappeared: the next /batch sends them to Kibernadzor again.")
        )
    return "\n".join(lines)
