"""The action index: the commands people run most (`actions`, `overdue`, `progress`,
`remind`) parse no file that did not change, nor read actions they do not show.

- Never stale. A file is taken from the index only when its content is known to be the same:
  either its stat record (size, modification time, inode *change* time, inode) is unchanged
  — any write to a file, and any reset of its modification time (as `git checkout` may do),
  updates the change time, which no ordinary tool can set back — or, when the stat record
  differs or is too recent to trust (written within two seconds of the index: the same
  "racy" rule git uses), its bytes hash (BLAKE2b) to the same digest. A file whose content
  changed is parsed again; files that disappeared drop out; new files are parsed.
- Plain values only (`marshal`: loading cannot run code), in the user's cache folder
  (files/keeping.py), one file per body: every file's entry with its open actions, then
  the blobs of done and dropped actions, read on demand.
- Stamped with kwartaal's version and the body's folder; anything unreadable or foreign is
  rebuilt, never an error. KWARTAAL_NO_CACHE=1 turns it off. fast.py reads it too.
"""

from __future__ import annotations

import marshal
import os
import time

from kwartaal import __version__
from kwartaal.files.keeping import (  # noqa: F401 - digest and hasher: every index's digest
    cache_folder,
    caching,
    digest,
    hasher,
    index_file,
    sealed,
    unsealed,
)

# fast.py imports this module first: no typing or pathlib (a fifth of that lane's start-up).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from kwartaal.core import model as m

FORMAT = 6
RACY_NS = 2_000_000_000  # stat records this close to the index's own time are not trusted
MAGIC = b"KWAI"  # then the header's length (8 bytes, little-endian), the header, the blobs;
# the header and each blob sealed (their CRC-32 in front)


# The layout, by name, stored as tuples (changing it means changing FORMAT). An entry per
# meeting file: key is digest+language; open, the rows of its open and in-progress actions;
# themes, (theme, done, dropped) counts in the order its actions first name each theme;
# closed, where the blob of its done and dropped rows lies ((offset, length) after the
# header, or ()); asked, the days feedback was given on items that asked for input.
ENTRY_FIELDS = ("stat", "key", "meeting", "open", "themes", "closed", "asked")
MEETING_FIELDS = ("id", "date", "time", "length", "status")  # date as a day ordinal
ACTION_FIELDS = ("local_id", "title", "owner", "co_owners", "due", "theme", "status", "closed",
                 "item", "section")  # due as a day ordinal, 0 for none; section: its table index
# What the index holds besides the files, for fast.py to answer on its own.
META_FIELDS = ("config", "people_file", "people", "themes", "language")

STAT, KEY, MEETING, OPEN, THEMES, CLOSED, ASKED = (ENTRY_FIELDS.index(name) for name in (
    "stat", "key", "meeting", "open", "themes", "closed", "asked"))
MEETING_ID = MEETING_FIELDS.index("id")
MEETING_DATE = MEETING_FIELDS.index("date")
ACTION_AT = {name: position for position, name in enumerate(ACTION_FIELDS)}
STATUS_AT = ACTION_AT["status"]
SECTION_AT = ACTION_AT["section"]
OPEN_STATUSES = ("open", "in-progress")  # core/model.py's (a test holds them equal)


def cache_dir() -> Path:
    from pathlib import Path
    return Path(cache_folder())


def where(root: str | os.PathLike[str]) -> str:
    """The body's folder as the key of its cache files."""
    return os.path.realpath(os.fspath(root))


def stat_key(path: str | os.PathLike[str]) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def index_path(root: str | os.PathLike[str]) -> str:
    return index_file(root, ".actions")


class Stored:
    """A stored index: the data of its header, and the open file its blobs lie in (kept open,
    so that the blobs read are those of this header even when another run replaces the
    file meanwhile)."""

    __slots__ = ("data", "handle", "base")

    def __init__(self, data: dict[str, Any], handle: Any, base: int) -> None:
        self.data, self.handle, self.base = data, handle, base

    def raw(self, at: Any) -> bytes:
        """The bytes of the blob at (offset, length); ValueError when it cannot be read whole."""
        if not at:
            return b""
        data = os.pread(self.handle.fileno(), at[1], self.base + at[0])
        if len(data) != at[1]:
            raise ValueError("a blob cut short")
        return data

    def rows(self, at: Any) -> tuple[Any, ...]:
        """The action rows of a blob; ValueError (or EOFError, TypeError) when corrupt."""
        if not at:
            return ()
        raw = unsealed(self.raw(at))
        if raw is None:
            raise ValueError("a blob changed since it was written")
        rows = marshal.loads(raw)
        if not isinstance(rows, tuple) or not all(
                isinstance(row, tuple) and len(row) == len(ACTION_FIELDS) for row in rows):
            raise ValueError("not action rows")
        return rows

    def close(self) -> None:
        self.handle.close()


