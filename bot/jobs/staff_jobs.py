"""Staff one-off jobs left in the database, carried out by the process doing background work.

A `--role web` process sends no bulk messages: a broadcast an administrator started stays in
state SENDING, and /digest_now leaves a request row (services/digest/requests.py). This job
looks for both every `[worker] poll_seconds` (and once at start, which also resumes what a
stopped process left half-done) and spawns each on the job runner, so a long broadcast never
holds the job's loop. A broadcast already being sent here, or a request already being posted,
is not started twice; every run asks the database what is left, so a worker that died midway
is followed by one that sends the rest and nothing twice.
"""

import logging
from contextlib import suppress
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.jobs.broadcast import BroadcastRunner
from bot.jobs.digest import BulkMessages
from bot.jobs.runner import JobRunner, Periodic
from bot.jobs.schedules import Every
from models.base import saved_id
from services import broadcast as broadcasts
from services.digest import requests as digest_requests
from services.digest.requests import DigestRequest
from views.digest import run_report_text

logger = logging.getLogger(__name__)


class StaffJobs:
    def __init__(
        self,
        *,
        bot: Bot,
        runner: JobRunner,
        session_maker: async_sessionmaker[AsyncSession],
        broadcasts: BroadcastRunner,
        bulk: BulkMessages,
        i18n: I18n,
        interval: float,
    ) -> None:
        self.bot, self.runner, self.session_maker = bot, runner, session_maker
        self.broadcasts, self.bulk, self.i18n = broadcasts, bulk, i18n
        self.interval = interval
        self._posting: set[int] = set()  # digest requests being carried out here

    async def poll_once(self) -> int:
        """Spawn what is waiting and not already under way here; returns how many."""
        async with self.session_maker() as session:
            sending = [saved_id(b) for b in await broadcasts.unfinished(session)]
            requests = await digest_requests.pending(session)
        spawned = 0
        for broadcast_id in sending:
            if not self.broadcasts.is_running(broadcast_id):
                logger.info("sending broadcast %s", broadcast_id)
                self.runner.spawn(
                    self.broadcasts.run(bot=self.bot, broadcast_id=broadcast_id),
                    name="broadcast",
                )
                spawned += 1
        for request in requests:
            if request.id not in self._posting:
                self._posting.add(request.id)
                self.runner.spawn(self._post_digest(request), name=f"digest {request.week.key}")
                spawned += 1
        return spawned

    async def _post_digest(self, request: DigestRequest) -> None:
        try:
            report = await self.bulk.run_digest(bot=self.bot, week=request.week)
            with self.i18n.context(), self.i18n.use_locale(request.locale):
                text = run_report_text(report)
            # A courtesy: the digest is posted whatever becomes of this answer.
            with suppress(TelegramAPIError):
                await self.bot.send_message(chat_id=request.chat_id, text=text)
            async with self.session_maker() as session:
                await digest_requests.done(session, request_id=request.id)
        finally:
            self._posting.discard(request.id)

    def job(self) -> Periodic:
        async def run(_now: datetime) -> int:
            return await self.poll_once()

        return Periodic("staff-jobs", run, Every(self.interval))
