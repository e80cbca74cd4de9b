"""Canonical identity: one key per target however a volunteer spells the link."""

import random

import pytest

from models.enums import TargetKind
from services.identity import MAX_URL_LENGTH, Refusal, RefusalReason, Target, canonicalize


def target(raw: str) -> Target:
    result = canonicalize(raw)
    assert isinstance(result, Target), f"{raw!r} was refused: {result}"
    return result


def key(raw: str) -> str:
    return target(raw).key


EQUIVALENT = [
    (
        "shop.kz/catalog",
        [
            "https://shop.kz/catalog",
            "http://shop.kz/catalog/",
            "HTTPS://SHOP.KZ/catalog",
            "shop.kz/catalog",
            "www.shop.kz/catalog#top",
            "https://shop.kz:443/catalog",
            "http://shop.kz:80/catalog?utm_source=tg&utm_medium=post",
            "  m.shop.kz/catalog?fbclid=abc \n",
            "https://shop.kz/catalog?gclid=1&yclid=2&_openstat=3&mc_cid=4&msclkid=5",
            "https:\\\\shop.kz\\catalog",
            "https://user:secret@shop.kz/catalog",
        ],
    ),
    (
        "shop.kz/catalog?a=1&b=2",
        ["shop.kz/catalog?b=2&a=1", "https://www.shop.kz/catalog/?a=1&utm_campaign=x&b=2#f"],
    ),
    (
        "shop.kz",
        ["shop.kz", "https://shop.kz/", "http://WWW.Shop.KZ", "shop.kz.", "mobile.shop.kz"],
    ),
    (
        "xn--n1acz.xn--p1ai/catalog",
        [
            "https://шоп.рф/catalog",
            "ШОП.РФ/catalog/",
            "https://xn--n1acz.xn--p1ai/catalog",
            "http://www.шоп.рф/catalog",
            "шоп。рф/catalog",
        ],
    ),
    ("xn--n1acz.xn--80ao21a", ["шоп.қаз", "https://ШОП.ҚАЗ/", "xn--n1acz.xn--80ao21a"]),
    (
        "shop.kz/%D0%BA%D0%B0%D1%82",
        ["shop.kz/кат", "shop.kz/%D0%BA%D0%B0%D1%82", "https://shop.kz/%d0%ba%d0%b0%d1%82/"],
    ),
    ("shop.kz:8080/x", ["http://shop.kz:8080/x", "shop.kz:8080/x/", "https://www.shop.kz:8080/x"]),
    ("8.8.8.8/x", ["http://8.8.8.8/x", "8.8.8.8/x/", "https://8.8.8.8:443/x#y"]),
    ("abcdef.onion/shop", ["http://abcdef.onion/shop/", "ABCDEF.onion/shop"]),
    (
        "tg:shop_x",
        [
            "t.me/shop_x",
            "https://t.me/Shop_X",
            "telegram.me/shop_x",
            "telegram.dog/SHOP_X",
            "www.t.me/shop_x",
            "t.me/s/shop_x",
            "shop_x.t.me",
            "@Shop_X",
            " @shop_x ",
            "tg://resolve?domain=shop_x",
            "tg:resolve?domain=Shop_X",
            "https://t.me/shop_x?start=abc#x",
            "t.me/shop_x/123",
            "t.me/s/shop_x/123?before=1",
            "tg://resolve?domain=shop_x&post=123",
            "HTTP://T.ME/shop_x/",
        ],
    ),
    ("tg:abcd", ["@abcd", "t.me/ABCD"]),
    (
        "tg+:AbCdEf12_-",
        [
            "t.me/+AbCdEf12_-",
            "https://t.me/joinchat/AbCdEf12_-",
            "telegram.me/joinchat/AbCdEf12_-/",
            "tg://join?invite=AbCdEf12_-",
        ],
    ),
    (
        "tgc:1234567890",
        [
            "t.me/c/1234567890/15",
            "https://t.me/c/1234567890/15/16",
            "tg://privatepost?channel=1234567890&post=15",
        ],
    ),
    (
        "instagram.com/shop",
        [
            "instagram.com/Shop",
            "https://www.instagram.com/SHOP/?igsh=abc",
            "instagr.am/shop",
            "m.instagram.com/shop?hl=ru",
        ],
    ),
    (
        "instagram.com/p/AbC123",
        ["https://www.instagram.com/p/AbC123/?igshid=x", "instagram.com/p/AbC123"],
    ),
    ("tiktok.com/@shop", ["tiktok.com/@Shop", "https://www.tiktok.com/@SHOP?lang=ru"]),
    (
        "tiktok.com/@shop/video/7300000000000000001",
        ["https://www.tiktok.com/@Shop/video/7300000000000000001?is_from_webapp=1&_r=1"],
    ),
    ("vk.com/shop", ["vk.com/Shop", "m.vk.com/shop", "https://vk.ru/SHOP"]),
    ("vk.com/shop?w=wall-1_2", ["vk.com/Shop?w=wall-1_2&utm_source=x"]),
    (
        "youtube.com/@shop",
        ["youtube.com/@Shop", "https://m.youtube.com/@SHOP/", "youtube.com/@shop?si=1"],
    ),
    (
        "youtube.com/watch?v=AbC_123",
        [
            "youtu.be/AbC_123",
            "https://youtu.be/AbC_123?si=xyz&t=10",
            "youtube.com/watch?v=AbC_123&feature=share",
            "m.youtube.com/shorts/AbC_123",
            "https://www.youtube.com/watch?t=5&v=AbC_123&list=PL1",
        ],
    ),
    (
        "x.com/shop",
        [
            "twitter.com/Shop",
            "https://mobile.twitter.com/shop",
            "x.com/SHOP?s=20&t=abc",
            "www.x.com/shop/",
        ],
    ),
    ("x.com/shop/status/123", ["twitter.com/Shop/status/123?s=20", "x.com/SHOP/status/123"]),
    (
        "facebook.com/shop",
        [
            "facebook.com/Shop",
            "m.facebook.com/shop/?mibextid=Zb",
            "fb.com/shop",
            "mbasic.facebook.com/SHOP",
        ],
    ),
]


