"""How many checks run at once: `total` overall and at most `per_host` for any one host.

A check first waits for its host's place, then for an overall one, so checks queued behind a
busy host never hold places other hosts could use. A host's semaphore lives only while some
check holds or waits for it: ten thousand hosts checked once leave nothing behind.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    users: int = 0


class CheckLimits:
    def __init__(self, total: int, per_host: int) -> None:
        if total < 1 or per_host < 1:
            raise ValueError("limits must be at least 1")
        self._total = asyncio.Semaphore(total)
        self._per_host = per_host
        self._hosts: dict[str, _Host] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        entry = self._hosts.get(host)
        if entry is None:
            entry = self._hosts[host] = _Host(asyncio.Semaphore(self._per_host))
        entry.users += 1
        try:
            async with entry.semaphore, self._total:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._hosts[host]

    @property
    def hosts_tracked(self) -> int:
        """Hosts with a check running or waiting (what a leak would grow)."""
        return len(self._hosts)