def read_index(root: str | os.PathLike[str]) -> Stored | None:
    """The stored index of a body, or None when there is none that fits. Only its header is
    read; the blobs are read when asked for (Stored.rows)."""
    if not caching():
        return None
    try:
        handle = open(index_path(root), "rb")  # noqa: SIM115 - kept open for the blobs
    except OSError:
        return None
    try:
        head = handle.read(len(MAGIC) + 8)
        size = int.from_bytes(head[len(MAGIC):], "little")
        if head[:len(MAGIC)] != MAGIC or size > os.fstat(handle.fileno()).st_size:
            raise ValueError("not an action index")
        raw = unsealed(handle.read(size))
        if raw is None:
            raise ValueError("cut short or changed")
        stored = marshal.loads(raw)
    except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: there is none
        handle.close()
        return None
    if (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == FORMAT
            and stored[1] == __version__ and stored[2] == where(root)
            and isinstance(stored[3], dict) and isinstance(stored[3].get("files"), dict)
            and _blobs_whole(stored[3]["files"], os.fstat(handle.fileno()).st_size
                             - len(head) - size)):
        return Stored(stored[3], handle, len(head) + size)
    handle.close()
    return None


def _blobs_whole(files: dict[str, Any], size: int) -> bool:
    """Whether every blob the header places lies within the size of the file after it: an
    index cut short is none (an entry whose closed rows are gone would otherwise be taken
    for a file without them, or left out of the index saved next)."""
    try:
        return all(not entry[CLOSED] or entry[CLOSED][0] + entry[CLOSED][1] <= size
                   for entry in files.values())
    except (TypeError, IndexError):
        return False


def fresh_index(root: str) -> Stored | None:
    """The stored index of a body when every file it stands for is provably unchanged and no
    meeting file came or went; else None. What fast.py answers from."""
    stored = read_index(root)
    if stored is not None and not _all_trusted(root, stored.data):
        stored.close()
        return None
    return stored


def _all_trusted(root: str, index: dict[str, Any]) -> bool:
    from kwartaal.files.paths import CONFIG_FILE, MEETINGS_DIR, PEOPLE_FILE

    saved = index.get("saved", 0)
    if not trusted(stat_key(os.path.join(root, CONFIG_FILE)), index.get("config") or (), saved):
        return False
    people_stat = stat_key(os.path.join(root, PEOPLE_FILE))
    if people_stat is None:
        if index.get("people_file") is not None:
            return False
    elif not trusted(people_stat, index.get("people_file") or (), saved):
        return False
    folder = os.path.join(root, MEETINGS_DIR)
    files: dict[str, Any] = index.get("files", {})
    try:
        found = list(os.scandir(folder))
    except OSError:
        return False
    names = [entry.name for entry in found
             if entry.name.endswith(".toml") and entry.is_file(follow_symlinks=False)]
    if any(entry.is_symlink() for entry in found) or sorted(names) != sorted(files):
        return False
    return all(trusted(stat_key(os.path.join(folder, name)), files[name][STAT], saved)
               for name in names)


def trusted(stat: tuple[int, int, int, int] | None, stored: Any, saved_ns: int) -> bool:
    """Whether an unchanged stat record may stand for unchanged content."""
    return (stat is not None and tuple(stored) == stat
            and saved_ns - max(stat[1], stat[2]) > RACY_NS)


# -- entries ------------------------------------------------------------------------------------

def new_entry(stat: tuple[int, int, int, int] | None, key: str, meeting: m.Meeting) -> tuple[
        Any, ...]:
    """A meeting file's entry, laid out as ENTRY_FIELDS says, whole: its closed field holds
    the rows themselves (ActionIndex.put stores them as a blob)."""
    row = {"id": meeting.id, "date": meeting.date.toordinal(), "time": meeting.time,
           "length": meeting.length, "status": meeting.status}
    return entry_of(stat, key, tuple(row[name] for name in MEETING_FIELDS),
                    [_action_row(a) for a in meeting.actions],
                    tuple(sorted({item.feedback_date.toordinal() for item in meeting.items
                                  if item.asks_input and item.feedback_date is not None})))


