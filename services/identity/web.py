"""Web links: one key per page whatever the scheme, prefix, slash, fragment or tracking noise.

Key format: punycode host, ``:port`` unless 80/443, the re-encoded path without trailing
slashes, then ``?`` and the query sorted by name and value, if anything is left of it.
Display uses the Unicode host and ``https`` unless the volunteer explicitly typed ``http``;
path and query stay percent-encoded there so that no bidi or control trick reaches a moderator.
"""

from dataclasses import dataclass

from yarl import URL

from models.enums import TargetKind
from services.identity.hosts import key_host, site_of, unicode_host
from services.identity.model import Target

# Click and campaign identifiers added by ad networks, mailers and share buttons: they say who
# shared the link, never which page it is. Parameters that can select content (ref, id, page,
# s, t ...) are kept on ordinary sites, because a wrong merge loses a report and a missed merge
# only costs a moderator one click.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "yclid",
        "ysclid",
        "_openstat",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "twclid",
        "ttclid",
        "srsltid",
        "_ga",
        "_gl",
    }
)
TRACKING_PREFIXES = ("utm_",)
# Share-button parameters that are only noise on the sites that add them.
SITE_TRACKING_PARAMS: dict[str, frozenset[str]] = {
    "youtube.com": frozenset({"si", "feature", "pp", "ab_channel"}),
    "youtu.be": frozenset({"si", "feature", "pp"}),
    "spotify.com": frozenset({"si"}),
    "facebook.com": frozenset({"mibextid", "rdid", "sfnsn", "__tn__", "__cft__[0]"}),
}
DEFAULT_PORTS = frozenset({80, 443})
# Free page builders where the first path segment is the tenant: grouping by registered domain
# there would put every shop that uses them into one site.
PATH_TENANT_HOSTS = frozenset(
    {"telegra.ph", "graph.org", "teletype.in", "linktr.ee", "taplink.cc"}
)


@dataclass(frozen=True, slots=True)
class WebLink:
    """A parsed http(s) link reduced to what identifies it.

    ``segments`` are percent-encoded path segments as yarl normalised them (so ``/а`` and
    ``/%D0%B0`` agree); ``query`` keeps decoded pairs in the volunteer's order.
    """

    host: str
    port: int | None
    segments: tuple[str, ...]
    query: tuple[tuple[str, str], ...]
    explicit_http: bool

    @property
    def path(self) -> str:
        return "/" + "/".join(self.segments) if self.segments else ""

    def render(self) -> tuple[str, str]:
        """Return (key, display) for this link."""
        port = f":{self.port}" if self.port is not None else ""
        query = ""
        if self.query:
            query = "?" + URL("http://h/").with_query(sorted(self.query)).raw_query_string
        key = f"{key_host(self.host)}{port}{self.path}{query}"
        scheme = "http" if self.explicit_http else "https"
        display = f"{scheme}://{unicode_host(self.host)}{port}{self.path}{query}"
        return key, display


def web_link(url: URL, host: str, *, explicit_http: bool) -> WebLink:
    """Reduce ``url``; ``host`` comes checked and stripped of mobile prefixes by the caller."""
    port = url.explicit_port
    segments = url.raw_path.split("/")[1:]
    while segments and not segments[-1]:
        segments.pop()
    return WebLink(
        host=host,
        port=None if port in DEFAULT_PORTS else port,
        segments=tuple(segments),
        query=_without_tracking(url, site_of(host)),
        explicit_http=explicit_http,
    )


def website_target(link: WebLink) -> Target:
    key, display = link.render()
    site_key = site_of(link.host)
    if link.host in PATH_TENANT_HOSTS and link.segments:
        site_key = f"{link.host}/{link.segments[0]}"
    return Target(key=key, kind=TargetKind.WEBSITE, display=display, site_key=site_key)


def _without_tracking(url: URL, site: str) -> tuple[tuple[str, str], ...]:
    site_params = SITE_TRACKING_PARAMS.get(site, frozenset())
    kept = []
    for name, value in url.query.items():
        lowered = name.lower()
        if lowered in TRACKING_PARAMS or lowered in site_params:
            continue
        if lowered.startswith(TRACKING_PREFIXES):
            continue
        kept.append((name, value))
    return tuple(kept)
