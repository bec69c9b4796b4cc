"""A cold read of a large body on more than one processor: the parse index and the action
index filled ahead.

When the parse index (parsed.py) holds nothing for many of a body's meeting files — the first
run, or the first after kwartaal was upgraded — parsing them and storing their records is
most of the run. That work is the same for each file and needs nothing of the others, so it
is shared out between processes (files/workers.py): each parses its share and stores the
records of each file; what every process made is taken into the index as entries made ahead
of reading (ParseIndex.take), and the loader reads the body through the index as usual.

Nothing made ahead is trusted more than a guess. The loader takes an entry only when the
bytes of the file on disk hash to the digest of the bytes that were parsed (never by the stat
record); a file that could not be stored whole (a problem, a table off the quick path) is
left out and read by the loader itself, which reports what it reports without workers. The
command's output is the same with or without workers (tests/test_prefill.py). The action
index (cache.py), which `actions`, `overdue`, `progress` and `remind` read, is filled ahead
the same way (prefill_lane).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kwartaal.files.pacing import paced
from kwartaal.files.paths import read_in_place
from kwartaal.files.workers import processes, shared

if TYPE_CHECKING:
    from kwartaal.files.cache import ActionIndex
    from kwartaal.files.parsed import ParseIndex

# made(path) -> (name, stat record, digest, stored records) or None (ParseIndex.formed)
Made = Callable[[Path], "tuple[str, Any, str, bytes] | None"]


def prefill(index: ParseIndex, paths: list[Path], language: str, made: Made) -> None:
    """Store ahead in index the records of the files it lacks (ParseIndex.lacking), shared
    between processes. Does nothing when one process is to read them all."""
    if not index.enabled:
        return

    def work(share: Iterable[Path]) -> Iterator[tuple[Any, bytes]]:
        for path in paced(share):
            found = made(path)
            if found is not None:
                yield found[:3], found[3]

    def take(value: Any, stored: Any) -> bool:
        name, stat, key = value
        if type(name) is not str or type(key) is not str or len(stat) != 4:
            return True  # not what a worker makes: that file is read as usual
        if isinstance(stored, bytes):
            stored = index.keep(stored)
            if not index.enabled:  # nowhere to keep it: nothing is saved either
                return False
        index.take(name, language, tuple(stat), key, stored)
        return True

    _shared(index.lacking(paths, language), work, take)


def prefill_lane(index: ActionIndex, paths: list[Path], language: str) -> None:
    """Make ahead, shared between processes, the action index's entries of the files it
    lacks (ActionIndex.lacking) whose tables are all valid as they stand (laneentry.py);
    the others are read as usual. Does nothing when one process is to read them all."""
    if not index.enabled:
        return

    def work(share: Iterable[Path]) -> Iterator[tuple[Any, bytes]]:
        from kwartaal.files.cache import digest, stat_key
        from kwartaal.files.laneentry import lane_entry
        from kwartaal.files.tomlread import parsed_quietly

        for path in paced(share):
            stat = stat_key(path)
            try:
                data = read_in_place(path)
            except OSError:
                continue
            raw = parsed_quietly(path, data)
            made = None if raw is None else lane_entry(raw, path, language, stat,
                                                      digest(data) + language)
            if made is not None:
                yield (path.name, made), b""

    def take(value: Any, _: Any) -> bool:
        index.take(*value)
        return True

    _shared(index.lacking(paths), work, take)


def _shared(files: list[Path], work: Any, take: Any) -> None:
    """shared, two processes met in the middle (files/workers.py): neither waits for the
    other at the end, however the files' costs or the processors' speeds differ; more
    processes each take every n-th file."""
    shared(files, work, take, meet=processes(len(files)) == 2)
