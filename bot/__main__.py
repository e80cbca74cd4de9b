"""`python -m bot --config PATH [--role all|web|worker]`: run the bot (long polling, or a webhook
if configured).

Roles (bot/roles.py). `all` (the default) does everything in one process, as SQLite requires.
`web` handles updates (polling or the webhook) and serves /healthz and /metrics: no periodic
job, no bulk send, and /healthz reports its jobs "off". `worker` does the background work (the
periodic jobs, broadcasts, /digest_now requests, the paced bulk sender) and serves /healthz
and /metrics; it takes no updates and runs until SIGTERM/SIGINT. Run any number of `web`
processes beside one or more `worker`s, on PostgreSQL only: `--role web|worker` on SQLite is a
configuration error (exit 2).

On PostgreSQL, `worker` and `all` work only while holding the worker lock, a session-level
advisory lock on a connection of their own (bot/worker_lock.py). Another one stands by, says
so in one log line ("standing by: …"), asks again every `[worker] standby_retry_seconds`, and
takes over when the holder's connection ends (it stopped or died). /healthz of a standby
reports its jobs "standby" (healthy). A holder whose lock connection is lost stops every job at
once and stands by again (it does not exit). A `web` process leaves staff one-off jobs in the
database: a started broadcast stays in state "sending", /digest_now writes a request row; the
worker looks for both every `[worker] poll_seconds` (at once in `all`). Notices are Notice rows
the worker's drainer reads every two seconds, whichever process wrote them; the evidence of new
web links, which a web process cannot wake, is looked at within its minute's poll. /metrics
has `cvbot_background_active` (1 while the process runs the jobs). A `/batch` left unfinished
is voided at the start of `all`; beside web processes the worker voids only those opened more
than 15 minutes ago (bot/batch_recovery.py). Web and worker without `redis.url` say in one line
that conversations and throttle counts stay in the process.

What one lock cannot prevent: when a holder's connection is cut while the holder lives (a
network fault), PostgreSQL frees the lock at once but the holder notices only at its next
check; for up to `standby_retry_seconds` two workers may work, and a message may be sent twice
(the delivery rows keep the rest single).

On SQLite, `run` holds an exclusive lock on `<database file>.lock` (bot/single_process.py): a
second process on the same database refuses to start with one line `database error: another
bot process is using the database …` and exit 5.

`python -m bot migrate --config PATH`: upgrade the database to the newest schema and exit.

`python -m bot rebuild-tallies --config PATH`: recompute the kept tallies from history and exit.

`python -m bot backup FILE --config PATH`: write a consistent copy of the SQLite database to FILE,
also while the bot runs; `python -m bot restore FILE --config PATH`: copy a backup into the
configured database file, which must not exist yet (README, Backups).
"""

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiohttp import web
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.batch_recovery import recover_batches, stale_batches_job
from bot.commands import register_commands
from bot.config import ConfigError, Settings, load_settings
from bot.data_folder import database_folder_problem
from bot.factory import background_of, create_bot, create_dispatcher, deps_of
from bot.i18n import create_i18n
from bot.jobs.digest import weights_of
from bot.jobs.periodic import declare_jobs
from bot.log_redaction import install_log_redaction, redact
from bot.ops.json_logs import use_log_format
from bot.ops.server import ops_routes, serving_ops
from bot.roles import BackgroundWork, Role, doing, until_stopped
from bot.single_process import AlreadyRunningError, hold_single_process_lock
from bot.startup_check import StartupCheckError, check_bot_api
from bot.webhook import serve_webhook
from bot.worker_lock import WorkerLock
from models.backup import BackupError, restore, snapshot, sqlite_file, table_counts
from models.engine import create_engine, create_read_engine, create_session_maker
from models.migrate import MigrationError, ensure_at_head, upgrade_to_head
from services import kept_points, kept_tallies
from services.clock import utcnow
from services.first_start import record_first_start
from services.tallies import PointWeights

logger = logging.getLogger("bot")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        choices=["run", "migrate", "rebuild-tallies", "backup", "restore"],
        default="run",
        help="run the bot (default); upgrade the database to the newest schema and exit;"
        " recompute the kept tallies (table tally_day) from history and exit; or back up or"
        " restore the SQLite database",
    )
    parser.add_argument("file", nargs="?", type=Path, help="the backup file (backup, restore)")
    parser.add_argument(
        "--role",
        choices=[role.value for role in Role],
        default=Role.ALL.value,
        help="run: all (default) does everything; web only takes updates; worker only does the"
        " background work (PostgreSQL only for web and worker)",
    )
    parser.add_argument(
        "--config", type=Path, default=None, help="TOML file (default: config.toml if present)"
    )
    return parser.parse_args(argv)


