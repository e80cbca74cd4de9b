"""Senior volunteers pre-check new reports: what they are shown, and their votes.

A senior sees a new online report as its target only — the number, the kind and the link —
never who sent it, what they wrote, other votes, batches or verdicts. Walls are left out: their
photos and typed handles are the volunteer's own pictures and words. A senior is not shown
reports they sent themselves, nor reports the seniors have already called.

Two agreeing votes of seniors who count (services/senior_agreement.py) make the seniors' call,
stored on the report (`report.seniors_say`) in the vote's transaction: "drugs" puts the report
first in the moderators' queue (services/queue.py), "not drugs" flags its card. The call is
made with the counting rule as it stands at that vote and is kept afterwards; a moderator
decides either way. "Not sure" never counts.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus, Role, SeniorChoice, TargetKind
from models.report import Report, Sighting
from models.seniors import SeniorVote
from models.upsert import insert_ignore
from models.volunteer import Volunteer
from services.identity.lookalike import is_lookalike, safe_display
from services.lifecycle import valid_id
from services.senior_agreement import SeniorRule, counting

# Agreeing counting votes that make the seniors' call.
VOTES_FOR_A_CALL = 2


@dataclass(frozen=True, slots=True)
class CheckCard:
    """All a senior sees of a report."""

    report_id: int
    kind: TargetKind
    display: str
    lookalike: bool


@dataclass(frozen=True, slots=True)
class SeniorTally:
    """The votes on one report, counted, no names: for moderators."""

    drugs: int = 0
    not_drugs: int = 0
    not_sure: int = 0
    call: SeniorChoice | None = None

    @property
    def total(self) -> int:
        return self.drugs + self.not_drugs + self.not_sure


class VoteResult(StrEnum):
    SAVED = "saved"
    ALREADY = "already"  # this senior voted on it before: nothing changed
    CLOSED = "closed"  # no longer new (or not a report seniors check): nothing changed
    NOT_SENIOR = "not_senior"  # the role was taken back (or the senior banned)


def _open_for_seniors() -> tuple[Any, ...]:
    return (
        col(Report.status) == ReportStatus.NEW,
        col(Report.kind) != TargetKind.GRAFFITI,
        col(Report.seniors_say).is_(None),
    )


async def next_for_senior(session: AsyncSession, *, senior_id: int) -> CheckCard | None:
    """The oldest new report this senior has neither voted on nor sent; None when none."""
    voted = exists().where(
        col(SeniorVote.report_id) == col(Report.id), col(SeniorVote.volunteer_id) == senior_id
    )
    sent = exists().where(
        col(Sighting.report_id) == col(Report.id), col(Sighting.volunteer_id) == senior_id
    )
    row = (
        await session.exec(
            select(Report.id, Report.kind, Report.canonical_key, Report.display)
            .where(*_open_for_seniors(), ~voted, ~sent)
            .order_by(col(Report.created_at), col(Report.id))
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    report_id, stored_kind, key, display = row
    kind = TargetKind(stored_kind)
    return CheckCard(
        report_id=report_id or 0,
        kind=kind,
        display=safe_display(kind, key, display),
        lookalike=is_lookalike(kind, key),
    )


async def _is_senior(session: AsyncSession, senior_id: int) -> bool:
    row = (
        await session.exec(
            select(Volunteer.role, Volunteer.banned_at).where(Volunteer.id == senior_id)
        )
    ).first()
    return row is not None and row[0] == Role.SENIOR and row[1] is None


async def cast_vote(
    session: AsyncSession,
    *,
    senior_id: int,
    report_id: int,
    choice: SeniorChoice,
    rule: SeniorRule,
) -> VoteResult:
    """Record one vote and, when it completes two agreeing counting votes, the seniors' call.

    The report row is locked (PostgreSQL) for the transaction, so two seniors voting at once
    both see each other's vote and a moderator's decision cannot slip in between.
    """
    if not await _is_senior(session, senior_id):
        await session.rollback()
        return VoteResult.NOT_SENIOR
    report = None
    if valid_id(report_id):
        report = (
            await session.exec(
                select(Report)
                .where(col(Report.id) == report_id, *_open_for_seniors())
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).first()
    own = await session.exec(
        select(Sighting.id).where(
            Sighting.report_id == report_id, Sighting.volunteer_id == senior_id
        )
    )
    if report is None or own.first() is not None:
        await session.rollback()
        return VoteResult.CLOSED
    values = {"report_id": report_id, "volunteer_id": senior_id, "choice": choice.value}
    if await insert_ignore(session, SeniorVote, values, ["report_id", "volunteer_id"]) is None:
        await session.rollback()
        return VoteResult.ALREADY
    report.seniors_say = await _call(session, report_id, rule)
    session.add(report)
    await session.commit()
    return VoteResult.SAVED


async def _call(session: AsyncSession, report_id: int, rule: SeniorRule) -> SeniorChoice | None:
    """The choice at least two counting seniors made, unless both counting choices got there."""
    rows = (
        await session.exec(
            select(SeniorVote.volunteer_id, SeniorVote.choice).where(
                SeniorVote.report_id == report_id,
                col(SeniorVote.choice) != SeniorChoice.NOT_SURE,
            )
        )
    ).all()
    counted = await counting(session, {volunteer for volunteer, _ in rows}, rule)
    reached = {
        choice
        for choice in (SeniorChoice.DRUGS, SeniorChoice.NOT_DRUGS)
        if sum(1 for v, c in rows if c == choice and v in counted) >= VOTES_FOR_A_CALL
    }
    return reached.pop() if len(reached) == 1 else None


async def tally(session: AsyncSession, report_id: int, call: SeniorChoice | None) -> SeniorTally:
    rows = await session.exec(
        select(SeniorVote.choice, func.count())
        .where(SeniorVote.report_id == report_id)
        .group_by(col(SeniorVote.choice))
    )
    counts = {SeniorChoice(choice): int(number) for choice, number in rows.all()}
    return SeniorTally(
        drugs=counts.get(SeniorChoice.DRUGS, 0),
        not_drugs=counts.get(SeniorChoice.NOT_DRUGS, 0),
        not_sure=counts.get(SeniorChoice.NOT_SURE, 0),
        call=call,
    )
