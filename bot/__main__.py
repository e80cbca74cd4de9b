"""`python -m bot --config PATH`: run the bot (long polling, or a webhook if configured).

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
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.batch_recovery import recover_batches
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
from bot.startup_check import StartupCheckError, check_bot_api
from bot.webhook import serve_webhook
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


async def run(settings: Settings) -> None:
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
            await recover_batches(bot, session_maker, i18n)
            await register_commands(bot, i18n, settings.access.admins, session_maker)
            background, deps = background_of(dispatcher), deps_of(dispatcher)
            runner = background.jobs
            declare_jobs(
                runner,
                bot=bot,
                settings=settings,
                session_maker=session_maker,
                sender=background.sender,
                i18n=i18n,
                notice_wakeup=background.notice_wakeup,
                moderation_chat_id=settings.moderation.chat_id,
                graffiti_options=deps.graffiti_options,
                phash_index=deps.phash_index,
                storage=dispatcher.storage,
                bulk=background.bulk,
                checker=background.probe.checker(bot) if background.probe else None,
                evidence_wakeup=background.probe.evidence_wakeup if background.probe else None,
            )
            runner.start()
            # What start-up built (modules, aiogram's types, catalogs) lives as long as the
            # process: frozen, full collections no longer walk it, and their pauses of the
            # event loop shrink (a third of a second to a tenth in bench/bench_load.py).
            gc.freeze()
            # A broadcast the last process left half-sent goes on to the volunteers still waiting.
            runner.spawn(background.broadcasts.resume(bot=bot), name="broadcast")
            ops = ops_routes(
                settings,
                session_maker=session_maker,
                jobs=runner,
                metrics=background.metrics,
                storage=dispatcher.storage,
            )
            try:
                async with serving_ops(ops, settings):
                    await serve_updates(dispatcher, bot, settings, ops.register)
            finally:
                await runner.stop()
                if background.probe is not None:
                    await background.probe.aclose()
                await dispatcher.storage.close()
                await dispatcher.fsm.events_isolation.close()
    finally:
        if read_engine is not None:
            await read_engine.dispose()
        await engine.dispose()


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
    try:
        if args.command == "migrate":
            asyncio.run(upgrade_to_head(settings.database.url))
        elif args.command == "rebuild-tallies":
            asyncio.run(rebuild_tallies(settings))
        else:
            asyncio.run(run(settings))
    except MigrationError as error:
        sys.stderr.write(f"database migration error: {error}\n")
        return 5
    except (OSError, DBAPIError) as error:
        if args.command != "migrate":
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
