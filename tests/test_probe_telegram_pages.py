"""Telegram's preview pages read into exists / missing / restricted / inconclusive, on saved
pages in t.me's markup (tests/fixtures/tme/README.md lists them)."""

from collections.abc import Callable
from pathlib import Path

import pytest

from services.probe.markup import parse
from services.probe.results import Verdict
from services.probe.telegram_pages import (
    ChatKind,
    PageFetch,
    PageReading,
    Sign,
    read_embed,
    read_feed,
    read_invite,
    read_landing,
)

PAGES = Path(__file__).resolve().parent / "fixtures" / "tme"


def fetched(name: str, url: str, *, status: int = 200) -> PageFetch:
    return PageFetch(status=status, final_url=url, body=(PAGES / name).read_bytes())


@pytest.mark.parametrize(
    ("page", "kind", "title", "count"),
    [
        ("channel.html", ChatKind.CHANNEL, "Example News", 12_345),
        ("group.html", ChatKind.GROUP, "Example Chat", 1_234),
        ("user.html", ChatKind.USER, "Jane Example", None),
        ("bot.html", ChatKind.BOT, "Example Helper", None),
    ],
)
def test_a_chat_page_means_the_chat_exists(
    page: str, kind: ChatKind, title: str, count: int | None
) -> None:
    reading = read_landing(fetched(page, "https://t.me/whoever"))
    assert reading.verdict is Verdict.ONLINE
    assert (reading.kind, reading.title, reading.member_count) == (kind, title, count)


def test_the_generic_contact_page_means_missing() -> None:
    reading = read_landing(fetched("missing.html", "https://t.me/gone_shop_kz"))
    assert (reading.verdict, reading.sign) == (Verdict.MISSING, Sign.CONTACT_PAGE)
    assert reading.title is None


def test_a_users_hidden_contact_sentence_is_not_the_missing_page() -> None:
    # user.html also says "you can contact … right away" (tgme_page_additional).
    assert "you can contact" in (PAGES / "user.html").read_text()
    assert (
        read_landing(fetched("user.html", "https://t.me/jane_example")).verdict is Verdict.ONLINE
    )


def test_the_generic_page_of_a_blocked_channel_is_not_a_verdict_by_itself() -> None:
    reading = read_landing(fetched("blocked_generic.html", "https://t.me/blocked_shop_kz"))
    assert (reading.verdict, reading.sign) == (Verdict.INCONCLUSIVE, Sign.GENERIC_PAGE)


def test_the_channel_feed_gives_title_and_subscribers() -> None:
    reading = read_feed(fetched("channel_feed.html", "https://t.me/s/example_news"))
    assert (reading.verdict, reading.kind) == (Verdict.ONLINE, ChatKind.CHANNEL)
    assert (reading.title, reading.member_count) == ("Example News", 12_300)


def test_a_feed_redirected_to_the_chat_page_is_no_feed() -> None:
    # t.me/s/<name> of anything but a readable channel lands on t.me/<name>.
    reading = read_feed(fetched("channel.html", "https://t.me/example_news"))
    assert (reading.verdict, reading.sign) == (Verdict.INCONCLUSIVE, Sign.FEED_REDIRECTED)
    unfollowed = PageFetch(status=302, final_url="https://t.me/s/example_news")
    assert read_feed(unfollowed).sign is Sign.FEED_REDIRECTED


@pytest.mark.parametrize(
    "sentence",
    [
        "This channel can’t be displayed because it violated Telegram's Terms of Service.",
        "This channel can't be displayed because it violated local laws.",
        "Unfortunately, this channel couldn't be displayed on your device.",
        "This channel is unavailable due to copyright infringement.",
    ],
)
def test_telegrams_restriction_notice_means_restricted(sentence: str) -> None:
    page = (PAGES / "restricted_embed.html").read_text()
    page = page.replace(
        "This channel can’t be displayed because it violated Telegram's Terms of Service.",
        sentence,
    )
    reading = read_embed(
        PageFetch(200, "https://t.me/blocked_shop_kz/1?embed=1&mode=tme", page.encode())
    )
    assert (reading.verdict, reading.detail) == (Verdict.RESTRICTED, sentence)


