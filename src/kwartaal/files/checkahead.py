"""A cold `check` of a large body on more than one processor: the check index filled ahead.

When the check index (checkindex.py) holds nothing for many meeting files, reading, building
and checking each file, and scanning it for contact details, is most of the run. Each share
of the files (files/workers.py) is checked by one process as `check` checks a body: read and
checked early, then each file's own problems settled against the facts of the files of that
share (checkrun.settle_units) and its scan made under what the files before it in the share
allow (body_checks.scan_units). Every file's entry, with the answers about other files it
depends on, is taken into the index (CheckIndex.take), and `check` runs as usual.

An entry made ahead is a guess like any entry: it is taken only when the file's bytes hash to
its digest (never by its stat record), its problems only while every answer it asked for is
the same against the whole body (a file of one share asking about an item of another is
checked again), and its scan only under the same values allowed. `check` prints the same with
or without workers (tests/test_prefill.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.files.pacing import paced
from kwartaal.files.workers import shared


def check_ahead(index: Any, settings: m.Body, today: dt.date, paths: list[Path]) -> None:
    """Make ahead, shared between processes, the entries of the files index lacks
    (CheckIndex.lacking). Does nothing when one process is to check them all."""
    if not index.enabled:
        return

    def work(share: Iterable[Path]) -> Iterator[tuple[Any, bytes]]:
        from kwartaal.files.body_checks import scan_units
        from kwartaal.files.checkrun import Early, settle_units

        early = Early(settings, today, paths)
        units = []
        for path in paced(share):
            unit = index.unit(path, settings.config.language)
            early.check(unit)  # its records are not kept
            units.append(unit)
        settle_units(settings, today, units, index)
        scan_units(settings, units, index)
        for unit in units:
            entry = index.used.get(unit.path.name)
            if entry is not None:
                yield (unit.path.name, entry), b""

    def take(value: Any, _: Any) -> bool:
        name, entry = value
        index.take(name, entry)
        return True

    shared(index.lacking(paths), work, take)
