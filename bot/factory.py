"""The one place that assembles the bot: production and tests build it the same way."""

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.jobs.broadcast import BroadcastRunner
from bot.jobs.digest import BulkMessages, weights_of
from bot.jobs.graffiti import graffiti_options
from bot.jobs.runner import JobRunner
from bot.middlewares.db import DbSessionMiddleware
from bot.middlewares.locale import LocaleMiddleware
from bot.middlewares.throttle import ThrottleMiddleware
from bot.middlewares.volunteer import VolunteerMiddleware
from bot.ops.metrics import Metrics, UpdateMetrics
from bot.probe_hub import ProbeHub
from bot.response_models import KeepResponseModels
from bot.roles import WorkHere
from bot.storage import create_fsm_storage
from bot.telegram_retry import TelegramRetryMiddleware
from bot.throttle_store import create_throttle
from bot.unchanged_edits import UnchangedEditMiddleware
from handlers import build_routers
from handlers.deps import Deps
from handlers.message_links import message_links
from models.backup import BackupError, sqlite_file
from models.engine import HEAVY_READ_CONNECTIONS
from models.sqlite_writer import SqliteWriter
from services.answer_cache import AnswerCache
from services.graffiti.photo_index import PhashIndex
from services.heavy_reads import HeavyReads
from services.pacing import PacedSender
from services.photos.pixel_limit import configure_pillow
from services.senior_agreement import SeniorRule
from services.volunteer_cache import VolunteerCache

