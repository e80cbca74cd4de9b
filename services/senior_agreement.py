"""How often each senior volunteer agreed with the moderators, computed when asked.

A vote is *decided* once a moderator has judged its report, and the moderator's judgement reads
as one of the two counting choices:

- **drugs**: the report was accepted (and whatever followed: sent, blocked, declined by the
  regulator, still online, removed, reappeared, assigned, painted over) in any category but
  "other illegal content" — the regulator's decline is about blocking, not about what it is;
- **not drugs**: rejected with the preset reason "not drug-related", or accepted as "other
  illegal content".

Everything else is undecided and left out: a report still new, merged into another (the
survivor carries the decision), or rejected for another reason (a dead link, not enough
evidence, a duplicate, a reason in the moderator's own words; a typed reason that names a
preset is stored as the preset: services/triage.py `parse_reason`) — such a rejection says
nothing about whether the target was about drugs. "Not sure" votes are never decided.

A senior *counts* while they have fewer than `min_decided` decided votes, and from then on
only while their agreement (agreeing / decided) is at least `min_agreement`. Nothing is
stored: the figure follows every decision at once, and a senior whose agreement recovers
counts again.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import Category, NoteCode, ReportStatus, Role, SeniorChoice
from models.report import Report
from models.seniors import SeniorVote
from models.volunteer import Volunteer

_ACCEPTED_OR_LATER = (
    ReportStatus.ACCEPTED,
    ReportStatus.SENT,
    ReportStatus.BLOCKED,
    ReportStatus.DECLINED,
    ReportStatus.STILL_ONLINE,
    ReportStatus.REMOVED,
    ReportStatus.REAPPEARED,
    ReportStatus.ASSIGNED,
    ReportStatus.PAINTED_OVER,
)


@dataclass(frozen=True, slots=True)
class SeniorRule:
    """`[seniors]` of the configuration."""

    min_agreement: float = 0.7
    min_decided: int = 10


@dataclass(frozen=True, slots=True)
class Agreement:
    decided: int = 0
    agreed: int = 0

    @property
    def share(self) -> float | None:
        return self.agreed / self.decided if self.decided else None

    def counts(self, rule: SeniorRule) -> bool:
        if self.decided < rule.min_decided or self.decided == 0:
            return True
        return self.agreed / self.decided >= rule.min_agreement


def _judged_drugs() -> Any:
    accepted = col(Report.status).in_(_ACCEPTED_OR_LATER)
    return and_(
        accepted,
        or_(col(Report.category).is_(None), col(Report.category) != Category.OTHER_ILLEGAL),
    )


def _judged_not_drugs() -> Any:
    return or_(
        and_(
            col(Report.status) == ReportStatus.REJECTED,
            col(Report.resolution_code) == NoteCode.NOT_DRUG_RELATED,
        ),
        and_(
            col(Report.status).in_(_ACCEPTED_OR_LATER),
            col(Report.category) == Category.OTHER_ILLEGAL,
        ),
    )


async def agreements(
    session: AsyncSession, volunteer_ids: Collection[int] | None = None
) -> dict[int, Agreement]:
    """Senior (volunteer.id) → their decided and agreeing votes; seniors without a decided
    vote are absent (they count). One grouped query over the votes and their reports."""
    drugs, not_drugs = _judged_drugs(), _judged_not_drugs()
    agreed = or_(
        and_(col(SeniorVote.choice) == SeniorChoice.DRUGS, drugs),
        and_(col(SeniorVote.choice) == SeniorChoice.NOT_DRUGS, not_drugs),
    )
    statement = (
        select(
            col(SeniorVote.volunteer_id),
            func.count(),
            func.sum(case((agreed, 1), else_=0)),
        )
        .join(Report, col(Report.id) == col(SeniorVote.report_id))
        .where(
            col(SeniorVote.choice).in_([SeniorChoice.DRUGS, SeniorChoice.NOT_DRUGS]),
            or_(drugs, not_drugs),
        )
        .group_by(col(SeniorVote.volunteer_id))
    )
    if volunteer_ids is not None:
        statement = statement.where(col(SeniorVote.volunteer_id).in_(list(volunteer_ids)))
    rows = await session.exec(statement)
    return {
        volunteer_id: Agreement(decided=int(decided), agreed=int(agreed or 0))
        for volunteer_id, decided, agreed in rows.all()
    }


async def counting(
    session: AsyncSession, volunteer_ids: Collection[int], rule: SeniorRule
) -> set[int]:
    """Which of these seniors' votes count now."""
    found = await agreements(session, volunteer_ids)
    return {i for i in volunteer_ids if found.get(i, Agreement()).counts(rule)}


@dataclass(frozen=True, slots=True)
class SeniorLine:
    """One senior in the administrators' /seniors list."""

    telegram_id: int
    username: str | None
    votes: int
    agreement: Agreement
    counts: bool


async def seniors_overview(session: AsyncSession, rule: SeniorRule) -> list[SeniorLine]:
    """Every current senior, in the order they joined the bot, with their figures."""
    seniors = (
        await session.exec(
            select(Volunteer.id, Volunteer.telegram_id, Volunteer.username)
            .where(col(Volunteer.role) == Role.SENIOR)
            .order_by(col(Volunteer.id))
        )
    ).all()
    ids = [volunteer_id for volunteer_id, _, _ in seniors if volunteer_id is not None]
    if not ids:
        return []
    votes = dict(
        (
            await session.exec(
                select(col(SeniorVote.volunteer_id), func.count())
                .where(col(SeniorVote.volunteer_id).in_(ids))
                .group_by(col(SeniorVote.volunteer_id))
            )
        ).all()
    )
    found = await agreements(session, ids)
    lines = []
    for volunteer_id, telegram_id, username in seniors:
        agreement = found.get(volunteer_id or 0, Agreement())
        lines.append(
            SeniorLine(
                telegram_id=telegram_id,
                username=username,
                votes=int(votes.get(volunteer_id or 0, 0)),
                agreement=agreement,
                counts=agreement.counts(rule),
            )
        )
    return lines
