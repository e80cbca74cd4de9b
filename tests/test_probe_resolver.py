"""Name resolution as the probe sees it: the system resolver's answers and failures mapped to
"no such name" (dead) and "failed" (no conclusion), and a resolver that never answers ends at
the connect time-out instead of holding the check."""

import asyncio
import socket
from typing import Any

import pytest

from models.enums import TargetKind
from services.probe.guard import NoSuchNameError, ResolveError, system_resolver
from services.probe.options import ProbeOptions
from services.probe.results import ProbeTarget, Verdict
from services.probe.web import WebProbe


def getaddrinfo_raising(error: BaseException) -> Any:
    async def getaddrinfo(*_args: object, **_kwargs: object) -> list[Any]:
        raise error

    return getaddrinfo


async def test_the_system_resolver_answers_each_address_once() -> None:
    # localhost comes from /etc/hosts: no network needed.
    answers = await system_resolver("localhost")
    assert answers
    assert len(answers) == len(set(answers))
    assert all(":" in a or a.count(".") == 3 for a in answers)


@pytest.mark.parametrize(
    ("code", "raised"),
    [
        (socket.EAI_NONAME, NoSuchNameError),
        (socket.EAI_AGAIN, ResolveError),
        (socket.EAI_FAIL, ResolveError),
    ],
)
async def test_resolver_failures_are_told_apart(
    monkeypatch: pytest.MonkeyPatch, code: int, raised: type[Exception]
) -> None:
    loop = asyncio.get_running_loop()
    error = socket.gaierror(code, "resolver says no")
    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo_raising(error))
    with pytest.raises(raised):
        await system_resolver("shop.kz")


async def test_a_failing_resolver_is_inconclusive_not_dead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop = asyncio.get_running_loop()
    error = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo_raising(error))
    probe = WebProbe(ProbeOptions())
    try:
        result = await probe.check(ProbeTarget(1, TargetKind.WEBSITE, "s", "https://shop.kz/"))
    finally:
        await probe.aclose()
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.stages[0].name == "dns"
    assert not result.stages[0].ok


async def test_a_resolver_that_never_answers_ends_at_the_connect_time_out() -> None:
    never = asyncio.Event()

    async def silent(_host: str) -> list[str]:
        await never.wait()
        return []

    probe = WebProbe(ProbeOptions(connect_timeout=0.1, total_timeout=10.0), resolver=silent)
    try:
        result = await probe.check(ProbeTarget(1, TargetKind.WEBSITE, "s", "https://shop.kz/"))
    finally:
        await probe.aclose()
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.stages[0].detail == "shop.kz: time-out"
