"""The web probe against local servers: each verdict from what a server does, the stages it
records, and the limits on what it reads. Names like shop.test resolve to 127.0.0.1 through
a fake resolver; the allowlist lets the probe reach loopback (tests/test_probe_guard.py shows
what it refuses without it)."""

import gzip
import hashlib
import socket
from collections.abc import AsyncIterator

import pytest

from models.enums import TargetKind
from services.probe.options import ProbeOptions
from services.probe.results import CheckResult, ProbeTarget, Vantage, Verdict
from services.probe.web import WebProbe
from tests.support.probe_servers import (
    BlackHole,
    Page,
    PageServer,
    Servers,
    counting,
    html,
    redirect,
    resolver_for,
    tls_server_context,
)

# Generous where a page must arrive (a loaded machine is slow, never wrong); short where the
# test waits for a time-out that is certain to come (the server never answers).
OPTIONS = ProbeOptions(
    allowlist=("127.0.0.0/8",), connect_timeout=5.0, read_timeout=5.0, total_timeout=10.0
)
STALLING = ProbeOptions(
    allowlist=("127.0.0.0/8",), connect_timeout=0.2, read_timeout=0.2, total_timeout=5.0
)
NAMES = {"shop.test": ["127.0.0.1"], "mirror.test": ["127.0.0.1"]}


@pytest.fixture
async def servers() -> AsyncIterator[Servers]:
    started = Servers()
    yield started
    await started.aclose()


async def check(
    url: str, options: ProbeOptions = OPTIONS, names: dict[str, list[str]] | None = None
) -> CheckResult:
    probe = WebProbe(options, resolver=resolver_for(names or NAMES))
    try:
        return await probe.check(ProbeTarget(1, TargetKind.WEBSITE, url, url))
    finally:
        await probe.aclose()


def stage_names(result: CheckResult) -> list[str]:
    return [stage.name for stage in result.stages]


async def test_a_page_with_a_title_is_online_with_its_evidence(servers: Servers) -> None:
    page = html("Магазин &amp; Co")
    server = await servers.start(PageServer({"/": page}))
    result = await check(f"http://shop.test:{server.port}/")
    assert result.verdict is Verdict.ONLINE
    assert result.vantage is Vantage.HOST
    assert result.title == "Магазин & Co"
    assert result.http_status == 200
    assert result.final_url == f"http://shop.test:{server.port}/"
    assert result.addresses == ("127.0.0.1",)
    assert result.body_length == len(page.body)
    assert result.body_sha256 == hashlib.sha256(page.body).hexdigest()
    assert stage_names(result) == [
        "dns",
        f"tcp 127.0.0.1:{server.port}",
        "http",
        "final_url",
        "title",
        "body",
    ]
    assert result.error is None
    # No cookies, no compression, our user agent, the host's name in Host.
    _path, headers = server.requests[0]
    assert headers["host"] == f"shop.test:{server.port}"
    assert headers["accept-encoding"] == "identity"
    assert headers["accept-language"] == "en-US,en;q=0.5"
    assert headers["user-agent"] == OPTIONS.user_agent
    assert "cookie" not in headers


async def test_https_sends_the_host_name_and_does_not_require_a_valid_certificate(
    servers: Servers,
) -> None:
    seen_names: list[str] = []
    server = await servers.start(PageServer({"/": html("Shop")}, tls_server_context(seen_names)))
    # The certificate is from a CA nobody trusts: the probe records, it does not judge.
    result = await check(f"https://shop.test:{server.port}/")
    assert result.verdict is Verdict.ONLINE
    assert result.title == "Shop"
    assert seen_names == ["shop.test"]
    tls = next(stage for stage in result.stages if stage.name == "tls")
    assert tls.ok
    assert "SNI shop.test" in tls.detail
    assert "not verified" in tls.detail


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (404, Verdict.DEAD),
        (410, Verdict.DEAD),
        (503, Verdict.INCONCLUSIVE),
        (403, Verdict.INCONCLUSIVE),
    ],
)
async def test_statuses(servers: Servers, status: int, verdict: Verdict) -> None:
    server = await servers.start(PageServer({"/": Page(status, b"<title>x</title>")}))
    result = await check(f"http://shop.test:{server.port}/")
    assert result.verdict is verdict
    assert result.http_status == status


