"""The digest's other facts: days from accept to blocked, and graffiti by district."""

from dataclasses import dataclass
from statistics import median

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District, ReportStatus, TargetKind
from models.graffiti import Graffiti
from models.moderation import AuditEntry
from models.report import Report
from services.weeks import Week

S = ReportStatus
SECONDS_PER_DAY = 86_400


async def median_days_to_block(session: AsyncSession, week: Week) -> float | None:
    """Median days from acceptance to blocking (or removal: closed either way) of the online
    reports closed this week."""
    blocked = (
        select(
            col(AuditEntry.report_id).label("report_id"),
            func.min(AuditEntry.at).label("blocked_at"),
        )
        .join(Report, col(Report.id) == col(AuditEntry.report_id))
        .where(col(AuditEntry.to_status).in_([S.BLOCKED.value, S.REMOVED.value]))
        .where(col(Report.kind) != TargetKind.GRAFFITI.value)
        .where(col(AuditEntry.at) >= week.start, col(AuditEntry.at) < week.end)
        .group_by(col(AuditEntry.report_id))
        .subquery("blocked")
    )
    # Only the week's blocked reports' acceptances: grouping every acceptance ever made cost a
    # scan of the whole audit trail per digest.
    accepted = (
        select(
            col(AuditEntry.report_id).label("report_id"),
            func.min(AuditEntry.at).label("accepted_at"),
        )
        .where(col(AuditEntry.to_status) == S.ACCEPTED.value)
        .where(col(AuditEntry.report_id).in_(select(blocked.c.report_id)))
        .group_by(col(AuditEntry.report_id))
        .subquery("accepted")
    )
    rows = await session.exec(
        select(accepted.c.accepted_at, blocked.c.blocked_at).join(
            accepted, accepted.c.report_id == blocked.c.report_id
        )
    )
    days = [
        (blocked_at - accepted_at).total_seconds() / SECONDS_PER_DAY
        for accepted_at, blocked_at in rows.all()
        if accepted_at is not None and blocked_at is not None
    ]
    return median(days) if days else None


@dataclass(frozen=True, slots=True)
class DistrictCount:
    district: District | None  # None: the volunteer gave no district
    reported: int
    painted_over: int


async def graffiti_by_district(session: AsyncSession, week: Week) -> list[DistrictCount]:
    """Graffiti reported and painted over this week per district, in the districts' order."""
    reported = await session.exec(
        select(Graffiti.district, func.count())
        .join(Report, col(Report.id) == col(Graffiti.report_id))
        .where(col(Report.created_at) >= week.start, col(Report.created_at) < week.end)
        .where(col(Report.status) != S.MERGED.value)
        .group_by(col(Graffiti.district))
    )
    painted = await session.exec(
        select(Graffiti.district, func.count(func.distinct(col(AuditEntry.report_id))))
        .join(AuditEntry, col(AuditEntry.report_id) == col(Graffiti.report_id))
        .where(col(AuditEntry.to_status) == S.PAINTED_OVER.value)
        .where(col(AuditEntry.at) >= week.start, col(AuditEntry.at) < week.end)
        .group_by(col(Graffiti.district))
    )
    by_district: dict[District | None, list[int]] = {}
    for district, number in reported.all():
        by_district.setdefault(District(district) if district else None, [0, 0])[0] += number
    for district, number in painted.all():
        by_district.setdefault(District(district) if district else None, [0, 0])[1] += number
    order = [*District, None]
    return [
        DistrictCount(district, *by_district[district])
        for district in order
        if district in by_district
    ]
