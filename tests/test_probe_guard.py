"""The guard with the allowlist off, as in production: no link, redirect or name can make the
probe connect to a loopback, private or otherwise non-public address, or to a port or scheme
the link did not name.

A `SimulatedInternet` sits beneath the guard (httpcore's own backend): the public address
93.184.216.34 lands on a local server, so a "public" shop can redirect to places the guard
must refuse, and every connection the probe opens is recorded. A victim listener on loopback
counts the connections it accepted: zero, always.
"""

from collections.abc import AsyncIterator

import httpcore
import pytest

from models.enums import TargetKind
from services.probe.guard import Guard, GuardedBackend, RefusedError, system_resolver
from services.probe.options import ProbeOptions
from services.probe.results import CheckResult, ProbeTarget, Verdict
from services.probe.web import WebProbe
from tests.support.probe_servers import (
    BlackHole,
    PageServer,
    SimulatedInternet,
    html,
    redirect,
)

PUBLIC = "93.184.216.34"
OFF = ProbeOptions(connect_timeout=5.0, read_timeout=5.0, total_timeout=10.0)


@pytest.fixture
def internet(monkeypatch: pytest.MonkeyPatch) -> SimulatedInternet:
    return SimulatedInternet(monkeypatch)


@pytest.fixture
async def victim() -> AsyncIterator[BlackHole]:
    """A listener on loopback that nothing may reach."""
    listener = await BlackHole().start()
    yield listener
    await listener.close()


@pytest.fixture
async def shop() -> AsyncIterator[PageServer]:
    """The "public" shop's server, whose redirects the tests set."""
    server = await PageServer({"/": html("Shop")}).start()
    yield server
    await server.close()


async def resolve(host: str) -> list[str]:
    """shop.test is public; loopback.test and mixed.test are the classic tricks; anything
    else goes to the system's resolver (localhost, numeric spellings of 127.0.0.1)."""
    names = {
        "shop.test": [PUBLIC],
        "loopback.test": ["127.0.0.1"],
        "mixed.test": [PUBLIC, "127.0.0.1"],
        "private.test": ["10.1.2.3"],
    }
    if host in names:
        return names[host]
    return await system_resolver(host)


async def check(url: str, options: ProbeOptions = OFF) -> CheckResult:
    probe = WebProbe(options, resolver=resolve)
    try:
        return await probe.check(ProbeTarget(1, TargetKind.WEBSITE, url, url))
    finally:
        await probe.aclose()


def only_public(internet: SimulatedInternet) -> bool:
    return all(host == PUBLIC for host, _ in internet.connects)


# Each names the victim's port, so only the address can be what refuses it.
DIRECT = [
    "http://127.0.0.1:{port}/",
    "https://127.0.0.1:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://[::1]:{port}/",
    "http://0.0.0.0:{port}/",
    "http://localhost:{port}/",
    "http://LOCALHOST.:{port}/",
    "http://2130706433:{port}/",
    "http://127.1:{port}/",
    "http://0x7f.0.0.1:{port}/",
    "http://loopback.test:{port}/",
    "http://mixed.test:{port}/",
    "http://private.test:{port}/",
    "http://10.0.0.1:{port}/",
    "http://192.168.1.1:{port}/",
    "http://172.16.0.1:{port}/",
    "http://169.254.169.254:{port}/latest/meta-data/",
    "http://100.64.0.1:{port}/",
    "http://224.0.0.1:{port}/",
    "http://[fe80::1]:{port}/",
    "http://[fc00::1]:{port}/",
    "http://[64:ff9b::7f00:1]:{port}/",
    "http://[2002:7f00:1::]:{port}/",
    "http://user:pass@127.0.0.1:{port}/",
]


@pytest.mark.parametrize("url", DIRECT)
async def test_a_link_to_a_private_or_loopback_address_is_refused_unconnected(
    url: str, internet: SimulatedInternet, victim: BlackHole
) -> None:
    result = await check(url.format(port=victim.port))
    assert result.verdict is Verdict.REFUSED
    assert result.error
    assert [s.name for s in result.stages if not s.ok][-1] == "guard"
    assert victim.connections == 0
    assert internet.connects == []


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://loopback.test:{port}/",
        "http://localhost:{port}/",
        "https://mixed.test:{port}/",
        "//127.0.0.1:{port}/",
        "http://10.0.0.1:{port}/",
    ],
)
async def test_a_redirect_to_loopback_or_private_is_refused(
    location: str, internet: SimulatedInternet, victim: BlackHole, shop: PageServer
) -> None:
    # The public shop is reached on the victim's port number, so that port is one the link
    # named: only the address can refuse the redirect.
    internet.routes[(PUBLIC, victim.port)] = shop.port
    shop.routes["/"] = redirect(location.format(port=victim.port))
    result = await check(f"http://shop.test:{victim.port}/")
    assert result.verdict is Verdict.REFUSED
    assert [path for path, _ in shop.requests] == ["/"]
    assert victim.connections == 0
    assert internet.connects == [(PUBLIC, victim.port)]
    guard = [stage for stage in result.stages if stage.name == "guard"]
    assert guard
    assert not guard[0].ok
    assert "refused" in guard[0].detail