@pytest.mark.parametrize(
    ("expected", "spelling"),
    [(expected, spelling) for expected, spellings in EQUIVALENT for spelling in spellings],
)
def test_spelling_gives_the_group_key(expected: str, spelling: str) -> None:
    assert key(spelling) == expected


@pytest.mark.parametrize(("expected", "spellings"), EQUIVALENT, ids=[g[0] for g in EQUIVALENT])
def test_group_shares_one_key(expected: str, spellings: list[str]) -> None:
    assert {key(spelling) for spelling in spellings} == {expected}


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("shop.kz/Catalog", "shop.kz/catalog"),
        ("t.me/+AbCdEf", "t.me/+abcdef"),
        ("t.me/shop_x", "t.me/shop_y"),
        ("shop.kz/?a=1", "shop.kz/?a=2"),
        ("shop.kz/?ref=a", "shop.kz/"),
        ("shop.kz:8080", "shop.kz:8081"),
        ("shop.kz:8080", "shop.kz"),
        ("t.me/shop_x/5", "t.me/shop_y"),
        ("instagram.com/p/AbC", "instagram.com/p/abc"),
        ("instagram.com/shop", "instagram.com/p/CxYz/"),
        ("youtube.com/watch?v=AbC", "youtube.com/watch?v=abc"),
        ("a.shop.kz", "shop.kz"),
        ("shop.kz/x", "shop.kz/x/y"),
        ("https://shop.kz/a%2Fb", "https://shop.kz/a/b"),
        ("t.me/c/111/2", "t.me/c/333/2"),
        ("instagram.com/shop_x", "tiktok.com/@shop_x"),
        ("t.me/shop_x", "instagram.com/shop_x"),
        ("vk.com/shop", "vk.com/shop?w=wall-1_2"),
        ("m.kz", "shop.kz"),
    ],
)
def test_different_targets_keep_different_keys(left: str, right: str) -> None:
    assert key(left) != key(right)


