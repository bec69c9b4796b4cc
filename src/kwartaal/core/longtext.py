"""Long texts (a rendering of megabytes) at C speed: changed a part at a time, so that no
list of every piece of one is held, and translated as bytes where str.translate would look up
every character one by one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import AnyStr

PART = 1 << 16  # characters


def sub_in_parts(pattern: re.Pattern[str], replacement: str, text: str,
                 cut: re.Pattern[str]) -> str:
    """pattern.sub(replacement, text), a part of a long text at a time: re.sub holds every
    piece of its result apart before joining them (tens of megabytes for a rendering of a few
    megabytes with a match on every line). A part ends right after a character `cut` finds,
    where no match of the pattern goes on (the pattern looks neither back nor ahead past its
    match), so each part gives what the whole text gives there."""
    if len(text) > 2 * PART and pattern.search(text) is None:
        return text
    return in_parts(text, cut, lambda part: pattern.sub(replacement, part))


def in_parts(text: str, cut: re.Pattern[str], change: Callable[[str], str]) -> str:
    """change(text), a part of a long text at a time, each ending right after a character
    `cut` finds (see sub_in_parts)."""
    if len(text) <= 2 * PART:
        return change(text)
    return "".join([change(part) for part in parts_of(text, cut)])


def parts_of(text: str, cut: re.Pattern[str]) -> Iterator[str]:
    """The text in parts of PART characters or more (a short one whole), each ending right
    after a character `cut` finds."""
    start = 0
    while len(text) - start > 2 * PART:
        found = cut.search(text, start + PART)
        if found is None:
            break
        yield text[start:found.end()]
        start = found.end()
    yield text[start:] if start else text


def places_of(text: AnyStr, part: AnyStr) -> list[int]:
    """Where part starts in text (a str or bytes), every time, overlaps included."""
    found = []
    start = text.find(part)
    while start != -1:
        found.append(start)
        start = text.find(part, start + 1)
    return found


_NOT_ASCII = re.compile(r"([^\x00-\x7f]+)")


def translated(text: str, table: dict[int, str]) -> str:
    """text.translate(table): str.translate looks every character up one by one unless the
    whole text is ASCII. A long text with a few other characters (a page: '€', '—', 'ë') is
    translated as UTF-8 bytes, its ASCII by a byte table, and then each other character it
    holds replaced by its translation; when no translation holds one of those characters,
    none is translated twice, and that is the text translated a character at a time."""
    if text.isascii() or len(text) < 256:
        return text.translate(table)
    if len(text) > PART:  # a part at a time: no copy of a whole page of megabytes (each one
        # freed raised the C library's threshold for memory of its own, and a site's peak)
        return "".join([translated(text[start:start + PART], table)
                        for start in range(0, len(text), PART)])
    ascii_bytes = _ascii_plan(table)
    if ascii_bytes is None:
        return _ascii_stretches_apart(text, table)
    data = text.encode("utf-8", "surrogatepass")
    others = set(data.translate(None, _ASCII).decode("utf-8", "surrogatepass"))
    changes = [(char, to) for char in others if (to := table[ord(char)]) != char]
    if any(char in others for _, to in changes for char in to):
        return _ascii_stretches_apart(text, table)
    out = data.translate(*ascii_bytes).decode("utf-8", "surrogatepass")
    for char, to in changes:
        out = out.replace(char, to)
    return out


_ASCII = bytes(range(128))
_PLANS: dict[int, tuple[dict[int, str], tuple[bytes, bytes] | None]] = {}  # (holds the table)


def _ascii_plan(table: dict[int, str]) -> tuple[bytes, bytes] | None:
    """The table's translation of ASCII as bytes.translate takes it (a byte table, the bytes
    to delete), when each ASCII character becomes one ASCII character or none; else None."""
    found = _PLANS.get(id(table))
    if found is None:
        mapping, deleted = bytearray(range(256)), bytearray()
        plan: tuple[bytes, bytes] | None = None
        for code in range(128):
            to = table[code]
            if to == "":
                deleted.append(code)
            elif len(to) == 1 and to.isascii():
                mapping[code] = ord(to)
            else:
                break
        else:
            plan = (bytes(mapping), bytes(deleted))
        found = _PLANS[id(table)] = (table, plan)
    return found[1]


def _ascii_stretches_apart(text: str, table: dict[int, str]) -> str:
    """text.translate(table), its ASCII stretches apart (translated at ASCII's speed)."""
    return "".join([piece.translate(table) for piece in _NOT_ASCII.split(text)])
