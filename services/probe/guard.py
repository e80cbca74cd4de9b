"""The probe's guard: no address a stranger's link names is connected to unless it is public.

The host is resolved once (through an injectable resolver; by default the event loop's
getaddrinfo, which runs in a thread), every answer is judged by services/probe/addresses.py,
and one refused answer refuses the host. The connection then goes to a checked address (the
pinned answers, never a second resolution, so DNS rebinding has nothing to switch), while TLS
still sends the host name (httpcore passes it to `start_tls` as the server name). Only http and
https, only the ports the look allows. The backend sits under httpx as httpcore's network
backend, so every hop of a look — and anyone who uses the client directly — passes it.
"""

import asyncio
import errno
import ipaddress
import socket
import ssl
import time
import typing
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx
from typing_extensions import override

from services.probe.addresses import refusal
from services.probe.trail import DEFAULT_PORTS, Trail, current_trail

# host name → its addresses; raises NoSuchNameError (NXDOMAIN) or ResolveError.
Resolver = Callable[[str], Awaitable[list[str]]]


class GuardError(Exception):
    """A look stopped by the guard or by name resolution, before any connection."""


class RefusedError(GuardError):
    """The guard will not connect: a refused address, scheme or port. `str()` says why."""


class NoSuchNameError(GuardError):
    """The name does not exist (NXDOMAIN)."""


class ResolveError(GuardError):
    """Resolution failed for another reason (a time-out, a server failure): no conclusion."""


def refuse(trail: Trail, reason: str) -> RefusedError:
    """Records the refusal as the look's "guard" stage; the caller raises what it returns."""
    trail.add("guard", False, f"refused: {reason}")
    return RefusedError(reason)


_NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


async def system_resolver(host: str) -> list[str]:
    """The host's addresses through the loop's getaddrinfo (a worker thread, not the loop)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(
            host, None, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except socket.gaierror as error:
        if error.errno in _NO_SUCH_NAME:
            raise NoSuchNameError(host) from error
        raise ResolveError(f"{host}: {error.strerror}") from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class Guard:
    """Resolves and judges hosts; `allowlist` holds loopback networks for tests only
    (ProbeOptions refuses anything else)."""

    def __init__(
        self,
        resolver: Resolver | None = None,
        allowlist: Iterable[str] = (),
        resolve_timeout: float = 5.0,
    ) -> None:
        self._resolver = resolver or system_resolver
        self._allowed = [ipaddress.ip_network(entry, strict=False) for entry in allowlist]
        self._resolve_timeout = resolve_timeout

    def refusal_of(self, addresses: Iterable[str]) -> str | None:
        """Why the first refused address is refused ("127.0.0.1 is loopback"); None if none."""
        for address in addresses:
            reason = refusal(address)
            if reason is not None and not self._allowlisted(address):
                return f"{address} is {reason}"
        return None

    def _allowlisted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._allowed)

    def judge_url(self, url: httpx.URL, trail: Trail) -> str:
        """The URL's host, once its scheme and port pass; raises RefusedError otherwise."""
        if url.scheme not in DEFAULT_PORTS:
            raise refuse(trail, f"scheme {url.scheme or 'none'!r} is not http or https")
        port = url.port or DEFAULT_PORTS[url.scheme]
        if port not in trail.ports:
            raise refuse(trail, f"port {port} is not one the link named")
        host = host_key(url.raw_host.decode("ascii"))
        if not host:
            raise refuse(trail, "no host")
        return host

    async def admit(self, url: httpx.URL, trail: Trail) -> tuple[str, ...]:
        """Checks the URL's scheme and port, resolves its host once, refuses it if any answer
        is refused, and pins the answers in the trail for the connection to use."""
        host = self.judge_url(url, trail)
        if host not in trail.pinned:
            trail.pinned[host] = await self.resolve(host, trail)
        return trail.pinned[host]

    async def resolve(self, host: str, trail: Trail) -> tuple[str, ...]:
        started = time.monotonic()
        answers = _literal(host)
        if not answers:
            try:
                async with asyncio.timeout(self._resolve_timeout):
                    answers = tuple(await self._resolver(host))
            except NoSuchNameError:
                trail.add("dns", False, f"{host}: no such name (NXDOMAIN)", started)
                raise
            except TimeoutError as error:
                trail.add("dns", False, f"{host}: time-out", started)
                raise ResolveError(f"{host}: time-out") from error
            except ResolveError as error:
                trail.add("dns", False, str(error), started)
                raise
        if not answers:
            trail.add("dns", False, f"{host}: no addresses", started)
            raise NoSuchNameError(host)
        trail.add("dns", True, f"{host}: {', '.join(answers)}", started)
        reason = self.refusal_of(answers)
        if reason is not None:
            raise refuse(trail, reason)
        return answers


def host_key(host: str) -> str:
    """The name as resolved and pinned: no brackets, no trailing dot ("localhost." is
    localhost), lower case."""
    return host.strip("[]").rstrip(".").lower()


