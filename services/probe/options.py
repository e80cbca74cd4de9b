"""How the probe looks: limits, time-outs, markers and the schedule, built from `[probe]`.

The defaults are the ones `config.example.toml` documents; tests build their own.
"""

import ipaddress
from dataclasses import dataclass, field

# Phrases of Kazakh ISPs' and the regulator's block pages (lower-case, matched in the body).
DEFAULT_BLOCK_PAGE_MARKERS = (
    "доступ к данному ресурсу ограничен",
    "доступ к интернет-ресурсу ограничен",
    "ресурс заблокирован",
    "осы ресурсқа қол жеткізу шектелген",
    "access to this resource is restricted",
)
# Parked, suspended or for-sale pages: the shop is gone even though a server answers.
DEFAULT_PARKED_MARKERS = (
    "this domain is for sale",
    "domain is parked",
    "account has been suspended",
    "this account has been suspended",
    "домен продается",
    "домен продаётся",
    "аккаунт заблокирован",
)


@dataclass(frozen=True, slots=True)
class ProbeOptions:
    enabled: bool = True
    # A proxy outside Kazakhstan (http://, https:// or socks5://); None: the bot's host only.
    control_proxy: str | None = None
    # Loopback addresses or networks the guard lets through — for tests' local servers only.
    allowlist: tuple[str, ...] = ()
    concurrency: int = 20
    per_host: int = 2
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    max_body_bytes: int = 256 * 1024
    max_redirects: int = 5
    block_page_markers: tuple[str, ...] = DEFAULT_BLOCK_PAGE_MARKERS
    block_page_addresses: tuple[str, ...] = ()
    parked_markers: tuple[str, ...] = DEFAULT_PARKED_MARKERS
    # Sent (and still-online) targets are checked this often; blocked and removed ones daily.
    sent_every_hours: float = 12.0
    closed_every_hours: float = 24.0
    # Each next check moves by up to this fraction of its interval, either way, so checks of
    # one batch spread out instead of arriving at a host together.
    jitter: float = 0.2
    # Well-known names the resolver must still resolve for a "no such name" to mean *dead*
    # (services/probe/dns_canary.py); empty: always believed (tests' own resolvers).
    dns_canaries: tuple[str, ...] = ()
    # An inconclusive check is retried sooner: after this many minutes, doubling each time.
    retry_after_minutes: float = 30.0
    user_agent: str = field(
        default="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    )

    def __post_init__(self) -> None:
        refuse_non_loopback(self.allowlist)


def refuse_non_loopback(allowlist: tuple[str, ...] | list[str]) -> None:
    """The allowlist exists so tests reach their own servers: anything but loopback is refused
    (an allowlisted private network would turn the guard off for an attacker's links)."""
    for entry in allowlist:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise ValueError(f"{entry!r} is not an IP address or network") from error
        if not network.is_loopback:
            raise ValueError(f"{entry!r} is not a loopback address or network")
