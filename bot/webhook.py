"""Webhook mode: Telegram posts updates to `[webhook] url`; this process serves them.

A reverse proxy (nginx, Caddy…) terminates HTTPS at the public URL and forwards to
`listen:port` with the same path. Every request must carry the configured secret.

Nothing is lost on a stop. An update is handled inside its request and answered 200 only once
its handling has ended: Telegram redelivers every update that was not answered 200, so the
answer is the receipt. (aiogram's SimpleRequestHandler with handle_in_background answers 200
first and handles afterwards; a stop in between lost about a quarter of 400 updates.)
Handling in the request costs nothing in throughput: Telegram keeps up to `max_connections`
requests open at once, and each holds only its own update.

On SIGTERM (or SIGINT) the server keeps listening but answers 503 to every new update, so
Telegram keeps it for later (for another instance, or for this one after its restart), while
the updates already taken finish, for at most `[webhook] drain_seconds`. Any still running then
is cancelled and answered 503 as well; processing is idempotent (a redelivered link does not
count twice), so a redelivery of an update cut half-way is harmless. Only then does the server
close. An update whose handler failed is answered 200 all the same, as in polling: the error is
logged, and a redelivery would fail again and hold up every later update.
"""

import asyncio
import contextlib
import hmac
import logging
import signal
from collections.abc import Callable, Iterable

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError
from yarl import URL

from bot.config import WebhookSettings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class UpdateIntake:
    """The webhook's request handler: handles each update in its request, drains on a stop."""

    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, *, secret: str, drain_seconds: float
    ) -> None:
        self._dispatcher = dispatcher
        self._bot = bot
        self._secret = secret
        self._drain_seconds = drain_seconds
        self._draining = False
        self._in_flight = 0
        # Set whenever no update is being handled.
        self._idle = asyncio.Event()
        self._idle.set()
        # Set when the drain's time is up: the handlers still running are cancelled.
        self._give_up = asyncio.Event()

    @property
    def draining(self) -> bool:
        return self._draining

    def register(self, app: web.Application, path: str) -> None:
        app.router.add_post(path, self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            return web.Response(status=401, text="unauthorized")
        if self._draining:
            return _not_taken()
        try:
            update = Update.model_validate(await request.json(), context={"bot": self._bot})
        except (ValueError, ValidationError):
            # Not an update at all: a redelivery would be refused again.
            return web.Response(status=400, text="not an update")
        self._in_flight += 1
        self._idle.clear()
        try:
            handled = await self._handle_unless_given_up(update)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()
        return web.json_response({}) if handled else _not_taken()

    def stop_taking(self) -> None:
        """From now on every new update is answered 503."""
        self._draining = True

    async def drain(self) -> None:
        """Refuse new updates; wait for those taken, up to the limit; cancel what is left."""
        self.stop_taking()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=self._drain_seconds)
        except TimeoutError:
            logger.warning(
                "webhook stop: %s updates still running after %ss, answered 503 for redelivery",
                self._in_flight,
                self._drain_seconds,
            )
            self._give_up.set()
            await self._idle.wait()

    async def _handle_unless_given_up(self, update: Update) -> bool:
        """True when the update's handling ended (well or with an error); False if cut off."""
        work = asyncio.ensure_future(self._handle(update))
        give_up = asyncio.ensure_future(self._give_up.wait())
        try:
            await asyncio.wait({work, give_up}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            give_up.cancel()
            if not work.done():
                work.cancel()
            # The work's own errors are logged in _handle; a cancellation ends here.
            await asyncio.gather(work, give_up, return_exceptions=True)
        return not work.cancelled()

    async def _handle(self, update: Update) -> None:
        try:
            response = await self._dispatcher.feed_update(self._bot, update)
            if isinstance(response, TelegramMethod):
                await self._dispatcher.silent_call_request(bot=self._bot, result=response)
        except Exception:
            logger.exception("update %s failed", update.update_id)


def _not_taken() -> web.Response:
    # Anything but 200 makes Telegram keep the update and deliver it again later.
    return web.Response(status=503, text="stopping; deliver again later")


async def serve_webhook(
    dispatcher: Dispatcher,
    bot: Bot,
    settings: WebhookSettings,
    *,
    add_routes: Iterable[Callable[[web.Application], None]] = (),
) -> None:
    """Serve until SIGTERM or SIGINT, then drain (module docstring) and return.

    `add_routes`: more routes for the same server (health and metrics).
    """
    path = URL(settings.url).path or "/"
    app = web.Application()
    intake = UpdateIntake(
        dispatcher,
        bot,
        secret=settings.secret.get_secret_value(),
        drain_seconds=settings.drain_seconds,
    )
    intake.register(app, path)
    for add in add_routes:
        add(app)
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
        logger.info("stopping: new updates are refused, those taken finish")
        await intake.drain()
    finally:
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(signal_number)
        await runner.cleanup()
