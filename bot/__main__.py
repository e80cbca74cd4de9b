"""`python -m bot --config PATH`: run the bot (long polling, or a webhook if configured)."""

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.background import start_background, stop_background
from bot.commands import register_commands
from bot.config import ConfigError, Settings, load_settings
from bot.digest_tasks import start_digest_scheduler
from bot.factory import create_bot, create_dispatcher
from bot.graffiti_tasks import start_graffiti_tasks, stop_graffiti_tasks
from bot.i18n import create_i18n
from bot.log_redaction import install_log_redaction, redact
from bot.startup_check import StartupCheckError, check_bot_api
from bot.webhook import serve_webhook
from models.engine import create_engine, create_schema, create_session_maker
from services.clock import utcnow
from services.first_start import record_first_start

logger = logging.getLogger("bot")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--config", type=Path, default=None, help="TOML file (default: config.toml if present)"
    )
    return parser.parse_args(argv)


async def run(settings: Settings) -> None:
    engine = create_engine(settings.database.url)
    try:
        await create_schema(engine)
        i18n = create_i18n()
        bot = create_bot(settings)
        session_maker = create_session_maker(engine)
        async with session_maker() as session:
            await record_first_start(session, now=utcnow())
        dispatcher = create_dispatcher(settings=settings, session_maker=session_maker, i18n=i18n)
        async with bot:
            await check_bot_api(bot, settings)
            await register_commands(bot, i18n, settings.access.admins, session_maker)
            background = start_background(
                bot=bot,
                session_maker=session_maker,
                sender=dispatcher["sender"],
                i18n=i18n,
                notice_wakeup=dispatcher["notice_wakeup"],
                moderation_chat_id=settings.moderation.chat_id,
            )
            graffiti_task = start_graffiti_tasks(
                bot=bot,
                session_maker=session_maker,
                i18n=i18n,
                options=dispatcher["graffiti_options"],
                index=dispatcher["phash_index"],
                sender=dispatcher["sender"],
                storage=dispatcher.storage,
            )
            # Stopped with the rest of the background tasks.
            background.append(
                start_digest_scheduler(bot=bot, bulk=dispatcher["bulk"], settings=settings)
            )
            # A broadcast the last process left half-sent goes on to the volunteers still waiting.
            dispatcher["jobs"].spawn(dispatcher["broadcasts"].resume(bot=bot), name="broadcast")
            try:
                if settings.webhook.url:
                    await serve_webhook(dispatcher, bot, settings.webhook)
                else:
                    # A webhook left from an earlier run would make Telegram refuse polling.
                    await bot.delete_webhook()
                    # aiogram's polling handles SIGINT/SIGTERM and stops cleanly on them.
                    await dispatcher.start_polling(
                        bot, handle_signals=True, close_bot_session=False
                    )
            finally:
                await dispatcher["jobs"].stop()
                await stop_graffiti_tasks(graffiti_task)
                await stop_background(background)
                await dispatcher.storage.close()
                await dispatcher.fsm.events_isolation.close()
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
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
    try:
        asyncio.run(run(settings))
    except StartupCheckError as error:
        sys.stderr.write(f"{redact(error.line)}\n")
        return error.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
