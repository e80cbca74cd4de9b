"""What a fetched page says: its text (for markers) and its title, read safely and quickly.

A page is at most `max_body_bytes` (256 KB) and runs on the event loop, so no HTML parser:
a bounded regular expression finds the title, the charset comes from the Content-Type header
or a <meta> in the first bytes, and undecodable bytes become U+FFFD instead of errors.
"""

import codecs
import html
import re
import zlib

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]{0,200}>(.{0,2000}?)</title\s*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")
TITLE_CHARS = 300


def charset_of(body: bytes, content_type: str | None) -> str:
    header = content_type.encode("latin-1", "replace") if content_type else b""
    for source in (header, body[:4096]):
        found = _CHARSET.search(source)
        if found is not None:
            name = found.group(1).decode("ascii")
            try:
                return codecs.lookup(name).name
            except LookupError:
                continue
    return "utf-8"


def text_of(body: bytes, content_type: str | None) -> str:
    return body.decode(charset_of(body, content_type), errors="replace")


def title_of(text: str) -> str | None:
    found = _TITLE.search(text)
    if found is None:
        return None
    title = _SPACE.sub(" ", html.unescape(found.group(1))).strip()
    return title[:TITLE_CHARS] or None


def has_marker(text: str, markers: tuple[str, ...]) -> str | None:
    """The first marker (lower-case) found in the page's text, or None."""
    lowered = text.lower()
    return next((marker for marker in markers if marker and marker.lower() in lowered), None)


def decoded(body: bytes, content_encoding: str | None, cap: int) -> bytes:
    """The body without gzip/deflate, never more than `cap` bytes however much it expands
    (the probe asks for no compression; a server may send it anyway)."""
    encoding = (content_encoding or "").strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return body
    for wbits in (47, -15):  # gzip or zlib (auto-detected), then raw deflate
        try:
            return zlib.decompressobj(wbits).decompress(body, cap)
        except zlib.error:
            continue
    return body
