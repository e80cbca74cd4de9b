"""Send-then-commit for crew files, as services/batches does for the regulator's files.

1. `reserve_walls` claims the walls waiting for a crew in one transaction (a conditional UPDATE
   whose RETURNING says which rows this moderator won), so two moderators asking at the same
   time never both receive the same wall. The claim expires by itself if the bot dies.
2. The caller builds and delivers the files, holding no transaction.
3. `crew.mark_delivered` assigns the walls; `release_walls` frees them if delivery failed.
"""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, exists, update
from sqlmodel import col, or_
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District, ReportStatus
from models.graffiti import Graffiti
from models.report import Report
from services.batches import CLAIM
from services.clock import utcnow
from services.graffiti.crew import WAITING, CrewRow, waiting_walls


async def reserve_walls(
    session: AsyncSession, *, district: District | None, actor_id: int
) -> list[CrewRow]:
    """The waiting walls this moderator now holds; empty when none is free."""
    candidates = await waiting_walls(session, district=district)
    if not candidates:
        await session.rollback()
        return []
    now = utcnow()
    won = await session.exec(
        update(Report)
        .where(
            col(Report.id).in_([row.report_id for row in candidates]),
            _still_waiting(),
            or_(col(Report.claimed_until).is_(None), col(Report.claimed_until) < now),
        )
        .values(claimed_by_id=actor_id, claimed_until=now + CLAIM)
        .returning(col(Report.id))
    )
    held = set(won.scalars().all())
    await session.commit()
    return [row for row in candidates if row.report_id in held]


def _still_waiting() -> ColumnElement[bool]:
    """The condition of crew.waiting_walls, checked again as the claim is written: another
    moderator's file may have carried the wall since it was read (an assigned wall whose file
    went out is no longer due, and carrying it cleared its claim)."""
    return or_(
        col(Report.status).in_(WAITING),
        and_(
            col(Report.status) == ReportStatus.ASSIGNED,
            exists().where(
                col(Graffiti.report_id) == col(Report.id), col(Graffiti.crew_file_due).is_(True)
            ),
        ),
    )


async def release_walls(session: AsyncSession, *, rows: Sequence[CrewRow], actor_id: int) -> None:
    """Delivery failed (or the walls were carried): they are free for the next crew file.

    Rolls back first (the failure may have been the database's).
    """
    await session.rollback()
    await session.exec(
        update(Report)
        .where(
            col(Report.id).in_([row.report_id for row in rows]),
            col(Report.claimed_by_id) == actor_id,
        )
        .values(claimed_by_id=None, claimed_until=None)
    )
    await session.commit()