# A volunteer who repeats /stats within this gets the same answer without a query. Long enough
# to absorb the double taps and the "did it change?" of a crowd after the digest; short enough
# that a volunteer who just sent a link sees it counted on the next try.
STATS_TTL = timedelta(seconds=5)


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        session = AiohttpSession()
        if settings.telegram.api_base:
            session.api = TelegramAPIServer.from_base(settings.telegram.api_base)
    session.middleware(KeepResponseModels())
    session.middleware(TelegramRetryMiddleware())
    session.middleware(UnchangedEditMiddleware())
    return Bot(
        token=settings.telegram.token.get_secret_value(),
        session=session,
        # Previews would show volunteers the drug shops' own pages: never render them.
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


@dataclass(frozen=True, kw_only=True)
class Background:
    """The process's shared parts that live in bot/: bot/__main__.py declares the periodic jobs
    with them, and tests reach them through `background_of(dispatcher)`. Handlers get `Deps`."""

    settings: Settings
    session_maker: async_sessionmaker[AsyncSession]
    i18n: I18n
    # The one paced sender of the process: every bulk send shares its limits.
    sender: PacedSender
    # Set it after writing Notice rows to have the drainer deliver them at once.
    notice_wakeup: asyncio.Event
    # The one runner of background work: /digest_now and /broadcast spawn their jobs on it;
    # bot/__main__.py declares the periodic jobs and starts it.
    jobs: JobRunner
    # Whether this process does the background work now (bot/roles.py): True unless
    # `python -m bot` says otherwise (`--role web`, or standing by for the worker lock).
    here: WorkHere
    bulk: BulkMessages
    broadcasts: BroadcastRunner
    # Heavy reads' own connection budget (services/heavy_reads.py), shared with Deps.
    heavy_reads: HeavyReads
    # The checks of forwarded targets (bot/probe_hub.py), shared with Deps; None when
    # `[probe] enabled = false`.
    probe: ProbeHub | None = None
    # The process's Prometheus registry and counters (bot/ops/metrics.py).
    metrics: Metrics


def background_of(dispatcher: Dispatcher) -> Background:
    background = dispatcher["background"]
    assert isinstance(background, Background)
    return background


def deps_of(dispatcher: Dispatcher) -> Deps:
    deps = dispatcher["deps"]
    assert isinstance(deps, Deps)
    return deps


def create_background(
    *,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    sender: PacedSender | None = None,
    read_session_maker: async_sessionmaker[AsyncSession] | None = None,
) -> Background:
    sender = sender or PacedSender(rate_per_second=settings.sender.rate_per_second)
    jobs = JobRunner()
    metrics = Metrics(jobs=jobs, sender=sender)
    return Background(
        settings=settings,
        session_maker=session_maker,
        i18n=i18n,
        sender=sender,
        notice_wakeup=asyncio.Event(),
        jobs=jobs,
        here=WorkHere(),
        bulk=BulkMessages(
            settings=settings, session_maker=session_maker, i18n=i18n, sender=sender
        ),
        broadcasts=BroadcastRunner(session_maker=session_maker, i18n=i18n, sender=sender),
        heavy_reads=HeavyReads(
            read_session_maker or session_maker, at_once=HEAVY_READ_CONNECTIONS
        ),
        probe=ProbeHub(settings.probe.options(), session_maker, metrics=metrics)
        if settings.probe.enabled
        else None,
        metrics=metrics,
    )


def create_deps(settings: Settings, background: Background) -> Deps:
    return Deps(
        admin_ids=frozenset(settings.access.admins),
        moderation_chat_id=settings.moderation.chat_id,
        max_links_per_message=settings.intake.max_links_per_message,
        claim_minutes=settings.moderation.claim_minutes,
        senior_rule=SeniorRule(
            min_agreement=settings.seniors.min_agreement, min_decided=settings.seniors.min_decided
        ),
        point_weights=weights_of(settings),
        graffiti_options=graffiti_options(settings),
        phash_index=PhashIndex(),
        jobs=background.jobs,
        work_here=background.here,
        digests=background.bulk,
        broadcasts=background.broadcasts,
        heavy_reads=background.heavy_reads,
        stats_cache=AnswerCache(ttl=STATS_TTL),
        sqlite_writer=SqliteWriter.for_engine(background.session_maker.kw["bind"]),
        database_file=_database_file(settings.database.url),
        probe=background.probe,
    )


def _database_file(database_url: str) -> Path | None:
    try:
        return sqlite_file(database_url)
    except BackupError:
        return None


def create_dispatcher(
    *,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    sender: PacedSender | None = None,
    read_session_maker: async_sessionmaker[AsyncSession] | None = None,
) -> Dispatcher:
    """A dispatcher whose workflow data is `deps` (for handlers and filters) and `background`.

    `read_session_maker`: sessions of the read engine (models/engine.py `create_read_engine`)
    for heavy reads; without it they share `session_maker`, bounded all the same.
    """
    storage, events_isolation = create_fsm_storage(settings)
    configure_pillow(settings.graffiti.max_megapixels * 1_000_000)
    background = create_background(
        settings=settings,
        session_maker=session_maker,
        i18n=i18n,
        sender=sender,
        read_session_maker=read_session_maker,
    )
    dispatcher = Dispatcher(
        storage=storage,
        events_isolation=events_isolation,
        deps=create_deps(settings, background),
        background=background,
    )
    dispatcher.update.outer_middleware(UpdateMetrics(background.metrics))
    dispatcher.update.outer_middleware(DbSessionMiddleware(session_maker))
    # Registration must run before the locale middleware, which reads the volunteer's choice.
    volunteer_middleware = VolunteerMiddleware(
        moderation_chat_id=settings.moderation.chat_id,
        cache=VolunteerCache().watch(session_maker.kw["bind"]),
    )
    dispatcher.message.outer_middleware(volunteer_middleware)
    dispatcher.edited_message.outer_middleware(volunteer_middleware)
    dispatcher.callback_query.outer_middleware(volunteer_middleware)
    LocaleMiddleware(i18n).setup(dispatcher)
    # After both: it reads the sender's role, and its one notice is in their language.
    throttle_middleware = ThrottleMiddleware(
        create_throttle(settings, storage),
        admin_ids=frozenset(settings.access.admins),
        extract_links=message_links,
    )
    dispatcher.message.outer_middleware(throttle_middleware)
    dispatcher.edited_message.outer_middleware(throttle_middleware)
    dispatcher.include_routers(*build_routers())
    return dispatcher
