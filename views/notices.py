"""A volunteer's outcome notice, in their language: one message for everything that happened.

Rendered outside any update (by the background drainer), so the I18n context is entered here.
Only report numbers, outcomes and the moderator's reason are shown: never who else reported.
"""

from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from models.enums import NoticeEvent
from services.locales import pick_locale
from services.notices import NoticeLine, VolunteerNotice
from views.labels import numbers, reason_label, shorten

# A line lists this many numbers at most, so one message stays far below Telegram's 4,096 chars.
MAX_NUMBERS = 40
# Typed rejection reasons make one line each: after a backlog they could fill more than one
# message, and a message over the limit would never go out (and block the volunteer's notices).
MAX_LINES_CHARS = 3500
# News that earns no "thank you: your reports make the city safer" (a merge is only a move).
_NO_THANKS = frozenset({NoticeEvent.REJECTED, NoticeEvent.CLAIM_REJECTED, NoticeEvent.MERGED})


def render_line(line: NoticeLine) -> str:
    n = len(line.report_ids)
    # A preset reason is a code rendered in the volunteer's language; typed ones stay as typed.
    reason = reason_label(line.code, line.reason)
    if line.event == NoticeEvent.ACCEPTED:
        text = _("Report {numbers} was accepted.", "Reports {numbers} were accepted.", n)
    elif line.event == NoticeEvent.REJECTED and reason:
        text = _(
            "Report {numbers} was rejected: {reason}",
            "Reports {numbers} were rejected: {reason}",
            n,
        )
    elif line.event == NoticeEvent.REJECTED:
        text = _("Report {numbers} was rejected.", "Reports {numbers} were rejected.", n)
    elif line.event == NoticeEvent.BLOCKED:
        text = _("Report {numbers} is blocked now.", "Reports {numbers} are blocked now.", n)
    elif line.event == NoticeEvent.REMOVED:
        text = _(
            "Report {numbers} has been taken down.", "Reports {numbers} have been taken down.", n
        )
    elif line.event == NoticeEvent.CLAIM_CONFIRMED:
        text = _(
            "Your «after» photo of {numbers} was confirmed: the wall counts as painted over.",
            "Your «after» photos of {numbers} were confirmed: the walls count as painted over.",
            n,
        )
    elif line.event == NoticeEvent.CLAIM_REJECTED:
        text = _(
            "Your «after» photo of {numbers} was not confirmed by the moderators.",
            "Your «after» photos of {numbers} were not confirmed by the moderators.",
            n,
        )
    elif line.event == NoticeEvent.MERGED:
        # Only numbers: who else reported the surviving report is never said.
        text = _(
            "Your report {numbers} was joined with #{into}: follow it there.",
            "Your reports {numbers} were joined with #{into}: follow it there.",
            n,
        )
    else:
        text = _(
            "The graffiti {numbers} was painted over.",
            "The graffiti {numbers} were painted over.",
            n,
        )
    shown = escape(shorten(reason, 300))
    shown_numbers = numbers(line.report_ids, MAX_NUMBERS)
    return "• " + text.format(numbers=shown_numbers, reason=shown, into=line.into)


def render_notice(i18n: I18n, notice: VolunteerNotice) -> str:
    locale = pick_locale(notice.language, notice.telegram_language)
    with i18n.context(), i18n.use_locale(locale):
        lines = [_("<b>News about your reports</b>")]
        size = 0
        for line in map(render_line, notice.lines):
            size += len(line) + 1
            if size > MAX_LINES_CHARS:
                lines.append(_("• … and more news: see /my"))
                break
            lines.append(line)
        if any(line.event not in _NO_THANKS for line in notice.lines):
            lines.append(_("Thank you: your reports make the city safer."))
        lines.append("")
        lines.append(_("Details: /my. Turn these messages off: /settings"))
    return "\n".join(lines)
