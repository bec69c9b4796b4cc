"""The check index: each meeting file's problems and the facts about it that the checks
across files read (files/checkrun.py), as `check` found them, so that a repeated `check`
builds no records of the files that did not change and redoes only the checks across files.

A file's entry is used only when all of these are what they were:
- the file's content: its stat record, trusted only when it was older than two seconds when
  the run that wrote the index began, else the BLAKE2b digest of its bytes (as the action
  index, cache.py);
- the context: the bytes of kwartaal.toml and people.toml, kwartaal's code and version, and
  the native parser's version;
- the answers about other files and about today: every question the file's checks asked
  (does item, decision or meeting X exist, is item X closed for public output, what is its
  theme, is day D before or after today) is stored with its answer, and asked again against
  the facts of the body as it is now and today's date.
The file's scan for contact details is kept apart, under what the files before it allow.
Else the file is read and checked again and its entry replaced. Problems are stored as plain
values (marshal; loading cannot run code); a problem that cannot be stored leaves the file out
of the index. One file per body in the user's cache folder, like the other indexes; anything
unreadable, corrupt or foreign is ignored and rebuilt; KWARTAAL_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import datetime as dt
import marshal
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core.problems import Msg, Problem
from kwartaal.core.values import MAX_FILE_BYTES
from kwartaal.files.cache import (
    caching,
    digest,
    sealed,
    stat_key,
    trusted,
    where,
)
from kwartaal.files.keeping import index_file, read_sealed
from kwartaal.files.paths import CONFIG_FILE, PEOPLE_FILE, read_in_place

FORMAT = 3
# an entry: stat record, digest, context, facts, problems by phase, questions with answers,
# whether the file did not parse, then the scan: its key, its problems, the values it allows
STAT, DIGEST, CONTEXT, FACTS, PHASES, ASKED, UNREADABLE, SCAN_KEY, SCAN, MARKS = range(10)


def index_path(root: Path) -> str:
    return index_file(root, ".checks")


def context_of(root: Path) -> str:
    """kwartaal's version and code (every module: the checks, the records, the parser), the
    native parser's version, and the settings and people files' bytes. Not today: a check's
    every comparison with today is one of the questions kept with their answers."""
    from kwartaal import __version__

    base = Path(__file__).resolve().parent.parent
    parts = [__version__.encode(),
             str(getattr(sys.modules.get("toml_rs"), "__version__", "-")).encode()]
    parts += [path.read_bytes() for path in sorted(base.rglob("*.py"))]
    for name in (CONFIG_FILE, PEOPLE_FILE):
        try:
            parts.append((root / name).read_bytes())
        except OSError:
            parts.append(b"-")
    return digest(b"\0".join(parts))


def encode_value(value: Any) -> Any:
    if isinstance(value, (str, bool, int, type(None))):
        return value
    if isinstance(value, Msg):
        return ("m", value.text, [(key, encode_value(item)) for key, item in
                                  value.params.items()], value.context)
    if isinstance(value, Decimal):
        return ("D", str(value))
    if type(value) is dt.date:
        return ("d", value.toordinal())
    raise TypeError(f"cannot store {type(value).__name__}")


def decode_value(value: Any) -> Any:
    if not isinstance(value, tuple):
        return value
    if value[0] == "m":
        return Msg(value[1], {key: decode_value(item) for key, item in value[2]}, value[3])
    if value[0] == "D":
        return Decimal(value[1])
    return dt.date.fromordinal(value[1])


def _stored(problems: list[Problem]) -> Any:
    return tuple((p.line, p.severity, encode_value(p.message)) for p in problems)


def _problems(path: Path, stored: Any) -> list[Problem]:
    return [Problem(path, line, severity, decode_value(message))
            for line, severity, message in stored]


class CheckIndex:
    def __init__(self, root: Path, context: str) -> None:
        self.root = root
        self.context = context
        self.enabled = caching()
        self.entries: dict[str, Any] = {}
        self.saved_ns = 0
        self.opened_ns = time.time_ns()  # what its stat records are trusted by (parsed.py)
        self.used: dict[str, Any] = {}
        self.changed = False
        # entries made this run ahead of reading (files/checkahead.py): taken only once the
        # file's bytes hash to what was checked, never by their stat record
        self.fresh: set[str] = set()
        if not self.enabled:
            return
        stored = read_sealed(index_path(root))
        if (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == FORMAT
                and stored[1] == where(root) and isinstance(stored[2], int)
                and isinstance(stored[3], dict)):
            self.saved_ns, self.entries = stored[2], stored[3]

    @classmethod
    def open(cls, root: Path) -> CheckIndex:
        return cls(root, context_of(root))

    def unit(self, path: Path, language: str) -> Any:
        """The file's unit: from its entry when its content and the context are the same,
        else read, parsed and built now (checkrun.Unit.meeting)."""
        from kwartaal.files.checkrun import Unit

        stat = stat_key(path)
        entry = self.entries.get(path.name)
        if not self._valid(entry):
            entry = None
        if (entry is not None and entry[STAT] is not None and path.name not in self.fresh
                and trusted(stat, entry[STAT], self.saved_ns) and entry[CONTEXT] == self.context):
            return self._from(path, entry, stat)
        data = None
        if stat is not None and stat[0] <= MAX_FILE_BYTES:
            try:
                data = read_in_place(path)
            except OSError:
                data = None
        key = None if data is None else digest(data)
        if (entry is not None and key is not None and entry[DIGEST] == key
                and entry[CONTEXT] == self.context):
            self.changed = True  # a new stat record to keep
            return self._from(path, entry[:STAT] + (stat,) + entry[STAT + 1:], stat)
        unit = Unit(path, key)
        unit.size, unit.stat = (None if stat is None else stat[0]), stat
        self._build(unit, language, data)
        unit.stat = stat
        return unit

    def lacking(self, paths: list[Path]) -> list[Path]:
        """The files with no entry of this context at all: each is read and checked in full
        whatever its stat record says."""
        return [path for path in paths if not self._valid(entry := self.entries.get(path.name))
                or entry[CONTEXT] != self.context]

    def take(self, name: str, entry: Any) -> None:
        """An entry made this run ahead of unit() (files/checkahead.py); unit() takes it once
        the file's bytes hash to its digest, and it is used as any entry is."""
        if self._valid(entry) and entry[CONTEXT] == self.context and type(entry[DIGEST]) is str:
            self.entries[name] = entry
            self.fresh.add(name)

    @staticmethod
    def _valid(entry: Any) -> bool:
        return isinstance(entry, tuple) and len(entry) == 10

    def _from(self, path: Path, entry: Any, stat: Any) -> Any:
        from kwartaal.files.checkrun import Unit

        unit = Unit(path, entry[DIGEST])
        unit.facts, unit.unreadable, unit.stored = entry[FACTS], entry[UNREADABLE], entry
        unit.size, unit.stat = (None if stat is None else stat[0]), stat
        self.used[path.name] = entry
        return unit

    def _build(self, unit: Any, language: str, data: bytes | None) -> None:
        from kwartaal.files.loader import build_meeting
        from kwartaal.files.tomlread import read_toml

        found: list[Problem] = []
        raw = read_toml(unit.path, found, data)
        unit.unreadable = raw is None
        unit.found(None if raw is None else build_meeting(raw, unit.path, found, language),
                   found)
        if unit.facts is None and unit.digest is not None:
            self.keep(unit)  # its problems are all the loader's

    def read(self, unit: Any, language: str) -> None:
        """Read and build the file again: its entry's answers about other files changed."""
        data = None
        if unit.size is not None and unit.size <= MAX_FILE_BYTES:
            try:
                data = read_in_place(unit.path)
            except OSError:
                data = None
        unit.digest = None if data is None else digest(data)
        unit.stored = None
        self.used.pop(unit.path.name, None)
        self._build(unit, language, data)

    def reuse(self, unit: Any, known: Any) -> bool:
        """Take the file's problems from its entry when every answer is still the same."""
        entry = unit.stored
        if not known.same_answers(entry[ASKED]):
            return False
        try:
            unit.phases = {number: _problems(unit.path, stored) for number, stored in
                           entry[PHASES]}
        except Exception:  # noqa: BLE001 - a foreign entry: checked again
            return False
        unit.asked = entry[ASKED]
        return True

    def keep(self, unit: Any) -> None:
        """Store the file's problems (only its own, only when each can be stored)."""
        from kwartaal.files.body_checks import CROSS

        if not self.enabled or unit.digest is None:
            return
        try:
            phases = tuple((number, _stored(found)) for number, found in unit.phases.items()
                           if found and number not in CROSS)
        except TypeError:
            return
        if any(p.path != unit.path for found in unit.phases.values() for p in found):
            return
        old = self.used.get(unit.path.name)
        scan = old[SCAN_KEY:] if old is not None and old[DIGEST] == unit.digest else (
            None, (), ())
        self.used[unit.path.name] = (unit.stat, unit.digest, self.context,
                                     unit.facts, phases, tuple(unit.asked), unit.unreadable,
                                     *scan)
        self.changed = True

    def scan(self, unit: Any, key: str) -> tuple[list[Problem], list[Any]] | None:
        entry = self.used.get(unit.path.name)
        if entry is None or entry[SCAN_KEY] != key or entry[DIGEST] != unit.digest:
            return None
        return _problems(unit.path, entry[SCAN]), list(entry[MARKS])

    def keep_scan(self, unit: Any, key: str, problems: list[Problem], marks: list[Any],
                  ) -> None:
        entry = self.used.get(unit.path.name)
        if entry is None or entry[DIGEST] != unit.digest:
            return
        try:
            stored = _stored(problems)
        except TypeError:
            return
        self.used[unit.path.name] = entry[:SCAN_KEY] + (key, stored, tuple(marks))
        self.changed = True

    def save(self) -> None:
        if not self.enabled or not (self.changed or set(self.used) != set(self.entries)):
            return
        try:
            saved = self.opened_ns
            blob = sealed(marshal.dumps((FORMAT, where(self.root), saved, self.used)))
            path = Path(index_path(self.root))
            path.parent.mkdir(parents=True, exist_ok=True)
            from kwartaal.files.atomic import replace_file

            replace_file(path, blob, durable=False)
        except (OSError, ValueError):
            return  # a cache that cannot be written only makes the next run slower
        from kwartaal.files.body_checks import LOADER
        from kwartaal.files.meetingdates import remember

        # the dates of the meetings built without a problem, for the writes that look
        # meetings up by date (the facts begin with the id and the date)
        remember(self.root, saved, {
            name: (entry[STAT], entry[FACTS][1]) for name, entry in self.used.items()
            if entry[FACTS] is not None and all(number != LOADER for number, _ in entry[PHASES])})
