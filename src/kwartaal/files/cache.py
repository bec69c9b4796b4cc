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
the index alone when nothing changed, so it imports nothing beyond the standard library.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time

from kwartaal import __version__

# fast.py imports this module before anything else: it keeps typing and pathlib (a fifth of
# that lane's start-up) out, and works with plain path strings.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

FORMAT = 3
RACY_NS = 2_000_000_000  # stat records this close to the index's own time are not trusted


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
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def stat_key(path: str | os.PathLike[str]) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def index_path(root: str | os.PathLike[str]) -> str:
    key = hashlib.blake2b(where(root).encode(), digest_size=12).hexdigest()
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


def trusted(stat: tuple[int, int, int, int] | None, stored: Any, saved_ns: int) -> bool:
    """Whether an unchanged stat record may stand for unchanged content."""
    return (stat is not None and tuple(stored) == stat
            and saved_ns - max(stat[1], stat[2]) > RACY_NS)


class ActionIndex:
    """name -> (stat record, digest + language, meeting row, action rows), plus the stat
    records of kwartaal.toml and people.toml and the people's ids (for fast.py)."""

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
        if entry is not None and trusted(stat, entry[0], self.saved_ns) and entry[1].endswith(
                language):
            self.used[name] = entry
            return entry, None
        data: bytes = read()
        key = digest(data) + language
        if entry is not None and entry[1] == key:
            entry = (stat, *entry[1:])
            self.used[name] = entry
            self.changed = True
            return entry, data
        return None, data

    def put(self, name: str, entry: Any) -> None:
        self.used[name] = entry
        self.changed = True

    def save(self, meta: dict[str, Any]) -> None:
        if not self.enabled:
            return
        self.changed = self.changed or set(self.used) != set(self.entries)
        data = {"files": self.used, "saved": time.time_ns(), **meta}
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
