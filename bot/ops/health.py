"""GET /healthz: the database answers, Redis answers (when configured), and every periodic
job completed a run recently. 200 with the checks when all pass, 503 naming what failed.

The jobs' check is "off" in a process that runs none (`--role web`) and "standby" in one
waiting for the worker lock (bot/roles.py): both are healthy, neither has anything overdue."""

import asyncio
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.jobs.runner import JobRunner

# A check that takes longer than this has failed: a health probe must answer quickly.
CHECK_TIMEOUT = 2.0


@dataclass(frozen=True, kw_only=True)
class Health:
    engine: AsyncEngine
    jobs: JobRunner
    job_grace_seconds: float
    redis: Redis | None = None

    async def check(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, body): each check "ok", "off", or why it failed (never a URL or secret)."""
        checks: dict[str, Any] = {
            "database": await _within(self._database()),
            "redis": "off" if self.redis is None else await _within(self._redis()),
        }
        checks["jobs"] = self._jobs()
        healthy = all(value in ("ok", "off", "standby") for value in checks.values())
        return healthy, {"status": "ok" if healthy else "unhealthy", "checks": checks}

    def _jobs(self) -> str:
        if not self.jobs.names:
            return "off"
        if self.jobs.started_at is None:
            return "standby"
        late = self.jobs.overdue(self.jobs.clock.utcnow(), self.job_grace_seconds)
        return f"overdue: {', '.join(late)}" if late else "ok"

    async def _database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def _redis(self) -> None:
        assert self.redis is not None
        await self.redis.ping()


async def _within(check: Any) -> str:
    try:
        await asyncio.wait_for(check, CHECK_TIMEOUT)
    except TimeoutError:
        return "failed: no answer in time"
    except Exception as error:
        return f"failed: {type(error).__name__}"
    return "ok"
