"""The graffiti conversation: photos start or extend a draft, answers fill it, the end saves it.

Drafts live in the database from the first photo, so a restart or an abandoned chat never
loses a photo (see finish.finish_abandoned). Album photos arrive as separate updates, possibly
at the same time: the unique (volunteer, album id) index makes them land in one draft.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlmodel import col, delete, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District
from models.graffiti import DraftStep, Graffiti, GraffitiDraft, GraffitiDraftPhoto, GraffitiPhoto
from models.report import Report, Sighting
from models.upsert import insert_ignore
from services import kept_tallies
from services.clock import utcnow
from services.graffiti.finish import FinishedReport, finish_draft
from services.graffiti.handle import wall_handle
from services.graffiti.options import GraffitiOptions
from services.graffiti.photo_index import PhashIndex
from services.lifecycle import surviving
from services.words import words_of


@dataclass(frozen=True, slots=True)
class PhotoIn:
    file_id: str
    file_unique_id: str
    message_id: int
    phash: int | None = None
    photo_path: str | None = None


class PhotoOutcome(StrEnum):
    STARTED = "started"  # a new conversation: ask for what is missing
    ADDED = "added"  # another photo of an album already being asked about
    EXACT_DUPLICATE = "exact_duplicate"  # this very picture is already report #M
    REPEATED = "repeated"  # this very picture is in the open conversation: ask again


@dataclass(slots=True)
class PhotoResult:
    outcome: PhotoOutcome
    draft: GraffitiDraft | None = None
    duplicate_of: int | None = None
    already_yours: bool = False
    # Earlier conversations of this volunteer, saved because a new wall started.
    finished: list[FinishedReport] = field(default_factory=list)


async def exact_duplicate(session: AsyncSession, file_unique_id: str) -> int | None:
    """The report that already has this picture (a forward keeps file_unique_id)."""
    found = (
        await session.exec(
            select(Graffiti.report_id).where(Graffiti.file_unique_id == file_unique_id)
        )
    ).first()
    if found is None:
        found = (
            await session.exec(
                select(GraffitiPhoto.report_id).where(
                    GraffitiPhoto.file_unique_id == file_unique_id,
                    col(GraffitiPhoto.is_after).is_(False),
                )
            )
        ).first()
    if found is None:
        return None
    survivor = await surviving(session, found)
    return survivor.id if survivor is not None else found


async def take_photo(
    session: AsyncSession,
    *,
    volunteer_id: int,
    chat_id: int,
    photo: PhotoIn,
    media_group_id: str | None,
    caption: str | None,
    caption_links: Sequence[str],
    options: GraffitiOptions,
    index: PhashIndex,
) -> PhotoResult:
    duplicate = await exact_duplicate(session, photo.file_unique_id)
    if duplicate is not None:
        now = utcnow()
        sighting_id = await insert_ignore(
            session,
            Sighting,
            {
                "report_id": duplicate,
                "volunteer_id": volunteer_id,
                "chat_id": chat_id,
                "message_id": photo.message_id,
                "text_as_sent": (caption or "[photo]")[:2100],
                "words": words_of(caption),
                "created_at": now,
            },
            ["report_id", "volunteer_id"],
        )
        wall = await session.get(Report, duplicate)
        if sighting_id is not None and wall is not None:
            await kept_tallies.sighting_added(
                session, report=wall, volunteer_id=volunteer_id, created_at=now
            )
        await session.commit()
        return PhotoResult(
            PhotoOutcome.EXACT_DUPLICATE, duplicate_of=duplicate, already_yours=sighting_id is None
        )
    # Sent twice (a slow connection, an impatient thumb): the same wall, still being asked
    # about; finishing the conversation would save the first copy without its place.
    repeated = (
        await session.exec(
            select(GraffitiDraft)
            .join(GraffitiDraftPhoto, col(GraffitiDraftPhoto.draft_id) == col(GraffitiDraft.id))
            .where(
                GraffitiDraft.volunteer_id == volunteer_id,
                GraffitiDraftPhoto.file_unique_id == photo.file_unique_id,
            )
        )
    ).first()
    if repeated is not None:
        return PhotoResult(PhotoOutcome.REPEATED, draft=repeated)
    finished = await _finish_other_drafts(session, volunteer_id, media_group_id, options, index)
    now = utcnow()
    draft_id = await insert_ignore(
        session,
        GraffitiDraft,
        {
            "volunteer_id": volunteer_id,
            "chat_id": chat_id,
            "message_id": photo.message_id,
            "media_group_id": media_group_id,
            "step": DraftStep.PLACE,
            "created_at": now,
            "touched_at": now,
        },
        ["volunteer_id", "media_group_id"],
    )
    started = draft_id is not None
    draft = (
        await session.get(GraffitiDraft, draft_id)
        if started
        else (
            await session.exec(
                select(GraffitiDraft).where(
                    GraffitiDraft.volunteer_id == volunteer_id,
                    GraffitiDraft.media_group_id == media_group_id,
                )
            )
        ).one()
    )
    assert draft is not None
    await insert_ignore(
        session,
        GraffitiDraftPhoto,
        {
            "draft_id": draft.id,
            "message_id": photo.message_id,
            "file_id": photo.file_id,
            "file_unique_id": photo.file_unique_id,
            "phash": photo.phash,
            "photo_path": photo.photo_path,
        },
        ["draft_id", "file_unique_id"],
    )
    if caption:
        draft.caption = draft.caption or caption[:1100]
        handle = wall_handle(caption_links, caption)
        if handle is not None and draft.handle_text is None:
            draft.handle_text = handle.raw[:500]
    draft.touched_at = now
    session.add(draft)
    await session.commit()
    outcome = PhotoOutcome.STARTED if started else PhotoOutcome.ADDED
    return PhotoResult(outcome, draft=draft, finished=finished)


async def _finish_other_drafts(
    session: AsyncSession,
    volunteer_id: int,
    media_group_id: str | None,
    options: GraffitiOptions,
    index: PhashIndex,
) -> list[FinishedReport]:
    """A photo of another wall ends the conversation about the previous one."""
    others = select(GraffitiDraft).where(GraffitiDraft.volunteer_id == volunteer_id)
    if media_group_id is not None:
        others = others.where(
            or_(
                col(GraffitiDraft.media_group_id).is_(None),
                GraffitiDraft.media_group_id != media_group_id,
            )
        )
    finished = []
    # One commit each: the index reads what the transaction sees (PhashIndex.catch_up), and a
    # second draft's match must not rest on the first one's uncommitted photos.
    for draft in (await session.exec(others)).all():
        done = await finish_draft(session, draft=draft, options=options, index=index)
        await session.commit()
        if done is not None:
            finished.append(done)
    return finished


async def open_draft(
    session: AsyncSession, *, volunteer_id: int, draft_id: int | None = None
) -> GraffitiDraft | None:
    """The volunteer's conversation (the given one, or the latest); never someone else's."""
    statement = select(GraffitiDraft).where(GraffitiDraft.volunteer_id == volunteer_id)
    if draft_id is not None:
        statement = statement.where(GraffitiDraft.id == draft_id)
    return (await session.exec(statement.order_by(col(GraffitiDraft.touched_at).desc()))).first()


async def hold_draft(
    session: AsyncSession, *, volunteer_id: int, draft_id: int | None
) -> GraffitiDraft | None:
    """The draft to answer, touched first: the background finisher then leaves it alone.

    Touching is a write, so it waits for a finisher that has already taken the draft and then
    finds it gone; without it the answer's own update would fail on the vanished row.
    """
    draft = await open_draft(session, volunteer_id=volunteer_id, draft_id=draft_id)
    if draft is None:
        return None
    now = utcnow()
    touched = await session.exec(
        update(GraffitiDraft).where(col(GraffitiDraft.id) == draft.id).values(touched_at=now)
    )
    if touched.rowcount != 1:
        return None
    draft.touched_at = now
    return draft


@dataclass(slots=True)
class StepResult:
    """Either the next question (draft) or the saved report; neither if nothing was open."""

    draft: GraffitiDraft | None = None
    report: FinishedReport | None = None


async def answer_place(
    session: AsyncSession,
    *,
    volunteer_id: int,
    options: GraffitiOptions,
    index: PhashIndex,
    draft_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str | None = None,
    district: District | None = None,
) -> StepResult:
    draft = await hold_draft(session, volunteer_id=volunteer_id, draft_id=draft_id)
    if draft is None:
        return StepResult()
    if latitude is not None and longitude is not None:
        draft.latitude, draft.longitude = latitude, longitude
    if address:
        draft.address = address[:500]
    if district is not None:
        draft.district = district
    if draft.handle_text is not None:
        return await _finish(session, draft, options, index)
    draft.step = DraftStep.HANDLE
    draft.touched_at = utcnow()
    session.add(draft)
    await session.commit()
    return StepResult(draft=draft)


async def link_instead_of_place(
    session: AsyncSession, *, volunteer_id: int, draft_id: int | None, raw: str
) -> GraffitiDraft | None:
    """A link or @handle sent when the place was asked: never an address (crews would get a
    URL to find). It is what is written on the wall, unless that was already given."""
    draft = await hold_draft(session, volunteer_id=volunteer_id, draft_id=draft_id)
    if draft is None:
        return None
    if draft.handle_text is None:
        draft.handle_text = raw[:500]
    session.add(draft)
    await session.commit()
    return draft


async def answer_handle(
    session: AsyncSession,
    *,
    volunteer_id: int,
    options: GraffitiOptions,
    index: PhashIndex,
    draft_id: int | None = None,
    text: str | None = None,
    links: Sequence[str] = (),
) -> StepResult:
    """What is written on the wall (None: nothing readable); this ends the conversation."""
    draft = await hold_draft(session, volunteer_id=volunteer_id, draft_id=draft_id)
    if draft is None:
        return StepResult()
    # "-", "?" and the like mean nothing readable, as the button does.
    if text and any(character.isalnum() for character in text):
        handle = wall_handle(links, text)
        draft.handle_text = (handle.raw if handle is not None else text.strip())[:500]
    return await _finish(session, draft, options, index)


async def skip_place(
    session: AsyncSession,
    *,
    volunteer_id: int,
    draft_id: int,
    options: GraffitiOptions,
    index: PhashIndex,
) -> StepResult:
    return await answer_place(
        session, volunteer_id=volunteer_id, draft_id=draft_id, options=options, index=index
    )


async def _finish(
    session: AsyncSession, draft: GraffitiDraft, options: GraffitiOptions, index: PhashIndex
) -> StepResult:
    report = await finish_draft(session, draft=draft, options=options, index=index)
    await session.commit()
    return StepResult(report=report)


async def cancel(session: AsyncSession, *, volunteer_id: int) -> int:
    """Drop the volunteer's open conversations; nothing of them is kept. Returns how many."""
    draft_ids = select(GraffitiDraft.id).where(GraffitiDraft.volunteer_id == volunteer_id)
    await session.exec(
        delete(GraffitiDraftPhoto).where(col(GraffitiDraftPhoto.draft_id).in_(draft_ids))
    )
    dropped = await session.exec(
        delete(GraffitiDraft).where(col(GraffitiDraft.volunteer_id) == volunteer_id)
    )
    await session.commit()
    return dropped.rowcount
