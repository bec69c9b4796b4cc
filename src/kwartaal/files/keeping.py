"""Where kwartaal keeps what it keeps between runs (the indexes, compiled templates), whether it
may, and how each kept file proves itself unchanged."""

from __future__ import annotations

import marshal
import os
import zlib
from stat import S_ISDIR
from typing import Any


def cache_folder() -> str:
    explicit = os.environ.get("KWARTAAL_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kwartaal")


def caching() -> bool:
    """Whether kwartaal keeps and uses its indexes now: not turned off (KWARTAAL_NO_CACHE), and
    the cache folder is the user's own and closed to others (made so when new; tightened when
    it is the user's and open). What the indexes hold copies the body's texts, and decides
    what public output shows: a folder others could read would show them, one they could
    write would let them forge it. Otherwise every command reads the files themselves."""
    if os.environ.get("KWARTAAL_NO_CACHE"):
        return False
    folder = cache_folder()
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return False
    if not S_ISDIR(found.st_mode):
        return False
    owner = getattr(os, "getuid", None)  # Windows: a user's cache lies in their own profile
    if owner is None:
        return True
    if found.st_uid != owner():
        return False
    if found.st_mode & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return False
    return True


def sealed(data: bytes) -> bytes:
    """An index's bytes with their CRC-32 in front (see unsealed)."""
    return zlib.crc32(data).to_bytes(4, "big") + data


def unsealed(raw: bytes) -> bytes | None:
    """The bytes sealed() was given, or None when any of them changed since (a disk error, a
    damaged copy): an index is used whole and unchanged, or not at all."""
    if len(raw) < 4 or int.from_bytes(raw[:4], "big") != zlib.crc32(raw[4:]):
        return None
    return raw[4:]


def read_sealed(path: str) -> Any:
    """The plain values a sealed file holds (marshal: loading cannot run code), or None when
    it is missing, unreadable, changed since it was written, or not such a file."""
    try:
        with open(path, "rb") as handle:
            raw = unsealed(handle.read())
        return None if raw is None else marshal.loads(raw)
    except Exception:  # noqa: BLE001 - any of those: there is none
        return None
