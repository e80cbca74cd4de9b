"""The web checker: one guarded look from the bot's host, and one through the control proxy
when `[probe] control_proxy` is set, combined into one verdict (services/probe/web_verdict.py).

`WebProbe` owns one direct httpx client (and the control's), built once and closed by
`aclose()`; every check and every `fetch` (the Telegram preview checker's way to read t.me
pages through the same guard) takes a place from the limits first.
"""

import asyncio
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from services.probe.clients import control_client, direct_client
from services.probe.guard import Guard, Resolver
from services.probe.limits import CheckLimits
from services.probe.look import Failure, Look, look
from services.probe.options import ProbeOptions
from services.probe.page import text_of, title_of
from services.probe.results import CheckResult, ProbeTarget, Stage, Vantage, Verdict
from services.probe.trail import Trail
from services.probe.web_verdict import combine, verdict_of

logger = logging.getLogger(__name__)

CONTROL = "control."


@dataclass(frozen=True, slots=True)
class Fetched:
    """One guarded GET with redirects followed by hand (no verdict: the caller classifies)."""

    url: str
    # None when no response came (then `error` says why; `refused`: the guard's refusal).
    status: int | None
    final_url: str | None
    body: bytes
    content_type: str | None
    stages: tuple[Stage, ...]
    error: str | None
    refused: bool
    latency_ms: int


class WebProbe:
    """Checks web targets (the Checker protocol) and fetches pages, always through the guard.
    `resolver` replaces the system's name resolution (tests map their names to loopback)."""

    def __init__(self, options: ProbeOptions, resolver: Resolver | None = None) -> None:
        self._options = options
        self._guard = Guard(resolver, options.allowlist, resolve_timeout=options.connect_timeout)
        self._client = direct_client(self._guard, options)
        self._control = (
            control_client(options.control_proxy, options) if options.control_proxy else None
        )
        self._limits = CheckLimits(options.concurrency, options.per_host)

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._control is not None:
            await self._control.aclose()

    async def check(self, target: ProbeTarget) -> CheckResult:
        async with self._limits.slot(_host_of(target.url)):
            if self._control is None:
                here = await self._look(target.url)
                return _result(here, None, verdict_of(here, self._options), Vantage.HOST)
            here, there = await asyncio.gather(
                self._look(target.url),
                self._look(target.url, through=self._control),
            )
        verdict, vantage = combine(
            verdict_of(here, self._options),
            verdict_of(there, self._options),
            proxy_reached=there.trail.proxy_reached is True,
        )
        return _result(here, there, verdict, vantage)

    async def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Fetched:
        """GETs `url` through the guard (host vantage only); `headers` add to or replace the
        probe's own (its User-Agent, Accept-Language en-US…) for every hop."""
        async with self._limits.slot(_host_of(url)):
            seen = await self._look(url, headers=headers)
        _add_evidence(seen)
        return Fetched(
            url=url,
            status=seen.status,
            final_url=seen.final_url,
            body=seen.body,
            content_type=seen.content_type,
            stages=tuple(seen.trail.stages),
            error=seen.error,
            refused=seen.failure is Failure.REFUSED,
            latency_ms=round(seen.ms),
        )

    async def _look(
        self,
        url: str,
        through: httpx.AsyncClient | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Look:
        client = through or self._client
        prefix = CONTROL if through is not None else ""
        try:
            return await look(
                client,
                self._guard,
                url,
                self._options,
                prefix=prefix,
                through_proxy=through is not None,
                headers=headers,
            )
        except Exception:
            # A bug of ours, not something the target did: logged, and the check inconclusive
            # rather than a failed batch of rechecks.
            logger.exception("probe: a look at a target failed unexpectedly")
            seen = Look(trail=Trail(prefix=prefix))
            seen.fail(Failure.PROTOCOL, "internal error")
            return seen


def _host_of(url: str) -> str:
    try:
        return httpx.URL(url).host.lower() or url
    except httpx.InvalidURL:
        return url


def _add_evidence(seen: Look) -> tuple[str | None, str | None]:
    """Records the final URL, title and body stages of a look that got a page; returns the
    title and the body's sha256."""
    if seen.status is None:
        return None, None
    title = title_of(text_of(seen.body, seen.content_type))
    digest = hashlib.sha256(seen.body).hexdigest()
    trail = seen.trail
    trail.add("final_url", True, seen.final_url or "")
    trail.add("title", title is not None, title or "")
    trail.add("body", True, f"{len(seen.body)} bytes, sha256 {digest}")
    return title, digest


def _result(here: Look, there: Look | None, verdict: Verdict, vantage: Vantage) -> CheckResult:
    title, digest = _add_evidence(here)
    evidence = here
    extra: dict[str, str] = {}
    if there is not None:
        there_title, there_digest = _add_evidence(there)
        if here.status is None and there.status is not None:
            # Blocked here, seen there: the control's page is the evidence moderators need.
            evidence, title, digest = there, there_title, there_digest
            extra["evidence"] = "control"
    stages = here.trail.stages + (there.trail.stages if there is not None else [])
    ms = max(here.ms, there.ms if there is not None else 0.0)
    return CheckResult(
        vantage=vantage,
        verdict=verdict,
        stages=tuple(stages),
        latency_ms=round(ms),
        title=title,
        final_url=evidence.final_url,
        http_status=evidence.status,
        addresses=here.addresses,
        body_sha256=digest,
        body_length=len(evidence.body) if evidence.status is not None else None,
        error=here.error if verdict is not Verdict.ONLINE else None,
        extra=extra,
    )
