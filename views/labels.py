"""Labels shared by several screens. Marked with N_ for extraction, translated when shown."""

from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _

from models.enums import Category, NoteCode, ReportStatus, TargetKind
from services.identity import RefusalReason


def N_(message: str) -> str:  # noqa: N802 (gettext convention: mark now, translate later)
    return message


_STATUS_LABELS: dict[ReportStatus, str] = {
    ReportStatus.NEW: N_("new, waiting for a moderator"),
    ReportStatus.ACCEPTED: N_("accepted"),
    ReportStatus.REJECTED: N_("rejected"),
    ReportStatus.MERGED: N_("merged into another report"),
    ReportStatus.SENT: N_("sent to Kibernadzor"),
    ReportStatus.BLOCKED: N_("blocked"),
    ReportStatus.DECLINED: N_("declined by the regulator"),
    ReportStatus.STILL_ONLINE: N_("still online"),
    ReportStatus.REMOVED: N_("removed"),
    ReportStatus.REAPPEARED: N_("reappeared"),
    ReportStatus.ASSIGNED: N_("assigned to a crew"),
    ReportStatus.PAINTED_OVER: N_("painted over"),
}

_REFUSALS: dict[RefusalReason, str] = {
    RefusalReason.BAD_SCHEME: N_("only web (http, https) and Telegram links can be reported"),
    RefusalReason.PRIVATE_ADDRESS: N_("local and private network addresses cannot be reported"),
    RefusalReason.TOO_LONG: N_("the link is longer than 2,048 characters"),
    RefusalReason.INVALID_HOST: N_("this is not a valid domain name"),
    RefusalReason.UNSUPPORTED: N_(
        "this link does not point to a site, channel, group, bot or account"
    ),
}


_KIND_LABELS: dict[TargetKind, str] = {
    TargetKind.WEBSITE: N_("web site"),
    TargetKind.TELEGRAM: N_("Telegram"),
    TargetKind.SOCIAL: N_("social network account or post"),
    TargetKind.GRAFFITI: N_("graffiti"),
}
# For one line of many (the moderators' summary).
_SHORT_KIND_LABELS: dict[TargetKind, str] = {
    TargetKind.WEBSITE: N_("site"),
    TargetKind.TELEGRAM: N_("Telegram"),
    TargetKind.SOCIAL: N_("social network"),
    TargetKind.GRAFFITI: N_("graffiti"),
}

_CATEGORY_LABELS: dict[Category, str] = {
    Category.DRUG_SALES: N_("drug sales"),
    Category.DRUG_PROPAGANDA: N_("drug propaganda or advertising"),
    Category.COURIER_RECRUITMENT: N_("courier recruitment"),
    Category.OTHER_ILLEGAL: N_("other illegal content"),
}


# Stored as codes, rendered here in the reader's language ({id}: the report or batch named).
_NOTE_LABELS: dict[NoteCode, str] = {
    NoteCode.NOT_DRUG_RELATED: N_("not drug-related"),
    NoteCode.LINK_DEAD: N_("the link does not work"),
    NoteCode.NOT_ENOUGH_EVIDENCE: N_("not enough evidence"),
    NoteCode.DUPLICATE: N_("duplicate"),
    NoteCode.AFTER_PHOTO: N_("«after» photo"),
    NoteCode.AFTER_PHOTO_CONFIRMED: N_("confirmed «after» photo"),
    NoteCode.MERGED_INTO: "#{id}",
    NoteCode.SAME_WALL: "#{id}",
    NoteCode.BATCH: N_("batch {id}"),
    NoteCode.CREW: N_("a crew"),  # the history names the crew's district instead
    NoteCode.PROBE_ONLINE: N_("two automatic checks: online"),
    NoteCode.PROBE_BLOCKED: N_("two automatic checks: blocked"),
    NoteCode.PROBE_GONE: N_("two automatic checks: removed at the source"),
    NoteCode.SIGHTING_WITHDRAWN: N_("a volunteer withdrew their report; others keep it open"),
    NoteCode.WITHDRAWN: N_("withdrawn by the volunteer who sent it"),
}


def note_label(code: NoteCode, ref_id: int | None = None) -> str:
    return _(_NOTE_LABELS[code]).format(id=ref_id)


def reason_label(code: NoteCode | None, text: str | None, ref_id: int | None = None) -> str:
    """A stored reason: the code's label in the reader's language, then a moderator's own words
    as typed; "" when there is neither."""
    label = note_label(code, ref_id) if code is not None else None
    return " · ".join(part for part in (label, text) if part)


def kind_label(kind: TargetKind, *, short: bool = False) -> str:
    return _((_SHORT_KIND_LABELS if short else _KIND_LABELS)[kind])


def category_label(category: Category) -> str:
    return _(_CATEGORY_LABELS[category])


def status_label(status: ReportStatus) -> str:
    return _(_STATUS_LABELS[status])


def refusal_label(reason: RefusalReason) -> str:
    return _(_REFUSALS[reason])


# Telegram refuses messages over 4,096 characters; long answers are cut at a line boundary.
MESSAGE_LIMIT = 4000


def fit_lines(lines: Sequence[str], limit: int = MESSAGE_LIMIT) -> str:
    """The lines as one message, the last ones dropped (with "…") if they would not fit."""
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > limit:
            kept.append("…")
            break
        kept.append(line)
    return "\n".join(kept)


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def numbers(report_ids: Sequence[int], limit: int = 100) -> str:
    """`#1, #2, #3 and 5 more`: a bulk command may name thousands, so the list stops at `limit`."""
    shown = ", ".join(f"#{report_id}" for report_id in report_ids[:limit])
    more = len(report_ids) - limit
    if more > 0:
        shown += " " + _("and {count} more", "and {count} more", more).format(count=more)
    return shown
