"""A compact index of actions, so that the commands people run most (`actions`, `overdue`,
`progress`, `remind`) do not parse files that did not change.

- Keyed by content: every run reads each meeting file and hashes its bytes (BLAKE2b). A file
  whose bytes changed is parsed again, whatever its size or modification time say (a
  `git checkout` can keep both); files that disappeared drop out; new files are parsed.
- It holds plain values only (strings, numbers, tuples), stored with `marshal`: loading it
  cannot run code, unlike a pickle, so a cache file that travelled inside a cloned repository
  could do no harm. It is kept outside the repository all the same, in the user's cache folder
  (KWARTAAL_CACHE_DIR, else $XDG_CACHE_HOME/kwartaal, else ~/.cache/kwartaal), one file per
  body.
- Stamped with kwartaal's version and the body's folder; anything unreadable, corrupt or
  foreign is ignored and rebuilt, never an error. Written atomically.
- KWARTAAL_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from . import __version__

FORMAT = 2


def cache_dir() -> Path:
    explicit = os.environ.get("KWARTAAL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kwartaal"


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class ActionIndex:
    """file name -> (content digest, meeting row, action rows), as plain values."""

    def __init__(self, path: Path | None, entries: dict[str, Any], root: str = "") -> None:
        self.path = path
        self.root = root
        self.entries = entries
        self.used: dict[str, Any] = {}
        self.changed = False

    @classmethod
    def open(cls, root: Path) -> ActionIndex:
        if os.environ.get("KWARTAAL_NO_CACHE"):
            return cls(None, {})
        where = str(root.resolve())
        key = hashlib.blake2b(where.encode(), digest_size=12).hexdigest()
        path = cache_dir() / f"{key}.actions"
        entries: dict[str, Any] = {}
        try:
            stored = marshal.loads(path.read_bytes())
            if (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == FORMAT
                    and stored[1] == __version__ and stored[2] == where
                    and isinstance(stored[3], dict)):
                entries = stored[3]
        except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: start afresh
            entries = {}
        return cls(path, entries, where)

    def get(self, name: str, content_digest: str) -> Any | None:
        entry = self.entries.get(name)
        if entry is not None and entry[0] == content_digest:
            self.used[name] = entry
            return entry
        return None

    def put(self, name: str, entry: Any) -> None:
        self.used[name] = entry
        self.changed = True

    def save(self) -> None:
        if self.path is None:
            return
        if not self.changed and set(self.used) == set(self.entries):
            return
        try:
            data = marshal.dumps((FORMAT, __version__, self.root, self.used))
        except ValueError:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            from .store import atomic_write_bytes

            atomic_write_bytes(self.path, data, durable=False)
        except OSError:
            pass  # a cache that cannot be written only makes the next run slower
