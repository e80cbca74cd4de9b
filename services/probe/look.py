"""One look at a URL from one vantage: redirects followed by hand, each hop judged by the guard.

A look stops at the first thing that ends it — a refusal, an unknown name, a block-page
address, a failed connection or handshake, a response that is not a redirect — and says which
(`Failure`) with everything it recorded on the way (the trail's stages). The verdict is read
from a look by services/probe/web_verdict.py; a look never decides one.
"""

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import httpx

from services.probe.guard import (
    Guard,
    NoSuchNameError,
    RefusedError,
    ResolveError,
    describe,
    refuse,
)
from services.probe.options import ProbeOptions
from services.probe.page import decoded
from services.probe.trail import DEFAULT_PORTS, Trail, following


class Failure(StrEnum):
    REFUSED = "refused"
    NO_SUCH_NAME = "no such name"
    DNS_FAILED = "dns failed"
    BLOCK_ADDRESS = "block-page address"
    CONNECT_FAILED = "connect failed"
    TLS_FAILED = "tls failed"
    READ_TIMEOUT = "read time-out"
    PROXY_FAILED = "proxy failed"
    PROTOCOL = "protocol error"
    TOO_MANY_REDIRECTS = "too many redirects"
    DEADLINE = "total time-out"


@dataclass
class Look:
    trail: Trail
    failure: Failure | None = None
    error: str | None = None
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    body: bytes = b""
    # The first hop's answers (the target's own addresses).
    addresses: tuple[str, ...] = ()
    ms: float = 0.0
    redirects: list[str] = field(default_factory=list)

    def fail(self, failure: Failure, error: str) -> None:
        self.failure, self.error = failure, error


async def look(
    client: httpx.AsyncClient,
    guard: Guard,
    url: str,
    options: ProbeOptions,
    *,
    prefix: str = "",
    through_proxy: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Look:
    """Looks at `url` within options.total_timeout. `through_proxy`: the client is the control
    one; each hop is still judged here first (the proxy resolves the name itself, so a name
    that does not resolve here is sent on: that is what a control is for)."""
    result = Look(trail=Trail(prefix=prefix))
    started = time.monotonic()
    with following(result.trail):
        try:
            async with asyncio.timeout(options.total_timeout):
                await _walk(
                    client,
                    guard,
                    url,
                    options,
                    result=result,
                    through_proxy=through_proxy,
                    headers=headers,
                )
        except TimeoutError:
            result.fail(Failure.DEADLINE, f"no answer within {options.total_timeout:g} s")
    result.ms = round((time.monotonic() - started) * 1000, 1)
    return result


async def _walk(
    client: httpx.AsyncClient,
    guard: Guard,
    start: str,
    options: ProbeOptions,
    *,
    result: Look,
    through_proxy: bool,
    headers: Mapping[str, str] | None,
) -> None:
    trail = result.trail
    try:
        url = httpx.URL(start)
    except httpx.InvalidURL as error:
        result.fail(Failure.REFUSED, str(refuse(trail, f"not a URL: {error}")))
        return
    named = url.port or DEFAULT_PORTS.get(url.scheme)
    trail.ports = frozenset({*DEFAULT_PORTS.values(), *([named] if named else [])})
    for hop in range(options.max_redirects + 1):
        try:
            if through_proxy:
                addresses = await _admit_for_proxy(guard, url, trail)
            else:
                addresses = await guard.admit(url, trail)
        except RefusedError as error:
            result.fail(Failure.REFUSED, str(error))
            return
        except NoSuchNameError as error:
            result.fail(Failure.NO_SUCH_NAME, f"no such name: {error}")
            return
        except ResolveError as error:
            result.fail(Failure.DNS_FAILED, str(error))
            return
        if hop == 0:
            result.addresses = addresses
        block = next((a for a in addresses if a in options.block_page_addresses), None)
        if block is not None:
            trail.add("dns", False, f"block-page address {block}")
            result.fail(Failure.BLOCK_ADDRESS, f"block-page address {block}")
            return
        following_url = await _hop(client, url, options, result, headers)
        if following_url is None:
            return
        url = following_url
    result.fail(Failure.TOO_MANY_REDIRECTS, f"more than {options.max_redirects} redirects")


async def _admit_for_proxy(guard: Guard, url: httpx.URL, trail: Trail) -> tuple[str, ...]:
    try:
        return await guard.admit(url, trail)
    except (NoSuchNameError, ResolveError):
        guard.judge_url(url, trail)  # scheme and port still hold
        return ()


async def _hop(
    client: httpx.AsyncClient,
    url: httpx.URL,
    options: ProbeOptions,
    result: Look,
    headers: Mapping[str, str] | None,
) -> httpx.URL | None:
    """Sends one request; the next URL when it is a redirect, else None (result filled)."""
    trail = result.trail
    started = time.monotonic()
    try:
        request = client.build_request("GET", url, headers=headers)
        response = await client.send(request, stream=True)
    except RefusedError as error:
        result.fail(Failure.REFUSED, str(error))
        return None
    except (httpx.ConnectTimeout, httpx.ConnectError) as error:
        # A failed handshake ends a hop at once, so a failed `tls` is this hop's.
        failed_tls = trail.tls in ("stalled", "failed")
        result.fail(Failure.TLS_FAILED if failed_tls else Failure.CONNECT_FAILED, describe(error))
        return None
    except httpx.ProxyError as error:
        trail.add("http", False, f"proxy: {describe(error)}", started)
        result.fail(Failure.PROXY_FAILED, describe(error))
        return None
    except httpx.TimeoutException as error:
        trail.add("http", False, "time-out waiting for the response", started)
        result.fail(Failure.READ_TIMEOUT, describe(error))
        return None
    except httpx.HTTPError as error:
        trail.add("http", False, describe(error), started)
        result.fail(Failure.PROTOCOL, describe(error))
        return None
    try:
        trail.add("http", True, f"{response.status_code} {response.reason_phrase}", started)
        location = response.headers.get("location")
        if response.is_redirect and location:
            try:
                target = url.join(location.strip())
            except httpx.InvalidURL as error:
                result.fail(Failure.PROTOCOL, f"bad redirect: {error}")
                return None
            trail.add("redirect", True, str(target))
            result.redirects.append(str(target))
            return target
        result.status = response.status_code
        result.final_url = str(url)
        result.content_type = response.headers.get("content-type")
        result.body = await _read_capped(response, options.max_body_bytes, result)
        return None
    finally:
        await response.aclose()


async def _read_capped(response: httpx.Response, cap: int, result: Look) -> bytes:
    """At most `cap` bytes of the body; reading stops there and the connection is closed."""
    chunks: list[bytes] = []
    size = 0
    started = time.monotonic()
    try:
        async for chunk in response.aiter_raw():
            chunks.append(chunk[: cap - size])
            size += len(chunks[-1])
            if size >= cap:
                break
    except httpx.HTTPError as error:
        # What arrived is kept (a page's start is evidence); the stage says it was cut.
        result.trail.add("body", False, f"cut after {size} bytes: {describe(error)}", started)
    return decoded(b"".join(chunks), response.headers.get("content-encoding"), cap)
