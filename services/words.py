"""A volunteer's own words around the links they sent: what moderators read on the card.

The words are the message text with every link candidate taken out (the ones extraction found,
whether they were accepted or refused) and whitespace collapsed; a message of links only has
none. A text link's anchor text stays: it is the volunteer's wording, the link was elsewhere.
"""

from collections.abc import Sequence

from services.extraction import LinkSpan, find_links

# Stored per sighting (the `sighting.words` column is this wide); the card shows less.
WORDS_KEPT = 500


def _without_links(chunk: str) -> list[str]:
    # A token that holds a link goes whole: "(shop.kz)," leaves no stray brackets behind.
    return [token for token in chunk.split() if not find_links(token)]


def words_of(text: str | None, spans: Sequence[LinkSpan] = ()) -> str | None:
    """`text` without its links, whitespace collapsed, at most WORDS_KEPT characters."""
    if not text:
        return None
    kept: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda span: span.start):
        if span.start > position:
            kept += _without_links(text[position : span.start])
        if span.start >= position:
            anchor = text[span.start : span.end]
            if anchor != span.value:  # a text link: its anchor is words, unless itself a link
                kept += _without_links(anchor)
        position = max(position, span.end)
    kept += _without_links(text[position:])
    words = " ".join(kept)[:WORDS_KEPT].strip()
    return words or None
