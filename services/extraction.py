"""Find link candidates in a volunteer's message; canonicalize() judges each one afterwards.

Extraction errs towards returning a candidate when the text says it is a link (``://``, a URL
scheme, ``@name``), so that a dangerous link is refused by name rather than ignored, and errs
towards silence for bare words: a bare ``word.word`` is a link only when its last label is a
public suffix, which keeps ``file.txt``, ``e.g.``, ``10.30``, ``т.е.`` and ``г.Алматы`` out.
Bare IP addresses (``1.2.3.4``) are not picked up; with a scheme they are. Defanged links
(``hxxps://shop[.]kz``, ``t[.]me/x``) are read as the links they stand for (services.refang).
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from services.identity.hosts import registered_domain
from services.refang import refang


@dataclass(frozen=True, slots=True)
class LinkSpan:
    """A link Telegram already marked in the text (url, text_link or mention entity)."""

    start: int
    end: int
    value: str


# Schemes recognised without "//" (javascript:, data:, mailto: ...); tel: and sms: are left out
# because volunteers write phone numbers that way and those are not links.
KNOWN_SCHEMES = frozenset(
    {
        "http",
        "https",
        "ftp",
        "ftps",
        "sftp",
        "file",
        "data",
        "javascript",
        "vbscript",
        "tg",
        "mailto",
        "blob",
        "about",
        "ws",
        "wss",
        "intent",
        "view-source",
        "magnet",
    }
)
# Bare words whose "TLD" is far more often a file extension in chat (main.py, readme.md).
FILE_EXTENSION_TLDS = frozenset({"py", "md", "sh", "zip", "mov"})

_TOKEN = re.compile(r"\S+")
_URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S")
_SCHEME_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):\S")
_MENTION = re.compile(r"@[A-Za-z0-9_]+")
_BARE = re.compile(
    r"(?<![\w.@/-])(?P<host>(?:[\w-]+\.)+[\w-]+)(?P<port>:[0-9]{1,5})?(?P<rest>[/?#]\S*)?"
)
_OPENERS = "([{<«\"“„'‘*"
_TRAILING = ".,;:!?…\"'»”’*>"
_BRACKETS = {")": "(", "]": "[", "}": "{"}


def find_links(text: str, spans: Sequence[LinkSpan] = ()) -> list[str]:
    """Every link candidate in order of appearance, each distinct string once.

    Span values come as they are; the text inside spans is not scanned again, so the anchor
    text of a text_link never becomes a second candidate.
    """
    found: list[tuple[int, str]] = [(span.start, span.value) for span in spans if span.value]
    position = 0
    for span in sorted(spans, key=lambda span: span.start):
        if span.start > position:
            found.extend(_scan(text, position, span.start))
        position = max(position, span.end)
    found.extend(_scan(text, position, len(text)))
    found.sort(key=lambda item: item[0])
    return list(dict.fromkeys(value for _, value in found))


def _scan(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    for token in _TOKEN.finditer(text, start, end):
        # Undoing "[.]" only shortens a token, so offsets still order candidates correctly.
        for offset, candidate in _candidates(refang(token.group())):
            if candidate:
                yield token.start() + offset, candidate


def _candidates(token: str) -> Iterator[tuple[int, str]]:
    url = _URL_START.search(token)
    if url:
        yield url.start(), _trim(token[url.start() :])
        return
    inner = token.lstrip(_OPENERS)
    offset = len(token) - len(inner)
    scheme = _SCHEME_PREFIX.match(inner)
    if scheme and scheme[1].lower() in KNOWN_SCHEMES:
        yield offset, _trim(inner)
        return
    if inner.startswith("@"):
        mention = _trim(inner)
        if _MENTION.fullmatch(mention):
            yield offset, mention
        return
    for match in _BARE.finditer(token):
        if _is_domain(match["host"], bare=not (match["port"] or match["rest"])):
            yield match.start(), _trim(match.group())


def _is_domain(host: str, *, bare: bool) -> bool:
    labels = host.split(".")
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return False
    tld = labels[-1]
    if bare and ((tld.istitle() and len(tld) > 1) or tld.lower() in FILE_EXTENSION_TLDS):
        # "пришёл.Сайт", "done.So": a missing space after a full stop, not a domain.
        return False
    return bool(registered_domain(host.lower()))


def _trim(candidate: str) -> str:
    """Drop wrapping quotes and brackets and sentence punctuation glued to the link's end.

    A closing bracket stays when the link opened it (wikipedia.org/wiki/Foo_(bar)).
    """
    candidate = candidate.lstrip(_OPENERS)
    while candidate:
        last = candidate[-1]
        opener = _BRACKETS.get(last)
        unbalanced = opener is not None and candidate.count(last) > candidate.count(opener)
        if not (unbalanced or last in _TRAILING):
            break
        candidate = candidate[:-1]
    return candidate