def test_a_post_not_found_says_nothing_of_the_channel() -> None:
    url = "https://t.me/example_news/1?embed=1&mode=tme"
    reading = read_embed(fetched("embed_post_not_found.html", url))
    assert (reading.verdict, reading.sign) == (Verdict.INCONCLUSIVE, Sign.NO_NOTICE)


def test_a_shop_cannot_fake_the_notice_in_its_own_description() -> None:
    page = (
        (PAGES / "channel.html")
        .read_text()
        .replace(
            "Daily news of the example city.",
            "This channel can't be displayed because it violated Telegram's Terms of Service.",
        )
    )
    reading = read_landing(PageFetch(200, "https://t.me/example_news", page))
    assert (reading.verdict, reading.kind) == (Verdict.ONLINE, ChatKind.CHANNEL)


def test_invites() -> None:
    alive = read_invite(fetched("invite.html", "https://t.me/+Ab3dEfGhIjKlMnOp"))
    assert (alive.verdict, alive.title, alive.member_count) == (
        Verdict.ONLINE,
        "Example Private Group",
        321,
    )
    dead = read_invite(fetched("invite_dead.html", "https://t.me/+XyZ0deadLinK1"))
    assert (dead.verdict, dead.sign) == (Verdict.MISSING, Sign.DEAD_INVITE)


@pytest.mark.parametrize("reader", [read_landing, read_feed, read_invite, read_embed])
def test_unrecognised_markup_is_inconclusive_never_a_guess(
    reader: Callable[[PageFetch], PageReading],
) -> None:
    reading = reader(fetched("unrecognised.html", "https://t.me/s/example_news"))
    assert reading.verdict is Verdict.INCONCLUSIVE


@pytest.mark.parametrize(
    ("page", "sign"),
    [
        (PageFetch(None, None, error="ConnectTimeout"), Sign.FETCH_FAILED),
        (PageFetch(502, "https://t.me/example_news", b"Bad Gateway"), Sign.HTTP_STATUS),
        (PageFetch(429, "https://t.me/example_news", b""), Sign.HTTP_STATUS),
        # t.me sends names it rejects on to telegram.org.
        (
            PageFetch(200, "https://telegram.org/", b"<div class='tgme_page_title'>x"),
            Sign.OFF_SITE,
        ),
    ],
)
def test_no_page_to_read_is_inconclusive(page: PageFetch, sign: Sign) -> None:
    reading = read_landing(page)
    assert (reading.verdict, reading.sign) == (Verdict.INCONCLUSIVE, sign)


def test_broken_markup_does_not_raise() -> None:
    page = PageFetch(200, "https://t.me/x", b"<div class='tgme_page_title'><span>Half</div></p><")
    assert read_landing(page).verdict is Verdict.INCONCLUSIVE  # a title but no extra line


def test_a_page_in_another_language_is_no_verdict() -> None:
    # The readers know Telegram's English sentences; a translated contact page is not missing.
    page = (
        (PAGES / "missing.html")
        .read_text()
        .replace(
            "If you have <strong>Telegram</strong>, you can contact",
            "Если у вас есть <strong>Telegram</strong>, вы можете написать",
        )
    )
    reading = read_landing(PageFetch(200, "https://t.me/gone_shop_kz", page))
    assert reading.verdict is Verdict.INCONCLUSIVE


def test_the_tree_nests_as_a_browser_would() -> None:
    doc = parse(
        "<div class='a b'><img src=x><br>one <span>two</span></p>"
        "<script>var x = 'hidden';</script><div class='a_b'>three</div></div>"
    )
    (outer,) = doc.by_class("a")  # "a_b" is not the class "a"
    assert outer.text() == "one two three"
    assert outer.first("a_b") is not None
    assert [element.tag for element in outer.by_tag("img")] == ["img"]
