"""Defanged links, as security-minded volunteers write them, back into the links they name.

`hxxps://shop[.]kz`, `shop[.]kz`, `t[.]me/x`, `shop(.)kz`, `shop[dot]kz`, `https[:]//…` are
written so that no chat client makes them clickable; for us they are ordinary reports. Only
bracketed markers are undone (`shop dot kz` in prose stays prose), and extraction still asks
whether the result is a real domain, so a stray "(.)" in a sentence invents no link.
"""

import re

_SCHEME = re.compile(r"\bh(?:xx|XX|\*\*)p(s?)(?=\[?:)", re.IGNORECASE)
_DOT = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}", re.IGNORECASE)
_COLON = re.compile(r"\[:\]|\(:\)")
_SLASHES = re.compile(r"\[:?//\]|\[/\]")
_AT = re.compile(r"\[@\]|\[at\]|\(at\)", re.IGNORECASE)
_MARKERS = re.compile(r"hxxp|h\*\*p|\[|\(\.\)|\(dot\)|\(:\)|\(at\)|\{", re.IGNORECASE)


def looks_defanged(token: str) -> bool:
    return _MARKERS.search(token) is not None


def refang(token: str) -> str:
    """The token with every defanging marker undone; an ordinary token comes back unchanged."""
    if not looks_defanged(token):
        return token
    token = _DOT.sub(".", token)
    token = _COLON.sub(":", token)
    token = _SLASHES.sub(lambda match: match.group()[1:-1], token)
    token = _AT.sub("@", token)
    return _SCHEME.sub(lambda match: "http" + match[1], token)
