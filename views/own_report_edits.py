"""Withdrawing one's own new report, or adding a note to it: questions, answers, buttons."""

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from services.finder_notes import NOTE_MAX, NoteSaved
from services.own_sighting import Refusal, Refused
from services.withdrawals import Withdrawn
from views.callbacks import MyReportEdit, OwnEdit
from views.labels import status_label


def own_report_keyboard(report_id: int) -> InlineKeyboardMarkup:
    """Under /my N for one's own report while it is new."""
    keyboard = InlineKeyboardBuilder()
    keyboard.button(
        text="↩️ " + _("Withdraw"),
        callback_data=MyReportEdit(action=OwnEdit.WITHDRAW_ASK, report_id=report_id),
    )
    keyboard.button(
        text="📝 " + _("Add a note"),
        callback_data=MyReportEdit(action=OwnEdit.NOTE, report_id=report_id),
    )
    return keyboard.as_markup()


def withdraw_question(report_id: int) -> tuple[str, InlineKeyboardMarkup]:
    text = _(
        "Withdraw your report #{id}? Do it if it was a mistake or the shop is legitimate. "
        "Only your own sending is removed: if other volunteers reported it too, it stays for "
        "the moderators."
    ).format(id=report_id)
    keyboard = InlineKeyboardBuilder()
    keyboard.button(
        text=_("Yes, withdraw #{id}").format(id=report_id),
        callback_data=MyReportEdit(action=OwnEdit.WITHDRAW, report_id=report_id),
    )
    keyboard.button(
        text=_("Keep it"), callback_data=MyReportEdit(action=OwnEdit.KEEP, report_id=report_id)
    )
    keyboard.adjust(1)
    return text, keyboard.as_markup()


def kept_text(report_id: int) -> str:
    return _("Nothing changed: report #{id} stays as it was.").format(id=report_id)


def withdrawn_text(done: Withdrawn) -> str:
    if done.closed:
        return _(
            "Your report #{id} is withdrawn. Nobody else reported it, so it is closed and "
            "leaves the moderators' queue."
        ).format(id=done.report_id)
    return _(
        "Your report #{id} is withdrawn. Other volunteers reported it too, so it stays open "
        "for the moderators; it no longer counts for you."
    ).format(id=done.report_id)


def withdraw_refused(refused: Refused) -> str:
    number = refused.report_id
    if refused.refusal is Refusal.MISSING:
        return _("There is no report #{id}.").format(id=number)
    if refused.refusal is Refusal.NOT_YOURS:
        return _("Report #{id} holds nothing sent by you: there is nothing to withdraw.").format(
            id=number
        )
    return _(
        "Report #{id} can no longer be withdrawn: it is not new any more ({status}). "
        "Thank you for reporting it all the same."
    ).format(id=number, status=status_label(refused.status) if refused.status else "")


def note_refused(refused: Refused) -> str:
    number = refused.report_id
    if refused.refusal is Refusal.MISSING:
        return _("There is no report #{id}.").format(id=number)
    if refused.refusal is Refusal.NOT_YOURS:
        return _("You can add a note only to a report you sent; #{id} is not one.").format(
            id=number
        )
    return _(
        "A note can no longer be added to #{id}: it is not new any more ({status}). "
        "Thank you all the same."
    ).format(id=number, status=status_label(refused.status) if refused.status else "")


def note_prompt(report_id: int) -> str:
    return _(
        "Type your note on #{id} in one message (up to {limit} characters): what the "
        "moderators should know. Only they will read it. Or /cancel."
    ).format(id=report_id, limit=NOTE_MAX)


def note_saved(saved: NoteSaved) -> str:
    if saved.replaced:
        return _(
            "Your note on #{id} is saved in place of the earlier one: the moderators will see it."
        ).format(id=saved.report_id)
    return _("Your note on #{id} is saved: the moderators will see it.").format(id=saved.report_id)


def note_too_long(length: int) -> str:
    return _(
        "A note can be {limit} characters at most; yours has {length}. Please send a shorter "
        "one, or /cancel."
    ).format(limit=NOTE_MAX, length=length)


def note_links_taken(report_id: int) -> str:
    return _(
        "A note keeps no links, so the links above were taken as reports. I am still waiting "
        "for your note on #{id}, without links, or /cancel."
    ).format(id=report_id)


def note_cancelled(report_id: int) -> str:
    return _("No note was added to #{id}.").format(id=report_id)


def withdraw_usage() -> str:
    return _("Send /withdraw and the number of your new report, like /withdraw 12.")


def note_usage() -> str:
    return _(
        "Send /note, the number of your new report and the note, like /note 12 the shop moved "
        "to another channel; or /note 12 and then the note."
    )
