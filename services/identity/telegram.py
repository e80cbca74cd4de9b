"""Telegram links: every spelling of a public username, invite, or private channel is one key.

Keys: ``tg:<lowercase username>``, ``tg+:<invite hash>`` (hashes are case-sensitive),
``tgc:<private channel id>``. Post links fold into their channel and keep the post as evidence.
Usernames are accepted from 4 characters although Telegram's own rule is 5-32: Fragment sells
4-character collectible usernames, and a shop that bought one must still be reportable.
A name that is not a valid username, anywhere (``@ab``, ``t.me/ab``, ``ab.t.me``), is
UNSUPPORTED: the Telegram address is well-formed, it just names nothing reportable.
"""

import re

from yarl import URL

from models.enums import TargetKind
from services.identity.hosts import registered_domain
from services.identity.model import LinkRefusedError, RefusalReason, Target

TELEGRAM_DOMAINS = frozenset({"t.me", "telegram.me", "telegram.dog"})
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
INVITE_HASH = re.compile(r"[A-Za-z0-9_-]+")
NUMBER = re.compile(r"[0-9]{1,20}")
# Service paths of t.me that look like usernames but open Telegram features, not chats.
RESERVED_PATHS = frozenset(
    {
        "share",
        "addstickers",
        "addemoji",
        "addtheme",
        "addlist",
        "setlanguage",
        "proxy",
        "socks",
        "login",
        "confirmphone",
        "iv",
        "bg",
        "invoice",
        "boost",
        "contact",
        "giftcode",
        "nft",
        "m",
        "auth",
        "passport",
        "premium",
        "premium_offer",
        "stars",
        "setemoji",
    }
)


def is_telegram_host(host: str) -> bool:
    return registered_domain(host) in TELEGRAM_DOMAINS


def from_mention(text: str) -> Target:
    return _username_target(text.removeprefix("@"), post=())


def from_web(url: URL, host: str) -> Target:
    """Read ``t.me``-style links; the host is already lowercased and stripped of ``www.``."""
    segments = [segment for segment in url.path.split("/") if segment]
    subdomain = host.removesuffix(registered_domain(host)).removesuffix(".")
    if subdomain:
        return _username_target(subdomain, post=tuple(segments[:1]))
    if not segments:
        raise LinkRefusedError(RefusalReason.UNSUPPORTED)
    first, rest = segments[0], segments[1:]
    if first.startswith("+"):
        return _invite_target(first[1:])
    if first == "joinchat" and rest:
        return _invite_target(rest[0])
    if first == "c" and rest:
        return _private_target(rest[0], post=tuple(rest[1:3]))
    if first == "s" and rest:
        first, rest = rest[0], rest[1:]
    if first.lower() in RESERVED_PATHS:
        raise LinkRefusedError(RefusalReason.UNSUPPORTED)
    return _username_target(first, post=tuple(rest[:2]))


def from_tg_uri(url: URL) -> Target:
    """Read ``tg://resolve?domain=x``, ``tg://join?invite=H`` and ``tg://privatepost``."""
    action = (url.host or url.path.strip("/")).lower()
    query = url.query
    if action == "resolve" and "domain" in query:
        return _username_target(query["domain"], post=tuple(query.getall("post", ())[:1]))
    if action == "join" and "invite" in query:
        return _invite_target(query["invite"])
    if action == "privatepost" and "channel" in query:
        return _private_target(query["channel"], post=tuple(query.getall("post", ())[:1]))
    raise LinkRefusedError(RefusalReason.UNSUPPORTED)


def _username_target(username: str, *, post: tuple[str, ...]) -> Target:
    if not USERNAME.fullmatch(username):
        raise LinkRefusedError(RefusalReason.UNSUPPORTED)
    key = f"tg:{username.lower()}"
    return Target(
        key=key,
        kind=TargetKind.TELEGRAM,
        display=f"https://t.me/{username}",
        site_key=key,
        evidence_url=_evidence(username, post),
    )


def _invite_target(invite_hash: str) -> Target:
    # t.me/+<digits> is a phone-number contact link, not an invite.
    if not INVITE_HASH.fullmatch(invite_hash) or invite_hash.isdigit():
        raise LinkRefusedError(RefusalReason.UNSUPPORTED)
    key = f"tg+:{invite_hash}"
    return Target(
        key=key, kind=TargetKind.TELEGRAM, display=f"https://t.me/+{invite_hash}", site_key=key
    )


def _private_target(channel_id: str, *, post: tuple[str, ...]) -> Target:
    if not NUMBER.fullmatch(channel_id):
        raise LinkRefusedError(RefusalReason.UNSUPPORTED)
    key = f"tgc:{channel_id}"
    return Target(
        key=key,
        kind=TargetKind.TELEGRAM,
        display=f"https://t.me/c/{channel_id}",
        site_key=key,
        evidence_url=_evidence(f"c/{channel_id}", post),
    )


def _evidence(path: str, post: tuple[str, ...]) -> str | None:
    """The post link, from the numeric segments after the chat (message, or topic and message)."""
    numbers = []
    for segment in post:
        if not NUMBER.fullmatch(segment):
            break
        numbers.append(segment)
    if not numbers:
        return None
    return "/".join([f"https://t.me/{path}", *numbers])
