"""Look-alike hosts: a name that mixes alphabets (`kаspi.kz` with a Cyrillic "а") to pass for
another site. Such hosts are shown in punycode (`xn--kspi-5cd.kz`), never in Unicode, and
moderators and the regulator get a warning next to them.

Only mixing inside one label counts: `магазин.kz` (a Cyrillic name under a Latin suffix) is an
ordinary Kazakh address. Chinese and Japanese scripts are written together, so they count as
one alphabet.
"""

import unicodedata

import idna

from models.enums import TargetKind

_ONE_WRITING_SYSTEM = {"HIRAGANA": "CJK", "KATAKANA": "CJK"}


def is_mixed_script(host: str) -> bool:
    """True when some label of `host` (ASCII or Unicode) mixes letters of two alphabets."""
    return any(len(_scripts(_unicode_label(label))) > 1 for label in host.split("."))


def is_lookalike(kind: TargetKind, key: str | None) -> bool:
    """Whether a report's address is a look-alike; only web sites have hosts of their own."""
    return kind == TargetKind.WEBSITE and bool(key) and is_mixed_script(_host_of_key(key or ""))


def safe_display(kind: TargetKind, key: str | None, display: str) -> str:
    """The display form with the host in punycode when it is a look-alike.

    A web key is the display without its scheme and with the host in ASCII, so reports stored
    before this check existed are shown safely as well.
    """
    if not is_lookalike(kind, key) or "://" not in display:
        return display
    return f"{display.split('://', 1)[0]}://{key}"


def _host_of_key(key: str) -> str:
    host = key
    for end in "/?#":
        host = host.split(end, 1)[0]
    return host.rsplit(":", 1)[0] if not host.startswith("[") else host


def _unicode_label(label: str) -> str:
    if not label.lower().startswith("xn--"):
        return label
    try:
        return idna.decode(label)
    except (idna.IDNAError, UnicodeError):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label


def _scripts(label: str) -> set[str]:
    scripts = set()
    for character in label:
        if character.isalpha():
            script = unicodedata.name(character, "UNKNOWN").split(" ", 1)[0]
            scripts.add(_ONE_WRITING_SYSTEM.get(script, script))
    return scripts