async def test_a_redirect_to_a_port_the_link_did_not_name_is_refused(
    internet: SimulatedInternet, victim: BlackHole, shop: PageServer
) -> None:
    internet.routes[(PUBLIC, 80)] = shop.port
    internet.routes[(PUBLIC, victim.port)] = victim.port
    shop.routes["/"] = redirect(f"http://shop.test:{victim.port}/")
    result = await check("http://shop.test/")
    assert result.verdict is Verdict.REFUSED
    assert result.error == f"port {victim.port} is not one the link named"
    assert result.stages[-1].name == "guard"
    assert result.stages[-1].detail == f"refused: port {victim.port} is not one the link named"
    assert victim.connections == 0
    assert internet.connects == [(PUBLIC, 80)]


async def test_the_port_a_link_names_and_the_default_ports_are_allowed(
    internet: SimulatedInternet, shop: PageServer
) -> None:
    # shop.test:8080 → https://shop.test/ (443) → http://shop.test/ (80) → a page.
    pages = await PageServer({"/": html("Found")}).start()
    try:
        internet.routes[(PUBLIC, 8080)] = shop.port
        internet.routes[(PUBLIC, 80)] = pages.port
        shop.routes["/"] = redirect("http://shop.test/")
        result = await check("http://shop.test:8080/")
    finally:
        await pages.close()
    assert result.verdict is Verdict.ONLINE
    assert result.title == "Found"
    assert internet.connects == [(PUBLIC, 8080), (PUBLIC, 80)]


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://shop.test/", "gopher://shop.test:70/"]
)
async def test_a_redirect_to_another_scheme_is_refused(
    location: str, internet: SimulatedInternet, shop: PageServer
) -> None:
    internet.routes[(PUBLIC, 80)] = shop.port
    shop.routes["/"] = redirect(location)
    result = await check("http://shop.test/")
    assert result.verdict is Verdict.REFUSED
    assert "scheme" in (result.error or "")
    assert result.stages[-1].name == "guard"
    assert not result.stages[-1].ok
    assert internet.connects == [(PUBLIC, 80)]


async def test_fetch_refuses_as_check_does(internet: SimulatedInternet, victim: BlackHole) -> None:
    probe = WebProbe(OFF, resolver=resolve)
    try:
        fetched = await probe.fetch(f"http://127.0.0.1:{victim.port}/")
    finally:
        await probe.aclose()
    assert fetched.refused
    assert fetched.status is None
    assert fetched.body == b""
    assert victim.connections == 0
    assert internet.connects == []


async def test_the_allowlist_lets_only_its_own_addresses_through(
    internet: SimulatedInternet,
) -> None:
    # Tests reach 127.0.0.1; a redirect to another loopback address is still refused.
    listed = ProbeOptions(allowlist=("127.0.0.1",), connect_timeout=5.0, total_timeout=10.0)
    shop = await PageServer({}).start()
    shop.routes["/"] = redirect(f"http://127.0.0.2:{shop.port}/")
    try:
        result = await check(f"http://127.0.0.1:{shop.port}/", listed)
    finally:
        await shop.close()
    assert result.verdict is Verdict.REFUSED
    assert result.error == "127.0.0.2 is loopback"
    assert internet.connects == [("127.0.0.1", shop.port)]


def test_the_allowlist_refuses_anything_but_loopback() -> None:
    with pytest.raises(ValueError, match="not a loopback"):
        ProbeOptions(allowlist=("10.0.0.0/8",))


async def test_the_backend_refuses_on_its_own_outside_a_look(
    internet: SimulatedInternet, victim: BlackHole
) -> None:
    # Someone using the guarded client without a look still meets the guard.
    backend = GuardedBackend(Guard(resolve))
    with pytest.raises(RefusedError, match="loopback"):
        await backend.connect_tcp("localhost", 80)
    with pytest.raises(RefusedError, match="port"):
        await backend.connect_tcp("shop.test", victim.port)
    with pytest.raises(RefusedError):
        await backend.connect_unix_socket("/var/run/docker.sock")
    assert internet.connects == []
    assert victim.connections == 0


async def test_a_name_is_resolved_once_so_rebinding_cannot_switch_it(
    internet: SimulatedInternet, shop: PageServer
) -> None:
    # The first answer is public, every later one loopback: the look uses the first.
    answers = iter([[PUBLIC]])

    async def rebinding(_host: str) -> list[str]:
        return next(answers, ["127.0.0.1"])

    internet.routes[(PUBLIC, 80)] = shop.port
    shop.routes["/"] = redirect("/again")
    shop.routes["/again"] = html("Same host")
    probe = WebProbe(OFF, resolver=rebinding)
    try:
        result = await probe.check(ProbeTarget(1, TargetKind.WEBSITE, "r", "http://shop.test/"))
    finally:
        await probe.aclose()
    assert result.verdict is Verdict.ONLINE
    assert internet.connects == [(PUBLIC, 80), (PUBLIC, 80)]
    assert only_public(internet)


def test_httpcore_still_has_the_backend_interface_the_guard_implements() -> None:
    # The guard is httpcore's documented network-backend API; a rename upstream fails here.
    assert issubclass(GuardedBackend, httpcore.AsyncNetworkBackend)
