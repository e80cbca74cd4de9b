"""Graffiti wording shared by the volunteers' conversation and the moderators' commands."""

from html import escape

from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from models.enums import District, ReportStatus
from services.graffiti.claims import ClaimOutcome, ClaimResult
from services.graffiti.finish import FinishedReport
from services.graffiti.view import GraffitiView
from services.locales import SUPPORTED_LOCALES
from views.callbacks import GraffitiAction, GraffitiStep
from views.labels import N_, status_label

_DISTRICTS: dict[District, str] = {
    District.ALATAU: N_("Alatau"),
    District.ALMALY: N_("Almaly"),
    District.AUEZOV: N_("Auezov"),
    District.BOSTANDYK: N_("Bostandyk"),
    District.ZHETYSU: N_("Zhetysu"),
    District.MEDEU: N_("Medeu"),
    District.NAURYZBAY: N_("Nauryzbay"),
    District.TURKSIB: N_("Turksib"),
}


def district_label(district: District) -> str:
    return _(_DISTRICTS[district])


def place_label(wall: GraffitiView) -> str:
    """The wall's address or coordinates with its district, translated and HTML-escaped."""
    district = district_label(wall.district) if wall.district is not None else ""
    if wall.place and district:
        return f"{escape(wall.place)} ({district})"
    return escape(wall.place) or district


def district_names() -> dict[District, str]:
    return {district: district_label(district) for district in District}


def parse_district(word: str, i18n: I18n) -> District | None:
    """A district named in any language, or by the first four or more letters of its name."""
    word = word.strip().lower()
    if len(word) < 4:
        return None
    for district, label in _DISTRICTS.items():
        names = {district.value, label.lower()}
        names.update(i18n.gettext(label, locale=locale).lower() for locale in SUPPORTED_LOCALES)
        if any(name.startswith(word) or word.startswith(name) for name in names):
            return district
    return None


def place_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📍 Send my location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=_("Street and house, or a landmark"),
    )


def district_keyboard(draft_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for district in District:
        builder.button(
            text=district_label(district),
            callback_data=GraffitiStep(
                action=GraffitiAction.DISTRICT, draft_id=draft_id, district=district.value
            ),
        )
    builder.button(
        text=_("Skip"),
        callback_data=GraffitiStep(action=GraffitiAction.SKIP_PLACE, draft_id=draft_id),
    )
    builder.button(
        text="📱 " + _("This is a screenshot of something online"),
        callback_data=GraffitiStep(action=GraffitiAction.SCREENSHOT, draft_id=draft_id),
    )
    builder.adjust(2, 2, 2, 2, 1, 1)
    return builder.as_markup()


def handle_keyboard(draft_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Nothing readable"),
        callback_data=GraffitiStep(action=GraffitiAction.NO_HANDLE, draft_id=draft_id),
    )
    return builder.as_markup()


def ask_place() -> str:
    return _(
        "Photo received. Where is this wall? Press «📍 Send my location» below "
        "(only at the wall itself), type the address, or pick the district."
    )


def ask_handle() -> str:
    return _(
        "What is written on the wall? Send the @username or the link exactly as written, "
        "or press «Nothing readable». Never contact the seller."
    )


def saved(report: FinishedReport) -> str:
    lines = [_("#{id} — graffiti report saved, thank you.").format(id=report.report_id)]
    if report.handle_report_id is not None:
        lines.append(
            _("The wall advertises report #{target}; your sighting of it is counted.").format(
                target=report.handle_report_id
            )
        )
    if report.same_wall_of is not None:
        lines.append(_("Probably the same wall as #{id}.").format(id=report.same_wall_of))
    if report.reappeared is not None:
        lines.append(
            _("#{id} had been painted over and has reappeared; moderators will see it.").format(
                id=report.reappeared
            )
        )
    if not report.has_place:
        lines.append(_("No place was given, so a crew may not find it."))
    lines.append(_("When the wall is painted over, reply to this message with an «after» photo."))
    return "\n".join(lines)


def painted_text(report_id: int, *, changed: bool, status: ReportStatus | None) -> str:
    """A moderator's «after» photo: the wall is closed at once."""
    if changed:
        text = _("#{id} is marked as painted over. Thank you!")
    elif status is None:
        text = _("#{id} is not a graffiti report.")
    elif status == ReportStatus.PAINTED_OVER:
        text = _("#{id} is already marked as painted over; your photo is kept. Thank you!")
    else:
        text = _("#{id} cannot be marked as painted over now: its status is «{status}».")
    return text.format(id=report_id, status=status_label(status) if status else "")


def claim_text(claim: ClaimResult) -> str:
    """A volunteer's «after» photo: a claim the moderators confirm, or a refusal saying why."""
    if claim.outcome in (ClaimOutcome.OPENED, ClaimOutcome.JOINED):
        text = _(
            "Thank you! Your «after» photo of #{id} goes to the moderators: the wall counts as "
            "painted over once they confirm it."
        )
    elif claim.outcome is ClaimOutcome.NOT_GRAFFITI:
        text = _("#{id} is not a graffiti report.")
    elif claim.status == ReportStatus.PAINTED_OVER:
        text = _("#{id} is already marked as painted over. Thank you!")
    else:
        text = _(
            "#{id} cannot take an «after» photo now: its status is «{status}». Only accepted, "
            "assigned or reappeared walls can be marked as painted over."
        )
    status = status_label(claim.status) if claim.status else ""
    return text.format(id=claim.report_id, status=status)
