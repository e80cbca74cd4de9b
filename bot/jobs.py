"""Long staff jobs (a broadcast, posting the digest) run as tasks of their own.

The handler that starts one returns at once, so the administrator's chat is not held for
minutes (updates of one user are handled one at a time). The jobs stop with the bot.
"""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)


class BackgroundJobs:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, job: Coroutine[Any, Any, None], *, name: str) -> None:
        # The task copies the caller's context, so gettext keeps the staff member's language.
        task = asyncio.create_task(job, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("job %s failed", task.get_name(), exc_info=task.exception())

    async def join(self) -> None:
        """Wait for every job started so far (tests use it to see a job's messages)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.join()
