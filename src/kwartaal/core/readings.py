"""How a reader reads a text where its characters say more than they show: entities as
CommonMark decodes them, letters a right-to-left override turns around in the order shown."""

from __future__ import annotations

import html
import re

# an entity as CommonMark reads one: with its ';' ('agenda&notulen' is no 'agenda¬ulen')
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_RIGHT_TO_LEFT_RUN = re.compile("\u202e[^\u202c\n]*")  # up to its end or the paragraph's
# the characters that set a text's direction (embeddings, overrides, isolates)
DIRECTION_MARKS = "\u202a-\u202e\u2066-\u2069"  # (as a character class holds them)
_DIRECTIONS = re.compile(f"[{DIRECTION_MARKS}]")


def entities_decoded(text: str) -> str:
    """A text with its entities decoded ('&#64;' an '@', '&amp;' an '&')."""
    return _ENTITY.sub(lambda entity: html.unescape(entity.group(0)), text)


def without_directions(text: str) -> str:
    """A text without the characters that set its direction: its letters as stored."""
    return text if text.isascii() else _DIRECTIONS.sub("", text)  # (none is ASCII)


def display_order(text: str) -> str:
    """A text as a reader sees it where a right-to-left override (U+202E) turns the letters
    after it around: 'Overleg \\u202ealim' shows 'Overleg mila'."""
    return _RIGHT_TO_LEFT_RUN.sub(lambda run: _DIRECTIONS.sub("", run.group(0))[::-1], text)


_PERCENT_ESCAPE = re.compile("%[0-9A-Fa-f]{2}")  # the only thing unquote decodes


def percent_decoded(text: str) -> str | None:
    """The text with its percent-escapes decoded ('%67' is 'g'), again while that changes it
    ('%2567' is '%67', then 'g'; at most four times, as entities are), when that differs from
    it ('45%' decodes as itself); None otherwise, found by one search (a page of megabytes
    with a share in percent is not decoded whole to find it the same)."""
    from urllib.parse import unquote

    decoded = text
    for _ in range(4):
        if _PERCENT_ESCAPE.search(decoded) is None:
            break
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    return decoded if decoded != text else None
