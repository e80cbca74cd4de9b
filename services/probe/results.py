"""What one check of a target found: the shared language of the probe, the store and the rules.

A check is one look at one target, from one vantage, stage by stage (as OONI's web
connectivity test records it): each stage says whether it worked and what it saw, and the
check ends in one verdict. The verdict is what the status rules (services/probe/rules.py) use;
the stages are evidence for moderators and never reach volunteers.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

# Verdict and Vantage are stored in probe_check, so they live with the models (which import no
# services); every checker imports them from here.
from models.enums import TargetKind, Vantage, Verdict

__all__ = [
    "OUTCOMES",
    "CheckResult",
    "Checker",
    "Outcome",
    "ProbeTarget",
    "Stage",
    "Vantage",
    "Verdict",
]


class Outcome(StrEnum):
    """The verdicts grouped as the status rules see them."""

    ONLINE = "online"
    BLOCKED = "blocked"
    GONE = "gone"
    UNKNOWN = "unknown"


OUTCOMES: dict[Verdict, Outcome] = {
    Verdict.ONLINE: Outcome.ONLINE,
    Verdict.BLOCKED_TLS: Outcome.BLOCKED,
    Verdict.BLOCKED_PAGE: Outcome.BLOCKED,
    Verdict.BLOCKED: Outcome.BLOCKED,
    Verdict.DEAD: Outcome.GONE,
    Verdict.MISSING: Outcome.GONE,
    Verdict.RESTRICTED: Outcome.GONE,
    Verdict.INCONCLUSIVE: Outcome.UNKNOWN,
    Verdict.REFUSED: Outcome.UNKNOWN,
}


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of a check: `name` is e.g. "dns", "tcp 203.0.113.5:443", "tls", "http",
    "control.http", "getChat"; `detail` what it saw (answers, status, error class)."""

    name: str
    ok: bool
    detail: str = ""
    ms: float = 0.0


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check of one target, ready to be stored (models/probe.py) as one row."""

    vantage: Vantage
    verdict: Verdict
    stages: tuple[Stage, ...] = ()
    latency_ms: int = 0
    title: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    addresses: tuple[str, ...] = ()
    body_sha256: str | None = None
    body_length: int | None = None
    # A short error class or message (never a token, never a file URL).
    error: str | None = None
    # Telegram facts when given (getChat): member count of a channel or group.
    member_count: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def outcome(self) -> Outcome:
        return OUTCOMES[self.verdict]


@dataclass(frozen=True, slots=True)
class ProbeTarget:
    """What a checker needs of a report: its kind, canonical key (`tg:name`, `tg+:invite`,
    `shop.kz/path`) and the URL shown for it (`https://shop.kz/path`, `https://t.me/name`)."""

    report_id: int
    kind: TargetKind
    key: str
    url: str


class Checker(Protocol):
    """Looks at one target once. Web and Telegram targets each have their own checker; the
    recheck job picks by kind. Never raises for what it finds: failures are verdicts."""

    async def check(self, target: ProbeTarget) -> CheckResult: ...
