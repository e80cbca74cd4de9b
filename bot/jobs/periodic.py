"""Every periodic job of the bot, declared in one place: add a new one here.

`python -m bot` declares them on the runner, starts the runner with the bot, and stops it (one
stop cancels every loop and one-off job) when polling or the webhook ends.
"""

import asyncio

from aiogram import Bot
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.jobs.broadcast import BroadcastRunner
from bot.jobs.digest import BulkMessages, weekly_digest
from bot.jobs.evidence import evidence_job
from bot.jobs.graffiti import graffiti_finisher
from bot.jobs.mod_summary import ModeratorSummary
from bot.jobs.notices import NoticeDrainer
from bot.jobs.rechecks import Rechecks
from bot.jobs.runner import JobRunner
from bot.jobs.staff_jobs import StaffJobs
from services.graffiti.options import GraffitiOptions
from services.graffiti.photo_index import PhashIndex
from services.pacing import PacedSender
from services.probe.results import Checker


def declare_jobs(
    runner: JobRunner,
    *,
    bot: Bot,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    sender: PacedSender,
    i18n: I18n,
    notice_wakeup: asyncio.Event,
    moderation_chat_id: int | None,
    graffiti_options: GraffitiOptions,
    phash_index: PhashIndex,
    storage: BaseStorage,
    bulk: BulkMessages,
    checker: Checker | None = None,
    evidence_wakeup: asyncio.Event | None = None,
    broadcasts: BroadcastRunner | None = None,
) -> None:
    """`checker` looks at web and Telegram targets (e.g. services/probe/rechecks.ByKind of
    both); without one, or with `[probe] enabled = false`, no rechecks are scheduled and no
    evidence is collected. Intake sets `evidence_wakeup` when it saved new links. With
    `broadcasts`, the staff-jobs poll (bot/jobs/staff_jobs.py) sends broadcasts and posts
    /digest_now requests that web processes left in the database, and resumes them."""
    if broadcasts is not None:
        staff = StaffJobs(
            bot=bot,
            runner=runner,
            session_maker=session_maker,
            broadcasts=broadcasts,
            bulk=bulk,
            i18n=i18n,
            interval=settings.worker.poll_seconds,
        )
        runner.add(staff.job())
    runner.add(
        NoticeDrainer(
            bot=bot, session_maker=session_maker, sender=sender, i18n=i18n, wakeup=notice_wakeup
        ).job()
    )
    if moderation_chat_id is not None:
        summary = ModeratorSummary(
            bot=bot,
            session_maker=session_maker,
            sender=sender,
            i18n=i18n,
            chat_id=moderation_chat_id,
        )
        runner.add(summary.job())
    runner.add(
        graffiti_finisher(
            bot=bot,
            session_maker=session_maker,
            i18n=i18n,
            options=graffiti_options,
            index=phash_index,
            sender=sender,
            storage=storage,
        )
    )
    runner.add(weekly_digest(bot=bot, bulk=bulk, settings=settings))
    probe = settings.probe.options()
    if checker is not None and probe.enabled:
        rechecks = Rechecks(
            bot=bot,
            session_maker=session_maker,
            sender=sender,
            i18n=i18n,
            checker=checker,
            options=probe,
            admin_ids=settings.access.admins,
            moderation_chat_id=moderation_chat_id,
        )
        runner.add(rechecks.job())
        runner.add(
            evidence_job(
                session_maker=session_maker,
                checker=checker,
                options=probe,
                wakeup=evidence_wakeup or asyncio.Event(),
            )
        )
