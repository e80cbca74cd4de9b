"""Text files people upload (lists of links): find the encoding, refuse what is not text.

Moderators save lists from Excel, Notepad and the regulator's exports, so the same list arrives
as UTF-8 (with or without a BOM), UTF-16 (what Excel's "Unicode text" writes) or cp1251 (what
Russian Excel writes as "CSV"). A byte order mark decides when there is one; valid UTF-8 is
taken as UTF-8; otherwise charset-normalizer chooses among the encodings people here use.
Anything that still holds control characters after decoding is a binary file, not a list.
"""

import codecs
import unicodedata

from charset_normalizer import from_bytes

# Longest mark first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Without a mark, only encodings a Kazakh or Russian computer writes: a wider choice lets short
# cp1251 lists be "detected" as cp1250 or Mac Cyrillic and come out as garbage.
_LIKELY_ENCODINGS = ["cp1251", "utf_16_le", "utf_16_be", "koi8_r", "cp866"]
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")


class NotTextError(ValueError):
    """The bytes are not text in any encoding we accept (an image, a PDF, an archive...)."""


def decode_text(data: bytes) -> str:
    """The file's text without a byte order mark; raises NotTextError for binary files."""
    text = _decode(data)
    if any(_is_binary_control(character) for character in text):
        raise NotTextError("control characters in the decoded text")
    return text


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise NotTextError(str(error)) from error
    if b"\x00" not in data:  # UTF-16 without a mark is valid UTF-8 full of NULs
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    best = from_bytes(data, cp_isolation=_LIKELY_ENCODINGS).best()
    if best is None:
        raise NotTextError("no encoding fits")
    return str(best)


def _is_binary_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc" and character not in _TEXT_CONTROLS
