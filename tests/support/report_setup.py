"""Reports in a given status for batch and verdict tests: volunteers send links through the
dispatcher, then the lifecycle service moves them along, as moderators would."""

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Category, ReportStatus, TargetKind
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services import kept_tallies, lifecycle
from tests.support.client import BotClient
from tests.support.telegram_ids import tg_id

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


async def bulk_reports(db: AsyncSession, count: int, status: ReportStatus) -> list[int]:
    """`count` website reports in `status`, each seen by two volunteers, written directly."""
    volunteers = [Volunteer(telegram_id=tg_id(70_000 + n)) for n in range(3)]
    db.add_all(volunteers)
    await db.flush()
    reports = [
        Report(
            canonical_key=f"bulk{n}.kz",
            kind=TargetKind.WEBSITE,
            display=f"bulk{n}.kz",
            status=status,
        )
        for n in range(count)
    ]
    db.add_all(reports)
    await db.flush()
    db.add_all(
        Sighting(
            report_id=saved_id(r),
            volunteer_id=saved_id(v),
            chat_id=tg_id(1),
            message_id=1,
            text_as_sent="x",
        )
        for r in reports
        for v in volunteers[:2]
    )
    # Written around the services: the kept tallies are recomputed as the services keep them.
    await kept_tallies.rebuild(db)
    await db.commit()
    return [saved_id(r) for r in reports]


async def wall_report(db: AsyncSession, volunteer_telegram_id: int) -> int:
    """A graffiti report with its finder's sighting, written directly (no photo)."""
    volunteer = Volunteer(telegram_id=tg_id(volunteer_telegram_id))
    db.add(volunteer)
    await db.flush()
    wall = Report(kind=TargetKind.GRAFFITI, display="wall", found_by_id=volunteer.id)
    db.add(wall)
    await db.flush()
    db.add(
        Sighting(
            report_id=saved_id(wall),
            volunteer_id=saved_id(volunteer),
            chat_id=tg_id(1),
            message_id=1,
            text_as_sent="photo",
        )
    )
    await kept_tallies.rebuild(db)
    await db.commit()
    return saved_id(wall)
