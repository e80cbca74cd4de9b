"""What a moderator needs to judge an «after» photo claim: the wall, its photos, who claims."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus
from models.graffiti import Graffiti, PaintClaim
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services.graffiti.claims import claim_photos, claimant_ids
from services.graffiti.view import GraffitiView, graffiti_details


@dataclass(frozen=True, slots=True)
class Claimant:
    first_name: str
    username: str | None
    telegram_id: int
    # The claimant reported the wall (or confirmed it): closing it raises their own points.
    reported_it: bool
    is_finder: bool


@dataclass(frozen=True, slots=True)
class ClaimCardView:
    claim_id: int
    report_id: int
    status: ReportStatus
    wall: GraffitiView | None
    before_file_id: str
    after_file_ids: list[str]
    claimants: list[Claimant]


async def claim_card(session: AsyncSession, claim: PaintClaim) -> ClaimCardView | None:
    report = await session.get(Report, claim.report_id)
    graffiti = (
        await session.exec(select(Graffiti).where(Graffiti.report_id == claim.report_id))
    ).first()
    if report is None or graffiti is None:
        return None
    reporters = set(
        (
            await session.exec(
                select(Sighting.volunteer_id).where(Sighting.report_id == claim.report_id)
            )
        ).all()
    )
    ids = await claimant_ids(session, claim)
    people = {
        v.id: v
        for v in (await session.exec(select(Volunteer).where(col(Volunteer.id).in_(ids)))).all()
    }
    claimants = [
        Claimant(
            first_name=people[i].first_name,
            username=people[i].username,
            telegram_id=people[i].telegram_id,
            reported_it=i in reporters,
            is_finder=i == report.found_by_id,
        )
        for i in ids
        if i in people
    ]
    photos = await claim_photos(session, saved_id(claim))
    return ClaimCardView(
        claim_id=saved_id(claim),
        report_id=claim.report_id,
        status=report.status,
        wall=await graffiti_details(session, claim.report_id),
        before_file_id=graffiti.file_id,
        after_file_ids=[photo.file_id for photo in photos],
        claimants=claimants,
    )
