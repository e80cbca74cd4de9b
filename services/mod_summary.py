"""What the moderators' group hears about new reports: one summary a minute, edited as more come.

A group takes about twenty messages a minute, and a weekend action brings thousands of reports,
so the group never gets one message per report. The summary message of the current minute
lists every report newer than the previous summary; the next minute starts a new message.

The state (which message, since when) lives in memory: after a restart the next summary starts
with the reports created after the start, and reports created while the bot was down are not
announced (moderators find them in /queue anyway).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import District, TargetKind
from models.graffiti import Graffiti
from models.report import Report

WINDOW = timedelta(minutes=1)
NEWEST_SHOWN = 5


@dataclass(frozen=True, slots=True)
class NewReport:
    id: int
    kind: TargetKind
    display: str
    # A wall's place as the group may see it: its district (or the suggested one), else its
    # coordinates rounded to ~100 m; never the exact spot where a volunteer stood.
    district: District | None = None
    rough_place: str | None = None


@dataclass(frozen=True, slots=True)
class SummaryContent:
    count: int
    newest: tuple[NewReport, ...]  # newest first
    since: datetime | None  # when the first of them was created

    @property
    def last_id(self) -> int:
        return self.newest[0].id if self.newest else 0


class SummaryAction(StrEnum):
    NOTHING = "nothing"
    SEND = "send"
    EDIT = "edit"


@dataclass
class SummaryState:
    """The current summary message; it covers the reports numbered above `after_id`."""

    after_id: int
    message_id: int | None = None
    opened_at: datetime | None = None
    shown: int = 0
    last_id: int = 0


async def latest_report_id(session: AsyncSession) -> int:
    return (await session.exec(select(func.max(Report.id)))).one() or 0


async def reports_after(
    session: AsyncSession, *, after_id: int, newest: int = NEWEST_SHOWN
) -> SummaryContent:
    # Ids, not timestamps, mark the coverage: merges may move a report's created_at back.
    newer = col(Report.id) > after_id
    count, since = (
        await session.exec(select(func.count(), func.min(Report.created_at)).where(newer))
    ).one()
    rows = (
        await session.exec(
            select(Report).where(newer).order_by(col(Report.id).desc()).limit(newest)
        )
    ).all()
    walls = await _walls(session, [saved_id(r) for r in rows if r.kind == TargetKind.GRAFFITI])
    shown = tuple(
        _group_view(r, walls[saved_id(r)])
        if saved_id(r) in walls
        else NewReport(saved_id(r), r.kind, r.display)
        for r in rows
    )
    await session.commit()
    return SummaryContent(count=count, newest=shown, since=since)


# Three decimals of a degree: about 110 m north–south, 80 m east–west in Almaty.
ROUGH_DECIMALS = 3


async def _walls(session: AsyncSession, report_ids: list[int]) -> dict[int, Graffiti]:
    if not report_ids:
        return {}
    rows = await session.exec(select(Graffiti).where(col(Graffiti.report_id).in_(report_ids)))
    return {wall.report_id: wall for wall in rows.all()}


def _group_view(report: Report, wall: Graffiti) -> NewReport:
    """A wall for the moderators' group: what is written on it, and a rough place only."""
    district = wall.district or wall.suggested_district
    rough = None
    if district is None and wall.latitude is not None and wall.longitude is not None:
        rough = f"≈{wall.latitude:.{ROUGH_DECIMALS}f}, {wall.longitude:.{ROUGH_DECIMALS}f}"
    return NewReport(
        saved_id(report),
        report.kind,
        wall.handle_text or "",
        district=district,
        rough_place=rough,
    )


async def plan_summary(
    session: AsyncSession, *, state: SummaryState, now: datetime, window: timedelta = WINDOW
) -> tuple[SummaryAction, SummaryContent]:
    """Decide whether to send a new summary, edit the current one, or stay silent."""
    if state.message_id is not None and state.opened_at and now - state.opened_at >= window:
        # The minute is over: the next message starts after what this one announced.
        state.after_id, state.message_id, state.shown = state.last_id, None, 0
    content = await reports_after(session, after_id=state.after_id)
    if content.count in (0, state.shown):
        return SummaryAction.NOTHING, content
    return (SummaryAction.SEND if state.message_id is None else SummaryAction.EDIT), content


def record_summary(
    state: SummaryState, content: SummaryContent, *, message_id: int | None, now: datetime
) -> None:
    """Remember what the group now shows; message_id None means the message was lost."""
    if message_id is None:
        state.message_id, state.shown = None, 0
        return
    if state.message_id != message_id:
        state.opened_at = now
    state.message_id = message_id
    state.shown = content.count
    state.last_id = max(state.last_id, content.last_id)
