"""What Telegram's public preview pages say about a username or an invite link.

t.me answers HTTP 200 for nearly everything (a missing name included), so the markup is the
only signal. Each reader below turns one page into a `PageReading`: exists (ONLINE, with the
title and the subscriber/member count when shown), missing (MISSING), restricted (RESTRICTED,
with Telegram's own sentence), or INCONCLUSIVE when the page is not one recognised here —
never a guess. The saved pages in tests/fixtures/tme/ follow the markup each rule relies on.

Pages and the markup relied on (where it was seen):

- ``t.me/<name>`` of a channel, group, user or bot: ``div.tgme_page_title`` (the name, in a
  ``<span dir="auto">`` on current pages) and ``div.tgme_page_extra``: "N subscribers" for a
  channel, "N members, M online" for a group, "@name" for a user or bot ("N monthly users" for
  some bots); the button ``a.tgme_action_button_new`` says "Send Message" or "Start Bot"; a
  channel adds ``div.tgme_page_context_link_wrap`` ("Preview channel" → t.me/s/<name>).
  Seen in a full saved bot page in a public Go service's template (``tgme_page_wrap`` …
  ``tgme_page_additional``), in the rules of AnshumanAtrey/telegram-channel-scraper
  (src/parse.py ``classify_landing``, built from pages saved from t.me on 2026-09-23) and in
  many scrapers' selectors (``tgme_page_title`` with an inner span, ``tgme_page_extra``).
- A username nobody holds: Telegram's generic page, no ``tgme_page_title`` and in
  ``div.tgme_page_description`` "If you have <strong>Telegram</strong>, you can contact
  <a class="tgme_username_link" href="tg://resolve?domain=…">@name</a> right away." (the
  string username-availability checkers in public repositories search for; the scraper above
  also requires ``<meta name="robots" content="noindex, nofollow">``). A user's page carries
  a similar sentence in ``tgme_page_additional``, so only the description of a page without a
  title counts.
- ``t.me/s/<name>``, a channel's public feed: ``div.tgme_channel_info`` with
  ``tgme_channel_info_header_title`` and ``tgme_channel_info_counter`` blocks
  (``span.counter_value`` "1.48M", ``span.counter_type`` "subscribers"), messages in
  ``div.tgme_widget_message``. For anything that is not a readable channel (a group, user,
  bot, a channel with the preview off or blocked) t.me answers with a redirect to
  ``t.me/<name>`` (scraper above, src/telegram.py).
- Restricted channels: their ``t.me/<name>`` page still looks like a channel's, ``t.me/s``
  redirects, and the embedded first post ``t.me/<name>/1?embed=1&mode=tme`` shows
  ``div.tgme_widget_message_error`` with Telegram's reason, e.g. "Unfortunately, this channel
  couldn't be displayed on your device." or "This channel is unavailable due to copyright
  infringement." (scraper above, tests/test_walk.py); the Terms-of-Service wording "This
  channel can't be displayed because it violated Telegram's Terms of Service." is Telegram's
  restriction reason as MTProto clients receive it. A channel blocked outright gets the
  generic page (no title, noindex) saying one can "view posts" of @name: restricted only
  when a notice says so.
- ``t.me/+<hash>`` (and ``joinchat``): a working invite shows the chat's ``tgme_page_title``
  and ``tgme_page_extra``; a revoked or made-up one the generic page, "You are invited to a
  group chat on Telegram" with no title (the scraper's private-link fixture).

Restriction sentences are trusted only where Telegram writes them (the post error block, the
description of a page without a title): a shop can type "can't be displayed" into its own
channel description to look removed.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit

from services.probe.markup import Element, parse
from services.probe.results import Verdict

TELEGRAM_HOSTS = frozenset({"t.me", "www.t.me", "telegram.me", "www.telegram.me", "telegram.dog"})
# Lower-case, with curly apostrophes straightened (Telegram uses both).
RESTRICTION_PHRASES = (
    "can't be displayed",
    "cannot be displayed",
    "couldn't be displayed",
    "could not be displayed",
    "violated telegram's terms of service",
    "violated local laws",
    "unavailable due to",
    "не может быть показан",
    "не может быть отображ",
)
_COUNT = re.compile(
    r"^(?P<number>\d[\d\s\u00a0\u202f,.]*?)\s*(?P<suffix>[KMB])?\s+"
    r"(?P<noun>subscribers?|members?|monthly users?)\b",
    re.IGNORECASE,
)
_MULTIPLIERS = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


@dataclass(frozen=True, slots=True)
class PageFetch:
    """One page as fetched: HTTP status, the URL after redirects, the body, or why it failed."""

    status: int | None
    final_url: str | None
    body: str | bytes = b""
    error: str | None = None

    @property
    def text(self) -> str:
        if isinstance(self.body, bytes):
            return self.body.decode("utf-8", errors="replace")
        return self.body


class PageFetcher(Protocol):
    """Fetches a page through the probe's guarded client (services/probe/web.py plugs in here).
    Never raises: a failure is a PageFetch with `error` set. Pages are to be asked for in
    English (``Accept-Language: en``): the readers match Telegram's English sentences, and a
    page in another language reads as INCONCLUSIVE, never as a verdict."""

    async def fetch_page(self, url: str) -> PageFetch: ...


class ChatKind(StrEnum):
    CHANNEL = "channel"
    GROUP = "group"
    USER = "user"
    BOT = "bot"


class Sign(StrEnum):
    """What on the page decided the reading (stored in a check's stage detail)."""

    CHAT_PAGE = "chat page"
    FEED = "channel feed"
    CONTACT_PAGE = "generic contact page"
    DEAD_INVITE = "generic invite page"
    NOTICE = "restriction notice"
    GENERIC_PAGE = "generic page without a title"
    FEED_REDIRECTED = "feed redirected"
    NO_NOTICE = "no restriction notice"
    UNRECOGNISED = "unrecognised markup"
    HTTP_STATUS = "http status"
    OFF_SITE = "left t.me"
    FETCH_FAILED = "fetch failed"


@dataclass(frozen=True, slots=True)
class PageReading:
    verdict: Verdict
    sign: Sign
    kind: ChatKind | None = None
    title: str | None = None
    member_count: int | None = None
    # Telegram's own sentence for a restriction, or what made the page inconclusive.
    detail: str | None = None

    def describe(self) -> str:
        parts = [self.sign.value]
        if self.kind is not None:
            parts.append(self.kind.value)
        if self.detail:
            parts.append(self.detail)
        return ": ".join(parts)


def landing_url(username: str) -> str:
    return f"https://t.me/{username}"


def feed_url(username: str) -> str:
    return f"https://t.me/s/{username}"


def embed_url(username: str) -> str:
    return f"https://t.me/{username}/1?embed=1&mode=tme"


def invite_url(invite_hash: str) -> str:
    return f"https://t.me/+{invite_hash}"


def read_landing(page: PageFetch) -> PageReading:
    """``t.me/<name>``: a chat's page (ONLINE), the generic contact page (MISSING), a notice
    (RESTRICTED), the generic page of a blocked channel or anything else (INCONCLUSIVE)."""
    doc = _document(page)
    if isinstance(doc, PageReading):
        return doc
    notice = _trusted_notice(doc)
    if notice is not None:
        return PageReading(Verdict.RESTRICTED, Sign.NOTICE, detail=notice)
    chat = _chat_page(doc)
    if chat is not None:
        return chat
    if _title(doc) is None:
        description = _description(doc).lower()
        if "you can contact" in description and doc.first("tgme_username_link") is not None:
            return PageReading(Verdict.MISSING, Sign.CONTACT_PAGE)
        if description:
            return PageReading(Verdict.INCONCLUSIVE, Sign.GENERIC_PAGE, detail=description[:120])
    return PageReading(Verdict.INCONCLUSIVE, Sign.UNRECOGNISED)


def read_feed(page: PageFetch) -> PageReading:
    """``t.me/s/<name>``: a channel's feed (ONLINE with its header), a notice (RESTRICTED), or
    a redirect away from the feed (INCONCLUSIVE: not a readable channel, ask elsewhere)."""
    if page.error is None and page.status is not None and 300 <= page.status < 400:
        return PageReading(Verdict.INCONCLUSIVE, Sign.FEED_REDIRECTED)
    doc = _document(page)
    if isinstance(doc, PageReading):
        return doc
    if not urlsplit(page.final_url or "").path.startswith("/s/"):
        return PageReading(Verdict.INCONCLUSIVE, Sign.FEED_REDIRECTED)
    notice = _trusted_notice(doc)
    if notice is not None:
        return PageReading(Verdict.RESTRICTED, Sign.NOTICE, detail=notice)
    info = doc.first("tgme_channel_info")
    if info is None:
        return PageReading(Verdict.INCONCLUSIVE, Sign.UNRECOGNISED)
    header = info.first("tgme_channel_info_header_title")
    count = None
    for counter in info.by_class("tgme_channel_info_counter"):
        value, noun = counter.first("counter_value"), counter.first("counter_type")
        if value is not None and noun is not None:
            count = count or _count(f"{value.text()} {noun.text()}")
    return PageReading(
        Verdict.ONLINE,
        Sign.FEED,
        kind=ChatKind.CHANNEL,
        title=(header.text() or None) if header is not None else None,
        member_count=count,
    )


def read_embed(page: PageFetch) -> PageReading:
    """``t.me/<name>/1?embed=1&mode=tme``: RESTRICTED when the post's error block carries a
    restriction sentence; otherwise INCONCLUSIVE (a missing post 1 says nothing of the chat)."""
    doc = _document(page)
    if isinstance(doc, PageReading):
        return doc
    notice = _trusted_notice(doc)
    if notice is not None:
        return PageReading(Verdict.RESTRICTED, Sign.NOTICE, detail=notice)
    return PageReading(Verdict.INCONCLUSIVE, Sign.NO_NOTICE)


def read_invite(page: PageFetch) -> PageReading:
    """``t.me/+<hash>``: the chat's title and count (ONLINE), the generic invite page of a
    revoked or unknown link (MISSING), a notice (RESTRICTED), or INCONCLUSIVE."""
    doc = _document(page)
    if isinstance(doc, PageReading):
        return doc
    notice = _trusted_notice(doc)
    if notice is not None:
        return PageReading(Verdict.RESTRICTED, Sign.NOTICE, detail=notice)
    chat = _chat_page(doc)
    if chat is not None:
        return chat
    if _title(doc) is None and "invited to a group chat" in _description(doc).lower():
        return PageReading(Verdict.MISSING, Sign.DEAD_INVITE)
    return PageReading(Verdict.INCONCLUSIVE, Sign.UNRECOGNISED)


def _document(page: PageFetch) -> Element | PageReading:
    """The parsed page, or the INCONCLUSIVE reading of a fetch that gave no page to read."""
    if page.error is not None:
        return PageReading(Verdict.INCONCLUSIVE, Sign.FETCH_FAILED, detail=page.error)
    if page.status != 200:
        return PageReading(Verdict.INCONCLUSIVE, Sign.HTTP_STATUS, detail=str(page.status))
    host = (urlsplit(page.final_url or "").hostname or "").lower()
    if host not in TELEGRAM_HOSTS:
        # t.me sends names it rejects on to telegram.org: not a page about the chat.
        return PageReading(Verdict.INCONCLUSIVE, Sign.OFF_SITE, detail=host or None)
    return parse(page.text)


def _chat_page(doc: Element) -> PageReading | None:
    """A page with a real title and an extra line: the chat exists."""
    title = _title(doc)
    extra = doc.first("tgme_page_extra")
    if title is None or extra is None:
        return None
    line = extra.text()
    count = _count(line)
    kind: ChatKind | None = None
    noun = line.lower()
    if "subscriber" in noun:
        kind = ChatKind.CHANNEL
    elif "monthly user" in noun or (line.startswith("@") and _is_bot(doc, line)):
        kind = ChatKind.BOT
    elif "member" in noun:
        kind = ChatKind.GROUP
    elif line.startswith("@"):
        kind = ChatKind.USER
    return PageReading(Verdict.ONLINE, Sign.CHAT_PAGE, kind=kind, title=title, member_count=count)


def _is_bot(doc: Element, handle: str) -> bool:
    # Bot usernames must end in "bot"; the page's button says "Start Bot".
    buttons = " ".join(b.text().lower() for b in doc.by_class("tgme_action_button_new"))
    return handle.lower().endswith("bot") or "start bot" in buttons


def _title(doc: Element) -> str | None:
    element = doc.first("tgme_page_title")
    title = element.text() if element is not None else ""
    return title or None


def _description(doc: Element) -> str:
    return " ".join(element.text() for element in doc.by_class("tgme_page_description"))


def _trusted_notice(doc: Element) -> str | None:
    """Telegram's restriction sentence, from where only Telegram writes (see the docstring)."""
    places = doc.by_class("tgme_widget_message_error")
    if _title(doc) is None:
        places += doc.by_class("tgme_page_description")
    for element in places:
        text = element.text()
        plain = text.lower().replace("\u2019", "'")
        if any(phrase in plain for phrase in RESTRICTION_PHRASES):
            return text
    return None


def _count(line: str) -> int | None:
    """'10 612 280 subscribers' → 10612280; '1.48M subscribers' → 1480000; '@name' → None."""
    match = _COUNT.match(line.strip())
    if match is None:
        return None
    number, suffix = match["number"].strip(), (match["suffix"] or "").upper()
    if suffix:
        return round(float(number.replace(",", ".").replace(" ", "")) * _MULTIPLIERS[suffix])
    digits = re.sub(r"\D", "", number)
    return int(digits) if digits else None
