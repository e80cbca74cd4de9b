"""A "no such name" makes a site dead only while the bot's resolver still resolves known names:
a host whose DNS broke must not mark every sent site removed."""

from models.enums import TargetKind
from services.probe.dns_canary import canaried
from services.probe.guard import Resolver
from services.probe.options import ProbeOptions
from services.probe.results import ProbeTarget, Verdict
from services.probe.web import WebProbe
from tests.support.probe_servers import counting, resolver_for

CANARIES = ("canary-one.test", "canary-two.test")


async def _verdicts(resolver: Resolver, *names: str) -> list[tuple[Verdict, str | None]]:
    probe = WebProbe(
        ProbeOptions(connect_timeout=2, total_timeout=5), canaried(resolver, CANARIES)
    )
    try:
        found = []
        for n, name in enumerate(names):
            target = ProbeTarget(n + 1, TargetKind.WEBSITE, f"{name}/", f"https://{name}/")
            result = await probe.check(target)
            found.append((result.verdict, result.error))
        return found
    finally:
        await probe.aclose()


async def test_a_missing_name_is_dead_while_a_canary_resolves() -> None:
    asked: list[str] = []
    resolver = counting(resolver_for({"canary-two.test": ["203.0.113.7"]}), asked)
    [(verdict, _)] = await _verdicts(resolver, "gone-shop.kz")
    assert verdict is Verdict.DEAD
    assert asked == ["gone-shop.kz", "canary-one.test", "canary-two.test"]


async def test_when_no_canary_resolves_the_bots_dns_is_blamed_not_the_site() -> None:
    asked: list[str] = []
    resolver = counting(resolver_for({}), asked)
    found = await _verdicts(resolver, "gone-shop.kz", "other-shop.kz", "third-shop.kz")
    assert [verdict for verdict, _ in found] == [Verdict.INCONCLUSIVE] * 3
    assert all("name resolution is failing" in (error or "") for _, error in found)
    # The canaries were asked once for the three names, not three times.
    assert asked.count("canary-one.test") == 1


async def test_without_canaries_a_missing_name_is_believed() -> None:
    probe = WebProbe(ProbeOptions(), canaried(resolver_for({}), ()))
    try:
        target = ProbeTarget(1, TargetKind.WEBSITE, "gone-shop.kz/", "https://gone-shop.kz/")
        assert (await probe.check(target)).verdict is Verdict.DEAD
    finally:
        await probe.aclose()