REFUSALS = {
    RefusalReason.BAD_SCHEME: [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ftp://shop.kz/",
        "mailto:admin@shop.kz",
        "vbscript:msgbox(1)",
        "hxxp://shop.kz",
        "ws://shop.kz/socket",
    ],
    RefusalReason.PRIVATE_ADDRESS: [
        "localhost",
        "http://localhost:8000/",
        "localhost:8000",
        "http://admin.localhost/",
        "127.0.0.1",
        "http://127.0.0.1:8080/admin",
        "10.0.0.1",
        "192.168.1.1/login",
        "172.16.0.1",
        "http://169.254.169.254/latest/meta-data",
        "100.64.0.1",
        "0.0.0.0",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::]/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "router.home.arpa",
    ],
    RefusalReason.TOO_LONG: [
        "https://shop.kz/" + "a" * MAX_URL_LENGTH,
        "a" * (MAX_URL_LENGTH + 1),
        "@" + "a" * 5000,
    ],
    RefusalReason.INVALID_HOST: [
        "",
        "   ",
        "https://",
        "shop.unknowntld",
        "com.kz",
        "kz",
        "http://-shop.kz",
        "http://shop..kz",
        "http://exa mple.kz",
        "http://shop.kz:99999/",
        "http://[::1",
        "http://xn--zz.kz/",
        "http://256.256.256.256/",
        "http://][@",
        "shop.local",
    ],
    RefusalReason.UNSUPPORTED: [
        "t.me/share/url?url=https://shop.kz",
        "https://t.me/addstickers/SomePack",
        "t.me/addemoji/SomeSet",
        "t.me/proxy?server=1.2.3.4&port=443",
        "t.me/setlanguage/ru",
        "tg://settings",
        "tg://resolve",
        "t.me",
        "https://t.me/",
        "t.me/ab",
        "@ab",
        "@1shop",
        "@shop-x",
        "@",
        "t.me/+77001234567",
        "dealer@mail.ru",
        "t.me/c/abc/1",
        "t.me/iv?url=https://shop.kz",
        "ab.t.me",
    ],
}


@pytest.mark.parametrize(
    ("reason", "raw"), [(reason, raw) for reason, raws in REFUSALS.items() for raw in raws]
)
def test_refusal_reason(reason: RefusalReason, raw: str) -> None:
    assert canonicalize(raw) == Refusal(raw=raw, reason=reason)


def test_length_limit_is_inclusive() -> None:
    raw = "shop.kz/" + "a" * (MAX_URL_LENGTH - len("shop.kz/"))
    assert len(raw) == MAX_URL_LENGTH
    assert key(raw) == raw


@pytest.mark.parametrize(
    ("raw", "kind", "key_", "display", "site_key"),
    [
        (
            "https://a.shop.kz/x",
            TargetKind.WEBSITE,
            "a.shop.kz/x",
            "https://a.shop.kz/x",
            "shop.kz",
        ),
        ("shop.kz/y", TargetKind.WEBSITE, "shop.kz/y", "https://shop.kz/y", "shop.kz"),
        (
            "https://ШОП.рф/catalog",
            TargetKind.WEBSITE,
            "xn--n1acz.xn--p1ai/catalog",
            "https://шоп.рф/catalog",
            "xn--n1acz.xn--p1ai",
        ),
        (
            "http://магазин.шоп.қаз/",
            TargetKind.WEBSITE,
            "xn--80aairftm.xn--n1acz.xn--80ao21a",
            "http://магазин.шоп.қаз",
            "xn--n1acz.xn--80ao21a",
        ),
        (
            "x.github.io/y",
            TargetKind.WEBSITE,
            "x.github.io/y",
            "https://x.github.io/y",
            "x.github.io",
        ),
        ("http://8.8.8.8", TargetKind.WEBSITE, "8.8.8.8", "http://8.8.8.8", "8.8.8.8"),
        (
            "http://[2a00:1450:4001::1]:8080/x",
            TargetKind.WEBSITE,
            "[2a00:1450:4001::1]:8080/x",
            "http://[2a00:1450:4001::1]:8080/x",
            "2a00:1450:4001::1",
        ),
        (
            "telegra.ph/Price-01-01",
            TargetKind.WEBSITE,
            "telegra.ph/Price-01-01",
            "https://telegra.ph/Price-01-01",
            "telegra.ph/Price-01-01",
        ),
        ("m.kz", TargetKind.WEBSITE, "m.kz", "https://m.kz", "m.kz"),
        (
            "twitter.com/Shop/status/1",
            TargetKind.SOCIAL,
            "x.com/shop/status/1",
            "https://x.com/shop/status/1",
            "x.com/shop",
        ),
        (
            "instagram.com/stories/Shop/123",
            TargetKind.SOCIAL,
            "instagram.com/stories/shop/123",
            "https://instagram.com/stories/shop/123",
            "instagram.com/shop",
        ),
        ("@Shop_X", TargetKind.TELEGRAM, "tg:shop_x", "https://t.me/Shop_X", "tg:shop_x"),
        ("t.me/+AbC", TargetKind.TELEGRAM, "tg+:AbC", "https://t.me/+AbC", "tg+:AbC"),
        ("t.me/c/777/1", TargetKind.TELEGRAM, "tgc:777", "https://t.me/c/777", "tgc:777"),
    ],
)
def test_kind_display_and_site(
    raw: str, kind: TargetKind, key_: str, display: str, site_key: str
) -> None:
    result = target(raw)
    assert (result.kind, result.key, result.display, result.site_key) == (
        kind,
        key_,
        display,
        site_key,
    )


