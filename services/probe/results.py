"""What one check of a target found: the shared language of the probe, the store and the rules.

A check is one look at one target, from one vantage, stage by stage (as OONI's web
connectivity test records it): each stage says whether it worked and what it saw, and the
check ends in one verdict. The verdict is what the status rules (services/probe/rules.py) use;
the stages are evidence for moderators and never reach volunteers.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from models.enums import TargetKind


class Verdict(StrEnum):
    """What a check concluded. Stored as plain strings (a new verdict needs no migration)."""

    # Reachable and serving (web), or the channel/user exists (Telegram).
    ONLINE = "online"
    # TCP connects, the TLS handshake stalls after the ClientHello (how Kazakh ISPs block).
    BLOCKED_TLS = "blocked_tls"
    # A configured block-page marker or block-page address.
    BLOCKED_PAGE = "blocked_page"
    # Fails from the bot's host, works through the control vantage (neither TLS nor page).
    BLOCKED = "blocked"
    # Gone at the source: NXDOMAIN, refused everywhere, 404/410, a parked or suspended page,
    # or failing through the control vantage too.
    DEAD = "dead"
    # Telegram: no such channel, group, user or bot.
    MISSING = "missing"
    # Telegram: the page or chat is restricted ("can't be displayed", a legal notice).
    RESTRICTED = "restricted"
    # Time-outs everywhere, 5xx, or markup not recognised: no conclusion, retried later.
    INCONCLUSIVE = "inconclusive"
    # The guard refused to connect (a private, loopback, … address, or a port not allowed).
    REFUSED = "refused"


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


class Vantage(StrEnum):
    """Where a check looked from."""

    # The bot's own host only (no control configured): "seen from the bot's host".
    HOST = "host"
    # The bot's host and the control proxy outside Kazakhstan, combined into one verdict.
    HOST_AND_CONTROL = "host+control"
    # Telegram's Bot API (getChat).
    BOT_API = "bot_api"
    # The public preview page t.me/<name> (or t.me/s/<name>).
    PREVIEW = "preview"


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
