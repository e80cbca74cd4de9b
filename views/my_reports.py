"""/my and /my N as the volunteer sees them: their reports, then one report's story.

Only numbers, statuses, dates, outcomes and the moderator's reason are shown; never who else
reported it or what a check read from the target.
"""

from datetime import datetime
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from models.enums import NoteCode, ReportStatus
from services.clock import to_almaty
from services.my_report import MyReportView, ReportFacts, Seen
from services.my_reports import MyReportsPage as Page
from views.callbacks import MyReportOpen, MyReportsPage
from views.labels import reason_label, shorten, status_label
from views.own_report_edits import own_report_keyboard

# Statuses whose stored reason is the one a volunteer asks about.
_WITH_REASON = frozenset({ReportStatus.REJECTED, ReportStatus.DECLINED})
REPORT_BUTTONS_PER_ROW = 5


def _date(moment: datetime) -> str:
    return to_almaty(moment).strftime("%d.%m.%Y")


def _reason(status: ReportStatus, code: NoteCode | None, note: str | None) -> str:
    """The reason for a rejection or decline, escaped; "" for other statuses or none given."""
    if status not in _WITH_REASON:
        return ""
    return escape(shorten(reason_label(code, note), 300))


def render_page(page: Page) -> tuple[str, InlineKeyboardMarkup | None]:
    if page.total == 0:
        return _("You have not sent any reports yet. Send me a link to start."), None
    lines = [
        _("<b>Your reports</b> ({total}), page {page} of {pages}:").format(
            total=page.total, page=page.page + 1, pages=page.pages
        )
    ]
    for item in page.items:
        display = escape(shorten(item.display, 60))
        status, date = status_label(item.status), _date(item.status_changed_at)
        line = f"#{item.report_id} · <code>{display}</code>\n    {status} · {date}"
        reason = _reason(item.status, item.resolution_code, item.resolution_note)
        if reason:
            line += "\n    " + _("Reason: {reason}").format(reason=reason)
        lines.append(line)
    keyboard = InlineKeyboardBuilder()
    for item in page.items:
        keyboard.button(
            text=f"#{item.report_id}", callback_data=MyReportOpen(report_id=item.report_id)
        )
    keyboard.adjust(REPORT_BUTTONS_PER_ROW)
    paging: list[InlineKeyboardButton] = []
    if page.page > 0:
        back = MyReportsPage(page=page.page - 1).pack()
        paging.append(InlineKeyboardButton(text="« " + _("Newer"), callback_data=back))
    if page.page + 1 < page.pages:
        forward = MyReportsPage(page=page.page + 1).pack()
        paging.append(InlineKeyboardButton(text=_("Older") + " »", callback_data=forward))
    if paging:
        keyboard.row(*paging)
    return "\n".join(lines), keyboard.as_markup()


def render_report(view: MyReportView) -> str:
    if view.facts is None:
        # Not the asker's: its status and nothing else.
        return _("Report #{id}: {status}.").format(
            id=view.report_id, status=status_label(view.status)
        )
    lines = []
    if view.lives_under is not None:
        lines.append(
            _("Your report #{id} was merged: it now lives under #{into}.").format(
                id=view.report_id, into=view.lives_under
            )
        )
    lines.extend(_facts_lines(view.facts))
    if view.my_note:
        # Their own words back to them, escaped; nobody else's note is ever here.
        note = escape(shorten(view.my_note, 300))
        lines.append(_("Your note for the moderators: «{note}»").format(note=note))
    return "\n".join(lines)


def report_keyboard(view: MyReportView) -> InlineKeyboardMarkup | None:
    """Withdraw and Add a note, on one's own report while it is new."""
    facts = view.facts
    if facts is None or facts.status != ReportStatus.NEW:
        return None
    return own_report_keyboard(facts.report_id)


def _facts_lines(facts: ReportFacts) -> list[str]:
    display = escape(shorten(facts.display, 60))
    lines = [
        f"<b>#{facts.report_id}</b> · <code>{display}</code>",
        _("Status: {status}").format(status=status_label(facts.status)),
    ]
    reason = _reason(facts.status, facts.resolution_code, facts.resolution_note)
    if reason:
        lines.append(_("Reason: {reason}").format(reason=reason))
    if facts.sent_at is not None:
        lines.append(_("Sent to Kibernadzor: {date}").format(date=_date(facts.sent_at)))
    if facts.seen_gone is not None:
        seen, at = facts.seen_gone
        if seen == Seen.BLOCKED:
            lines.append(_("A check last saw it blocked on {date}").format(date=_date(at)))
        else:
            lines.append(_("A check last saw it removed on {date}").format(date=_date(at)))
    if facts.seen_online_at is not None:
        lines.append(
            _("A check last saw it online on {date}").format(date=_date(facts.seen_online_at))
        )
    return lines


def render_no_report(report_id: int) -> str:
    return _("There is no report #{id}.").format(id=report_id)


def render_usage() -> str:
    return _("Send /my for your reports, or /my and a number (/my 12) for one of them.")
