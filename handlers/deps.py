"""What handlers receive from the process besides the update: one typed object, `deps`.

aiogram hands every handler and filter the Dispatcher's workflow data by keyword; loose keys
were typed at each use and failed silently when misspelt (a filter with `admin_ids=()` as its
default would have made nobody an administrator). Handlers take `deps: Deps` instead.
bot/factory.py builds it; background objects that live in bot/ (the job runner, the digest and
broadcast senders) appear here as protocols, because handlers may not import bot/.
"""

import asyncio
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from aiogram import Bot

from models.sqlite_writer import SqliteWriter
from services.answer_cache import AnswerCache
from services.digest.deliveries import DigestRunReport
from services.graffiti.options import GraffitiOptions
from services.graffiti.photo_index import PhashIndex
from services.heavy_reads import HeavyReads
from services.probe.check_lines import CheckLine
from services.probe.options import ProbeOptions
from services.senior_agreement import SeniorRule
from services.standing import Standing
from services.tallies import PointWeights
from services.weeks import Week


class JobSpawner(Protocol):
    """bot.jobs.runner.JobRunner: one-off staff jobs (/digest_now, /broadcast) run on it."""

    def spawn(self, job: Coroutine[Any, Any, None], *, name: str) -> None: ...


class DigestPoster(Protocol):
    """bot.jobs.digest.BulkMessages."""

    async def run_digest(self, *, bot: Bot, week: Week) -> DigestRunReport: ...


class BroadcastSender(Protocol):
    """bot.jobs.broadcast.BroadcastRunner."""

    async def run(self, *, bot: Bot, broadcast_id: int) -> None: ...


class WorkPlace(Protocol):
    """bot.roles.WorkHere: whether this process does the background work right now.

    True in `--role all` while it holds the worker lock (always, on SQLite): staff one-off jobs
    are spawned here at once. False in `--role web`, or while standing by: the job is left in
    the database (a broadcast in state SENDING, a /digest_now request) and the active worker
    carries it out within `[worker] poll_seconds`."""

    @property
    def active(self) -> bool: ...


class ProbeAccess(Protocol):
    """bot.probe_hub.ProbeHub: the checks of forwarded targets, for /recheck and intake."""

    options: ProbeOptions
    evidence_wakeup: asyncio.Event

    def first_request(self, chat_id: int, message_id: int) -> bool: ...

    async def recheck(
        self, bot: Bot, report_ids: Sequence[int]
    ) -> tuple[list[CheckLine], list[int]]: ...


@dataclass(frozen=True, kw_only=True)
class Deps:
    admin_ids: frozenset[int]
    # The configured moderators' group, where staff commands that name no volunteer work too.
    moderation_chat_id: int | None
    max_links_per_message: int
    # How long a moderator holds a queue card before another may take it.
    claim_minutes: int
    # `[seniors]`: when a senior volunteer's votes stop counting.
    senior_rule: SeniorRule = field(default_factory=SeniorRule)
    point_weights: PointWeights
    graffiti_options: GraffitiOptions
    # One per process; it catches up with the database before each match, so it sees the
    # photos every process saved (services/graffiti/photo_index.py).
    phash_index: PhashIndex
    jobs: JobSpawner
    # Whether staff one-off jobs (/broadcast, /digest_now) run in this process or the worker's.
    work_here: WorkPlace
    digests: DigestPoster
    broadcasts: BroadcastSender
    # Statistics, leaderboards, the digest preview and exports read through this, on their own
    # small connection budget, never on the connections intake needs (services/heavy_reads.py).
    heavy_reads: HeavyReads
    # /stats answers per volunteer, kept STATS_TTL (bot/factory.py): a repeated /stats is free.
    stats_cache: AnswerCache[int, Standing]
    # SQLite: intake's own write connection (models/sqlite_writer.py); None elsewhere.
    sqlite_writer: SqliteWriter | None = None
    # The SQLite database file /backup copies; None on PostgreSQL or in memory.
    database_file: Path | None = None
    # None when `[probe] enabled = false`.
    probe: ProbeAccess | None = None
