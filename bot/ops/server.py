"""The routes /healthz and /metrics: on the webhook's server in webhook mode, and on their own
server at `[ops] listen:port` (in polling mode too). The port is local by default: put it
behind the same network rules as the database, not on the public internet."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.jobs.runner import JobRunner
from bot.ops.health import Health
from bot.ops.metrics import Metrics

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class OpsRoutes:
    health: Health
    metrics: Metrics
    session_maker: async_sessionmaker[AsyncSession]

    def register(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics_text)

    async def healthz(self, _request: web.Request) -> web.Response:
        healthy, body = await self.health.check()
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_text(self, _request: web.Request) -> web.Response:
        body = await self.metrics.render(self.session_maker)
        # aiohttp refuses a charset inside content_type: set the header as Prometheus names it.
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def ops_routes(
    settings: Settings,
    *,
    session_maker: async_sessionmaker[AsyncSession],
    jobs: JobRunner,
    metrics: Metrics,
    storage: BaseStorage,
) -> OpsRoutes:
    return OpsRoutes(
        health=Health(
            engine=session_maker.kw["bind"],
            jobs=jobs,
            job_grace_seconds=settings.ops.job_grace_seconds,
            redis=storage.redis if isinstance(storage, RedisStorage) else None,
        ),
        metrics=metrics,
        session_maker=session_maker,
    )


@asynccontextmanager
async def serving_ops(
    routes: OpsRoutes, settings: Settings, *, takes_updates: bool = True
) -> AsyncIterator[None]:
    """Serve the routes at `[ops] listen:port` while the block runs; port 0: not at all, nor
    when it is the webhook's own address (the webhook's server has them already; not in a
    process that takes no updates, `--role worker`, which serves no webhook).

    A port already taken is logged and the bot runs on without them: updates matter more."""
    ops, webhook = settings.ops, settings.webhook
    on_webhook = takes_updates and bool(webhook.url)
    if ops.port == 0 or (on_webhook and (ops.listen, ops.port) == (webhook.listen, webhook.port)):
        yield
        return
    app = web.Application()
    routes.register(app)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, ops.listen, ops.port).start()
        except OSError as error:
            logger.error(
                "health and metrics not served: %s:%s: %s",
                ops.listen,
                ops.port,
                error.strerror or type(error).__name__,
            )
        else:
            logger.info("health and metrics on %s:%s", ops.listen, ops.port)
        yield
    finally:
        await runner.cleanup()
