"""Street lifecycle steps that need graffiti details: assigning crews and painting over."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import District, NoteCode, ReportStatus, TargetKind
from models.graffiti import Graffiti, GraffitiPhoto
from models.report import Report
from models.upsert import insert_ignore
from services.lifecycle import Refused, TransitionResult, Why, change_status, surviving


async def assign(
    session: AsyncSession,
    *,
    report_ids: Sequence[int],
    district: District | None,
    actor_id: int,
    require_district: bool = True,
    commit: bool = True,
) -> TransitionResult:
    """Assign graffiti reports to a district crew (the report's own district if none given).

    Crew batches may assign walls whose district nobody knows (`require_district=False`).
    """
    details = await _details(session, report_ids)
    movable, refused = [], []
    for report_id in dict.fromkeys(report_ids):
        graffiti = details.get(report_id)
        crew = district or (graffiti.district if graffiti else None)
        if graffiti is None or (crew is None and require_district):
            report = await session.get(Report, report_id)
            refused.append(Refused(report_id, report.status if report else None))
            continue
        movable.append((report_id, crew))
    result = TransitionResult(refused=refused)
    for crew in dict.fromkeys(c for _, c in movable):
        ids = [r for r, c in movable if c == crew]
        step = await change_status(
            session,
            report_ids=ids,
            to=ReportStatus.ASSIGNED,
            actor_id=actor_id,
            why=Why(NoteCode.CREW, district=crew) if crew else Why(),
            commit=False,
        )
        for report in step.changed:
            wall = details[saved_id(report)]
            wall.assigned_district = crew
            # Newly assigned: the crew's next file carries it (mark_delivered clears this).
            wall.crew_file_due = True
            session.add(wall)
        result.changed.extend(step.changed)
        result.refused.extend(step.refused)
    if commit:
        await session.commit()
    return result


async def _details(session: AsyncSession, report_ids: Sequence[int]) -> dict[int, Graffiti]:
    rows = await session.exec(
        select(Graffiti).where(col(Graffiti.report_id).in_(list(report_ids)))
    )
    return {graffiti.report_id: graffiti for graffiti in rows.all()}


@dataclass(frozen=True, slots=True)
class AfterPhoto:
    file_id: str
    file_unique_id: str
    photo_path: str | None = None


@dataclass(frozen=True, slots=True)
class PaintedResult:
    report_id: int
    changed: bool
    # The status that refused the change; None with changed=False: no such graffiti report.
    status: ReportStatus | None = None


async def mark_painted(
    session: AsyncSession,
    *,
    report_id: int,
    actor_id: int,
    after: AfterPhoto | None = None,
) -> PaintedResult:
    """Painted over, on a moderator's word (a volunteer's photo is a claim: see claims.py).

    The after-photo is kept even when the status cannot change (e.g. already painted over):
    it is evidence of the wall's state that day.
    """
    report = await surviving(session, report_id)
    if report is None or report.kind != TargetKind.GRAFFITI:
        return PaintedResult(report_id, changed=False)
    target_id = saved_id(report)
    if after is not None:
        await insert_ignore(
            session,
            GraffitiPhoto,
            {
                "report_id": target_id,
                "is_after": True,
                "volunteer_id": actor_id,
                "file_id": after.file_id,
                "file_unique_id": after.file_unique_id,
                "photo_path": after.photo_path,
            },
            ["report_id", "file_unique_id"],
        )
    result = await change_status(
        session,
        report_ids=[target_id],
        to=ReportStatus.PAINTED_OVER,
        actor_id=actor_id,
        why=Why(NoteCode.AFTER_PHOTO) if after is not None else Why(),
    )
    if result.changed:
        return PaintedResult(target_id, changed=True, status=ReportStatus.PAINTED_OVER)
    return PaintedResult(target_id, changed=False, status=result.refused[0].status)


async def set_district(
    session: AsyncSession, *, report_id: int, district: District
) -> Graffiti | None:
    """A moderator confirms the suggested district or picks another; None if no such wall."""
    wall = (await _details(session, [report_id])).get(report_id)
    if wall is None:
        return None
    wall.district = district
    wall.suggested_district = None
    session.add(wall)
    await session.commit()
    return wall


async def undistricted(session: AsyncSession, report_ids: Sequence[int]) -> list[int]:
    """The walls among report_ids that have no district of their own (a crew must be named)."""
    details = await _details(session, report_ids)
    return [i for i in dict.fromkeys(report_ids) if i in details and details[i].district is None]


async def report_status(session: AsyncSession, report_id: int) -> ReportStatus | None:
    report = await session.get(Report, report_id)
    return report.status if report is not None else None
