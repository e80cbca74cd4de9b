"""What a user reads of a message sent with parse_mode HTML, parsed by Telegram's rules.

Telegram accepts only its own tags and the entities &lt; &gt; &amp; &quot; (and numeric ones);
every other `<`, `>` or `&` must come escaped, or it refuses the message ("can't parse
entities"). `shown()` fails the test on such HTML and returns the text with the tags gone and
the entities resolved: an escaping test can then assert what the user really sees.
"""

import re
from html.parser import HTMLParser

from typing_extensions import override

TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
     "tg-emoji", "code", "pre", "blockquote"}
)  # fmt: skip
_BARE_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    @override
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in TELEGRAM_TAGS, f"Telegram refuses the unsupported tag <{tag}>"

    def handle_endtag(self, tag: str) -> None:
        assert tag in TELEGRAM_TAGS, f"Telegram refuses the unsupported tag </{tag}>"

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown(html_text: str) -> str:
    bare = _BARE_AMPERSAND.search(html_text)
    assert bare is None, f"Telegram refuses an unescaped '&': {html_text[bare.start() :]!r}"
    reader = _Reader()
    reader.feed(html_text)
    reader.close()
    return "".join(reader.parts)
