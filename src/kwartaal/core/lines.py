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
    """Header line of every table and the line of every key inside it (1-based).

    Read as far as a question needs: a problem is mostly about a meeting's own keys at the
    top of its file, and a check at 4,000 meetings asks one line in each of thousands of
    files. Lines are taken in order and only the first header or key of a name counts, so an
    answer found part-way is the answer of the whole file."""

    def __init__(self, text: str) -> None:
        self._headers: dict[Section, int] = {}
        self._keys: dict[Section, dict[str, int]] = {(): {}}
        self._lines = iter(enumerate(text.splitlines(), start=1))
        self._counts: dict[tuple[str, ...], int] = {}
        self._section: Section = ()
        self._in_multiline: str | None = None
        self._done = False

    @property
    def headers(self) -> dict[Section, int]:
        self._read_until(None)
        return self._headers

    @property
    def keys(self) -> dict[Section, dict[str, int]]:
        self._read_until(None)
        return self._keys

    def _read_until(self, wanted: tuple[Section, str | None] | None) -> None:
        """Read lines until wanted (a header when its key is None) is found, or to the end."""
        if self._done:
            return
        headers, all_keys = self._headers, self._keys
        keys = all_keys.setdefault(self._section, {})
        in_multiline = self._in_multiline
        header_match, key_match = _HEADER.match, _KEY.match
        for number, line in self._lines:
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            # Only a line whose first visible character is '[' can be a header, and such a
            # line is never a key: one match per line instead of two (str.lstrip strips what
            # the expressions' \s matches). Most lines of a meeting file are keys.
            if line.lstrip().startswith("["):
                header = header_match(line)
                if header and "=" not in line.split("]")[0]:
                    name = _split_dotted(header.group(2))
                    if header.group(1) == "[[":
                        index = self._counts.get(name, 0)
                        self._counts[name] = index + 1
                        section: Section = (*name, index)
                    else:
                        section = name
                    self._section = section
                    headers.setdefault(section, number)
                    keys = all_keys.setdefault(section, {})
                    if wanted is not None and wanted[1] is None and wanted[0] == section:
                        self._in_multiline = in_multiline
                        return
                    continue
            else:
                key = key_match(line)
                if key:
                    name_of_key = key.group(1).strip("\"'")
                    if name_of_key not in keys:
                        keys[name_of_key] = number
                        if wanted is not None and wanted[1] == name_of_key and (
                                wanted[0] == self._section):
                            self._in_multiline = in_multiline
                            return
            if '"""' in line or "'''" in line:
                for quote in ('"""', "'''"):
                    if line.count(quote) % 2 == 1:
                        in_multiline = quote
                        break
        self._in_multiline = in_multiline
        self._done = True

    def line(self, section: Section, key: str | None = None) -> int | None:
        if key is not None:
            found = self._keys.get(section, {}).get(key)
            if found is None:
                self._read_until((section, key))
                found = self._keys.get(section, {}).get(key)
            if found is not None:
                return found
        if section == ():
            return 1 if key is None else None
        found = self._headers.get(section)
        if found is None:
            self._read_until((section, None))
            found = self._headers.get(section)
        return found


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
