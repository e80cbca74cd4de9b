"""How a report looks to moderators: the queue card, its keyboards, /report, /find, refusals."""

from datetime import datetime
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from models.enums import Category, District, NoteCode, TargetKind
from services.clock import to_almaty
from services.graffiti.view import GraffitiView
from services.lifecycle import Why
from services.personal_data import is_forgotten
from services.report_view import CardView, FindResult, FullReport, HistoryLine, ReportLine
from services.triage import Refusal, RefusalKind
from views.callbacks import TriageAction, TriageCard, WallDistrictPick
from views.graffiti import district_label, place_label
from views.labels import (
    category_label,
    fit_lines,
    kind_label,
    note_label,
    reason_label,
    shorten,
    status_label,
)
from views.probe_checks import checks_section, evidence_line
from views.seniors import tally_lines

# The preset rejection reasons, by the short value their buttons carry (callback data is
# limited to 64 bytes; buttons already on screens keep working). The code is stored.
REJECT_REASONS: dict[str, NoteCode] = {
    "nd": NoteCode.NOT_DRUG_RELATED,
    "dl": NoteCode.LINK_DEAD,
    "ne": NoteCode.NOT_ENOUGH_EVIDENCE,
    "du": NoteCode.DUPLICATE,
}


def _when(moment: datetime) -> str:
    return to_almaty(moment).strftime("%d.%m.%Y %H:%M")


def _line(report: ReportLine) -> str:
    return f"#{report.report_id} ({status_label(report.status)})"


def card_lines(card: CardView, *, last_check: bool = True) -> list[str]:
    """The card; /report shows every latest check in a section of its own instead."""
    lines = [
        f"<b>#{card.report_id}</b> · {kind_label(card.kind)}",
        f"<code>{escape(shorten(card.display, 300))}</code>",
    ]
    if card.lookalike:
        lines.append(
            "⚠️ "
            + _(
                "Look-alike address: its name mixes letters of different alphabets to pass "
                "for another site, so it is shown in punycode."
            )
        )
    # A Telegram target is its own site; its internal key would only puzzle moderators.
    if card.site_key and card.kind != TargetKind.TELEGRAM:
        lines.append(_("Site: {site}").format(site=f"<code>{escape(card.site_key)}</code>"))
    lines.append(reported_by_label(card.reported_by))
    lines.append(_("First seen: {date}").format(date=_when(card.created_at)))
    if card.siblings:
        lines.append(
            _("Same site: {reports}").format(reports=", ".join(map(_line, card.siblings)))
        )
    if card.banned_reporter:
        lines.append("⚠️ " + _("Reported by a banned volunteer."))
    if card.graffiti is not None:
        lines += _wall_lines(card.graffiti)
    if card.photos:
        lines.append(photos_line(card))
    if card.walls:
        walls = ", ".join(
            f"#{wall.report_id} ({status_label(wall.status)})" for wall in card.walls[:20]
        )
        lines.append(_("Graffiti advertising it: {reports}").format(reports=walls))
    lines += words_lines(card.words)
    lines += notes_lines(card.notes)
    lines += tally_lines(card.seniors)
    if last_check and card.last_check is not None:
        lines.append(evidence_line(card.last_check))
    return lines


# How much of each volunteer's words a moderator reads (500 are kept: services/words.py).
WORDS_SHOWN = 200


def words_lines(words: tuple[str, ...]) -> list[str]:
    """What volunteers wrote, quoted and escaped, with no name: the card goes to the
    moderators' group, where reporters stay anonymous."""
    if not words:
        return []
    return ["💬 " + _("In the volunteers' words:")] + [
        f"«{escape(shorten(text, WORDS_SHOWN))}»" for text in words
    ]


def notes_lines(notes: tuple[str, ...]) -> list[str]:
    """What volunteers added later to their own report, quoted and escaped like the words."""
    if not notes:
        return []
    return ["📝 " + _("Added later by the volunteers:")] + [
        f"«{escape(shorten(text, WORDS_SHOWN))}»" for text in notes
    ]


# A volunteer acted on their own report: moderators read "a volunteer", never the name.
_BY_A_VOLUNTEER = frozenset({NoteCode.WITHDRAWN, NoteCode.SIGHTING_WITHDRAWN})


