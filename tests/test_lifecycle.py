"""Every pair of statuses, for online targets and for walls: legal moves happen with an audit
entry, illegal ones change nothing. Then the whole online cycle driven by moderator commands."""

import re

import pytest
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus, TargetKind
from models.moderation import AuditEntry
from models.report import Report
from models.volunteer import Volunteer
from services.lifecycle import ONLINE_TRANSITIONS, STREET_TRANSITIONS, change_status
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, text, texts
from tests.support.telegram_ids import tg_id

PAIRS = [
    (kind, old, new)
    for kind in (TargetKind.WEBSITE, TargetKind.GRAFFITI)
    for old in ReportStatus
    for new in ReportStatus
    if new not in (ReportStatus.NEW, ReportStatus.MERGED)  # merges go through lifecycle.merge
]


async def _report(db: AsyncSession, kind: TargetKind, status: ReportStatus) -> Report:
    volunteer = Volunteer(telegram_id=tg_id(1))
    db.add(volunteer)
    await db.flush()
    key = None if kind == TargetKind.GRAFFITI else "shop.kz/lifecycle"
    report = Report(canonical_key=key, kind=kind, display="x", status=status)
    db.add(report)
    await db.commit()
    return report


@pytest.mark.parametrize(("kind", "old", "new"), PAIRS, ids=str)
async def test_transition_table(
    db: AsyncSession, kind: TargetKind, old: ReportStatus, new: ReportStatus
) -> None:
    report_id = saved_id(await _report(db, kind, old))
    table = STREET_TRANSITIONS if kind == TargetKind.GRAFFITI else ONLINE_TRANSITIONS
    allowed = new in table.get(old, frozenset())
    result = await change_status(db, report_ids=[report_id], to=new, actor_id=None)
    changed = [r.id for r in result.changed]
    refused = [r.report_id for r in result.refused]
    db.expire_all()
    stored = await db.get(Report, report_id)
    audits = (await db.exec(select(func.count()).select_from(AuditEntry))).one()
    assert stored is not None
    if allowed:
        assert (changed, refused) == ([report_id], [])
        assert (stored.status, audits) == (new, 1)
    else:
        assert (changed, refused) == ([], [report_id])
        assert (stored.status, audits) == (old, 0)


def _number(reply: str) -> int:
    return int(re.search(r"#(\d+)", reply).group(1))  # type: ignore[union-attr]


async def test_the_whole_online_cycle_by_moderator_commands(
    client: BotClient, db: AsyncSession
) -> None:
    number = _number(text(await client.send("https://cycle-shop.kz")))
    moderator = client.as_user(ADMIN_ID, language_code="en")

    async def status() -> ReportStatus:
        db.expire_all()
        report = await db.get(Report, number)
        assert report is not None
        return report.status

    assert "Not changed" in text(await moderator.send(f"/blocked {number}"))
    assert await status() == ReportStatus.NEW
    await moderator.send(f"/accept {number} sales")
    assert await status() == ReportStatus.ACCEPTED
    await moderator.send("/batch")
    assert await status() == ReportStatus.SENT
    assert "still online" in text(await moderator.send(f"/still_online {number}"))
    assert await status() == ReportStatus.STILL_ONLINE
    await moderator.send(f"/blocked {number}")
    assert await status() == ReportStatus.BLOCKED
    assert "next /batch" in text(await moderator.send(f"/reappeared {number}"))
    assert await status() == ReportStatus.REAPPEARED
    second_batch = texts(await moderator.send("/batch"))
    assert await status() == ReportStatus.SENT, second_batch
    await moderator.send(f"/declined {number} the regulator found no violation")
    assert await status() == ReportStatus.DECLINED
    refused = text(await moderator.send(f"/reappeared {number}"))
    assert "Not changed" in refused
    assert await status() == ReportStatus.DECLINED
    trail = (
        await db.exec(select(AuditEntry.to_status).where(AuditEntry.report_id == number))
    ).all()
    assert list(trail) == [
        "accepted", "sent", "still_online", "blocked", "reappeared", "sent", "declined",
    ]  # fmt: skip