def entry_of(stat: tuple[int, int, int, int] | None, key: str, meeting: tuple[Any, ...],
             rows: list[tuple[Any, ...]], asked: tuple[int, ...]) -> tuple[Any, ...]:
    """An entry from its meeting row, action rows (the file's order) and feedback days."""
    counts: dict[str, list[int]] = {}
    for row in rows:
        count = counts.setdefault(row[ACTION_AT["theme"]], [0, 0])
        if row[STATUS_AT] in ("done", "dropped"):
            count[row[STATUS_AT] == "dropped"] += 1
    values = {"stat": stat, "key": key, "meeting": meeting,
              "open": tuple(row for row in rows if row[STATUS_AT] in OPEN_STATUSES),
              "themes": tuple((theme, done, dropped) for theme, (done, dropped) in counts.items()),
              "closed": tuple(row for row in rows if row[STATUS_AT] not in OPEN_STATUSES),
              "asked": asked}
    return tuple(values[name] for name in ENTRY_FIELDS)


def _action_row(action: m.Action) -> tuple[Any, ...]:
    converted = {"co_owners": tuple(action.co_owners),
                 "due": action.due.toordinal() if action.due else 0,
                 "section": action.src.section[1]}
    return tuple(converted[name] if name in converted else getattr(action, name)
                 for name in ACTION_FIELDS)