def _wall_lines(wall: GraffitiView) -> list[str]:
    """Where the wall is, what it advertises, and what it may duplicate."""
    lines = []
    place = place_label(wall)
    if place:
        lines.append(_("Place: {place}").format(place=place))
    if wall.district is None and wall.suggested_district is not None:
        lines.append(
            "📍 "
            + _("Suggested district: {district} (the nearest district centre).").format(
                district=district_label(wall.suggested_district)
            )
        )
    if wall.map_url:
        lines.append(_("Map: {url}").format(url=escape(wall.map_url)))
    if wall.target_id is not None and wall.target_status is not None:
        lines.append(
            _("On the wall: #{id} {display} ({status})").format(
                id=wall.target_id,
                display=f"<code>{escape(shorten(wall.target_display or '', 80))}</code>",
                status=status_label(wall.target_status),
            )
        )
    elif wall.handle_text:
        lines.append(_("On the wall: {text}").format(text=escape(shorten(wall.handle_text, 80))))
    if wall.possible_duplicate_of is not None:
        lines.append(
            "⚠️ " + _("Possible duplicate of #{id}.").format(id=wall.possible_duplicate_of)
        )
    if wall.same_wall_of is not None:
        lines.append("⚠️ " + _("Probably the same wall as #{id}.").format(id=wall.same_wall_of))
    return lines


def photos_line(card: CardView) -> str:
    """The same count on the card and in /report, and exactly what /photo N sends."""
    count = len(card.photos)
    if card.kind == TargetKind.GRAFFITI:
        text = _("Photos: {count} · /photo {id}")
    else:
        text = "📱 " + _("Screenshots: {count} · /photo {id}")
    return text.format(count=count, id=card.report_id)


def render_card(card: CardView) -> str:
    return fit_lines(card_lines(card))


def card_keyboard(report_id: int, suggested: District | None = None) -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()

    def button(text: str, action: TriageAction) -> None:
        keyboard.button(text=text, callback_data=TriageCard(action=action, report_id=report_id))

    button("✅ " + _("Accept"), TriageAction.ACCEPT)
    button("❌ " + _("Reject"), TriageAction.REJECT)
    button("🔁 " + _("Duplicate of…"), TriageAction.DUPLICATE)
    button("⏭ " + _("Skip"), TriageAction.SKIP)
    button("❓ " + _("Not sure"), TriageAction.UNSURE)
    sizes = [2, 1, 2]
    if suggested is not None:
        # One tap confirms the nearest district; the other lists all eight.
        keyboard.button(
            text="📍 " + district_label(suggested) + " ✓",
            callback_data=WallDistrictPick(report_id=report_id, district=suggested.value),
        )
        keyboard.button(
            text="📍 " + _("Another district…"),
            callback_data=WallDistrictPick(report_id=report_id),
        )
        sizes.append(2)
    keyboard.adjust(*sizes)
    return keyboard.as_markup()


def suggested_district(card: CardView) -> District | None:
    """The wall's suggested district while it has none of its own."""
    wall = card.graffiti
    return wall.suggested_district if wall is not None and wall.district is None else None


def _choices(
    report_id: int, action: TriageAction, choices: list[tuple[str, str]]
) -> InlineKeyboardBuilder:
    keyboard = InlineKeyboardBuilder()
    for value, text in choices:
        keyboard.button(
            text=text, callback_data=TriageCard(action=action, report_id=report_id, value=value)
        )
    return keyboard


def category_keyboard(report_id: int) -> InlineKeyboardMarkup:
    keyboard = _choices(
        report_id,
        TriageAction.CATEGORY,
        [(category.value, category_label(category)) for category in Category],
    )
    keyboard.button(
        text="« " + _("Back"),
        callback_data=TriageCard(action=TriageAction.BACK, report_id=report_id),
    )
    keyboard.adjust(1)
    return keyboard.as_markup()


def reason_keyboard(report_id: int) -> InlineKeyboardMarkup:
    keyboard = _choices(
        report_id,
        TriageAction.REASON,
        [(value, note_label(code)) for value, code in REJECT_REASONS.items()],
    )
    for text, action in [
        ("✍️ " + _("Type a reason"), TriageAction.TYPE_REASON),
        ("« " + _("Back"), TriageAction.BACK),
    ]:
        keyboard.button(text=text, callback_data=TriageCard(action=action, report_id=report_id))
    keyboard.adjust(1)
    return keyboard.as_markup()


def reported_by_label(count: int) -> str:
    """The one wording of services.reported_by's figure, wherever a moderator reads it."""
    return ngettext(
        "Reported by {count} volunteer", "Reported by {count} volunteers", count
    ).format(count=count)


def _status_lines(card: CardView) -> list[str]:
    lines = [_("Status: {status}").format(status=status_label(card.status))]
    if card.category is not None:
        lines.append(_("Category: {category}").format(category=category_label(card.category)))
    if card.merged_into_id is not None:
        lines.append(_("Merged into #{id}.").format(id=card.merged_into_id))
    reason = reason_label(card.resolution_code, card.resolution_note)
    if reason:
        lines.append(_("Reason: {reason}").format(reason=escape(reason)))
    if card.batch_id is not None:
        lines.append(_("Batch: {id}").format(id=card.batch_id))
    return lines


