"""Batches to Кибернадзор: collect what is ready, build the rows, record what was delivered.

Order of events, so that "sent" always means "the moderator holds the files":

1. `open_batch` reserves a Batch row (its id names the files) and claims the ready reports, in
   one short transaction. The claim keeps a second moderator's /batch from taking the same
   reports while the files travel; it expires by itself if the bot dies meanwhile.
2. The caller builds and delivers the two documents (no transaction is held open meanwhile:
   on SQLite that would block every volunteer's intake for the whole upload).
3. `complete_batch` marks the reports sent and stores the documents' file ids, in one
   transaction; `abandon_batch` deletes the reservation and releases the claims instead.

A reservation without file ids is not a batch: `/batches` and `/batch N` ignore it.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Category, NoteCode, ReportStatus, TargetKind
from models.moderation import Batch
from models.report import Report
from models.volunteer import Volunteer
from services import lifecycle
from services.batch_rows import HEADER, load_rows
from services.clock import to_almaty, utcnow
from services.spreadsheets import Cell, to_csv, to_xlsx

READY = (ReportStatus.ACCEPTED, ReportStatus.REAPPEARED)  # reappeared: "sent again"
CLAIM = timedelta(minutes=15)

Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class OpenBatch:
    batch: Batch
    report_ids: list[int]


@dataclass(frozen=True, slots=True)
class BatchFiles:
    csv_name: str
    csv_data: bytes
    xlsx_name: str
    xlsx_data: bytes


async def open_batch(
    session: AsyncSession, *, actor_id: int, category: Category | None
) -> OpenBatch | None:
    """Claim every ready online report and reserve a batch; None when nothing is ready."""
    now = utcnow()
    claim = (
        update(Report)
        .where(
            col(Report.status).in_(READY),
            col(Report.kind) != TargetKind.GRAFFITI,
            or_(col(Report.claimed_until).is_(None), col(Report.claimed_until) < now),
        )
        .values(claimed_by_id=actor_id, claimed_until=now + CLAIM)
        .returning(col(Report.id))
    )
    if category is not None:
        claim = claim.where(col(Report.category) == category)
    report_ids = sorted((await session.exec(claim)).scalars().all())
    if not report_ids:
        await session.commit()  # nothing was claimed; ends the transaction
        return None
    batch = Batch(created_at=now, created_by_id=actor_id, category=category)
    session.add(batch)
    await session.commit()
    return OpenBatch(batch, report_ids)


async def batch_rows(
    session: AsyncSession, *, report_ids: Sequence[int], progress: Progress | None = None
) -> list[list[Cell]]:
    return await load_rows(session, report_ids=report_ids, progress=progress)


def render_files(batch: Batch, rows: Sequence[Sequence[Cell]]) -> BatchFiles:
    """CPU-bound for big batches: callers run it in a worker thread."""
    # Russian like the files themselves: they go to the regulator whoever sends them.
    stem = f"кибернадзор_пакет_{batch.id}_{to_almaty(batch.created_at):%Y-%m-%d}"
    return BatchFiles(
        csv_name=f"{stem}.csv",
        csv_data=to_csv(HEADER, rows),
        xlsx_name=f"{stem}.xlsx",
        xlsx_data=to_xlsx(HEADER, rows, title=f"Пакет {batch.id}"),
    )


async def complete_batch(
    session: AsyncSession,
    *,
    opened: OpenBatch,
    actor_id: int,
    csv_file_id: str,
    xlsx_file_id: str,
) -> lifecycle.TransitionResult:
    """Both files were delivered: the reports become sent and the batch is recorded, at once."""
    batch_id = saved_id(opened.batch)
    result = await lifecycle.change_status(
        session,
        report_ids=opened.report_ids,
        to=ReportStatus.SENT,
        actor_id=actor_id,
        why=lifecycle.Why(NoteCode.BATCH, ref_id=batch_id),
        batch_id=batch_id,
        commit=False,
    )
    batch = await session.get(Batch, batch_id)
    if batch is None:  # deleted under us: nothing may be marked sent without its batch
        await session.rollback()
        return lifecycle.TransitionResult(refused=result.refused)
    batch.csv_file_id = csv_file_id
    batch.xlsx_file_id = xlsx_file_id
    batch.report_count = len(result.changed)
    session.add(batch)
    await session.commit()
    return result


async def abandon_batch(session: AsyncSession, *, opened: OpenBatch, actor_id: int) -> None:
    """Delivery failed: no batch, no change, and the reports are free for the next /batch.

    Rolls back first (the failure may have been the database's), which expires loaded objects.
    """
    batch_id = opened.batch.id
    await session.rollback()
    await session.exec(
        update(Report)
        .where(col(Report.id).in_(opened.report_ids), col(Report.claimed_by_id) == actor_id)
        .values(claimed_by_id=None, claimed_until=None)
    )
    await session.exec(delete(Batch).where(col(Batch.id) == batch_id))
    await session.commit()


@dataclass(frozen=True, slots=True)
class VoidedBatch:
    batch_id: int
    moderator: Volunteer


async def void_unfinished(
    session: AsyncSession, *, opened_before: datetime | None = None
) -> list[VoidedBatch]:
    """Void every reservation a stopped process left behind and release its claims.

    Called at start-up of the one process (`--role all`), when no batch of this process can be
    under way. Without it the dead process's claims kept every ready report from /batch for 15
    minutes ("Nothing to send"). Nothing of such a batch was marked sent, so files delivered
    before the crash are void. With several processes another one may be delivering a batch
    right now: the worker voids only batches opened before `opened_before` (a claim's time
    ago, when their claims have lapsed anyway).
    """
    now = utcnow()
    query = (
        select(Batch, Volunteer)
        .join(Volunteer, col(Volunteer.id) == col(Batch.created_by_id))
        .where(col(Batch.csv_file_id).is_(None), col(Batch.voided_at).is_(None))
        .order_by(col(Batch.id))
    )
    if opened_before is not None:
        query = query.where(col(Batch.created_at) < opened_before)
    rows = await session.exec(query)
    voided = [VoidedBatch(saved_id(batch), moderator) for batch, moderator in rows.all()]
    for item in voided:
        await session.exec(
            update(Report)
            .where(
                col(Report.status).in_(READY),
                col(Report.kind) != TargetKind.GRAFFITI,
                col(Report.claimed_by_id) == item.moderator.id,
            )
            .values(claimed_by_id=None, claimed_until=None)
        )
        await session.exec(
            update(Batch).where(col(Batch.id) == item.batch_id).values(voided_at=now)
        )
    await session.commit()
    return voided


@dataclass(frozen=True, slots=True)
class BatchSummary:
    batch: Batch
    moderator: Volunteer


async def recent_batches(session: AsyncSession, *, limit: int = 20) -> list[BatchSummary]:
    statement = (
        select(Batch, Volunteer)
        .join(Volunteer, col(Volunteer.id) == col(Batch.created_by_id))
        .where(col(Batch.csv_file_id).is_not(None))
        .order_by(col(Batch.id).desc())
        .limit(limit)
    )
    return [BatchSummary(batch, moderator) for batch, moderator in await session.exec(statement)]


async def delivered_batch(session: AsyncSession, batch_id: int) -> Batch | None:
    if not lifecycle.valid_id(batch_id):
        return None
    batch = await session.get(Batch, batch_id)
    return batch if batch is not None and batch.csv_file_id is not None else None
