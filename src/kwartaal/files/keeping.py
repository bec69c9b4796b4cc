"""Where kwartaal keeps what it keeps between runs (the indexes, compiled templates), whether it
may, and how each kept file proves itself unchanged."""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from stat import S_ISDIR, S_ISLNK

TYPE_CHECKING = False  # typing (and re, which it imports) would cost every kept answer
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

try:  # BLAKE2 itself, without hashlib, which loads OpenSSL (the fast lane's start-up)
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b


# The audit event by which a command says it relies on a file's stat record (its existence,
# size or kind) without opening it: a kept answer (files/answers.py) sees what is opened and
# listed, and through this event the rest.
STAT_EVENT = "kwartaal.stat"


def relied_on(path: str | os.PathLike[str]) -> None:
    """Say that what the command does depends on this file's stat record (see STAT_EVENT)."""
    sys.audit(STAT_EVENT, os.fspath(path))


def cache_folder() -> str:
    explicit = os.environ.get("KWARTAAL_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kwartaal")


def index_file(root: str | os.PathLike[str], suffix: str) -> str:
    """Where an index of the body at root is kept: one name per body folder (links resolved,
    any bytes a file name may hold) and kind of index."""
    folder = os.fsencode(os.path.realpath(os.fspath(root)))
    return os.path.join(cache_folder(), blake2b(folder, digest_size=12).hexdigest() + suffix)


def caching() -> bool:
    """Whether kwartaal keeps and uses its indexes now: not turned off (KWARTAAL_NO_CACHE), and
    the cache folder is the user's own and closed to others (made so when new; tightened when
    it is the user's and open). What the indexes hold copies the body's texts, and decides
    what public output shows: a folder others could read would show them, one they could
    write would let them forge it. Otherwise every command reads the files themselves.

    A folder given as a symbolic link is used when the link and the folder it points to are
    the user's own and that folder is closed to others (it is never tightened through a link).
    A folder inside a git working tree that git does not ignore is never used: its indexes
    would be one `git add -A` away from a commit (a relative KWARTAAL_CACHE_DIR used from the
    body's folder); why is kept for the command line to say once (take_refusal())."""
    if os.environ.get("KWARTAAL_NO_CACHE"):
        return False
    folder = os.path.abspath(cache_folder())
    if folder not in _DECIDED:
        _DECIDED[folder] = _in_work_tree(folder)
    reason = _DECIDED[folder]
    if reason is not None:
        _REFUSED["reason"] = reason
        return False
    return _own_folder(folder)


_DECIDED: dict[str, Any] = {}  # cache folder -> why it lies in a working tree, or None
_REFUSED: dict[str, Any] = {}


def take_refusal() -> Any:
    """Why indexes were not kept since the last call although caching was asked for (a Msg),
    or None; the command line says it once a run."""
    return _REFUSED.pop("reason", None)


def _own_folder(folder: str) -> bool:
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return False
    owner = getattr(os, "getuid", None)  # Windows: a user's cache lies in their own profile
    if S_ISLNK(found.st_mode):
        if owner is None or found.st_uid != owner():
            return False
        try:
            target = os.stat(folder)
        except OSError:
            return False
        return S_ISDIR(target.st_mode) and target.st_uid == owner() \
            and not target.st_mode & 0o077
    if not S_ISDIR(found.st_mode):
        return False
    if owner is None:
        return True
    if found.st_uid != owner():
        return False
    if found.st_mode & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return False
        _clear(folder)
    return True


def _clear(folder: str) -> None:
    """Empty a cache folder that was open to others until now: anything in it may have been
    put there or replaced by someone else, and only what kwartaal writes from now on can be
    trusted. It is a cache: everything in it is made again when needed."""
    import shutil

    for entry in os.scandir(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass


def _in_work_tree(folder: str) -> Any:
    """Why folder may not hold the indexes (it lies in a git working tree, links followed, and
    git does not ignore it), or None. Looks upward for .git: a few stats, no git process
    unless one is found."""
    real = os.path.realpath(folder)
    top = real
    while not os.path.exists(os.path.join(top, ".git")):
        parent = os.path.dirname(top)
        if parent == top:
            return None
        top = parent
    if real != top and _ignored(top, real):
        return None
    from kwartaal.core.problems import msg

    return msg("the cache folder {folder} lies inside the git working tree {top}, where "
               "'git add' would take its indexes into a commit: kwartaal keeps no indexes "
               "there, so every command reads all files. Set KWARTAAL_CACHE_DIR to a folder "
               "outside it (by default ~/.cache/kwartaal), or have git ignore it",
               folder=folder, top=top)


def _ignored(top: str, path: str) -> bool:
    """Whether git ignores path (a folder, as it will be once made) in the tree at top."""
    import subprocess

    rel = os.path.relpath(path, top).replace(os.sep, "/") + "/"
    try:
        done = subprocess.run(["git", "check-ignore", "-q", "--no-index", "--", rel], cwd=top,
                              capture_output=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def digest(data: bytes) -> str:
    """The digest of bytes that every index and kept answer compares (BLAKE2b, 20 bytes)."""
    return hasher(data).hexdigest()


def hasher(data: bytes = b"") -> Any:
    """digest's hash, to be fed more bytes (update) before its hexdigest(): the digest of
    bytes never held whole."""
    return blake2b(data, digest_size=20)


def sealed(data: bytes) -> bytes:
    """An index's bytes with their CRC-32 in front (see unsealed)."""
    return seal(data) + data


def seal(*parts: bytes | Iterable[bytes]) -> bytes:
    """What sealed puts in front of the bytes of the parts, joined (each bytes, or bytes
    given one at a time): written before them, they are sealed without a copy of them all
    in memory."""
    check = 0
    for part in parts:
        for data in [part] if isinstance(part, bytes) else part:
            check = zlib.crc32(data, check)
    return check.to_bytes(4, "big")


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
