"""Russian and Kazakh readers never meet an untranslated English word.

Every message template in the catalogs is rendered in ru and kk (each plural form, placeholders
filled) and every Latin word left after removing what is Latin on purpose — commands, links,
@handles, placeholders, ISO weeks — must be on the list of names that stay Latin.
"""

import re
import string
from collections.abc import Iterator

import pytest
from aiogram.utils.i18n import I18n
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR

# Names and formats that stay Latin in Russian and Kazakh texts.
ALLOWED = frozenset(
    {
        "Telegram",
        "Instagram",
        "TikTok",
        "VK",
        "YouTube",
        "Excel",
        "SQLite",
        "PostgreSQL",
        "OpenStreetMap",
        "CSV",
        "TXT",
        "XLSX",
        "GeoJSON",
        "EXIF",
        "GPS",
        "UTF",
        "punycode",
        "ID",
        "URL",
        "API",
        "TLS",
        "http",
        "https",
        # Language codes typed as command arguments: /broadcast kk Сәлем!
        "ru",
        "kk",
        "en",
        # Letters standing for numbers in usage lines: /merge N в M.
        "N",
        "M",
    }
)

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_ON_PURPOSE = [
    re.compile(r"<[^>]*>"),  # HTML tags
    re.compile(r"(?:https?|tg)://\S+"),
    re.compile(r"\b[\w.-]+\.(?:kz|ru|me|com|org|csv|xlsx|txt|geojson|png)\b\S*", re.I),
    re.compile(r"/[a-z_]+"),  # commands
    re.compile(r"@\w+"),
    re.compile(r"\d{4}-W\d{2}"),  # an ISO week, as /digest_preview takes it
    re.compile(r"\[[a-z_]+\]"),  # a filled placeholder, see _Fill
]


class _Marker:
    """A placeholder's value: shown as a marker the scan skips, whatever its format spec."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __format__(self, spec: str) -> str:
        return f"[{self.name}]"


class _Fill(dict[str, _Marker]):
    def __missing__(self, key: str) -> _Marker:
        return _Marker(key)


def _templates() -> Iterator[tuple[str, str | tuple[str, ...] | list[str]]]:
    with (LOCALES_DIR / "messages.pot").open("rb") as pot:
        for message in read_po(pot):
            if message.id:
                yield (message.id if isinstance(message.id, str) else message.id[0]), message.id


def _rendered(i18n: I18n, msgid: str | tuple[str, ...] | list[str], locale: str) -> Iterator[str]:
    if isinstance(msgid, str):
        forms = [i18n.gettext(msgid, locale=locale)]
    else:
        forms = [i18n.gettext(msgid[0], msgid[1], n, locale=locale) for n in (1, 2, 5)]
    for form in forms:
        fields = [name for _, name, _, _ in string.Formatter().parse(form) if name]
        yield form.format_map(_Fill()) if fields else form


def latin_words(text: str) -> list[str]:
    for pattern in _ON_PURPOSE:
        text = pattern.sub(" ", text)
    return [word for word in _LATIN_WORD.findall(text) if word not in ALLOWED]


def test_the_scan_finds_what_it_should() -> None:
    assert latin_words("Стена в районе Medeu, фото after-photo") == ["Medeu", "after-photo"]
    assert latin_words("/merge [a] в [b]: t.me/x, @shop, https://a.kz/b, 2026-W47") == []


@pytest.mark.parametrize("locale", ["ru", "kk"])
def test_no_untranslated_latin_words(i18n: I18n, locale: str) -> None:
    found = {
        key: words
        for key, msgid in _templates()
        for shown in _rendered(i18n, msgid, locale)
        if (words := latin_words(shown))
    }
    assert not found, "\n".join(f"{words} in {key!r}" for key, words in found.items())


def test_english_texts_name_the_regulator_in_latin() -> None:
    cyrillic = [key for key, _ in _templates() if re.search("[А-Яа-яЁё]", key)]
    assert cyrillic == []
