"""What an administrator reads about a broadcast: the preview's header, progress, the count."""

from aiogram.utils.i18n import gettext as _

from services.broadcast import BroadcastCounts
from services.locales import LANGUAGE_NAMES


def preview_header(broadcast_id: int, recipients: int, language: str | None) -> str:
    audience = LANGUAGE_NAMES[language] if language else _("every language")
    return _(
        "Broadcast #{id}: {count} volunteers will get it ({audience}). This is exactly how it "
        "will look; press Send under it, or Cancel."
    ).format(id=broadcast_id, count=recipients, audience=audience)


def progress_text(broadcast_id: int, counts: BroadcastCounts, eta_seconds: float) -> str:
    left = int(eta_seconds + 0.5)
    return _(
        "Broadcast #{id}: {sent} of {total} sent, {unavailable} unreachable, {failed} failed. "
        "Time left: {minutes}:{seconds:02d}"
    ).format(**_numbers(broadcast_id, counts), minutes=left // 60, seconds=left % 60)


def final_text(broadcast_id: int, counts: BroadcastCounts) -> str:
    return _(
        "Broadcast #{id} finished: {sent} of {total} sent, {unavailable} unreachable, "
        "{failed} failed."
    ).format(**_numbers(broadcast_id, counts))


def _numbers(broadcast_id: int, counts: BroadcastCounts) -> dict[str, int]:
    return {
        "id": broadcast_id,
        "sent": counts.sent,
        "total": counts.total,
        "unavailable": counts.unavailable,
        "failed": counts.failed,
    }
