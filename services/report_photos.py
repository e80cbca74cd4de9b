"""A report's photos, one definition for every screen: the card's count, /report and /photo N.

A wall's photos are the volunteer's (before), the «after» photos that closed it (a moderator's,
or a confirmed claim's) and the «after» photos of a claim still open. Photos of a rejected claim
are not the wall's: they are left out everywhere. An online report's photos are screenshots.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ClaimStatus
from models.graffiti import Graffiti, GraffitiPhoto, PaintClaim
from models.report import EvidencePhoto


class PhotoKind(StrEnum):
    BEFORE = "before"
    AFTER = "after"
    CLAIMED_AFTER = "claimed_after"  # an open claim's «after» photo, not confirmed yet
    SCREENSHOT = "screenshot"


@dataclass(frozen=True, slots=True)
class ReportPhoto:
    file_id: str
    kind: PhotoKind


async def report_photos(session: AsyncSession, report_id: int) -> list[ReportPhoto]:
    """In the order /photo sends them: before, after, claimed after; or the screenshots."""
    graffiti = (
        await session.exec(select(Graffiti).where(Graffiti.report_id == report_id))
    ).first()
    if graffiti is None:
        shots = await session.exec(
            select(EvidencePhoto.file_id)
            .where(EvidencePhoto.report_id == report_id)
            .order_by(col(EvidencePhoto.id))
        )
        return [ReportPhoto(file_id, PhotoKind.SCREENSHOT) for file_id in shots.all()]
    rows = await session.exec(
        select(GraffitiPhoto.file_id, GraffitiPhoto.is_after, PaintClaim.status)
        .outerjoin(PaintClaim, col(PaintClaim.id) == col(GraffitiPhoto.claim_id))
        .where(GraffitiPhoto.report_id == report_id)
        .order_by(col(GraffitiPhoto.id))
    )
    photos = [ReportPhoto(graffiti.file_id, PhotoKind.BEFORE)]
    later: list[ReportPhoto] = []
    for file_id, is_after, claim in rows.all():
        if not is_after:
            photos.append(ReportPhoto(file_id, PhotoKind.BEFORE))
        elif claim is None or claim == ClaimStatus.CONFIRMED:
            later.append(ReportPhoto(file_id, PhotoKind.AFTER))
        elif claim == ClaimStatus.OPEN:
            later.append(ReportPhoto(file_id, PhotoKind.CLAIMED_AFTER))
    order = [PhotoKind.AFTER, PhotoKind.CLAIMED_AFTER]
    return photos + sorted(later, key=lambda photo: order.index(photo.kind))
