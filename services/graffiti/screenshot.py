"""A photo that is a screenshot of something online, not a wall.

Volunteers screenshot a shop's channel and send it with the link in the caption. The caption's
links are reported as soon as the photo arrives (so /cancel never loses them); choosing "this
is a screenshot" turns the conversation into evidence: every photo of it is attached to each
link report it came with (or to the links of the volunteer's next message), and no wall is made.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import TargetKind
from models.graffiti import DraftStep, GraffitiDraft, GraffitiDraftPhoto
from models.report import EvidencePhoto, Report, Sighting
from models.upsert import insert_ignore
from services.graffiti.conversation import hold_draft


@dataclass(slots=True)
class ScreenshotResult:
    """Either the screenshot is attached (report_ids) or the bot waits for its link (draft)."""

    draft: GraffitiDraft | None = None
    report_ids: list[int] = field(default_factory=list)


async def caption_reports(session: AsyncSession, draft: GraffitiDraft) -> list[int]:
    """The online reports this volunteer sent in the draft's own messages (its captions)."""
    message_ids = select(GraffitiDraftPhoto.message_id).where(
        GraffitiDraftPhoto.draft_id == draft.id
    )
    rows = await session.exec(
        select(Sighting.report_id)
        .join(Report, col(Report.id) == col(Sighting.report_id))
        .where(
            Sighting.volunteer_id == draft.volunteer_id,
            Sighting.chat_id == draft.chat_id,
            col(Sighting.message_id).in_(message_ids),
            Report.kind != TargetKind.GRAFFITI,
        )
        .order_by(col(Sighting.report_id))
    )
    return list(dict.fromkeys(rows.all()))


async def mark_screenshot(
    session: AsyncSession, *, volunteer_id: int, draft_id: int
) -> ScreenshotResult:
    """The volunteer says the photo is a screenshot: attach it, or wait for its link."""
    draft = await hold_draft(session, volunteer_id=volunteer_id, draft_id=draft_id)
    if draft is None:
        return ScreenshotResult()
    report_ids = await caption_reports(session, draft)
    if report_ids:
        await _attach(session, draft, report_ids)
        return ScreenshotResult(report_ids=report_ids)
    draft.step = DraftStep.SCREENSHOT
    session.add(draft)
    await session.commit()
    return ScreenshotResult(draft=draft)


async def attach_screenshot(
    session: AsyncSession, *, volunteer_id: int, draft_id: int, report_ids: Sequence[int]
) -> ScreenshotResult:
    """The links of the volunteer's next message were reported: the screenshot goes to each."""
    draft = await hold_draft(session, volunteer_id=volunteer_id, draft_id=draft_id)
    if draft is None or not report_ids:
        await session.commit()
        return ScreenshotResult()
    await _attach(session, draft, list(report_ids))
    return ScreenshotResult(report_ids=list(report_ids))


async def _attach(session: AsyncSession, draft: GraffitiDraft, report_ids: list[int]) -> None:
    photos = (
        await session.exec(
            select(GraffitiDraftPhoto)
            .where(GraffitiDraftPhoto.draft_id == draft.id)
            .order_by(col(GraffitiDraftPhoto.id))
        )
    ).all()
    for report_id in report_ids:
        for photo in photos:
            await insert_ignore(
                session,
                EvidencePhoto,
                {
                    "report_id": report_id,
                    "volunteer_id": draft.volunteer_id,
                    "file_id": photo.file_id,
                    "file_unique_id": photo.file_unique_id,
                    "photo_path": photo.photo_path,
                },
                ["report_id", "file_unique_id"],
            )
    await session.exec(
        delete(GraffitiDraftPhoto).where(col(GraffitiDraftPhoto.draft_id) == draft.id)
    )
    await session.exec(delete(GraffitiDraft).where(col(GraffitiDraft.id) == draft.id))
    await session.commit()


async def screenshot_file_ids(session: AsyncSession, report_id: int) -> list[str]:
    rows = await session.exec(
        select(EvidencePhoto.file_id)
        .where(EvidencePhoto.report_id == report_id)
        .order_by(col(EvidencePhoto.id))
    )
    return list(rows.all())
