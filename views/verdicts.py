"""How verdict outcomes read: changed numbers, refusals grouped by status, unmatched lines.

Lists are capped so that a 5,000-line upload still fits Telegram's 4,096 characters.
"""

import html
from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from models.base import saved_id
from models.enums import ReportStatus, TargetKind
from services.lifecycle import TransitionResult
from services.verdicts import VerdictResult
from views.labels import N_, numbers, shorten, status_label

MAX_NUMBERS = 120
MAX_LINES = 15

_MARKED = {
    ReportStatus.BLOCKED: N_("Marked as blocked: {numbers}."),
    ReportStatus.DECLINED: N_("Marked as declined: {numbers}."),
    ReportStatus.STILL_ONLINE: N_("Marked as still online: {numbers}."),
    ReportStatus.REAPPEARED: N_(
        "Marked as reappeared: {numbers}. The next /batch sends them again."
    ),
}


def outcome(verdict: ReportStatus, result: TransitionResult) -> list[str]:
    """Changed and refused reports; walls and online reports each with their own next step."""
    lines = []
    changed = [saved_id(r) for r in result.changed if r.kind != TargetKind.GRAFFITI]
    walls = [saved_id(r) for r in result.changed if r.kind == TargetKind.GRAFFITI]
    if changed:
        lines.append(_(_MARKED[verdict]).format(numbers=numbers(changed, MAX_NUMBERS)))
    if walls:
        lines.append(
            _("Walls marked as reappeared: {numbers}. The next /graffiti_batch sends them to "
              "the crews.").format(numbers=numbers(walls, MAX_NUMBERS))
        )  # fmt: skip
    groups: dict[ReportStatus | None, list[int]] = {}
    for refused in result.refused:
        groups.setdefault(refused.status, []).append(refused.report_id)
    if groups:
        lines.append(_("Not changed:"))
    for status, ids in groups.items():
        why = status_label(status) if status is not None else _("no such report")
        lines.append(f"• {numbers(ids, 40)} — {why}")
    refused_walls = [r.report_id for r in result.refused if r.kind == TargetKind.GRAFFITI]
    if refused_walls:
        lines.append(_wall_step(verdict).format(numbers=numbers(refused_walls, 40)))
    if not lines:
        lines.append(_("Nothing changed."))
    return lines


def recorded(verdict: ReportStatus, result: VerdictResult) -> list[str]:
    """The outcome, and the reports a failed chunk left unrecorded (services/verdicts.py)."""
    if not result.not_recorded:
        return outcome(verdict, result)
    lines = outcome(verdict, result) if result.changed or result.refused else []
    text = _(
        "Not recorded, the database failed: {numbers}. Send them again; reports already "
        "marked are left as they are."
    )
    lines.append(text.format(numbers=numbers(result.not_recorded, MAX_NUMBERS)))
    return lines


def _wall_step(verdict: ReportStatus) -> str:
    """What to do instead for walls a verdict meant for online reports refused."""
    if verdict == ReportStatus.REAPPEARED:
        return _(
            "{numbers}: a wall can reappear only after it was painted over. A wall still "
            "waiting for a crew goes out with /graffiti_batch."
        )
    return _(
        "{numbers}: graffiti is not sent to the regulator. Walls go to the crews with "
        "/graffiti_batch and are closed with /painted N."
    )


def unmatched(lines: Sequence[str], total: int | None = None) -> list[str]:
    total = len(lines) if total is None else total
    if not total:
        return []
    text = [
        _(
            "{count} line matched no report:",
            "{count} lines matched no report:",
            total,
        ).format(count=total)
    ]
    text += [f"<code>{html.escape(shorten(line, 70))}</code>" for line in lines[:MAX_LINES]]
    if total > MAX_LINES:
        more = total - MAX_LINES
        text.append(_("and {count} more", "and {count} more", more).format(count=more))
    return text


def more(count: int) -> str:
    return _("and {count} more", "and {count} more", count).format(count=count)


def recording(done: int, total: int) -> str:
    """The progress line of a long verdict list being written."""
    return ngettext(
        "Recording {total} report… {percent}%", "Recording {total} reports… {percent}%", total
    ).format(total=f"{total:,}", percent=done * 100 // max(total, 1))
