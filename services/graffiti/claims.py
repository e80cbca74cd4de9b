"""Volunteers' «after» photos as claims: a wall is painted over only when a moderator confirms.

A photo captioned /painted N (or a reply to the bot's message about #N) used to close the wall
at once, notify its reporters and credit points: anyone could close any wall, and a finder
their own. Now it opens a claim (or joins the wall's open claim); the status, the notices and
so the points change only when a moderator confirms it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ClaimStatus, NoteCode, NoticeEvent, ReportStatus, TargetKind
from models.graffiti import GraffitiPhoto, PaintClaim
from models.moderation import Notice
from models.upsert import insert_ignore
from services.clock import utcnow
from services.graffiti.street import AfterPhoto
from services.lifecycle import Why, change_status, load_reports, surviving

S = ReportStatus
# Walls a crew may have painted since they were reported; anything else is refused.
CLAIMABLE = frozenset({S.ACCEPTED, S.ASSIGNED, S.REAPPEARED})


class ClaimOutcome(StrEnum):
    OPENED = "opened"  # the first «after» photo of this wall: moderators will look
    JOINED = "joined"  # the wall already had an open claim: the photo was added to it
    NOT_GRAFFITI = "not_graffiti"  # no such graffiti report
    REFUSED = "refused"  # the wall's status cannot become painted over


@dataclass(frozen=True, slots=True)
class ClaimResult:
    outcome: ClaimOutcome
    report_id: int
    status: ReportStatus | None = None
    claim_id: int | None = None


async def claim_painted(
    session: AsyncSession, *, report_id: int, volunteer_id: int, after: AfterPhoto
) -> ClaimResult:
    """Open a claim for the wall (or join its open one) with the volunteer's «after» photo."""
    for attempt in range(2):
        try:
            return await _claim(
                session, report_id=report_id, volunteer_id=volunteer_id, after=after
            )
        except IntegrityError:
            # Another volunteer opened the wall's claim at the same moment: join theirs.
            await session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


async def _claim(
    session: AsyncSession, *, report_id: int, volunteer_id: int, after: AfterPhoto
) -> ClaimResult:
    report = await surviving(session, report_id)
    if report is None or report.kind != TargetKind.GRAFFITI:
        return ClaimResult(ClaimOutcome.NOT_GRAFFITI, report_id)
    wall_id = saved_id(report)
    if report.status not in CLAIMABLE:
        return ClaimResult(ClaimOutcome.REFUSED, wall_id, status=report.status)
    claim = await open_claim(session, wall_id)
    outcome = ClaimOutcome.JOINED
    if claim is None:
        claim = PaintClaim(report_id=wall_id, volunteer_id=volunteer_id)
        session.add(claim)
        await session.flush()
        outcome = ClaimOutcome.OPENED
    await insert_ignore(
        session,
        GraffitiPhoto,
        {
            "report_id": wall_id,
            "is_after": True,
            "claim_id": claim.id,
            "volunteer_id": volunteer_id,
            "file_id": after.file_id,
            "file_unique_id": after.file_unique_id,
            "photo_path": after.photo_path,
        },
        ["report_id", "file_unique_id"],
    )
    await session.commit()
    return ClaimResult(outcome, wall_id, status=report.status, claim_id=claim.id)


async def open_claim(session: AsyncSession, report_id: int) -> PaintClaim | None:
    return (
        await session.exec(
            select(PaintClaim).where(
                PaintClaim.report_id == report_id, PaintClaim.status == ClaimStatus.OPEN
            )
        )
    ).first()


async def next_open_claim(
    session: AsyncSession, *, after_id: int = 0, skip: Sequence[int] = ()
) -> PaintClaim | None:
    """The oldest open claim (past `after_id`, leaving out `skip`)."""
    statement = select(PaintClaim).where(
        PaintClaim.status == ClaimStatus.OPEN, col(PaintClaim.id) > after_id
    )
    if skip:
        statement = statement.where(col(PaintClaim.id).not_in(list(skip)))
    return (await session.exec(statement.order_by(col(PaintClaim.id)))).first()


async def count_open_claims(session: AsyncSession) -> int:
    statement = (
        select(func.count()).select_from(PaintClaim).where(PaintClaim.status == ClaimStatus.OPEN)
    )
    return (await session.exec(statement)).one()


async def claim_photos(session: AsyncSession, claim_id: int) -> list[GraffitiPhoto]:
    rows = await session.exec(
        select(GraffitiPhoto)
        .where(GraffitiPhoto.claim_id == claim_id)
        .order_by(col(GraffitiPhoto.id))
    )
    return list(rows.all())


async def claimant_ids(session: AsyncSession, claim: PaintClaim) -> list[int]:
    """Everyone who sent a photo of the claim, the first claimant first."""
    photos = await claim_photos(session, saved_id(claim))
    return list(dict.fromkeys([claim.volunteer_id, *(p.volunteer_id for p in photos)]))


class DecisionOutcome(StrEnum):
    CONFIRMED = "confirmed"  # the wall is painted over now
    REJECTED = "rejected"
    ALREADY_DECIDED = "already_decided"  # another moderator was faster
    MISSING = "missing"
    # Confirmation refused: the wall's status cannot become painted over (the claim stays open).
    REFUSED = "refused"


@dataclass(slots=True)
class Decision:
    outcome: DecisionOutcome
    report_id: int = 0
    status: ReportStatus | None = None
    claimants: list[int] = field(default_factory=list)
    decided_by_id: int | None = None


async def decide_claim(
    session: AsyncSession, *, claim_id: int, moderator_id: int, confirm: bool
) -> Decision:
    """Confirm (the wall is painted over: notices, points) or reject a claim, in one commit."""
    claim = (
        await session.exec(select(PaintClaim).where(PaintClaim.id == claim_id).with_for_update())
    ).first()
    if claim is None:
        return Decision(DecisionOutcome.MISSING)
    reports = await load_reports(session, [claim.report_id])
    report = reports.get(claim.report_id)
    status = report.status if report is not None else None
    if claim.status != ClaimStatus.OPEN:
        return Decision(
            DecisionOutcome.ALREADY_DECIDED,
            claim.report_id,
            status=status,
            decided_by_id=claim.decided_by_id,
        )
    outcome = DecisionOutcome.REJECTED
    if confirm:
        changed = await change_status(
            session,
            report_ids=[claim.report_id],
            to=S.PAINTED_OVER,
            actor_id=moderator_id,
            why=Why(NoteCode.AFTER_PHOTO_CONFIRMED),
            commit=False,
        )
        # Painted over meanwhile (a moderator's /painted): the photo still shows it, confirm.
        if not changed.changed and status != S.PAINTED_OVER:
            await session.rollback()
            return Decision(DecisionOutcome.REFUSED, claim.report_id, status=status)
        outcome = DecisionOutcome.CONFIRMED
        status = S.PAINTED_OVER
    claim.status = ClaimStatus.CONFIRMED if confirm else ClaimStatus.REJECTED
    claim.decided_by_id = moderator_id
    claim.decided_at = utcnow()
    session.add(claim)
    claimants = await claimant_ids(session, claim)
    event = NoticeEvent.CLAIM_CONFIRMED if confirm else NoticeEvent.CLAIM_REJECTED
    for volunteer_id in claimants:
        session.add(Notice(volunteer_id=volunteer_id, report_id=claim.report_id, event=event))
    await session.commit()
    return Decision(outcome, claim.report_id, status=status, claimants=claimants)
