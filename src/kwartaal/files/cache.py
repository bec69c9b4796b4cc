"""A compact index of actions, so that the commands people run most (`actions`, `overdue`,
`progress`, `remind`) do not parse files that did not change.

- Never stale. A file is taken from the index only when its content is known to be the same:
  either its stat record (size, modification time, inode *change* time, inode) is unchanged
  — any write to a file, and any reset of its modification time (as `git checkout` may do),
  updates the change time, which no ordinary tool can set back — or, when the stat record
  differs or is too recent to trust (written within two seconds of the index: the same
  "racy" rule git uses), its bytes hash (BLAKE2b) to the same digest. A file whose content
  changed is parsed again; files that disappeared drop out; new files are parsed.
- It holds plain values only (strings, numbers, tuples), stored with `marshal`: loading it
  cannot run code, unlike a pickle. It is kept outside the repository all the same, in the
  user's cache folder (KWARTAAL_CACHE_DIR, else $XDG_CACHE_HOME/kwartaal, else
  ~/.cache/kwartaal), one file per body.
- Stamped with kwartaal's version and the body's folder; anything unreadable, corrupt or
  foreign is ignored and rebuilt, never an error. Written atomically.
- KWARTAAL_NO_CACHE=1 turns it off.

This module is also read by fast.py, which answers `actions --json` and `overdue --json` from
the index alone when nothing changed, so it imports nothing beyond the standard library at its
top. The index's layout is declared here once, by name (ENTRY_FIELDS, MEETING_FIELDS,
ACTION_FIELDS), and only this module writes entries and reads them back.
"""

from __future__ import annotations

import marshal
import os
import time

try:  # BLAKE2 itself, without hashlib, which loads OpenSSL: 2 ms of the fast lane's start
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b

from kwartaal import __version__

# fast.py imports this module before anything else: it keeps typing and pathlib (a fifth of
# that lane's start-up) out, and works with plain path strings.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from kwartaal.core import model as m

FORMAT = 4
RACY_NS = 2_000_000_000  # stat records this close to the index's own time are not trusted


# The layout of the index, by name. Stored as tuples (compact, and marshal keeps them), so each
# name's position is what reads it. Changing a layout means changing FORMAT.
ENTRY_FIELDS = ("stat", "key", "meeting", "actions")  # one per meeting file; key: digest+language
MEETING_FIELDS = ("id", "date", "time", "length", "status")  # date as a day ordinal
ACTION_FIELDS = ("local_id", "title", "owner", "co_owners", "due", "theme", "status", "closed",
                 "item", "section")  # due as a day ordinal, 0 for none; section: its table index
# What the index holds besides the files, for fast.py to answer on its own.
META_FIELDS = ("config", "people_file", "people", "themes", "language")

STAT, KEY, MEETING, ACTIONS = (ENTRY_FIELDS.index(name) for name in (
    "stat", "key", "meeting", "actions"))
MEETING_ID = MEETING_FIELDS.index("id")
ACTION_AT = {name: position for position, name in enumerate(ACTION_FIELDS)}


def cache_dir() -> Path:
    from pathlib import Path

    return Path(cache_folder())


def cache_folder() -> str:
    explicit = os.environ.get("KWARTAAL_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kwartaal")


def where(root: str | os.PathLike[str]) -> str:
    """The body's folder as the key of its cache files."""
    return os.path.realpath(os.fspath(root))


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=20).hexdigest()


def stat_key(path: str | os.PathLike[str]) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def index_path(root: str | os.PathLike[str]) -> str:
    key = blake2b(where(root).encode(), digest_size=12).hexdigest()
    return os.path.join(cache_folder(), f"{key}.actions")