async def test_a_redirect_chain_is_followed_by_hand_each_host_resolved_once(
    servers: Servers,
) -> None:
    routes = {"/": redirect("/a", 301), "/b": redirect("/c"), "/c": html("Mirror")}
    server = await servers.start(PageServer(routes))
    routes["/a"] = redirect(f"http://mirror.test:{server.port}/b")  # another host, same port
    asked: list[str] = []
    probe = WebProbe(OPTIONS, resolver=counting(resolver_for(NAMES), asked))
    url = f"http://shop.test:{server.port}/"
    try:
        result = await probe.check(ProbeTarget(1, TargetKind.WEBSITE, url, url))
    finally:
        await probe.aclose()
    assert result.verdict is Verdict.ONLINE
    assert result.title == "Mirror"
    assert result.final_url == f"http://mirror.test:{server.port}/c"
    assert [s.detail for s in result.stages if s.name == "redirect"] == [
        f"http://shop.test:{server.port}/a",
        f"http://mirror.test:{server.port}/b",
        f"http://mirror.test:{server.port}/c",
    ]
    # Each host resolved once for the whole look: the connection goes to those answers.
    assert asked == ["shop.test", "mirror.test"]
    assert [path for path, _ in server.requests] == ["/", "/a", "/b", "/c"]


async def test_more_than_five_redirects_is_inconclusive(servers: Servers) -> None:
    routes = {f"/{n}": redirect(f"/{n + 1}") for n in range(10)}
    server = await servers.start(PageServer(routes))
    result = await check(f"http://shop.test:{server.port}/0")
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.error == "more than 5 redirects"
    assert len(server.requests) == 6


async def test_a_block_page_marker_is_blocked_page(servers: Servers) -> None:
    body = "<title>Блокировка</title><p>Доступ к данному ресурсу ограничен</p>".encode("cp1251")
    server = await servers.start(
        PageServer({"/": Page(200, body, {"Content-Type": "text/html; charset=windows-1251"})})
    )
    result = await check(f"http://shop.test:{server.port}/")
    assert result.verdict is Verdict.BLOCKED_PAGE
    assert result.title == "Блокировка"


async def test_a_block_page_address_is_blocked_page_without_connecting(
    servers: Servers,
) -> None:
    server = await servers.start(PageServer({"/": html("Shop")}))
    options = ProbeOptions(allowlist=("127.0.0.0/8",), block_page_addresses=("127.0.0.9",))
    result = await check(f"http://shop.test:{server.port}/", options, {"shop.test": ["127.0.0.9"]})
    assert result.verdict is Verdict.BLOCKED_PAGE
    assert server.connections == 0


async def test_a_parked_page_is_dead(servers: Servers) -> None:
    server = await servers.start(PageServer({"/": html("Parked", "This domain is for sale!")}))
    result = await check(f"http://shop.test:{server.port}/")
    assert result.verdict is Verdict.DEAD


async def test_a_name_that_does_not_resolve_is_dead() -> None:
    result = await check("https://gone.invalid/")
    assert result.verdict is Verdict.DEAD
    assert result.stages[0].name == "dns"
    assert not result.stages[0].ok
    assert "NXDOMAIN" in result.stages[0].detail


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_refused_on_every_address_is_dead() -> None:
    port = _closed_port()
    result = await check(
        f"http://shop.test:{port}/", names={"shop.test": ["127.0.0.1", "127.0.0.2"]}
    )
    assert result.verdict is Verdict.DEAD
    assert [(s.name, s.detail) for s in result.stages if s.name.startswith("tcp")] == [
        (f"tcp 127.0.0.1:{port}", "refused"),
        (f"tcp 127.0.0.2:{port}", "refused"),
    ]


