"""Reports in a given status for batch and verdict tests: volunteers send links through the
dispatcher, then the lifecycle service moves them along, as moderators would."""

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Category, ReportStatus
from models.report import Report
from services import lifecycle
from tests.support.client import BotClient

S = ReportStatus
PATHS: dict[ReportStatus, list[ReportStatus]] = {
    S.NEW: [],
    S.ACCEPTED: [S.ACCEPTED],
    S.SENT: [S.ACCEPTED, S.SENT],
    S.STILL_ONLINE: [S.ACCEPTED, S.SENT, S.STILL_ONLINE],
    S.BLOCKED: [S.ACCEPTED, S.SENT, S.BLOCKED],
    S.REAPPEARED: [S.ACCEPTED, S.SENT, S.BLOCKED, S.REAPPEARED],
}


async def report_ids(db: AsyncSession) -> list[int]:
    db.expire_all()
    return [saved_id(r) for r in (await db.exec(select(Report).order_by(col(Report.id)))).all()]


async def make_reports(
    client: BotClient,
    db: AsyncSession,
    links: Sequence[str],
    *,
    status: ReportStatus = S.ACCEPTED,
    category: Category = Category.DRUG_PROPAGANDA,
    first_volunteer: int = 3000,
) -> list[int]:
    """One report per link, each sent by its own volunteer; returns their numbers in order."""
    before = set(await report_ids(db))
    for offset, link in enumerate(links):
        await client.as_user(first_volunteer + offset).send(link)
    created = [i for i in await report_ids(db) if i not in before]
    assert len(created) == len(links), "every link must make a new report"
    await move(db, created, status, category=category)
    return created


async def move(
    db: AsyncSession,
    ids: Sequence[int],
    status: ReportStatus,
    *,
    category: Category = Category.DRUG_PROPAGANDA,
) -> None:
    for step in PATHS[status]:
        chosen = category if step == S.ACCEPTED else None
        result = await lifecycle.change_status(
            db, report_ids=ids, to=step, actor_id=None, category=chosen
        )
        assert not result.refused, result.refused


async def statuses(db: AsyncSession, ids: Sequence[int]) -> list[ReportStatus]:
    db.expire_all()
    found = {
        r.id: r.status
        for r in (await db.exec(select(Report).where(col(Report.id).in_(list(ids))))).all()
    }
    return [found[i] for i in ids]


async def status(db: AsyncSession, report_id: int) -> ReportStatus:
    db.expire_all()
    report = await db.get(Report, report_id)
    assert report is not None
    return ReportStatus(report.status)


async def accept(db: AsyncSession, *report_ids: int) -> None:
    # Accepting is the triage feature's job; here only its outcome matters.
    await lifecycle.change_status(
        db, report_ids=list(report_ids), to=ReportStatus.ACCEPTED, actor_id=None
    )


async def count(db: AsyncSession, model: type) -> int:
    """How many rows the table of `model` holds."""
    return (await db.exec(select(func.count()).select_from(model))).one()
