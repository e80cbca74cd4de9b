"""What one look has seen so far, stage by stage, reachable from deep inside httpcore.

httpcore calls the guard's network backend with a host and a port and nothing else, so the
stages it records (TCP to each address, the TLS handshake) and the answers the probe already
checked for the host reach it through a context variable: each look runs in its own task
(asyncio copies the context per task), so concurrent looks never see each other's trail.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from services.probe.results import Stage

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass
class Trail:
    # "control." for the look through the control proxy: its stages stay apart in the record.
    prefix: str = ""
    # The ports this look may connect to: 80, 443 and the one the volunteer's link named.
    ports: frozenset[int] = frozenset(DEFAULT_PORTS.values())
    stages: list[Stage] = field(default_factory=list)
    # Host → its checked answers: a connection goes to these, never to a second resolution.
    pinned: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Per address tried: "ok", "refused", "timeout" or "error" (the verdict reads these).
    tcp: list[str] = field(default_factory=list)
    # The last TLS handshake: None (none tried), "ok", "stalled" or "failed".
    tls: str | None = None
    # Control looks: False when the proxy itself could not be reached (no evidence there).
    proxy_reached: bool | None = None

    def add(self, name: str, ok: bool, detail: str = "", started: float | None = None) -> None:
        ms = 0.0 if started is None else round((time.monotonic() - started) * 1000, 1)
        self.stages.append(Stage(name=self.prefix + name, ok=ok, detail=detail, ms=ms))


_current: ContextVar[Trail | None] = ContextVar("probe_trail", default=None)


def current_trail() -> Trail:
    """The running look's trail; outside a look, a fresh one with the default ports (so the
    guard still refuses everything it must when someone uses the client directly)."""
    trail = _current.get()
    return trail if trail is not None else Trail()


@contextmanager
def following(trail: Trail) -> Iterator[Trail]:
    token = _current.set(trail)
    try:
        yield trail
    finally:
        _current.reset(token)
