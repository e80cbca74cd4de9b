"""/digest_now asked in a `--role web` process: a request row the worker carries out.

A web process sends no bulk messages, so /digest_now leaves a request in the database and the
active worker (bot/jobs/staff_jobs.py) posts the digest within `[worker] poll_seconds`, then
tells the staff member in their chat and language and deletes the request. The request is
deleted only after the run, so a worker that dies mid-digest leaves it for the next one, whose
run skips everyone the digest's delivery rows already name.

The request is a row of bot_fact (key `digest_now:<week>:<chat id>:<locale>`, `at` when it was
asked) rather than a table of its own: it needs nothing else, and the same request asked twice
(a double tap, an update delivered again) is one row.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.bot_facts import BotFact
from models.upsert import insert_ignore
from services.weeks import Week

PREFIX = "digest_now:"


@dataclass(frozen=True, slots=True)
class DigestRequest:
    id: int
    week: Week
    chat_id: int
    locale: str


async def ask(
    session: AsyncSession, *, week: Week, chat_id: int, locale: str, now: datetime
) -> None:
    key = f"{PREFIX}{week.key}:{chat_id}:{locale}"
    await insert_ignore(session, BotFact, {"key": key, "at": now}, ["key"])
    await session.commit()


async def pending(session: AsyncSession) -> list[DigestRequest]:
    rows = await session.exec(
        select(BotFact.id, BotFact.key)
        .where(col(BotFact.key).startswith(PREFIX))
        .order_by(col(BotFact.id))
    )
    requests = []
    for row_id, key in rows.all():
        week, chat_id, locale = key.removeprefix(PREFIX).split(":")
        requests.append(DigestRequest(row_id or 0, Week.parse(week), int(chat_id), locale))
    return requests


async def done(session: AsyncSession, *, request_id: int) -> None:
    await session.exec(delete(BotFact).where(col(BotFact.id) == request_id))
    await session.commit()
