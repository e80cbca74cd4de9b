"""Webhook mode: Telegram posts updates to `[webhook] url`; this process serves them.

A reverse proxy (nginx, Caddy…) terminates HTTPS at the public URL and forwards to
`listen:port` with the same path. Every request must carry the configured secret.
"""

import asyncio
import logging
import signal

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from yarl import URL

from bot.config import WebhookSettings

logger = logging.getLogger(__name__)


async def _health(_request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def serve_webhook(dispatcher: Dispatcher, bot: Bot, settings: WebhookSettings) -> None:
    """Serve until SIGTERM or SIGINT, then stop taking updates and return."""
    path = URL(settings.url).path or "/"
    app = web.Application()
    SimpleRequestHandler(
        dispatcher=dispatcher,
        bot=bot,
        secret_token=settings.secret.get_secret_value(),
        handle_in_background=True,
    ).register(app, path=path)
    app.router.add_get("/healthz", _health)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    try:
        await web.TCPSite(runner, settings.listen, settings.port).start()
        await bot.set_webhook(
            settings.url,
            secret_token=settings.secret.get_secret_value(),
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
        logger.info("serving the webhook %s on %s:%s", path, settings.listen, settings.port)
        await stop.wait()
    finally:
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signal_number)
        # Updates already taken are finished by the request handler's shutdown hook.
        await runner.cleanup()