def test_mirror_pages_share_a_site() -> None:
    assert target("a.shop.kz").site_key == target("shop.kz/x").site_key == "shop.kz"
    assert target("a.shop.kz").key != target("shop.kz/x").key


@pytest.mark.parametrize(
    ("raw", "evidence"),
    [
        ("t.me/shop_x/123", "https://t.me/shop_x/123"),
        ("https://t.me/s/shop_x/123", "https://t.me/shop_x/123"),
        ("tg://resolve?domain=shop_x&post=123", "https://t.me/shop_x/123"),
        ("t.me/shop_x/123?comment=5", "https://t.me/shop_x/123"),
        ("t.me/shop_x/10/20", "https://t.me/shop_x/10/20"),
        ("t.me/c/123/45", "https://t.me/c/123/45"),
        ("t.me/shop_x", None),
        ("@shop_x", None),
        ("t.me/+AbC", None),
        ("shop.kz/123", None),
    ],
)
def test_post_links_keep_evidence(raw: str, evidence: str | None) -> None:
    assert target(raw).evidence_url == evidence


GARBAGE = [
    "\x00",
    "http://\x00",
    "http://[",
    "http://]",
    "http://@",
    "http://:",
    "http://:80",
    "http:",
    "https:/",
    "tg:",
    "tg://",
    "tg://resolve?domain=",
    "tg://join?invite=",
    "://",
    "@@@",
    "http://%",
    "http://%00.kz",
    "http://\u202eshop.kz",
    "http://shop.kz/\ud800",
    "\ud800.kz",
    "http://xn--.kz",
    "http://a" + ".a" * 200,
    "😀.kz",
    "http://[::1]:99999",
    "http://[gggg::1]/",
    "t.me/c/",
    "t.me/joinchat/",
    "t.me/+",
    "t.me/s/",
    "?#",
    "#",
    "/",
    "\\\\",
]


@pytest.mark.parametrize("raw", GARBAGE)
def test_garbage_is_refused_not_raised(raw: str) -> None:
    assert isinstance(canonicalize(raw), Refusal | Target)


def test_random_input_never_raises_and_display_round_trips() -> None:
    pieces = [*"aZ9:/.@?#%&=+-_[]\\ \t", "xn--", "t.me", "tg:", "https://", "шоп", "\u202e"]
    pieces += ["%D0", "::", "0x", "www.", "joinchat", "+", "youtu.be/", "127.0.0.1", ":99999"]
    pieces += ["shop.kz", "instagram.com/", "resolve?domain=", "\ud800", "😀", ".рф"]
    rng = random.Random(20250101)
    for _ in range(5000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        result = canonicalize(raw)
        if isinstance(result, Target):
            again = canonicalize(result.display)
            assert isinstance(again, Target), (raw, result, again)
            assert again.key == result.key, (raw, result, again)


def test_a_link_whose_encoded_key_outgrows_storage_is_refused_as_too_long() -> None:
    # 497 characters as typed, 2,900 once the Cyrillic path is percent-encoded.
    result = canonicalize("https://shop.kz/" + "а" * 480)
    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.TOO_LONG
    fits = canonicalize("https://shop.kz/" + "а" * 300)
    assert isinstance(fits, Target)
    assert len(fits.key) <= 2100