async def test_tcp_that_works_and_a_tls_handshake_that_stalls_is_blocked_tls(
    servers: Servers,
) -> None:
    hole = await servers.start(BlackHole())
    result = await check(f"https://shop.test:{hole.port}/", STALLING)
    assert result.verdict is Verdict.BLOCKED_TLS
    tcp, tls = (s for s in result.stages if s.name.startswith(("tcp", "tls")))
    assert tcp.ok
    assert not tls.ok
    assert "stalled" in tls.detail
    assert hole.connections == 1


async def test_a_plain_http_server_that_never_answers_is_inconclusive(
    servers: Servers,
) -> None:
    hole = await servers.start(BlackHole())
    result = await check(f"http://shop.test:{hole.port}/", STALLING)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.error is not None


async def test_the_body_is_read_up_to_the_cap(servers: Servers) -> None:
    big = b"<title>Big</title>" + b"x" * (2 * 1024 * 1024)
    server = await servers.start(PageServer({"/": Page(200, big, {"Content-Type": "text/html"})}))
    options = ProbeOptions(allowlist=("127.0.0.0/8",), max_body_bytes=64 * 1024)
    result = await check(f"http://shop.test:{server.port}/", options)
    assert result.verdict is Verdict.ONLINE
    assert result.body_length == 64 * 1024
    assert result.title == "Big"


async def test_a_compressed_body_is_never_expanded_past_the_cap(servers: Servers) -> None:
    bomb = gzip.compress(b"<title>Bomb</title>" + b"\0" * (20 * 1024 * 1024))
    server = await servers.start(
        PageServer(
            {"/": Page(200, bomb, {"Content-Encoding": "gzip", "Content-Type": "text/html"})}
        )
    )
    result = await check(f"http://shop.test:{server.port}/")
    assert result.body_length == OPTIONS.max_body_bytes
    assert result.title == "Bomb"


async def test_fetch_returns_the_page_after_redirects(servers: Servers) -> None:
    server = await servers.start(
        PageServer({"/name": redirect("/s/name"), "/s/name": html("Channel")})
    )
    probe = WebProbe(OPTIONS, resolver=resolver_for({"t.test": ["127.0.0.1"]}))
    try:
        fetched = await probe.fetch(
            f"http://t.test:{server.port}/name", headers={"Accept-Language": "en"}
        )
    finally:
        await probe.aclose()
    assert fetched.status == 200
    assert fetched.final_url == f"http://t.test:{server.port}/s/name"
    assert b"<title>Channel</title>" in fetched.body
    assert fetched.content_type == "text/html; charset=utf-8"
    assert not fetched.refused
    assert fetched.error is None
    assert "title" in [stage.name for stage in fetched.stages]
    # The caller's headers go with every hop.
    assert [headers["accept-language"] for _, headers in server.requests] == ["en", "en"]


async def test_a_cyrillic_host_is_resolved_and_sent_as_punycode(servers: Servers) -> None:
    server = await servers.start(PageServer({"/": html("Дүкен")}))
    ascii_name = "магазин.test".encode("idna").decode("ascii")
    result = await check(f"http://магазин.test:{server.port}/", names={ascii_name: ["127.0.0.1"]})
    assert result.verdict is Verdict.ONLINE
    assert result.title == "Дүкен"
    assert server.requests[0][1]["host"] == f"{ascii_name}:{server.port}"


async def test_no_cookie_set_by_a_shop_is_ever_sent_back(servers: Servers) -> None:
    cookie = {"Set-Cookie": "session=abc; Path=/"}
    routes = {"/": Page(302, b"", {"Location": "/next", **cookie}), "/next": html("Next")}
    server = await servers.start(PageServer(routes))
    probe = WebProbe(OPTIONS, resolver=resolver_for(NAMES))
    url = f"http://shop.test:{server.port}/"
    try:
        for n in range(2):
            result = await probe.check(ProbeTarget(n, TargetKind.WEBSITE, url, url))
            assert result.verdict is Verdict.ONLINE
    finally:
        await probe.aclose()
    assert [path for path, _ in server.requests] == ["/", "/next", "/", "/next"]
    assert all("cookie" not in headers for _, headers in server.requests)