def _literal(host: str) -> tuple[str, ...]:
    """An IP address written as the host, as its one answer; () for a name."""
    try:
        return (str(ipaddress.ip_address(host)),)
    except ValueError:
        return ()


class _ProbeBackend(httpcore.AsyncNetworkBackend):
    """What the probe's two backends share: TCP only, on an inner AnyIO backend."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    @override
    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise RefusedError("unix sockets are not for the probe")

    @override
    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedBackend(_ProbeBackend):
    """httpcore's network backend that connects only to the running look's checked addresses
    (resolving and judging the host itself when no look pinned them)."""

    def __init__(self, guard: Guard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        super().__init__(inner)
        self._guard = guard

    @override
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        trail = current_trail()
        if port not in trail.ports:
            raise refuse(trail, f"port {port} is not one the link named")
        host = host_key(host)
        addresses = trail.pinned.get(host)
        if addresses is None:
            addresses = trail.pinned[host] = await self._guard.resolve(host, trail)
        reason = self._guard.refusal_of(addresses)
        if reason is not None:  # pinned answers were judged; judged again, it costs nothing
            raise refuse(trail, reason)
        failure: Exception | None = None
        for address in addresses:
            started = time.monotonic()
            shown = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout=timeout, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                kind = connect_failure(error)
                trail.tcp.append(kind)
                trail.add(f"tcp {shown}", False, kind, started)
                failure = error
                continue
            trail.tcp.append("ok")
            trail.add(f"tcp {shown}", True, "connected", started)
            return RecordingStream(stream, trail)
        assert failure is not None  # addresses is never empty: resolve() refuses that
        raise failure


class ProxyOnlyBackend(_ProbeBackend):
    """The control vantage's backend: its one connection is to the configured proxy (the
    operator's choice, not a stranger's); the target is judged by the guard before."""

    def __init__(
        self, proxy_host: str, proxy_port: int, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        super().__init__(inner)
        self._proxy = (proxy_host.strip("[]").lower(), proxy_port)

    @override
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        trail = current_trail()
        if (host.strip("[]").lower(), port) != self._proxy:
            raise refuse(trail, "the control client connects only to its proxy")
        started = time.monotonic()
        try:
            stream = await self._inner.connect_tcp(
                host, port, timeout=timeout, socket_options=socket_options
            )
        except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
            trail.proxy_reached = False
            trail.add("tcp proxy", False, connect_failure(error), started)
            raise
        trail.proxy_reached = True
        trail.add("tcp proxy", True, "connected", started)
        return RecordingStream(stream, trail)


class RecordingStream(httpcore.AsyncNetworkStream):
    """A connection that records its TLS handshake as a stage: a handshake that times out
    after TCP worked is the stall Kazakh ISPs block with."""

    def __init__(self, stream: httpcore.AsyncNetworkStream, trail: Trail) -> None:
        self._stream = stream
        self._trail = trail

    @override
    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    @override
    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    @override
    async def aclose(self) -> None:
        await self._stream.aclose()

    @override
    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        trail, started = self._trail, time.monotonic()
        try:
            stream = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        except (httpcore.ConnectTimeout, asyncio.CancelledError):
            # Cancelled: the look's total deadline fell inside the handshake — a stall too.
            trail.tls = "stalled"
            trail.add("tls", False, "stalled: no answer to the ClientHello", started)
            raise
        except Exception as error:
            trail.tls = "failed"
            trail.add("tls", False, describe(error), started)
            raise
        trail.tls = "ok"
        trail.add("tls", True, _tls_detail(stream, server_hostname), started)
        return RecordingStream(stream, trail)

    @override
    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


def _tls_detail(stream: httpcore.AsyncNetworkStream, server_hostname: str | None) -> str:
    # The probe observes, it does not trust: certificates are not verified (a shop's bad
    # certificate is no reason to call it dead), and the stdlib has no cheap way to ask
    # whether one would have verified, so the stage says so instead of guessing.
    ssl_object = stream.get_extra_info("ssl_object")
    version = ssl_object.version() if ssl_object is not None else "?"
    return f"{version}, SNI {server_hostname}, certificate not verified"


def connect_failure(error: BaseException) -> str:
    """ "refused", "timeout" or "error: …" for a failed TCP connect (anyio buries the OS error
    under "All connection attempts failed")."""
    if isinstance(error, httpcore.ConnectTimeout):
        return "timeout"
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return "refused"
        if isinstance(cause, BaseExceptionGroup):
            found = [connect_failure(inner) for inner in cause.exceptions]
            if "refused" in found:
                return "refused"
        cause = cause.__cause__ or cause.__context__
    return f"error: {describe(error)}"


def describe(error: BaseException) -> str:
    """A short class-and-message for a stage (an OS error's own text when it has one)."""
    cause: BaseException = error
    while cause.__cause__ is not None:
        cause = cause.__cause__
    text = str(cause) or str(error)
    return f"{type(cause).__name__}: {text}"[:200] if text else type(cause).__name__