async def prepare_database(settings: Settings) -> None:
    """Migrate at start-up (under the migration lock) unless database.auto_migrate is off."""
    if settings.database.auto_migrate:
        await upgrade_to_head(settings.database.url)
    else:
        await ensure_at_head(settings.database.url)


async def keep_points_for(session: AsyncSession, weights: PointWeights) -> None:
    """Kept points follow the configured weights: recomputed once when they changed."""
    if await kept_points.use_weights(session, weights):
        logger.info("point weights changed: kept points recomputed for %s", weights)
    await session.commit()


async def rebuild_tallies(settings: Settings) -> int:
    """Recompute table tally_day in one transaction; returns how many volunteer-days it has."""
    await prepare_database(settings)
    engine = create_engine(settings.database.url)
    try:
        session_maker = create_session_maker(engine)
        async with session_maker() as session:
            await keep_points_for(session, weights_of(settings))
        return await rebuild_tallies_in(session_maker)
    finally:
        await engine.dispose()


async def rebuild_tallies_in(session_maker: async_sessionmaker[AsyncSession]) -> int:
    async with session_maker() as session:
        days = await kept_tallies.rebuild(session)
        await session.commit()
    logger.info("tallies rebuilt from history: %s volunteer-days", days)
    return days


async def run(settings: Settings, role: Role = Role.ALL) -> None:
    if role is not Role.ALL and not settings.redis.url:
        logger.warning(
            "--role %s without redis.url: conversations and throttle counts stay in this"
            " process; set redis.url when several processes take updates",
            role,
        )
    engine = create_engine(settings.database.url)
    read_engine = create_read_engine(settings.database.url)
    try:
        i18n = create_i18n()
        bot = create_bot(settings)
        try:
            # The Bot API first: a wrong token or no network stops the start in one line,
            # before the schema is touched.
            await check_bot_api(bot, settings)
        except StartupCheckError:
            await bot.session.close()
            raise
        await prepare_database(settings)
        session_maker = create_session_maker(engine)
        async with session_maker() as session:
            await record_first_start(session, now=utcnow())
            await keep_points_for(session, weights_of(settings))
        dispatcher = create_dispatcher(
            settings=settings,
            session_maker=session_maker,
            i18n=i18n,
            read_session_maker=create_session_maker(read_engine) if read_engine else None,
        )
        async with bot:
            if role is Role.ALL:
                # Only where no other process can be in the middle of a /batch.
                await recover_batches(bot, session_maker, i18n)
            if role.takes_updates:
                await register_commands(bot, i18n, settings.access.admins, session_maker)
            background = background_of(dispatcher)
            background.here.active = False  # until the background work starts (if it does)
            work = (
                background_work(dispatcher, bot, settings, role) if role.does_background else None
            )
            # What start-up built (modules, aiogram's types, catalogs) lives as long as the
            # process: frozen, full collections no longer walk it, and their pauses of the
            # event loop shrink (a third of a second to a tenth in bench/bench_load.py).
            gc.freeze()
            ops = ops_routes(
                settings,
                session_maker=session_maker,
                jobs=background.jobs,
                metrics=background.metrics,
                storage=dispatcher.storage,
            )
            try:
                async with (
                    serving_ops(ops, settings, takes_updates=role.takes_updates),
                    doing(work) as working,
                ):
                    if role.takes_updates:
                        await serve_updates(dispatcher, bot, settings, ops.register)
                    else:
                        await until_stopped(working)
            finally:
                # One-off jobs a web process's handlers spawned (/recheck) end here too.
                await background.jobs.stop()
                if background.probe is not None:
                    await background.probe.aclose()
                await dispatcher.storage.close()
                await dispatcher.fsm.events_isolation.close()
    finally:
        if read_engine is not None:
            await read_engine.dispose()
        await engine.dispose()


