"""Link candidates in volunteers' messages: every link, and nothing from ordinary prose."""

import pytest

from services.extraction import LinkSpan, find_links
from services.identity import Refusal, RefusalReason, canonicalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Нашёл магазин shop.kz/catalog, и ещё канал https://t.me/shop_x. Пишут @drug_seller!",
            ["shop.kz/catalog", "https://t.me/shop_x", "@drug_seller"],
        ),
        (
            "Сайт «шоп.рф» и зеркало (шоп.қаз), тоже t.me/+AbCdEf.",
            ["шоп.рф", "шоп.қаз", "t.me/+AbCdEf"],
        ),
        (
            'Links: "https://shop.kz/a?b=1", <http://x.shop.kz/>; www.drugs.kz...',
            ["https://shop.kz/a?b=1", "http://x.shop.kz/", "www.drugs.kz"],
        ),
        ("(https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("see https://shop.kz/path).", ["https://shop.kz/path"]),
        ("ссылка:shop.kz и **telegram.me/x_shop**", ["shop.kz", "telegram.me/x_shop"]),
        (
            "tg://resolve?domain=shop_x and tg:resolve?domain=abcd",
            [
                "tg://resolve?domain=shop_x",
                "tg:resolve?domain=abcd",
            ],
        ),
        (
            "shop.kz:8080/admin and 8.8.8.8 and http://8.8.8.8/x",
            ["shop.kz:8080/admin", "http://8.8.8.8/x"],
        ),
        ("x_shop.t.me?", ["x_shop.t.me"]),
        ("Шағым: dukan.kz сайтында есірткі сатылады!", ["dukan.kz"]),
        ("https://ШОП.РФ/Каталог?x=1", ["https://ШОП.РФ/Каталог?x=1"]),
    ],
)
def test_finds_links_in_prose(text: str, expected: list[str]) -> None:
    assert find_links(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Магазин hxxps://shop[.]kz/catalog и зеркало shop2[.]kz",
            ["https://shop.kz/catalog", "shop2.kz"],
        ),
        (
            "канал t[.]me/x_shop_bad, бот hXXp://bad-bot(.)kz",
            ["t.me/x_shop_bad", "http://bad-bot.kz"],
        ),
        ("shop[dot]kz/a and https[:]//mirror{.}kz", ["shop.kz/a", "https://mirror.kz"]),
        ("Пункты [1] и (2), список (.) без ссылок [.]", []),
    ],
)
def test_defanged_links_are_read_as_links(text: str, expected: list[str]) -> None:
    assert find_links(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Привет! Встречаемся в 10:30 у ТЦ, note: see below.",
        "Сегодня в 10.30 на ул.Абая, д.5 нашли надпись «закладки» и т.д.",
        "В 2024 г. было 797 источников, т.е. много. г.Алматы, мкр.Самал-2, кв.12.",
        "Әуезов ауданы, т.б. Бүгін сағат 18:00-де жиналамыз.",
        "See file.txt, e.g. report.pdf or photo.jpg; version v1.2.3 costs 5.5k.",
        "I came home.Then left. It was done.So what? Mr.Smith, U.S.A., a.m. and p.m.",
        "Пришёл домой.Сайт не открывается. Скачай main.py и readme.md.",
        "email me at volunteer@mail.kz or dealer@shop.kz",
        "3.14 1.0 10.30.2025 192.168.1.1",
        "@ alone, a@b, 100%",
    ],
)
def test_prose_without_links(text: str) -> None:
    assert find_links(text) == []


def test_dangerous_schemes_reach_canonicalize_and_get_refused() -> None:
    text = (
        "click javascript:alert(1) or data:text/html,<b>hi</b> or file:///etc/passwd, "
        "mailto:x@y.kz"
    )
    links = find_links(text)
    assert links == [
        "javascript:alert(1)",
        "data:text/html,<b>hi</b",
        "file:///etc/passwd",
        "mailto:x@y.kz",
    ]
    assert {canonicalize(link) for link in links} == {
        Refusal(raw=link, reason=RefusalReason.BAD_SCHEME) for link in links
    }


def test_exact_duplicates_once_in_first_order() -> None:
    text = "shop.kz https://t.me/x_shop shop.kz, https://t.me/x_shop! SHOP.KZ"
    assert find_links(text) == ["shop.kz", "https://t.me/x_shop", "SHOP.KZ"]


def test_spans_come_first_at_their_position_and_are_not_rescanned() -> None:
    text = "смотри тут и ещё shop.kz, а также @drug_seller"
    anchor = text.index("тут")
    mention = text.index("@drug_seller")
    spans = [
        LinkSpan(start=mention, end=mention + len("@drug_seller"), value="@drug_seller"),
        LinkSpan(start=anchor, end=anchor + 3, value="https://hidden.kz/x"),
    ]
    assert find_links(text, spans) == ["https://hidden.kz/x", "shop.kz", "@drug_seller"]


def test_anchor_text_that_looks_like_a_link_is_not_a_second_candidate() -> None:
    text = "open good.kz now, also bad.kz"
    spans = [LinkSpan(start=5, end=12, value="https://evil.kz")]
    assert find_links(text, spans) == ["https://evil.kz", "bad.kz"]


def test_span_value_equal_to_text_link_is_returned_once() -> None:
    text = "https://shop.kz and again https://shop.kz"
    spans = [LinkSpan(start=0, end=15, value="https://shop.kz")]
    assert find_links(text, spans) == ["https://shop.kz"]


def test_extracted_candidates_canonicalize_to_expected_keys() -> None:
    text = "Канал @Shop_X, он же t.me/s/shop_x/15, сайт www.шоп.рф/catalog/."
    keys = [getattr(canonicalize(link), "key", None) for link in find_links(text)]
    assert keys == ["tg:shop_x", "tg:shop_x", "xn--n1acz.xn--p1ai/catalog"]