def audit_note(why: Why) -> str:
    """Why a change happened, in the reader's language: a crew's district, a code's label, and
    a moderator's words as typed."""
    if why.code is NoteCode.CREW and why.district is not None:
        return " · ".join(part for part in (district_label(why.district), why.text) if part)
    return reason_label(why.code, why.text, why.ref_id)


def _history_lines(history: list[HistoryLine]) -> list[str]:
    lines = ["", "<b>" + _("History") + "</b>"]
    if not history:
        lines.append(_("No changes yet."))
    for entry in history:
        if entry.why.code in _BY_A_VOLUNTEER:
            who = _("a volunteer")
        elif entry.actor_name is not None:
            who = escape(entry.actor_name)
        else:
            who = _("the bot")
        line = " · ".join([
            _when(entry.at),
            f"{status_label(entry.from_status)} → {status_label(entry.to_status)}",
            who,
        ])  # fmt: skip
        note = audit_note(entry.why)
        if note:
            line += " · " + escape(shorten(note, 200))
        lines.append(line)
    return lines


def _reporter_lines(full: FullReport, *, named: bool) -> list[str]:
    lines = ["", "<b>" + reported_by_label(full.reporters_total) + "</b>"]
    if not named:
        return lines
    for reporter in full.reporters:
        if is_forgotten(reporter.telegram_id):
            lines.append(_("a volunteer who erased their data") + f" · {_when(reporter.at)}")
            continue
        name = escape(reporter.first_name) or "—"
        if reporter.username:
            name += f" @{escape(reporter.username)}"
        line = f"{name} · <code>{reporter.telegram_id}</code> · {_when(reporter.at)}"
        if reporter.is_finder:
            line += " · " + _("found it first")
        if reporter.banned:
            line += " · ⚠️ " + _("banned")
        lines.append(line)
    hidden = full.reporters_total - len(full.reporters)
    if hidden > 0:
        lines.append(_("…and {count} more.").format(count=hidden))
    return lines


def render_full(full: FullReport, *, name_reporters: bool = True) -> str:
    """/report N: the card, the status details, the history, evidence and the reporters
    (only counted, not named, when `name_reporters` is off: in a group)."""
    lines = card_lines(full.card, last_check=False) + _status_lines(full.card)
    lines += _history_lines(full.history)
    lines += checks_section(full.checks, full.sent_to_blocked_observed)
    if full.evidence:
        lines += ["", "<b>" + _("Evidence") + "</b>"]
        lines += [f"<code>{escape(shorten(url, 200))}</code>" for url in full.evidence]
    return fit_lines(lines + _reporter_lines(full, named=name_reporters))


def render_found(query: str, found: FindResult) -> str:
    if found.target is None:
        return _("This is not a link, domain or @handle I can look up.")
    if not found.reports:
        return _("No reports match {query}.").format(
            query=f"<code>{escape(shorten(query))}</code>"
        )
    lines = [_("Reports matching {query}:").format(query=f"<code>{escape(shorten(query))}</code>")]
    for report in found.reports:
        display = escape(shorten(report.display, 80))
        lines.append(
            f"#{report.report_id} · <code>{display}</code> · {status_label(report.status)}"
        )
    return fit_lines(lines)


def refusal_text(refusal: Refusal) -> str:
    number = f"#{refusal.report_id}"
    if refusal.kind is RefusalKind.MISSING:
        return _("{number}: there is no such report.").format(number=number)
    if refusal.kind is RefusalKind.SAME_REPORT:
        return _("{number}: a report cannot be merged into itself.").format(number=number)
    if refusal.kind is RefusalKind.TARGET_MISSING:
        return _("{number}: there is no such report to merge into.").format(number=number)
    if refusal.kind is RefusalKind.TARGET_MERGED:
        return _("{number} is itself merged into another report; merge into that one.").format(
            number=number
        )
    if refusal.kind is RefusalKind.HELD:
        return _(
            "{number} is held by another moderator, who is reviewing it now; try again later."
        ).format(number=number)
    if refusal.kind is RefusalKind.OTHER_KIND:
        return _(
            "{number}: a graffiti report and an online report cannot be merged into each other."
        ).format(number=number)
    status = status_label(refusal.status) if refusal.status else "?"
    return _("{number} was not changed: its status is “{status}”.").format(
        number=number, status=status
    )
