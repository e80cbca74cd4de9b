"""A small element tree of an HTML page, built with the standard library's lenient parser.

The Telegram page reader (services/probe/telegram_pages.py) needs only a handful of lookups:
elements by class token, their text, and an attribute. html.parser never raises on broken
markup, which matters for pages fetched from anywhere; this module turns its events into a
tree so those lookups see what a browser would nest, not a flat stream of tags.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from typing_extensions import override

# Elements that never have children or an end tag (HTML's void elements).
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Their text is not part of what a reader sees.
_HIDDEN_TEXT = frozenset({"script", "style", "template", "noscript"})
# A browser starts these on a new line: their text never runs into a neighbour's.
_BLOCKS = frozenset(
    {"br", "div", "p", "section", "header", "footer", "main", "article", "li", "tr", "td"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
)


@dataclass(eq=False, slots=True)
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    # Children in document order: elements, and text as plain strings.
    children: list["Element | str"] = field(default_factory=list)

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(self.attrs.get("class", "").split())

    def iter(self) -> Iterator["Element"]:
        """This element and every element inside it, in document order."""
        stack: list[Element] = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(
                child for child in reversed(element.children) if isinstance(child, Element)
            )

    def by_class(self, token: str) -> list["Element"]:
        """Elements carrying `token` as a whole class (``a_b`` is not ``a``)."""
        return [element for element in self.iter() if token in element.classes]

    def first(self, token: str) -> "Element | None":
        found = self.by_class(token)
        return found[0] if found else None

    def by_tag(self, tag: str) -> list["Element"]:
        return [element for element in self.iter() if element.tag == tag]

    def text(self) -> str:
        """The visible text, whitespace collapsed to single spaces."""
        parts: list[str] = []
        self._collect(parts)
        return " ".join("".join(parts).split())

    def _collect(self, parts: list[str]) -> None:
        if self.tag in _HIDDEN_TEXT:
            return
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag in _BLOCKS:
                parts.append(" ")
                child._collect(parts)
                parts.append(" ")
            else:
                child._collect(parts)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self._open: list[Element] = [self.root]

    @override
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(element)
        if tag not in _VOID:
            self._open.append(element)

    @override
    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    @override
    def handle_endtag(self, tag: str) -> None:
        # Close up to the nearest open element of this tag; a stray end tag is ignored, as a
        # browser would (an unclosed <div> inside stays a child of its parent).
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    @override
    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def parse(markup: str) -> Element:
    """The page as a tree under a ``#document`` element; never raises on broken markup."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root
