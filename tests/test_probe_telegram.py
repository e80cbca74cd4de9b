"""Telegram targets checked through getChat (a real aiogram Bot on the fake Bot API session, so
the adapter's error mapping is exercised) and the preview pages (saved pages served by a fake
fetcher): one verdict by the combination rule of services/probe/telegram.py."""

from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import GetChat, GetChatMemberCount

from bot.probe_chats import BotChatLookup
from models.enums import TargetKind
from services.probe.results import CheckResult, ProbeTarget, Vantage, Verdict
from services.probe.telegram import TelegramProbe
from services.probe.telegram_pages import PageFetch
from tests.support.accounts import TEST_TOKEN
from tests.support.recording_session import RecordingSession

PAGES = Path(__file__).resolve().parent / "fixtures" / "tme"
NOT_FOUND = "Bad Request: chat not found"


def chat(chat_type: str, title: str, chat_id: int = -1001234567890) -> dict[str, Any]:
    """getChat's answer (ChatFullInfo) as Telegram sends it."""
    return {
        "id": chat_id,
        "type": chat_type,
        "title": title,
        "username": "example_news",
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


class FakePages:
    """t.me as the guarded client would fetch it: URL → saved page, recording every URL."""

    def __init__(self, routes: dict[str, tuple[str, str] | PageFetch]) -> None:
        # A route is (fixture file, final URL after redirects) or a ready PageFetch.
        self.routes = routes
        self.asked: list[str] = []

    async def fetch_page(self, url: str) -> PageFetch:
        self.asked.append(url)
        route = self.routes.get(url)
        if route is None:
            return PageFetch(status=None, final_url=None, error=f"no route for {url}")
        if isinstance(route, PageFetch):
            return route
        name, final_url = route
        return PageFetch(status=200, final_url=final_url, body=(PAGES / name).read_bytes())


def target(key: str) -> ProbeTarget:
    name = key.partition(":")[2]
    url = f"https://t.me/+{name}" if key.startswith("tg+:") else f"https://t.me/{name}"
    return ProbeTarget(report_id=7, kind=TargetKind.TELEGRAM, key=key, url=url)


async def check(bot: Bot, pages: FakePages, key: str) -> CheckResult:
    return await TelegramProbe(chats=BotChatLookup(bot), pages=pages).check(target(key))


def landing(name: str, page: str) -> dict[str, tuple[str, str] | PageFetch]:
    return {f"https://t.me/{name}": (page, f"https://t.me/{name}")}


def without_feed(name: str, landing_page: str, embed_page: str) -> dict[str, Any]:
    """A channel page whose feed t.me/s/<name> redirects back to it, and its first post."""
    return {
        f"https://t.me/{name}": (landing_page, f"https://t.me/{name}"),
        f"https://t.me/s/{name}": (landing_page, f"https://t.me/{name}"),
        f"https://t.me/{name}/1?embed=1&mode=tme": (
            embed_page,
            f"https://t.me/{name}/1?embed=1&mode=tme",
        ),
    }


async def test_a_channel_getchat_finds_is_online_with_its_title_and_members(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.answer("GetChat", chat("channel", "Example News"))
    fake_session.answer("GetChatMemberCount", 12_399)
    pages = FakePages(
        {
            **landing("example_news", "channel.html"),
            "https://t.me/s/example_news": ("channel_feed.html", "https://t.me/s/example_news"),
        }
    )
    result = await check(bot, pages, "tg:example_news")
    assert (result.verdict, result.vantage) == (Verdict.ONLINE, Vantage.BOT_API)
    assert (result.title, result.member_count) == ("Example News", 12_399)
    assert [stage.name for stage in result.stages] == [
        "getChat",
        "preview https://t.me/example_news",
        "preview https://t.me/s/example_news",
    ]
    assert all(stage.ok for stage in result.stages)
    (asked,) = fake_session.sent(GetChat)
    assert asked.chat_id == "@example_news"
    assert fake_session.sent(GetChatMemberCount)[0].chat_id == -1001234567890
    assert result.extra["kind"] == "channel"


async def test_chat_not_found_and_the_contact_page_is_missing(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.fail_next("GetChat", description=NOT_FOUND)
    pages = FakePages(landing("gone_shop_kz", "missing.html"))
    result = await check(bot, pages, "tg:gone_shop_kz")
    assert (result.verdict, result.vantage) == (Verdict.MISSING, Vantage.BOT_API)
    assert result.stages[0].detail == f"not found: {NOT_FOUND}"
    assert pages.asked == ["https://t.me/gone_shop_kz"]  # no feed or post for a missing name


USER_AND_BOT = [
    ("jane_example", "user.html", "user", "Jane Example"),
    ("example_helper_bot", "bot.html", "bot", "Example Helper"),
]


@pytest.mark.parametrize("case", USER_AND_BOT)
async def test_users_and_bots_getchat_cannot_see_are_found_on_their_page(
    bot: Bot, fake_session: RecordingSession, case: tuple[str, str, str, str]
) -> None:
    name, page, kind, title = case
    fake_session.fail_next("GetChat", description=NOT_FOUND)
    result = await check(bot, FakePages(landing(name, page)), f"tg:{name}")
    assert (result.verdict, result.vantage) == (Verdict.ONLINE, Vantage.PREVIEW)
    assert (result.extra["kind"], result.title) == (kind, title)


async def test_telegrams_notice_makes_a_channel_getchat_still_finds_restricted(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.answer("GetChat", chat("channel", "Example News"))
    fake_session.answer("GetChatMemberCount", 12_399)
    pages = FakePages(without_feed("example_news", "channel.html", "restricted_embed.html"))
    result = await check(bot, pages, "tg:example_news")
    assert (result.verdict, result.vantage) == (Verdict.RESTRICTED, Vantage.PREVIEW)
    assert "violated Telegram's Terms of Service" in result.stages[-1].detail
    assert result.extra["getChat"] == "found"


async def test_a_blocked_channels_generic_page_is_restricted_by_its_notice(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.fail_next("GetChat", description=NOT_FOUND)
    pages = FakePages(
        without_feed("blocked_shop_kz", "blocked_generic.html", "restricted_embed.html")
    )
    result = await check(bot, pages, "tg:blocked_shop_kz")
    assert result.verdict is Verdict.RESTRICTED
    assert len(pages.asked) == 3


async def test_a_channel_with_its_preview_off_is_online(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.answer("GetChat", chat("channel", "Example News"))
    fake_session.answer("GetChatMemberCount", 12_399)
    pages = FakePages(without_feed("example_news", "channel.html", "embed_post_not_found.html"))
    result = await check(bot, pages, "tg:example_news")
    assert (result.verdict, result.vantage) == (Verdict.ONLINE, Vantage.BOT_API)


async def test_a_channel_page_whose_post_page_fails_is_no_verdict(
    bot: Bot, fake_session: RecordingSession
) -> None:
    # A restricted channel's page looks like any channel's: without the post page, no verdict.
    fake_session.fail_next("GetChat", description=NOT_FOUND)
    routes = without_feed("example_news", "channel.html", "embed_post_not_found.html")
    routes["https://t.me/example_news/1?embed=1&mode=tme"] = PageFetch(503, None, b"")
    result = await check(bot, FakePages(routes), "tg:example_news")
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.error is not None
    assert "http status: 503" in result.error


async def test_chat_restricted_from_the_bot_api_is_restricted(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.fail_next("GetChat", description="Bad Request: CHAT_RESTRICTED")
    pages = FakePages(
        {
            **landing("example_news", "channel.html"),
            "https://t.me/s/example_news": ("channel_feed.html", "https://t.me/s/example_news"),
        }
    )
    result = await check(bot, pages, "tg:example_news")
    assert (result.verdict, result.vantage) == (Verdict.RESTRICTED, Vantage.BOT_API)


async def test_an_invalid_username_is_not_found(bot: Bot, fake_session: RecordingSession) -> None:
    fake_session.fail_next("GetChat", description="Bad Request: USERNAME_INVALID")
    result = await check(
        bot, FakePages(landing("gone_shop_kz", "missing.html")), "tg:gone_shop_kz"
    )
    assert (result.verdict, result.extra["getChat"]) == (Verdict.MISSING, "not found")


async def test_a_429_is_not_waited_out_and_the_page_decides_alone(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.fail_next(
        "GetChat", error_code=429, description="Too Many Requests", retry_after=7
    )
    fake_session.answer("GetChat", chat("channel", "Example News"))  # a retry would find it
    result = await check(
        bot, FakePages(landing("gone_shop_kz", "missing.html")), "tg:gone_shop_kz"
    )
    assert len(fake_session.sent(GetChat)) == 1  # the session did not retry
    assert (result.verdict, result.vantage) == (Verdict.MISSING, Vantage.PREVIEW)
    assert (result.extra["getChat"], result.extra["retry_after"]) == ("error", "7")


async def test_5xx_and_unreadable_page_is_inconclusive(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.fail_next("GetChat", error_code=502, description="Bad Gateway")
    pages = FakePages(landing("example_news", "unrecognised.html"))
    result = await check(bot, pages, "tg:example_news")
    assert len(fake_session.sent(GetChat)) == 1
    assert (result.verdict, result.vantage) == (Verdict.INCONCLUSIVE, Vantage.PREVIEW)
    assert result.error is not None
    assert "TelegramServerError" in result.error
    assert "unrecognised markup" in result.error


async def test_a_network_failure_is_an_error_without_the_token(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.answer("GetChat", chat("channel", "Example News"))
    fake_session.lose_answer_next("GetChat")
    pages = FakePages({"https://t.me/example_news": PageFetch(None, None, error="ConnectTimeout")})
    result = await check(bot, pages, "tg:example_news")
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.stages[0].detail == "error: TelegramNetworkError"
    assert TEST_TOKEN not in repr(result)


async def test_not_found_alone_is_no_verdict(bot: Bot, fake_session: RecordingSession) -> None:
    # A lone "chat not found" is also what an existing user gets.
    fake_session.fail_next("GetChat", description=NOT_FOUND)
    result = await check(bot, FakePages(landing("someone", "unrecognised.html")), "tg:someone")
    assert result.verdict is Verdict.INCONCLUSIVE


async def test_an_unknown_bad_request_is_no_verdict(
    bot: Bot, fake_session: RecordingSession
) -> None:
    fake_session.fail_next("GetChat", description="Bad Request: something new")
    fake_session.fail_next("GetChat", error_code=403, description="Forbidden: bot was kicked")
    pages = FakePages(landing("gone_shop_kz", "missing.html"))
    first = await check(bot, pages, "tg:gone_shop_kz")
    second = await check(bot, pages, "tg:gone_shop_kz")
    assert [first.extra["getChat"], second.extra["getChat"]] == ["error", "error"]
    assert first.vantage is second.vantage is Vantage.PREVIEW  # the page decided, not getChat


@pytest.mark.parametrize(
    ("page", "verdict", "title"),
    [
        ("invite.html", Verdict.ONLINE, "Example Private Group"),
        ("invite_dead.html", Verdict.MISSING, None),
    ],
)
async def test_invites_are_checked_on_their_page_only(
    bot: Bot, fake_session: RecordingSession, page: str, verdict: Verdict, title: str | None
) -> None:
    url = "https://t.me/+Ab3dEfGhIjKlMnOp"
    result = await check(bot, FakePages({url: (page, url)}), "tg+:Ab3dEfGhIjKlMnOp")
    assert (result.verdict, result.vantage, result.title) == (verdict, Vantage.PREVIEW, title)
    assert fake_session.sent(GetChat) == []


async def test_private_channel_links_cannot_be_checked(
    bot: Bot, fake_session: RecordingSession
) -> None:
    pages = FakePages({})
    result = await check(bot, pages, "tgc:1234567890")
    assert result.verdict is Verdict.INCONCLUSIVE
    assert (fake_session.requests, pages.asked) == ([], [])
