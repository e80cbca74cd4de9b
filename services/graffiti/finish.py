"""Turning a finished (or abandoned) conversation into a graffiti report, in one transaction."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import District, NoteCode, ReportStatus, TargetKind
from models.graffiti import (
    DraftStep,
    Graffiti,
    GraffitiDraft,
    GraffitiDraftPhoto,
    GraffitiPhoto,
)
from models.report import Report, Sighting
from services import kept_tallies
from services.clock import utcnow
from services.graffiti.districts import suggest_district
from services.graffiti.geo import haversine_m
from services.graffiti.handle import link_wall_handle, wall_handle
from services.graffiti.options import GraffitiOptions
from services.graffiti.photo_index import PhashIndex
from services.intake import Outcome
from services.lifecycle import Why, change_status
from services.words import words_of

logger = logging.getLogger(__name__)

# Reports that no longer stand for a wall of their own.
_CLOSED = (ReportStatus.REJECTED, ReportStatus.MERGED)


@dataclass(slots=True)
class FinishedReport:
    report_id: int
    volunteer_id: int
    chat_id: int
    message_id: int
    photo_count: int
    has_place: bool
    handle_text: str | None = None
    handle_report_id: int | None = None
    handle_new: bool = False
    possible_duplicate_of: int | None = None
    same_wall_of: int | None = None
    # The painted-over report this photo showed to be back.
    reappeared: int | None = None
    hashes: list[int] = field(default_factory=list)


def describe_place(*, address: str | None, latitude: float | None, longitude: float | None) -> str:
    """Address, else coordinates: what a crew needs to find the wall.

    The district is not part of it: its name differs per language, so every view adds it
    translated (a stored "Medeu" would read as Latin text in Russian and Kazakh).
    """
    if address:
        return address
    if latitude is not None and longitude is not None:
        return f"{latitude:.5f}, {longitude:.5f}"
    return ""


async def finish_draft(
    session: AsyncSession, *, draft: GraffitiDraft, options: GraffitiOptions, index: PhashIndex
) -> FinishedReport | None:
    """Create the report from the draft (no commit). None if another task finished it first.

    Call it in a transaction that has written no photos yet (see PhashIndex.catch_up).
    """
    # Photos any process committed until now, so a wall sent to another instance a moment
    # ago is a possible duplicate here too.
    await index.catch_up(session)
    photos = list(
        (
            await session.exec(
                select(GraffitiDraftPhoto)
                .where(GraffitiDraftPhoto.draft_id == draft.id)
                .order_by(col(GraffitiDraftPhoto.id))
            )
        ).all()
    )
    # Deleting the draft is the claim: of two racing finishers only one deletes a row. Every
    # answer moves touched_at, so a draft answered since it was read (by the background task)
    # is not claimed and keeps its photos.
    claimed = await session.exec(
        delete(GraffitiDraft).where(
            col(GraffitiDraft.id) == draft.id, col(GraffitiDraft.touched_at) == draft.touched_at
        )
    )
    if claimed.rowcount != 1:
        return None
    await session.exec(
        delete(GraffitiDraftPhoto).where(col(GraffitiDraftPhoto.draft_id) == draft.id)
    )
    # A screenshot whose link never came is no wall; the links its caption had are reported.
    if not photos or draft.step == DraftStep.SCREENSHOT:
        return None
    handle = wall_handle([], draft.handle_text) if draft.handle_text else None
    place = describe_place(
        address=draft.address, latitude=draft.latitude, longitude=draft.longitude
    )
    # No words in the display: it is shown to volunteers in three languages. The wall emoji
    # marks a graffiti report; the place and the handle say which.
    shown = "🧱 " + " · ".join(part for part in (place, draft.handle_text or "") if part)
    report = Report(
        kind=TargetKind.GRAFFITI,
        display=shown[:2100],
        status=ReportStatus.NEW,
        found_by_id=draft.volunteer_id,
        created_at=draft.created_at,
        status_changed_at=draft.created_at,
    )
    session.add(report)
    await session.flush()
    report_id = saved_id(report)
    session.add(
        Sighting(
            report_id=report_id,
            volunteer_id=draft.volunteer_id,
            chat_id=draft.chat_id,
            message_id=draft.message_id,
            text_as_sent=(draft.caption or "[photo]")[:2100],
            words=words_of(draft.caption),
            created_at=draft.created_at,
        )
    )
    await kept_tallies.sighting_added(
        session, report=report, volunteer_id=draft.volunteer_id, created_at=draft.created_at
    )
    result = FinishedReport(
        report_id=report_id,
        volunteer_id=draft.volunteer_id,
        chat_id=draft.chat_id,
        message_id=draft.message_id,
        photo_count=len(photos),
        has_place=bool(place) or draft.district is not None,
        handle_text=draft.handle_text,
        hashes=[p.phash for p in photos if p.phash is not None],
    )
    if handle is not None:
        link = await link_wall_handle(
            session,
            handle=handle,
            volunteer_id=draft.volunteer_id,
            chat_id=draft.chat_id,
            message_id=draft.message_id,
        )
        result.handle_report_id = link.report_id
        result.handle_new = link.outcome is Outcome.NEW
    result.possible_duplicate_of = _nearest_duplicate(index, result.hashes, options)
    if result.handle_report_id is not None and draft.latitude is not None:
        await _same_wall(session, draft, result, options)
    primary = photos[0]
    session.add(
        Graffiti(
            report_id=report_id,
            file_id=primary.file_id,
            file_unique_id=primary.file_unique_id,
            phash=primary.phash,
            latitude=draft.latitude,
            longitude=draft.longitude,
            address=draft.address,
            district=draft.district,
            suggested_district=_suggestion(draft),
            handle_text=draft.handle_text,
            handle_report_id=result.handle_report_id,
            possible_duplicate_of=result.possible_duplicate_of,
            same_wall_of=result.same_wall_of,
            media_group_id=draft.media_group_id,
            photo_path=primary.photo_path,
        )
    )
    for extra in photos[1:]:
        session.add(
            GraffitiPhoto(
                report_id=report_id,
                volunteer_id=draft.volunteer_id,
                file_id=extra.file_id,
                file_unique_id=extra.file_unique_id,
                phash=extra.phash,
                photo_path=extra.photo_path,
            )
        )
    await session.flush()
    return result


def _suggestion(draft: GraffitiDraft) -> District | None:
    if draft.district is not None or draft.latitude is None or draft.longitude is None:
        return None
    return suggest_district(draft.latitude, draft.longitude)


def _nearest_duplicate(
    index: PhashIndex, hashes: list[int], options: GraffitiOptions
) -> int | None:
    matches = [m for h in hashes for m in index.search(h, options.duplicate_distance)]
    if not matches:
        return None
    return min(matches, key=lambda m: (m.distance, m.report_id)).report_id


async def _same_wall(
    session: AsyncSession, draft: GraffitiDraft, result: FinishedReport, options: GraffitiOptions
) -> None:
    """The nearest report of the same handle within the radius; a painted-over one reappears."""
    assert draft.latitude is not None
    assert draft.longitude is not None
    rows = await session.exec(
        select(Graffiti, Report)
        .join(Report, col(Report.id) == col(Graffiti.report_id))
        .where(
            Graffiti.handle_report_id == result.handle_report_id,
            col(Graffiti.latitude).is_not(None),
            col(Report.status).not_in(_CLOSED),
        )
    )
    nearest: tuple[float, Report] | None = None
    for graffiti, report in rows.all():
        if graffiti.latitude is None or graffiti.longitude is None:
            continue
        distance = haversine_m(
            draft.latitude, draft.longitude, graffiti.latitude, graffiti.longitude
        )
        if distance <= options.same_wall_radius_m and (nearest is None or distance < nearest[0]):
            nearest = (distance, report)
    if nearest is None:
        return
    wall = nearest[1]
    result.same_wall_of = wall.id
    if wall.status == ReportStatus.PAINTED_OVER:
        await change_status(
            session,
            report_ids=[saved_id(wall)],
            to=ReportStatus.REAPPEARED,
            actor_id=draft.volunteer_id,
            why=Why(NoteCode.SAME_WALL, ref_id=result.report_id),
            commit=False,
        )
        result.reappeared = wall.id


async def finish_abandoned(
    session: AsyncSession,
    *,
    options: GraffitiOptions,
    index: PhashIndex,
    now: datetime | None = None,
) -> list[FinishedReport]:
    """Save every conversation quiet for finish_after_minutes with what it has; one commit each.

    A draft that cannot be saved is rolled back, logged and left for the next run, so it never
    holds up the drafts after it.
    """
    cutoff = (now or utcnow()) - timedelta(minutes=options.finish_after_minutes)
    draft_ids = (
        await session.exec(
            select(GraffitiDraft.id)
            .where(col(GraffitiDraft.touched_at) < cutoff)
            .order_by(col(GraffitiDraft.id))
        )
    ).all()
    finished = []
    for draft_id in draft_ids:
        # Read one at a time: a rollback expires what was loaded before it.
        draft = await session.get(GraffitiDraft, draft_id)
        if draft is None or draft.touched_at >= cutoff:
            continue
        try:
            done = await finish_draft(session, draft=draft, options=options, index=index)
            await session.commit()
        except SQLAlchemyError:
            await session.rollback()
            logger.exception("graffiti draft %s could not be saved", draft_id)
            continue
        if done is not None:
            finished.append(done)
    return finished
