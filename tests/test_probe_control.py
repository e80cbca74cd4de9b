"""The control vantage: every check also runs through `[probe] control_proxy` (here a local
HTTP CONNECT proxy the test starts, which reaches shop.test where the test's table says), and
the two looks combine: fails here and works there is blocked; both fail is dead; both work is
online. The target is judged here first, so a link cannot make the proxy reach our network."""

from collections.abc import AsyncIterator

import pytest

from models.enums import TargetKind
from services.probe.options import ProbeOptions
from services.probe.results import CheckResult, ProbeTarget, Vantage, Verdict
from services.probe.web import WebProbe
from services.probe.web_verdict import combine
from tests.support.probe_servers import (
    BlackHole,
    ConnectProxy,
    PageServer,
    Servers,
    html,
    resolver_for,
    tls_server_context,
)

NAMES = {"shop.test": ["127.0.0.1"]}


@pytest.fixture
async def servers() -> AsyncIterator[Servers]:
    started = Servers()
    yield started
    await started.aclose()


def through(proxy: ConnectProxy | int, connect_timeout: float = 0.5) -> ProbeOptions:
    # 0.5 s: the direct path's stall ends there, and a local handshake through the proxy
    # (a few milliseconds) has a hundred times that.
    port = proxy if isinstance(proxy, int) else proxy.port
    return ProbeOptions(
        allowlist=("127.0.0.1",),
        control_proxy=f"http://127.0.0.1:{port}",
        connect_timeout=connect_timeout,
        read_timeout=5.0,
        total_timeout=10.0,
    )


async def check(
    url: str, options: ProbeOptions, names: dict[str, list[str]] = NAMES
) -> CheckResult:
    probe = WebProbe(options, resolver=resolver_for(names))
    try:
        return await probe.check(ProbeTarget(1, TargetKind.WEBSITE, url, url))
    finally:
        await probe.aclose()


async def test_a_tls_stall_here_that_works_through_the_control_is_blocked_tls(
    servers: Servers,
) -> None:
    hole = await servers.start(BlackHole())
    shop = await servers.start(PageServer({"/": html("Seen abroad")}, tls_server_context()))
    proxy = await servers.start(ConnectProxy({("shop.test", hole.port): shop.port}))
    result = await check(f"https://shop.test:{hole.port}/", through(proxy))
    assert result.verdict is Verdict.BLOCKED_TLS
    assert result.vantage is Vantage.HOST_AND_CONTROL
    assert proxy.asked == [f"shop.test:{hole.port}"]
    assert hole.connections == 1
    # The control's page is the evidence: the moderators see what the shop shows.
    assert result.title == "Seen abroad"
    assert result.http_status == 200
    assert result.extra == {"evidence": "control"}
    names = [stage.name for stage in result.stages]
    assert "tls" in names
    assert "control.tls" in names
    assert "control.tcp proxy" in names
    assert not next(s for s in result.stages if s.name == "tls").ok
    assert next(s for s in result.stages if s.name == "control.tls").ok


async def test_works_on_both_is_online(servers: Servers) -> None:
    shop = await servers.start(PageServer({"/": html("Shop")}, tls_server_context()))
    proxy = await servers.start(ConnectProxy({("shop.test", shop.port): shop.port}))
    result = await check(f"https://shop.test:{shop.port}/", through(proxy, 5.0))
    assert result.verdict is Verdict.ONLINE
    assert result.vantage is Vantage.HOST_AND_CONTROL
    assert result.extra == {}
    assert shop.connections == 2


async def test_a_name_missing_here_but_served_there_is_blocked(servers: Servers) -> None:
    shop = await servers.start(PageServer({"/": html("Shop")}))
    proxy_routes = {("hidden.test", shop.port): shop.port}
    proxy = await servers.start(ConnectProxy(proxy_routes))
    result = await check(f"http://hidden.test:{shop.port}/", through(proxy, 5.0), names={})
    assert result.verdict is Verdict.BLOCKED
    assert result.vantage is Vantage.HOST_AND_CONTROL