def read_index(root: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The stored index of a body, or None when there is none that fits."""
    if os.environ.get("KWARTAAL_NO_CACHE"):
        return None
    try:
        with open(index_path(root), "rb") as handle:
            stored = marshal.loads(handle.read())
    except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: there is none
        return None
    if (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == FORMAT
            and stored[1] == __version__ and stored[2] == where(root)
            and isinstance(stored[3], dict)):
        return stored[3]
    return None


def fresh_index(root: str) -> dict[str, Any] | None:
    """The stored index of a body when every file it stands for is provably unchanged and no
    meeting file came or went; else None. What fast.py answers from."""
    from kwartaal.files.paths import CONFIG_FILE, MEETINGS_DIR, PEOPLE_FILE

    index = read_index(root)
    if index is None:
        return None
    saved = index.get("saved", 0)
    if not trusted(stat_key(os.path.join(root, CONFIG_FILE)), index.get("config") or (), saved):
        return None
    people_stat = stat_key(os.path.join(root, PEOPLE_FILE))
    if people_stat is None:
        if index.get("people_file") is not None:
            return None
    elif not trusted(people_stat, index.get("people_file") or (), saved):
        return None
    folder = os.path.join(root, MEETINGS_DIR)
    files: dict[str, Any] = index.get("files", {})
    try:
        found = list(os.scandir(folder))
    except OSError:
        return None
    names = [entry.name for entry in found
             if entry.name.endswith(".toml") and entry.is_file(follow_symlinks=False)]
    if any(entry.is_symlink() for entry in found) or sorted(names) != sorted(files):
        return None
    for name in names:
        if not trusted(stat_key(os.path.join(folder, name)), files[name][STAT], saved):
            return None
    return index


def trusted(stat: tuple[int, int, int, int] | None, stored: Any, saved_ns: int) -> bool:
    """Whether an unchanged stat record may stand for unchanged content."""
    return (stat is not None and tuple(stored) == stat
            and saved_ns - max(stat[1], stat[2]) > RACY_NS)


def new_entry(stat: tuple[int, int, int, int] | None, key: str, meeting: m.Meeting) -> tuple[
        Any, ...]:
    """A meeting file's entry, laid out as ENTRY_FIELDS says."""
    values = {"stat": stat, "key": key, "meeting": _meeting_row(meeting),
              "actions": tuple(_action_row(action) for action in meeting.actions)}
    return tuple(values[name] for name in ENTRY_FIELDS)


def _meeting_row(meeting: m.Meeting) -> tuple[Any, ...]:
    values = {"id": meeting.id, "date": meeting.date.toordinal(), "time": meeting.time,
              "length": meeting.length, "status": meeting.status}
    return tuple(values[name] for name in MEETING_FIELDS)


def _action_row(action: m.Action) -> tuple[Any, ...]:
    converted = {"co_owners": tuple(action.co_owners),
                 "due": action.due.toordinal() if action.due else 0,
                 "section": action.src.section[1]}
    return tuple(converted[name] if name in converted else getattr(action, name)
                 for name in ACTION_FIELDS)


def light_meeting(path: Path, entry: tuple[Any, ...], *, with_actions: bool = True,
                  ) -> m.Meeting:
    """The meeting of an entry, with its actions (unless with_actions is False) and without
    the rest (items, notes, decisions, compensation, action histories)."""
    import datetime as dt

    from kwartaal.core import model as m

    meeting = dict(zip(MEETING_FIELDS, entry[MEETING], strict=True))
    mid = meeting["id"]
    built = _actions(path, mid, entry[ACTIONS]) if with_actions else []
    return m.Meeting(mid, dt.date.fromordinal(meeting["date"]), meeting["time"],
                     meeting["length"], "", "", "", meeting["status"], "", "", [], [], [], [], [],
                     None, None, None, [], [], [], built, [], m.Source(path))


def light_action(path: Path, entry: tuple[Any, ...], index: int) -> m.Action:
    """One action of an entry, as light_meeting builds it."""
    return _actions(path, entry[MEETING][MEETING_ID], entry[ACTIONS][index:index + 1])[0]


def _actions(path: Path, mid: str, rows: Any) -> list[m.Action]:
    import datetime as dt

    from kwartaal.core import model as m

    local, title, owner, co_owners, due, theme, status, closed, item, section = (
        ACTION_AT[name] for name in ("local_id", "title", "owner", "co_owners", "due", "theme",
                                     "status", "closed", "item", "section"))
    # In the order of m.Action's fields: a call by keyword would double the time of a load.
    return [m.Action(f"{mid}/{row[local]}", row[local], mid, row[title], row[owner],
                     list(row[co_owners]), dt.date.fromordinal(row[due]) if row[due] else None,
                     row[theme], row[status], row[closed], row[item], [],
                     m.Source(path, ("action", row[section])))
            for row in rows]


def plain_actions(entry: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The actions of an entry as the shared query sees them (core/query.py), without the
    record classes: (id, title, owners, due, status, theme, meeting)."""
    mid = entry[MEETING][MEETING_ID]
    local, title, owner, co_owners, due, theme, status = (ACTION_AT[name] for name in (
        "local_id", "title", "owner", "co_owners", "due", "theme", "status"))
    return [(f"{mid}/{row[local]}", row[title], (row[owner], *row[co_owners]), row[due],
             row[status], row[theme], mid) for row in entry[ACTIONS]]


class ActionIndex:
    """file name -> entry (ENTRY_FIELDS), plus what META_FIELDS names: the stat records of
    kwartaal.toml and people.toml, the people's ids and the themes (for fast.py)."""

    def __init__(self, root: Path, stored: dict[str, Any] | None) -> None:
        self.root = root
        self.enabled = not os.environ.get("KWARTAAL_NO_CACHE")
        stored = stored or {}
        self.entries: dict[str, Any] = stored.get("files", {})
        self.saved_ns: int = stored.get("saved", 0)
        self.used: dict[str, Any] = {}
        self.meta: dict[str, Any] = {}
        self.changed = False

    @classmethod
    def open(cls, root: Path) -> ActionIndex:
        return cls(root, read_index(root))

    def lookup(self, name: str, stat: tuple[int, int, int, int] | None,
               read: Any, language: str) -> tuple[Any, bytes | None]:
        """The entry for a file if its content is unchanged; else (None, its bytes)."""
        entry = self.entries.get(name)
        if entry is not None and trusted(stat, entry[STAT], self.saved_ns) and entry[
                KEY].endswith(language):
            self.used[name] = entry
            return entry, None
        data: bytes = read()
        key = digest(data) + language
        if entry is not None and entry[KEY] == key:
            entry = tuple(stat if position == STAT else value
                          for position, value in enumerate(entry))
            self.used[name] = entry
            self.changed = True
            return entry, data
        return None, data

    def put(self, name: str, entry: Any) -> None:
        self.used[name] = entry
        self.changed = True

    def save(self, meta: dict[str, Any]) -> None:
        """Write the index, with what META_FIELDS names taken from meta."""
        if not self.enabled:
            return
        self.changed = self.changed or set(self.used) != set(self.entries)
        data = {"files": self.used, "saved": time.time_ns(),
                **{name: meta[name] for name in META_FIELDS}}
        try:
            blob = marshal.dumps((FORMAT, __version__, where(self.root), data))
        except ValueError:
            return
        try:
            from pathlib import Path

            path = Path(index_path(self.root))
            path.parent.mkdir(parents=True, exist_ok=True)
            from kwartaal.files.atomic import replace_file

            replace_file(path, blob, durable=False)
        except OSError:
            pass  # a cache that cannot be written only makes the next run slower