def all_rows(entry: tuple[Any, ...], closed: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Every action row of an entry, open and closed, in the file's order."""
    return sorted((*entry[OPEN], *closed), key=lambda row: row[SECTION_AT])


def whole(entry: tuple[Any, ...], closed: tuple[Any, ...]) -> tuple[Any, ...]:
    """An entry with its closed rows in place of where they lie (what light_meeting takes)."""
    return (*entry[:CLOSED], closed, *entry[CLOSED + 1:])


def plain_rows(entry: tuple[Any, ...], rows: Any) -> list[tuple[Any, ...]]:
    """Action rows of an entry as the shared query sees them (core/query.py), without the
    record classes: (id, title, owners, due, status, theme, meeting)."""
    mid = entry[MEETING][MEETING_ID]
    local, title, owner, co_owners, due, theme, status = (ACTION_AT[name] for name in (
        "local_id", "title", "owner", "co_owners", "due", "theme", "status"))
    return [(f"{mid}/{row[local]}", row[title], (row[owner], *row[co_owners]), row[due],
             row[status], row[theme], mid) for row in rows]


def plain_actions(entry: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Every action of a whole entry (see whole) as plain rows, in the file's order."""
    return plain_rows(entry, all_rows(entry, entry[CLOSED]))


# -- the index of one run -----------------------------------------------------------------------

class ActionIndex:
    """file name -> entry (ENTRY_FIELDS), plus what META_FIELDS names: the stat records of
    kwartaal.toml and people.toml, the people's ids and the themes (for fast.py).

    Entries as stored hold where their closed rows lie; `rows` reads them. Entries made this
    run keep their closed rows in memory until `save` writes them as blobs."""

    def __init__(self, root: Path, stored: Stored | None) -> None:
        self.root = root
        self.enabled = caching()
        self.stored = stored
        data = stored.data if stored is not None else {}
        self.entries: dict[str, Any] = data.get("files", {})
        self.saved_ns: int = data.get("saved", 0)
        self.opened_ns = time.time_ns()  # what its stat records are trusted by (parsed.py)
        self.meta_before = {name: data.get(name) for name in META_FIELDS}
        self.used: dict[str, Any] = {}
        self.dates: tuple[int, dict[str, Any]] | None = None  # set when saved
        self.pending: dict[str, tuple[Any, ...]] = {}  # closed rows of entries made this run
        self.changed = False
        self.fresh: set[str] = set()  # entries made ahead (take): never trusted by stat

    @classmethod
    def open(cls, root: Path) -> ActionIndex:
        return cls(root, read_index(root))

    def lacking(self, paths: list[Path]) -> list[Path]:
        """The files with no entry at all (files/prefill.py makes theirs ahead)."""
        return [path for path in paths if path.name not in self.entries]

    def take(self, name: str, entry: Any) -> None:
        """A whole entry made this run ahead of find (files/prefill.py): taken once the
        file's bytes hash to its key, never by its stat record."""
        if (isinstance(entry, tuple) and len(entry) == len(ENTRY_FIELDS)
                and type(entry[KEY]) is str and name not in self.entries):
            self.pending[name] = entry[CLOSED]
            self.entries[name] = whole(entry, ())
            self.fresh.add(name)

    def find(self, name: str, stat: tuple[int, int, int, int] | None,
             read: Any, language: str) -> tuple[Any, bytes | None]:
        """The stored entry for a file if its content is unchanged; else (None, its bytes)."""
        entry = self.entries.get(name)
        if entry is not None and name not in self.fresh and trusted(
                stat, entry[STAT], self.saved_ns) and entry[KEY].endswith(language):
            self.used[name] = entry
            return entry, None
        data: bytes = read()
        key = digest(data) + language
        if entry is not None and entry[KEY] == key:
            entry = (stat, *entry[1:])
            self.used[name] = entry
            self.changed = True
            return entry, data
        return None, data

    def rows(self, name: str, entry: tuple[Any, ...]) -> tuple[Any, ...]:
        """The closed rows of an entry; ValueError (EOFError, TypeError) for a bad blob."""
        if name in self.pending:
            return self.pending[name]
        if not entry[CLOSED]:
            return ()
        if self.stored is None:
            raise ValueError("no index file")
        return self.stored.rows(entry[CLOSED])

    def lookup(self, name: str, stat: tuple[int, int, int, int] | None,
               read: Any, language: str) -> tuple[Any, bytes | None]:
        """As find, but the entry whole (see whole); a file whose blob cannot be read is
        taken as changed."""
        entry, data = self.find(name, stat, read, language)
        if entry is None:
            return None, data
        try:
            return whole(entry, self.rows(name, entry)), data
        except (ValueError, EOFError, TypeError):
            del self.used[name]
            return None, data if data is not None else read()

    def put(self, name: str, entry: Any) -> None:
        """A whole entry made this run (new_entry)."""
        self.pending[name] = entry[CLOSED]
        self.used[name] = whole(entry, ())
        self.changed = True

    def save(self, meta: dict[str, Any]) -> None:
        """Write the index, with what META_FIELDS names taken from meta, when anything in it
        changed (or a stat record it holds is too recent to be trusted yet)."""
        if not self.enabled:
            return
        now = {name: meta[name] for name in META_FIELDS}
        if not (self.changed or set(self.used) != set(self.entries) or now != self.meta_before
                or not all(trusted(now[name], now[name], self.saved_ns)
                           for name in ("config", "people_file") if now[name] is not None)):
            return
        files, parts, offset = {}, [], 0
        size_left = (os.fstat(self.stored.handle.fileno()).st_size - self.stored.base
                     if self.stored is not None else 0)
        for name, entry in self.used.items():
            if name not in self.pending and entry[CLOSED] and sum(entry[CLOSED]) > size_left:
                continue  # its blob was cut short: left out, so that the file is read again
            if name in self.pending:
                rows = self.pending[name]
                blob: Any = sealed(marshal.dumps(rows)) if rows else b""
                size = len(blob)
            else:  # where it lies in the stored file
                blob, size = entry[CLOSED] or b"", entry[CLOSED][1] if entry[CLOSED] else 0
            files[name] = whole(entry, (offset, size) if size else ())
            parts.append(blob)
            offset += size
        stored = self.stored

        def chunks() -> Any:  # stored blobs are copied from the old file as they are written
            yield MAGIC + len(header).to_bytes(8, "little")
            yield header  # sealed below
            for part in parts:
                yield part if isinstance(part, bytes) else stored.raw(part)  # type: ignore[union-attr]

        try:
            saved = self.opened_ns
            header = sealed(marshal.dumps((FORMAT, __version__, where(self.root),
                                           {"files": files, "saved": saved, **now})))
            from pathlib import Path

            from kwartaal.files.atomic import replace_file

            os.makedirs(cache_folder(), exist_ok=True)
            replace_file(Path(index_path(self.root)), chunks(), durable=False)
        except (OSError, ValueError, AttributeError):
            return  # a cache that cannot be written only makes the next run slower
        # every meeting file's stat record and date (meetingdates.remember, by the lane)
        self.dates = (saved, {name: (entry[STAT], entry[MEETING][MEETING_DATE])
                              for name, entry in files.items()})
