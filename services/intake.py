"""Taking a volunteer's links: each distinct target becomes a new report or joins its report."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus
from models.report import Evidence, Report, Sighting
from models.upsert import insert_ignore
from services import kept_tallies, lifecycle
from services.clock import utcnow
from services.identity import Refusal, RefusalReason, Target, canonicalize

# A merge chain longer than this means corrupted data, not a real history.


class Outcome(StrEnum):
    NEW = "new"  # first report of this target: the volunteer found it
    CONFIRMED = "confirmed"  # known target, first time from this volunteer
    ALREADY_YOURS = "already_yours"  # this volunteer had sent it before
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class LinkResult:
    raw: str
    outcome: Outcome
    report_id: int | None = None
    status: ReportStatus | None = None
    display: str | None = None
    refusal: RefusalReason | None = None


@dataclass(frozen=True, slots=True)
class IntakeResult:
    links: list[LinkResult]
    too_many: bool = False

    @property
    def saved_any(self) -> bool:
        return any(link.outcome is not Outcome.REFUSED for link in self.links)


async def submit_links(
    session: AsyncSession,
    *,
    volunteer_id: int,
    chat_id: int,
    message_id: int,
    links: Sequence[str],
    max_links: int,
) -> IntakeResult:
    """Record every link of one message in one transaction; the caller replies afterwards."""
    if len(links) > max_links:
        return IntakeResult(links=[], too_many=True)

    by_key: dict[str, LinkResult] = {}
    results: list[LinkResult] = []
    for raw in links:
        identity = canonicalize(raw)
        if isinstance(identity, Refusal):
            results.append(LinkResult(raw=raw, outcome=Outcome.REFUSED, refusal=identity.reason))
            continue
        if identity.key not in by_key:
            by_key[identity.key] = await _record_sighting(
                session,
                target=identity,
                raw=raw,
                volunteer_id=volunteer_id,
                chat_id=chat_id,
                message_id=message_id,
            )
        elif identity.evidence_url:
            await _record_evidence(
                session, by_key[identity.key].report_id, volunteer_id, identity.evidence_url
            )
        first = by_key[identity.key]
        results.append(
            LinkResult(
                raw=raw,
                outcome=first.outcome,
                report_id=first.report_id,
                status=first.status,
                display=first.display,
            )
        )
    await session.commit()
    return IntakeResult(links=results)


async def record_sighting(
    session: AsyncSession,
    *,
    target: Target,
    raw: str,
    volunteer_id: int,
    chat_id: int,
    message_id: int,
) -> LinkResult:
    """One sighting of one target in the caller's transaction (no commit); graffiti reuse it."""
    return await _record_sighting(
        session,
        target=target,
        raw=raw,
        volunteer_id=volunteer_id,
        chat_id=chat_id,
        message_id=message_id,
    )


async def _record_sighting(
    session: AsyncSession,
    *,
    target: Target,
    raw: str,
    volunteer_id: int,
    chat_id: int,
    message_id: int,
) -> LinkResult:
    new_id = await insert_ignore(
        session,
        Report,
        {
            "canonical_key": target.key,
            "kind": target.kind,
            "display": target.display,
            "site_key": target.site_key,
            "status": ReportStatus.NEW,
            "found_by_id": volunteer_id,
        },
        ["canonical_key"],
    )
    report = await _surviving_report(session, target.key)
    now = utcnow()
    sighting_id = await insert_ignore(
        session,
        Sighting,
        {
            "report_id": report.id,
            "volunteer_id": volunteer_id,
            "chat_id": chat_id,
            "message_id": message_id,
            "text_as_sent": raw[:2100],
            "created_at": now,
        },
        ["report_id", "volunteer_id"],
    )
    if sighting_id is not None:
        await kept_tallies.sighting_added(
            session, report=report, volunteer_id=volunteer_id, created_at=now
        )
    if target.evidence_url:
        await _record_evidence(session, report.id, volunteer_id, target.evidence_url)
    if new_id is not None:
        outcome = Outcome.NEW
    elif sighting_id is not None:
        outcome = Outcome.CONFIRMED
    else:
        outcome = Outcome.ALREADY_YOURS
    return LinkResult(
        raw=raw,
        outcome=outcome,
        report_id=report.id,
        status=report.status,
        display=report.display,
    )


async def _surviving_report(session: AsyncSession, key: str) -> Report:
    report = (await session.exec(select(Report).where(Report.canonical_key == key))).one()
    return await lifecycle.follow_merges(session, report)


async def _record_evidence(
    session: AsyncSession, report_id: int | None, volunteer_id: int, url: str
) -> None:
    await insert_ignore(
        session,
        Evidence,
        {"report_id": report_id, "volunteer_id": volunteer_id, "url": url},
        ["report_id", "url"],
    )
