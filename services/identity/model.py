"""What canonicalisation returns: a reportable target, or a refusal that names its reason."""

from dataclasses import dataclass
from enum import StrEnum

from models.enums import TargetKind

MAX_URL_LENGTH = 2048


class RefusalReason(StrEnum):
    """Why a link cannot become a target; the handler words each one for the volunteer."""

    BAD_SCHEME = "bad_scheme"
    PRIVATE_ADDRESS = "private_address"
    TOO_LONG = "too_long"
    INVALID_HOST = "invalid_host"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class Target:
    """One reportable thing, identified by ``key`` however the volunteer spelled the link.

    ``site_key`` groups targets that belong to one operator: the registered domain for web sites
    (mirrors on subdomains share it), the account for social links, the key itself for Telegram.
    ``evidence_url`` keeps the concrete post a link pointed at when the target is its channel.
    """

    key: str
    kind: TargetKind
    display: str
    site_key: str
    evidence_url: str | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    raw: str
    reason: RefusalReason


class LinkRefusedError(Exception):
    """Raised deep in the parsers so they stay linear; ``canonicalize`` turns it into a Refusal."""

    def __init__(self, reason: RefusalReason) -> None:
        super().__init__(reason.value)
        self.reason = reason
