"""Report numbers as people type them: `12` or `#12`, alone, in lists (`12 13`, `#12,#13`), or
named in a text (`… #12 …`). The `#N` form is the contract moderators and their scripts use.

Numbers of any length are read as typed: whether one names a report is for the caller to say
(services/lifecycle.valid_id guards the database), so "no such report" is the answer to a long
number, never a silently shortened one.
"""

import re

# One number, its digits captured: commands with a grammar of their own compose it in.
NUMBER = r"#?(\d+)"
_ONE = re.compile(NUMBER)
_LEADING = re.compile(r"\s*((?:#?\d+(?:\s*,\s*|\s+|$))+)(.*)", re.DOTALL)
_MENTION = re.compile(r"#(\d+)")


def parse_number(word: str) -> int | None:
    """`12` or `#12`, and nothing else around it."""
    match = _ONE.fullmatch(word.strip())
    return int(match[1]) if match else None


def parse_numbers(text: str | None) -> tuple[list[int], str]:
    """Leading report numbers (`12`, `#12`, `12,13`) and the rest of the text.

    Everything after the last number is the rest, so a reason may not start with a number.
    """
    match = _LEADING.match(text or "")
    if match is None:
        return [], (text or "").strip()
    numbers = [int(n) for n in _ONE.findall(match.group(1))]
    return list(dict.fromkeys(numbers)), match.group(2).strip()


def numbers_and_words(text: str | None) -> tuple[list[int], list[str]]:
    """Numbers anywhere among words (`12 Almaly 15`, `12,15`), and the other words in order."""
    numbers, rest = [], []
    for word in (text or "").split():
        for part in filter(None, word.split(",")):
            number = parse_number(part)
            if number is None:
                rest.append(part)
            else:
                numbers.append(number)
    return numbers, rest


def first_mention(text: str | None) -> int | None:
    """The first `#N` in a text, e.g. the bot's own message a volunteer replies to."""
    match = _MENTION.search(text or "")
    return int(match[1]) if match else None
