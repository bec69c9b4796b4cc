"""The date of every meeting file, without reading the files whole.

A meeting's file is named after the date it was planned for, and `meeting move` keeps the name
(the id is referred to from elsewhere), so a name does not tell the date: a write that needs
"the meetings of 2025" or "the last meeting" asks here. The date is the top-level `date` key,
found by parsing only the part of the file before its first table; what does not parse that way
gives None, and the caller reads the file whole. Dates found are kept in a small index in the
user's cache folder, trusted by the rule the action index uses (the same stat record, taken
more than two seconds before the index was saved; files/cache.py), so that a warm write costs
one stat per file. The action and parse indexes, which read every meeting file, keep the dates
they found here as well (remember), so that a write after any read finds them.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
import re
import time
from pathlib import Path

from kwartaal import __version__
from kwartaal.files.cache import cache_folder, caching, sealed, stat_key, trusted, where
from kwartaal.files.keeping import index_file, read_sealed
from kwartaal.files.paths import read_in_place

FORMAT = 1
FIRST_TABLE = re.compile(rb"^[ \t]*\[", re.MULTILINE)


def head_date(data: bytes) -> dt.date | None:
    """The top-level date of a meeting file's text as the loader reads it (a TOML date, or a
    date written as a string), or None when the file does not parse or holds no such date.
    Parsed as every file is read (files/tomlread.py: the native parser where it may, else
    tomllib, with equal values): the part before its first table, and the whole text when
    that part does not parse on its own (a line of a multi-line string may begin with '[')
    or holds no date. The dates the reads keep (remember) are the loader's; this gives the
    same for every file the loader builds."""
    found = FIRST_TABLE.search(data)
    date = _date_in(data[:found.start()]) if found else None
    return _date_in(data) if date is None else date


def _date_in(data: bytes) -> dt.date | None:
    from kwartaal.core import values
    from kwartaal.files.tomlread import parse_text

    try:
        value = parse_text(data.decode("utf-8-sig")).get("date")
    except (ValueError, RecursionError):  # not UTF-8, not TOML (tomllib's TOMLDecodeError)
        return None
    date = values.convert(value, "date", "en")
    return date if type(date) is dt.date and values.in_date_range(date) else None


def _index_path(root: Path) -> str:
    return index_file(root, ".dates")


def _stored(root: Path) -> dict[str, tuple[tuple[int, ...], int]]:
    stored = read_sealed(_index_path(root))
    if (isinstance(stored, tuple) and len(stored) == 5 and stored[:3] == (
            FORMAT, __version__, where(root)) and isinstance(stored[4], dict)):
        saved, files = stored[3], stored[4]
        folder = os.path.join(root, "meetings", "")  # plain strings: one stat a file, no Path
        return {name: entry for name, entry in files.items()
                if isinstance(entry, tuple) and len(entry) == 2 and isinstance(name, str)
                and trusted(stat_key(folder + name + ".toml"), entry[0], saved)}
    return {}


def meeting_dates(root: Path, folder: Path, names: list[str]) -> dict[str, dt.date | None]:
    """The date of each named meeting file in folder (None: read the file to know)."""
    use_index = caching()
    known = _stored(root) if use_index and folder == root / "meetings" else {}
    dates: dict[str, dt.date | None] = {}
    fresh: dict[str, tuple[tuple[int, ...], int]] = {}
    for name in names:
        entry = known.get(name)
        if entry is not None:
            dates[name] = dt.date.fromordinal(entry[1])
            fresh[name] = entry
            continue
        path = folder / f"{name}.toml"
        stat = stat_key(path)
        try:
            date = head_date(read_in_place(path))
        except OSError:
            date = None
        dates[name] = date
        if date is not None and stat is not None:
            fresh[name] = (stat, date.toordinal())
    if use_index and fresh != known:
        _save(root, fresh)
    return dates


def remember(root: str | os.PathLike[str], saved_ns: int,
             files: dict[str, tuple[tuple[int, ...], int]]) -> None:
    """Keep the dates an index that read the meeting files found: file name (with .toml) ->
    (its stat record, its date as a day ordinal), from a meeting built without a problem.
    Each stat record was taken before its file was read, and saved_ns is when that index was
    written, after both: the dates are trusted by the rule that index's own entries are."""
    kept = {name[:-len(".toml")]: entry for name, entry in files.items()
            if name.endswith(".toml") and entry[0] is not None}
    if kept:
        _save(Path(root), kept, saved_ns)


def _save(root: Path, files: dict[str, tuple[tuple[int, ...], int]],
          saved_ns: int | None = None) -> None:
    from kwartaal.files.atomic import replace_file

    saved = time.time_ns() if saved_ns is None else saved_ns
    data = sealed(marshal.dumps((FORMAT, __version__, where(root), saved, files)))
    try:
        os.makedirs(cache_folder(), exist_ok=True)
        replace_file(Path(_index_path(root)), data, durable=False)
    except OSError:
        pass  # an index that cannot be kept only costs time
