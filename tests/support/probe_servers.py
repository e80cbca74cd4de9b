"""Local servers for the probe's tests and benchmark: each listens on 127.0.0.1 on an ephemeral
port and counts the connections it accepted (a refused target must leave that count at zero).

- `PageServer`: answers HTTP/1.1 from a table of routes (TLS when given a context);
- `BlackHole`: accepts TCP and never says a word (no HTTP answer, no TLS ServerHello);
- `ConnectProxy`: an HTTP CONNECT proxy that reaches (host, port) where its own table says —
  the control vantage, for which a blocked server works.
Plus `resolver_for`, a fake resolver mapping test names to addresses, and `tls_server_context`
(a trustme CA's certificate for *.test).
"""

import asyncio
import contextlib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Self, TypeVar
from urllib.parse import urlsplit

import httpcore
import pytest
import trustme
from typing_extensions import override

from services.probe.guard import NoSuchNameError, Resolver

REASONS = {200: "OK", 301: "Moved", 302: "Found", 404: "Not Found", 410: "Gone", 503: "Busy"}


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def html(title: str, text: str = "") -> Page:
    body = f"<html><head><title>{title}</title></head><body>{text}</body></html>"
    return Page(200, body.encode(), {"Content-Type": "text/html; charset=utf-8"})


def redirect(location: str, status: int = 302) -> Page:
    return Page(status, b"", {"Location": location})


class Listener:
    """A TCP server on 127.0.0.1 that counts accepted connections and can wait for the n-th."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.connections = 0
        self.port = 0
        self._ssl = ssl_context
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._arrived = asyncio.Condition()

    async def start(self) -> Self:
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", 0, ssl=self._ssl, backlog=1024
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            await self._server.wait_closed()

    async def wait_for_connections(self, count: int) -> None:
        async with self._arrived:
            await self._arrived.wait_for(lambda: self.connections >= count)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        async with self._arrived:
            self._arrived.notify_all()
        self._writers.add(writer)
        try:
            await self.serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


class BlackHole(Listener):
    """Accepts and never answers: no HTTP response, no ServerHello — until it is closed."""

    @override
    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.read(65536):
            pass  # reads what comes (a request, a ClientHello) and answers nothing


class PageServer(Listener):
    def __init__(self, routes: dict[str, Page], ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(ssl_context)
        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []

    @override
    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        }
        self.requests.append((path, headers))
        page = self.routes.get(path, Page(404, b"<title>Not here</title>"))
        fields = {"Content-Length": str(len(page.body)), "Connection": "close", **page.headers}
        status_line = f"HTTP/1.1 {page.status} {REASONS.get(page.status, 'Status')}\r\n"
        writer.write(
            (status_line + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n").encode()
            + page.body
        )
        await writer.drain()


class ConnectProxy(Listener):
    """An HTTP proxy: `CONNECT host:port` (https targets) or an absolute-form request
    (`GET http://host:port/path`, http targets) reaches 127.0.0.1:routes[(host, port)];
    unknown targets get 502 Bad Gateway."""

    def __init__(self, routes: dict[tuple[str, int], int]) -> None:
        super().__init__()
        self.routes = routes
        self.asked: list[str] = []

    @override
    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, _, rest = head.partition(b"\r\n")
        method, target, version = request_line.decode("latin-1").split(" ", 2)
        forwarded = urlsplit(target) if method != "CONNECT" else None
        if forwarded is not None:
            host, port = forwarded.hostname or "", forwarded.port or 80
        else:
            host, _, port_text = target.rpartition(":")
            port = int(port_text)
        self.asked.append(f"{host}:{port}")
        local = self.routes.get((host, port))
        if local is None:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", local)
        if forwarded is None:
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
        else:
            path = forwarded.path or "/"
            upstream_writer.write(f"{method} {path} {version}\r\n".encode() + rest)
        try:
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        finally:
            upstream_writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
        writer.write_eof()


class SimulatedInternet:
    """Beneath the guard (httpcore's own backend): a connection to one of `routes`' public
    addresses lands on a local server instead, and every connection the probe opens is
    recorded — so tests can run with the allowlist off and show that nothing refused was ever
    connected to."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.routes: dict[tuple[str, int], int] = {}
        self.connects: list[tuple[str, int]] = []
        original = httpcore.AnyIOBackend.connect_tcp

        async def connect_tcp(
            backend: httpcore.AnyIOBackend,
            host: str,
            port: int,
            *,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
        ) -> httpcore.AsyncNetworkStream:
            self.connects.append((host, port))
            local = self.routes.get((host, port))
            return await original(
                backend,
                "127.0.0.1" if local is not None else host,
                local if local is not None else port,
                timeout=timeout,
                local_address=local_address,
                socket_options=socket_options,
            )

        monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", connect_tcp)


L = TypeVar("L", bound=Listener)


class Servers:
    """The listeners a test started, closed together at its end."""

    def __init__(self) -> None:
        self._started: list[Listener] = []

    async def start(self, listener: L) -> L:
        self._started.append(await listener.start())
        return listener

    async def aclose(self) -> None:
        for listener in self._started:
            await listener.close()


def resolver_for(names: dict[str, list[str]]) -> Resolver:
    """A resolver that knows only `names`; anything else does not exist (NXDOMAIN)."""

    async def resolve(host: str) -> list[str]:
        if host not in names:
            raise NoSuchNameError(host)
        return list(names[host])

    return resolve


def counting(resolver: Resolver, asked: list[str]) -> Resolver:
    async def resolve(host: str) -> list[str]:
        asked.append(host)
        return await resolver(host)

    return resolve


@cache
def _certificate() -> trustme.LeafCert:
    return trustme.CA().issue_cert("*.test", "shop.test", "localhost")


def tls_server_context(seen_names: list[str] | None = None) -> ssl.SSLContext:
    """A server context with a certificate for *.test; records each ClientHello's SNI."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _certificate().configure_cert(context)
    if seen_names is not None:

        def remember(_sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
            seen_names.append(name or "")

        context.sni_callback = remember
    return context
