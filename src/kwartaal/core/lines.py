"""Where things are in a TOML file: header and key lines, found by a light scan.

The fast parser (tomllib) does not report positions, so line numbers are recovered on demand,
only when a problem or a record's location is actually shown.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

Section = tuple[object, ...]  # ("action", 2) for the third [[action]]; ("jansen",); () for root

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*(?:\.\s*[^=]+)?=""")


def _split_dotted(name: str) -> tuple[str, ...]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s"\']+)', name)
    return tuple(a or b or c for a, b, c in parts)


class LineIndex:
    """Header line of every table and the line of every key inside it (1-based)."""

    def __init__(self, text: str) -> None:
        self.headers: dict[Section, int] = {}
        self.keys: dict[Section, dict[str, int]] = {(): {}}
        counts: dict[tuple[str, ...], int] = {}
        section: Section = ()
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _HEADER.match(line)
            if header and "=" not in line.split("]")[0]:
                name = _split_dotted(header.group(2))
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    section = (*name, index)
                else:
                    section = name
                self.headers.setdefault(section, number)
                self.keys.setdefault(section, {})
                continue
            key = _KEY.match(line)
            if key:
                name = key.group(1).strip("\"'")
                self.keys.setdefault(section, {}).setdefault(name, number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote
                    break

    def line(self, section: Section, key: str | None = None) -> int | None:
        if key is not None:
            found = self.keys.get(section, {}).get(key)
            if found is not None:
                return found
        if section == ():
            return 1 if key is None else None
        return self.headers.get(section)


@lru_cache(maxsize=256)
def _index_for(path: Path, stamp: tuple[int, int]) -> LineIndex:
    return LineIndex(path.read_text(encoding="utf-8", errors="replace"))


def line_of(path: Path, section: Section, key: str | None = None) -> int | None:
    """The line of a table (or of a key in it), or None when it cannot be found."""
    try:
        st = path.stat()
        index = _index_for(path, (st.st_mtime_ns, st.st_size))
    except OSError:
        return None
    return index.line(section, key)


def section_span(path: Path, section: Section) -> tuple[int, int] | None:
    """First and last line of a table: from its header to the line before the next header."""
    try:
        st = path.stat()
        index = _index_for(path, (st.st_mtime_ns, st.st_size))
        total = path.read_text(encoding="utf-8", errors="replace").count("\n") or 1
    except OSError:
        return None
    start = index.headers.get(section)
    if start is None:
        return None
    later = [line for line in index.headers.values() if line > start]
    end = min(later) - 1 if later else total
    return start, max(start, end)
