"""The checker of Telegram targets: the Bot API's getChat and the public preview pages.

Usernames (``tg:name``): getChat("@name") answers for public channels and groups without
joining (services never import aiogram: bot/probe_chats.py adapts `ChatLookup` to the Bot),
and the preview pages are read as a second opinion (services/probe/telegram_pages.py): they are
also the only way to see users and bots, which getChat cannot, and the only place Telegram says
a channel is restricted. Invite links (``tg+:hash``): the preview page only. Private channel
links (``tgc:``) cannot be seen from outside: always inconclusive.

Pages of a username, at most three: ``t.me/<name>``; for a channel (or Telegram's generic page
of a blocked one) ``t.me/s/<name>``; and when that feed is not shown, the embedded first post,
which carries Telegram's restriction notice. A restricted channel's own page looks like any
channel's, so a channel page without a feed counts as existing only once that post page was
read and showed no notice.

Combining getChat with the pages into one verdict, in this order:

1. getChat restricted → RESTRICTED (vantage BOT_API).
2. the pages show Telegram's restriction notice → RESTRICTED (PREVIEW): the Bot API still
   sees channels Telegram hides from people in a country or on a platform.
3. getChat found → ONLINE (BOT_API), whatever the page says (its reading is kept in `extra`).
4. getChat "chat not found" → the page decides: a chat page → ONLINE (PREVIEW; users and bots
   are found this way), the generic contact page → MISSING (BOT_API: both agree), anything
   else → INCONCLUSIVE (a lone "not found" is also what an existing user gets).
5. getChat failed (429, 5xx, network) or was not asked (invites) → the page's reading alone
   (PREVIEW); INCONCLUSIVE when neither could tell.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from services.probe.results import CheckResult, ProbeTarget, Stage, Vantage, Verdict
from services.probe.telegram_pages import (
    ChatKind,
    PageFetch,
    PageFetcher,
    PageReading,
    Sign,
    embed_url,
    feed_url,
    invite_url,
    landing_url,
    read_embed,
    read_feed,
    read_invite,
    read_landing,
)

logger = logging.getLogger(__name__)


class LookupOutcome(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not found"
    RESTRICTED = "restricted"
    # 429, 5xx, a network failure, an answer not understood: no conclusion.
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ChatLookupResult:
    outcome: LookupOutcome
    title: str | None = None
    # The Bot API's chat type: "channel", "supergroup", "group" or "private".
    chat_type: str | None = None
    member_count: int | None = None
    # Telegram's error description or the failure's class (never a token or a URL).
    detail: str | None = None
    retry_after: int | None = None


class ChatLookup(Protocol):
    """getChat("@username") as the probe needs it. Never raises: failures are ERROR."""

    async def lookup(self, username: str) -> ChatLookupResult: ...


Reader = Callable[[PageFetch], PageReading]


class TelegramProbe:
    """Checks `tg:`, `tg+:` and `tgc:` targets (the Checker protocol)."""

    def __init__(
        self,
        *,
        chats: ChatLookup,
        pages: PageFetcher,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._chats = chats
        self._pages = pages
        self._clock = clock

    async def check(self, target: ProbeTarget) -> CheckResult:
        started = self._clock()
        kind, _, name = target.key.partition(":")
        if kind == "tg" and name:
            result = await self._check_username(name)
        elif kind == "tg+" and name:
            stages: list[Stage] = []
            reading = await self._read(invite_url(name), read_invite, stages)
            result = _result(None, reading, stages)
        else:
            result = CheckResult(
                vantage=Vantage.PREVIEW,
                verdict=Verdict.INCONCLUSIVE,
                error="private channel links cannot be checked from outside"
                if kind == "tgc"
                else "not a Telegram target",
            )
        return replace(result, latency_ms=round((self._clock() - started) * 1000))

    async def _check_username(self, username: str) -> CheckResult:
        stages: list[Stage] = []
        lookup, reading = await asyncio.gather(
            self._lookup(username, stages), self._read_username(username, stages)
        )
        # getChat first among the stages, whichever finished first.
        stages.sort(key=lambda stage: stage.name != "getChat")
        return _result(lookup, reading, stages)

    async def _lookup(self, username: str, stages: list[Stage]) -> ChatLookupResult:
        started = self._clock()
        try:
            lookup = await self._chats.lookup(username)
        except Exception as error:  # the adapter must not raise; a check never does
            logger.exception("getChat adapter raised for a probe check")
            lookup = ChatLookupResult(LookupOutcome.ERROR, detail=type(error).__name__)
        detail = lookup.outcome.value
        if lookup.chat_type:
            detail += f" {lookup.chat_type}"
        if lookup.detail:
            detail += f": {lookup.detail}"
        ok = lookup.outcome is not LookupOutcome.ERROR
        stages.append(Stage("getChat", ok, detail, self._ms(started)))
        return lookup

    async def _read_username(self, username: str, stages: list[Stage]) -> PageReading:
        landing = await self._read(landing_url(username), read_landing, stages)
        channel_like = landing.kind is ChatKind.CHANNEL or landing.sign is Sign.GENERIC_PAGE
        if not channel_like:
            return landing
        feed = await self._read(feed_url(username), read_feed, stages)
        if feed.verdict is Verdict.ONLINE:
            # The landing page's count is exact ("12 345"), the feed's rounded ("12.3K").
            return _merged(feed, landing)
        if feed.verdict is Verdict.RESTRICTED:
            return feed
        embed = await self._read(embed_url(username), read_embed, stages)
        if embed.sign is Sign.NO_NOTICE:
            # A channel page, no feed, no notice: the owner turned the web preview off.
            return landing
        # A notice, or no post page to read: a restricted channel's page looks like any other
        # channel's, so without the post page its existence is not a conclusion.
        return embed

    async def _read(self, url: str, reader: Reader, stages: list[Stage]) -> PageReading:
        started = self._clock()
        try:
            page = await self._pages.fetch_page(url)
        except Exception as error:  # the fetcher must not raise; a check never does
            logger.exception("page fetcher raised for a probe check")
            page = PageFetch(status=None, final_url=None, error=type(error).__name__)
        reading = reader(page)
        ok = reading.verdict is not Verdict.INCONCLUSIVE
        stages.append(Stage(f"preview {url}", ok, reading.describe(), self._ms(started)))
        return reading

    def _ms(self, started: float) -> float:
        return round((self._clock() - started) * 1000, 1)


def combine(lookup: ChatLookupResult | None, page: PageReading) -> tuple[Verdict, Vantage]:
    """One verdict from getChat and the pages: the module docstring's rules, in order."""
    outcome = lookup.outcome if lookup is not None else LookupOutcome.ERROR
    if outcome is LookupOutcome.RESTRICTED:
        return Verdict.RESTRICTED, Vantage.BOT_API
    if page.verdict is Verdict.RESTRICTED:
        return Verdict.RESTRICTED, Vantage.PREVIEW
    if outcome is LookupOutcome.FOUND:
        return Verdict.ONLINE, Vantage.BOT_API
    if outcome is LookupOutcome.NOT_FOUND:
        if page.verdict is Verdict.MISSING:
            return Verdict.MISSING, Vantage.BOT_API
        if page.verdict is Verdict.ONLINE:
            return Verdict.ONLINE, Vantage.PREVIEW
        return Verdict.INCONCLUSIVE, Vantage.PREVIEW
    return page.verdict, Vantage.PREVIEW


