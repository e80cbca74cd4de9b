""" "No such name" is believed only while the bot's own resolver still resolves known names.

A host whose DNS breaks (a resolver down, a network without DNS) answers "no such name" for
every name; believed, every sent site would be *dead* twice in a row and be marked removed.
So when a target's name is not found, the resolver is asked for a few well-known names
(`[probe] dns_canaries`); if none of them resolves either, the failure is the bot's, and the
check ends *inconclusive* (retried with backoff) instead of *dead*. The canaries' answer is
kept CANARY_SECONDS, so a run of a thousand dead names asks them once a minute, not a
thousand times.
"""

import time
from collections.abc import Callable, Sequence

from services.probe.guard import NoSuchNameError, ResolveError, Resolver

CANARY_SECONDS = 60.0


class CanariedResolver:
    def __init__(
        self,
        resolver: Resolver,
        canaries: Sequence[str],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._resolver = resolver
        self._canaries = tuple(canaries)
        self._clock = clock
        self._verdict: tuple[float, bool] | None = None  # (when, the resolver works)

    async def __call__(self, host: str) -> list[str]:
        try:
            return await self._resolver(host)
        except NoSuchNameError:
            if self._canaries and not await self._resolver_works():
                raise ResolveError(
                    f"{host}: not found, but neither is any of {', '.join(self._canaries)}:"
                    " the bot's own name resolution is failing"
                ) from None
            raise

    async def _resolver_works(self) -> bool:
        now = self._clock()
        if self._verdict is not None and now - self._verdict[0] < CANARY_SECONDS:
            return self._verdict[1]
        works = False
        for canary in self._canaries:
            try:
                works = bool(await self._resolver(canary))
            except (NoSuchNameError, ResolveError):
                continue
            if works:
                break
        self._verdict = (now, works)
        return works


def canaried(resolver: Resolver, canaries: Sequence[str]) -> Resolver:
    """`resolver`, with its "no such name" checked against `canaries` (none: unchanged)."""
    return CanariedResolver(resolver, canaries) if canaries else resolver
