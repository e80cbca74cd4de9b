"""From one link as a volunteer typed it to a Target, or a Refusal that says why not.

Input is cleaned the way browsers clean it (WHATWG URL standard): surrounding whitespace and
control characters go, tabs and newlines inside are removed, backslashes before the query are
slashes, and ``http:shop.kz`` or ``http:\\\\shop.kz`` mean ``http://shop.kz``. The length check
runs on the cleaned text, before any parsing.
"""

import functools
import re

from yarl import URL

from services.identity import social, telegram
from services.identity.hosts import normalize_host, strip_mobile_prefixes
from services.identity.model import (
    MAX_URL_LENGTH,
    LinkRefusedError,
    Refusal,
    RefusalReason,
    Target,
)
from services.identity.web import web_link, website_target

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)", re.DOTALL)
_PORT_THEN_PATH = re.compile(r"[0-9]+(?:[/?#\\].*)?", re.DOTALL)
_INSIDE_WHITESPACE = re.compile(r"[\t\n\r]")
# C0 controls, space and the invisible characters that survive copying from a chat.
_EDGE_JUNK = "".join(chr(code) for code in range(0x21)) + "\u00a0\u200b\u200c\u200d\u2060\ufeff"
# Schemes recognised even when followed by something that looks like a port (javascript:1).
_ALWAYS_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "tg", "http", "https"})
_WEB_SCHEMES = frozenset({"http", "https"})
# Matches the report table's canonical_key and display columns.
MAX_KEY_LENGTH = 2100


# The same link comes again and again (repeats, confirmations): its answer never changes.
@functools.lru_cache(maxsize=4096)
def canonicalize(raw: str) -> Target | Refusal:
    """Never raises: anything that is not a reportable link comes back as a Refusal."""
    try:
        target = _canonicalize(raw)
    except LinkRefusedError as exc:
        return Refusal(raw=raw, reason=exc.reason)
    except ValueError:
        # yarl and idna reject malformed authorities (bad ports, brackets, punycode) this way.
        return Refusal(raw=raw, reason=RefusalReason.INVALID_HOST)
    # Percent-encoding can make a short Cyrillic link's key several times longer than the text.
    if max(len(target.key), len(target.display), len(target.evidence_url or "")) > MAX_KEY_LENGTH:
        return Refusal(raw=raw, reason=RefusalReason.TOO_LONG)
    return target


def _canonicalize(raw: str) -> Target:
    text = _INSIDE_WHITESPACE.sub("", raw.strip(_EDGE_JUNK + " \t\n\r\x0b\x0c"))
    if len(text) > MAX_URL_LENGTH:
        raise LinkRefusedError(RefusalReason.TOO_LONG)
    if not text:
        raise LinkRefusedError(RefusalReason.INVALID_HOST)
    if text.startswith("@"):
        return telegram.from_mention(text)
    scheme, rest = _split_scheme(text)
    if scheme == "tg":
        return telegram.from_tg_uri(_parse(text))
    if scheme is not None and scheme not in _WEB_SCHEMES:
        raise LinkRefusedError(RefusalReason.BAD_SCHEME)
    rest = _web_rest(rest)
    if scheme is None and "@" in re.split(r"[/?#]", rest, maxsplit=1)[0]:
        # user@mail.kz is an e-mail address; only an explicit scheme makes userinfo a URL part.
        raise LinkRefusedError(RefusalReason.UNSUPPORTED)
    url = _parse(f"{scheme or 'http'}://{rest}")
    host = strip_mobile_prefixes(normalize_host(url.raw_host or ""))
    if telegram.is_telegram_host(host):
        return telegram.from_web(url, host)
    link = web_link(url, host, explicit_http=scheme == "http")
    return social.social_target(link) or website_target(link)


def _parse(text: str) -> URL:
    try:
        return URL(text)
    except IndexError as exc:
        # yarl 1.25 indexes an empty host for inputs such as "http://][@".
        raise LinkRefusedError(RefusalReason.INVALID_HOST) from exc


def _split_scheme(text: str) -> tuple[str | None, str]:
    """Return (lowercase scheme or None, the rest); ``shop.kz:8080/x`` has no scheme."""
    match = _SCHEME.fullmatch(text)
    if match is None:
        return None, text
    scheme, rest = match[1].lower(), match[2]
    if scheme in _ALWAYS_SCHEMES or rest.startswith("//"):
        return scheme, rest
    if "." in scheme or _PORT_THEN_PATH.fullmatch(rest):
        return None, text
    return scheme, rest


def _web_rest(rest: str) -> str:
    """Browser rules for special schemes: ``\\`` is ``/`` before the query; slashes optional."""
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    return (rest[:cut].replace("\\", "/") + rest[cut:]).lstrip("/")