def _result(
    lookup: ChatLookupResult | None, page: PageReading, stages: list[Stage]
) -> CheckResult:
    verdict, vantage = combine(lookup, page)
    # What getChat said of a found chat is preferred to what a page shows.
    facts = lookup if lookup is not None and lookup.outcome is LookupOutcome.FOUND else None
    extra = {"preview": page.describe()}
    if lookup is not None:
        extra["getChat"] = lookup.outcome.value
        if lookup.retry_after is not None:
            extra["retry_after"] = str(lookup.retry_after)
    kind = (facts.chat_type if facts else None) or (page.kind.value if page.kind else None)
    if kind:
        extra["kind"] = kind
    error = None
    if verdict is Verdict.INCONCLUSIVE:
        error = "; ".join(stage.detail for stage in stages if not stage.ok) or page.describe()
    return CheckResult(
        vantage=vantage,
        verdict=verdict,
        stages=tuple(stages),
        title=(facts.title if facts else None) or page.title,
        member_count=(facts.member_count if facts else None) or page.member_count,
        error=error,
        extra=extra,
    )


def _merged(feed: PageReading, landing: PageReading) -> PageReading:
    return PageReading(
        verdict=feed.verdict,
        sign=feed.sign,
        kind=feed.kind,
        title=feed.title or landing.title,
        member_count=landing.member_count or feed.member_count,
    )