def background_work(
    dispatcher: Dispatcher, bot: Bot, settings: Settings, role: Role
) -> BackgroundWork:
    """Every periodic job declared on the runner, started when this process may work: at once
    on SQLite, once it holds the worker lock on PostgreSQL."""
    background, deps = background_of(dispatcher), deps_of(dispatcher)
    declare_jobs(
        background.jobs,
        bot=bot,
        settings=settings,
        session_maker=background.session_maker,
        sender=background.sender,
        i18n=background.i18n,
        notice_wakeup=background.notice_wakeup,
        moderation_chat_id=settings.moderation.chat_id,
        graffiti_options=deps.graffiti_options,
        phash_index=deps.phash_index,
        storage=dispatcher.storage,
        bulk=background.bulk,
        checker=background.probe.checker(bot) if background.probe else None,
        evidence_wakeup=background.probe.evidence_wakeup if background.probe else None,
        broadcasts=background.broadcasts,
    )
    if role is Role.WORKER:
        # `all` voids them all at its start; beside web processes only the stale ones.
        background.jobs.add(
            stale_batches_job(
                bot=bot, session_maker=background.session_maker, i18n=background.i18n
            )
        )
    lock = None
    if make_url(settings.database.url).get_backend_name() == "postgresql":
        lock = WorkerLock(
            settings.database.url, retry_seconds=settings.worker.standby_retry_seconds
        )
    return BackgroundWork(runner=background.jobs, here=background.here, lock=lock)


async def serve_updates(
    dispatcher: Dispatcher,
    bot: Bot,
    settings: Settings,
    add_ops: Callable[[web.Application], None],
) -> None:
    """Until SIGTERM or SIGINT: the webhook (with /healthz and /metrics), or long polling."""
    if settings.webhook.url:
        await serve_webhook(dispatcher, bot, settings.webhook, add_routes=[add_ops])
        return
    # A webhook left from an earlier run would make Telegram refuse polling.
    await bot.delete_webhook()
    # aiogram's polling handles SIGINT/SIGTERM and stops cleanly on them.
    await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=False)


def backup_or_restore(command: str, file: Path | None, settings: Settings) -> int:
    """Exit 0 with one line saying what was written, or 6 with one line saying why not."""
    if file is None:
        sys.stderr.write(f"{command}: name the backup file, e.g. python -m bot {command} FILE\n")
        return 2
    try:
        database = sqlite_file(settings.database.url)
        if command == "backup":
            size = snapshot(database, file)
            written, counts = file, table_counts(file)
        else:
            size = restore(file, database)
            written, counts = database, table_counts(database)
    except (BackupError, OSError) as error:
        sys.stderr.write(f"{command} error: {error}\n")
        return 6
    reports, volunteers = counts.get("report", 0), counts.get("volunteer", 0)
    sys.stdout.write(
        f"{command}: wrote {written} ({size} bytes; {reports} reports, {volunteers} volunteers)\n"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiogram logs a line for every update handled; at a city's volume that is most of the
    # log and a tenth of a link's CPU. Failures are still logged (as errors).
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    install_log_redaction()
    args = parse_args(argv)
    try:
        if args.config is None:
            settings = load_settings(Path("config.toml"))
        else:
            settings = load_settings(args.config, require_file=True)
    except ConfigError as error:
        sys.stderr.write(f"configuration error: {error}\n")
        return 2
    use_log_format(settings.logging.format)
    if args.command in ("backup", "restore"):
        return backup_or_restore(args.command, args.file, settings)
    problem = database_folder_problem(settings.database.url)
    if problem is not None:
        sys.stderr.write(f"database error: {problem}\n")
        return 5
    role = Role(args.role)
    if args.command != "run":
        return run_command(args.command, settings, role)
    if role is not Role.ALL and make_url(settings.database.url).get_backend_name() == "sqlite":
        sys.stderr.write(
            f"configuration error: --role {role} needs PostgreSQL (database.url): on SQLite"
            " one process does everything, run it without --role\n"
        )
        return 2
    try:
        single_process = hold_single_process_lock(settings.database.url)
    except AlreadyRunningError as error:
        sys.stderr.write(f"database error: {error}\n")
        return 5
    try:
        return run_command(args.command, settings, role)
    finally:
        if single_process is not None:
            single_process.close()


def run_command(command: str, settings: Settings, role: Role) -> int:
    """run, migrate or rebuild-tallies: 0, or the exit code of the one line written."""
    try:
        if command == "migrate":
            asyncio.run(upgrade_to_head(settings.database.url))
        elif command == "rebuild-tallies":
            asyncio.run(rebuild_tallies(settings))
        else:
            asyncio.run(run(settings, role))
    except MigrationError as error:
        sys.stderr.write(f"database migration error: {error}\n")
        return 5
    except (OSError, DBAPIError) as error:
        if command != "migrate":
            raise
        # One line, without the URL (it may hold a password).
        first_line = (str(error).splitlines() or [""])[0]
        sys.stderr.write(f"database migration error: {type(error).__name__}: {first_line}\n")
        return 5
    except StartupCheckError as error:
        sys.stderr.write(f"{redact(error.line)}\n")
        return error.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