async def test_fails_on_both_is_dead(servers: Servers) -> None:
    # Nothing listens here; the proxy cannot reach it either (502 to the CONNECT).
    gone = await servers.start(BlackHole())
    await gone.close()
    proxy = await servers.start(ConnectProxy({}))
    result = await check(f"https://shop.test:{gone.port}/", through(proxy, 5.0))
    assert result.verdict is Verdict.DEAD
    assert result.vantage is Vantage.HOST_AND_CONTROL
    assert proxy.asked == [f"shop.test:{gone.port}"]


async def test_a_missing_page_on_both_is_dead(servers: Servers) -> None:
    shop = await servers.start(PageServer({}))  # 404 for every path
    proxy = await servers.start(ConnectProxy({("shop.test", shop.port): shop.port}))
    result = await check(f"http://shop.test:{shop.port}/", through(proxy, 5.0))
    assert result.verdict is Verdict.DEAD
    assert result.http_status == 404
    assert [path for path, _ in shop.requests] == ["/", "/"]


async def test_an_unreachable_proxy_leaves_the_host_verdict_alone(
    servers: Servers,
) -> None:
    hole = await servers.start(BlackHole())
    closed = await servers.start(BlackHole())
    await closed.close()  # a proxy port where nothing listens any more
    result = await check(f"https://shop.test:{hole.port}/", through(closed.port))
    assert result.verdict is Verdict.BLOCKED_TLS
    assert result.vantage is Vantage.HOST
    proxy_stage = next(s for s in result.stages if s.name == "control.tcp proxy")
    assert not proxy_stage.ok


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2:{port}/",
        "https://[::ffff:127.0.0.2]:{port}/",
        "http://local.test:{port}/",
    ],
)
async def test_the_control_never_carries_a_refused_target(servers: Servers, url: str) -> None:
    victim = await servers.start(BlackHole())
    proxy = await servers.start(ConnectProxy({}))
    names = {"local.test": ["10.0.0.7"]}
    result = await check(url.format(port=victim.port), through(proxy, 5.0), names)
    assert result.verdict is Verdict.REFUSED
    assert proxy.connections == 0
    assert victim.connections == 0


@pytest.mark.parametrize(
    ("here", "there", "combined"),
    [
        (Verdict.ONLINE, Verdict.ONLINE, Verdict.ONLINE),
        (Verdict.ONLINE, Verdict.DEAD, Verdict.ONLINE),
        (Verdict.BLOCKED_TLS, Verdict.ONLINE, Verdict.BLOCKED_TLS),
        (Verdict.BLOCKED_PAGE, Verdict.ONLINE, Verdict.BLOCKED_PAGE),
        (Verdict.DEAD, Verdict.ONLINE, Verdict.BLOCKED),
        (Verdict.INCONCLUSIVE, Verdict.ONLINE, Verdict.BLOCKED),
        (Verdict.BLOCKED_TLS, Verdict.INCONCLUSIVE, Verdict.DEAD),
        (Verdict.DEAD, Verdict.DEAD, Verdict.DEAD),
        (Verdict.INCONCLUSIVE, Verdict.DEAD, Verdict.DEAD),
        (Verdict.INCONCLUSIVE, Verdict.INCONCLUSIVE, Verdict.INCONCLUSIVE),
        (Verdict.BLOCKED_PAGE, Verdict.DEAD, Verdict.BLOCKED_PAGE),
        (Verdict.REFUSED, Verdict.REFUSED, Verdict.REFUSED),
    ],
)
def test_how_the_two_vantages_combine(here: Verdict, there: Verdict, combined: Verdict) -> None:
    assert combine(here, there, proxy_reached=True)[0] is combined


def test_a_control_that_saw_nothing_leaves_the_host_verdict() -> None:
    assert combine(Verdict.BLOCKED_TLS, Verdict.INCONCLUSIVE, proxy_reached=False) == (
        Verdict.BLOCKED_TLS,
        Vantage.HOST,
    )
