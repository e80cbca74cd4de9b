"""What senior volunteers see (/check), what moderators see of their votes, and the
administrators' /seniors list."""

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from models.enums import SeniorChoice
from services.senior_agreement import SeniorLine, SeniorRule
from services.senior_votes import CheckCard, SeniorTally, VoteResult
from views.callbacks import SeniorVote
from views.labels import fit_lines, kind_label, shorten


def check_card_text(card: CheckCard) -> str:
    """The target and nothing else: no reporter, no words, no status, no other votes."""
    lines = [
        "🧭 "
        + _("Pre-check · #{id} · {kind}").format(id=card.report_id, kind=kind_label(card.kind)),
        f"<code>{escape(shorten(card.display, 300))}</code>",
    ]
    if card.lookalike:
        lines.append("⚠️ " + _("Look-alike address: shown in punycode."))
    lines.append(
        _(
            "Does this look like drug sales, drug advertising or courier recruitment? "
            "Look at its public page only: never write to the seller, never pay, never follow "
            "payment links."
        )
    )
    return "\n".join(lines)


def check_keyboard(report_id: int) -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()
    for choice, label in (
        (SeniorChoice.DRUGS, "💊 " + _("Looks like drugs")),
        (SeniorChoice.NOT_DRUGS, "🚫 " + _("Not drugs")),
        (SeniorChoice.NOT_SURE, "❓ " + _("Not sure")),
    ):
        keyboard.button(text=label, callback_data=SeniorVote(report_id=report_id, choice=choice))
    keyboard.adjust(2, 1)
    return keyboard.as_markup()


def nothing_to_check() -> str:
    return _("Nothing to check right now: every new report has your vote. Send /check later.")


def vote_answer(result: VoteResult, report_id: int) -> str:
    """The short answer on the pressed button."""
    if result is VoteResult.SAVED:
        return _("Vote on #{id} saved.").format(id=report_id)
    if result is VoteResult.ALREADY:
        return _("You have already voted on #{id}; your vote stays as it was.").format(
            id=report_id
        )
    if result is VoteResult.CLOSED:
        return _("#{id} is no longer waiting for a pre-check; nothing was recorded.").format(
            id=report_id
        )
    return not_senior_any_more()


def not_senior_any_more() -> str:
    return _("You are no longer a senior volunteer, so this vote was not recorded. Thank you!")


def seniors_only() -> str:
    return _("This command is for senior volunteers.")


def tally_lines(tally: SeniorTally | None) -> list[str]:
    """The seniors' votes on a moderator's card: counts only, never who voted."""
    if tally is None or (tally.total == 0 and tally.call is None):
        return []
    lines = [
        "🧭 "
        + _(
            "Senior volunteers' votes: drugs {drugs} · not drugs {not_drugs} · not sure {unsure}"
        ).format(drugs=tally.drugs, not_drugs=tally.not_drugs, unsure=tally.not_sure)
    ]
    if tally.call is SeniorChoice.DRUGS:
        lines.append("⬆️ " + _("Seniors say drug-related: moved up the queue. You decide."))
    elif tally.call is SeniorChoice.NOT_DRUGS:
        lines.append("⚠️ " + _("Seniors say not drug-related. You decide."))
    return lines


def seniors_list(lines: list[SeniorLine], rule: SeniorRule) -> str:
    if not lines:
        return _("There are no senior volunteers. /grant_senior id|@username makes one.")
    heading = _(
        "<b>Senior volunteers</b>. From {decided} decided votes on, a senior's votes count only "
        "with at least {share}% agreement with the moderators."
    )
    text = [heading.format(decided=rule.min_decided, share=round(rule.min_agreement * 100))]
    for line in lines:
        who = str(line.telegram_id) + (f" (@{escape(line.username)})" if line.username else "")
        share = line.agreement.share
        figure = f"{round(share * 100)}%" if share is not None else "—"
        state = "✅ " + _("counts") if line.counts else "⛔ " + _("does not count")
        text.append(
            _("{who}: votes {votes}, decided {decided}, agreement {share} · {state}").format(
                who=who,
                votes=line.votes,
                decided=line.agreement.decided,
                share=figure,
                state=state,
            )
        )
    return fit_lines(text)


def senior_help() -> str:
    return _(
        "<b>Senior volunteers</b>\n"
        "/check — new reports one at a time: looks like drugs, not drugs or not sure"
    )
