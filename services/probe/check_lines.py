"""A stored check as moderators read it: one line each in /report, /recheck and the queue card.

Plain values, decoded from the row's JSON columns, so views render without the database.
Moderators only: volunteers never see what the probe saw.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import CheckPurpose, ReportStatus, Vantage, Verdict
from models.probe import ProbeCheck
from services.probe.status import latest_checks


@dataclass(frozen=True, slots=True)
class CheckLine:
    report_id: int
    checked_at: datetime
    purpose: CheckPurpose
    vantage: Vantage
    verdict: Verdict
    latency_ms: int
    http_status: int | None
    title: str | None
    final_url: str | None
    addresses: tuple[str, ...]
    body_length: int | None
    error: str | None
    member_count: int | None
    changed_to: ReportStatus | None


def check_line(row: ProbeCheck) -> CheckLine:
    return CheckLine(
        report_id=row.report_id,
        checked_at=row.checked_at,
        purpose=row.purpose,
        vantage=row.vantage,
        verdict=row.verdict,
        latency_ms=row.latency_ms,
        http_status=row.http_status,
        title=row.title,
        final_url=row.final_url,
        addresses=tuple(_addresses(row.addresses)),
        body_length=row.body_length,
        error=row.error,
        member_count=row.member_count,
        changed_to=row.changed_to,
    )


async def latest_check_lines(
    session: AsyncSession, report_id: int, *, limit: int = 5
) -> list[CheckLine]:
    """Report `report_id`'s latest checks, newest first."""
    return [check_line(row) for row in await latest_checks(session, report_id, limit=limit)]


async def check_lines_by_id(session: AsyncSession, check_ids: list[int]) -> list[CheckLine]:
    if not check_ids:
        return []
    rows = await session.exec(select(ProbeCheck).where(col(ProbeCheck.id).in_(check_ids)))
    found = {row.id: check_line(row) for row in rows.all()}
    return [found[i] for i in check_ids if i in found]


def _addresses(stored: str) -> list[str]:
    try:
        decoded = json.loads(stored)
    except ValueError:
        return []
    return [str(a) for a in decoded] if isinstance(decoded, list) else []
