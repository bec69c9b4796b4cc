"""Writing a file so that a reader, a crash or a kill never sees it half written: a temporary
file beside it, flushed, then renamed over it."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path


@functools.cache
def process_umask() -> int:
    """The process umask, read once: there is no call that only reads it."""
    # /proc reads it without changing it; elsewhere set-and-restore briefly changes it for
    # every thread, so the value set in between is 0o077: a file another thread creates in that
    # instant comes out too private rather than world-writable.
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def replace_file(path: Path, data: bytes | Iterable[bytes], *, durable: bool = True,
                 executable: bool = False, mode: int | None = None, journal: bool = False,
                 journaled: bool = False) -> None:
    """The atomic write itself. The journal's own files are flushed with fdatasync: their
    bytes are what matters, not their times. data: the bytes, or their parts in order (written
    one by one, never joined in memory). journaled: a write the journal named first, whose
    folder the recovery before it has cleared of stray temporary files already (vcs.recovery;
    listing a folder of 4,000 meetings again on every write is what made writes grow)."""
    mode = _mode_for(path, executable) if mode is None else mode
    if not journaled:
        clear_stale_temporaries([path])
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                    dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                for part in data:
                    handle.write(part)
            handle.flush()
            if journal and hasattr(os, "fdatasync"):
                os.fdatasync(handle.fileno())
            elif durable:
                os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _mode_for(path: Path, executable: bool) -> int:
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        # mkstemp makes the temporary file 0600; a new file gets what open() would give it,
        # else a site is unreadable to the web server and a shared folder to the group.
        mode = 0o666 & ~process_umask()
    if executable:
        mode |= 0o111 & ~process_umask()
    return mode


def clear_stale_temporaries(paths: Iterable[Path]) -> None:
    """Remove the temporary files of earlier writes to these paths whose process is gone
    (killed in the middle of a write), or that are older than STALE_AFTER. Each folder is
    listed once, however many of its files are written next (a site of a thousand pages)."""
    folders: dict[Path, set[str]] = {}
    for path in paths:
        folders.setdefault(path.parent, set()).add(path.name)
    for folder, names in folders.items():
        try:  # one listing with a plain test per entry: glob's matching costs per entry
            with os.scandir(folder) as entries:
                strays = [e.name for e in entries
                          if e.name.startswith(".") and e.name.endswith(".tmp")]
        except OSError:
            continue
        for stray in strays:
            written = written_by(stray)
            if written is not None and written[0] in names and (
                    not _alive(written[1]) or _older_than(folder / stray, STALE_AFTER)):
                with suppress(OSError):
                    (folder / stray).unlink()


# Seconds after which a temporary file is stray even while a process of its writer's id runs:
# no write takes an hour, and a process id is used again (pid 1 always runs).
STALE_AFTER = 3600


def _older_than(path: Path, seconds: float) -> bool:
    import time

    try:
        return time.time() - path.lstat().st_mtime > seconds
    except OSError:
        return False


def written_by(name: str) -> tuple[str, int] | None:
    """(the file written, the writer's process id) of a temporary file's name, as
    replace_file names them: .NAME.PID.RANDOM.tmp (mkstemp's random part holds no dot)."""
    if not (name.startswith(".") and name.endswith(".tmp")):
        return None
    written, _, random = name[1:-len(".tmp")].rpartition(".")
    written, _, pid = written.rpartition(".")
    if not (written and random and pid.isdigit()):
        return None
    return written, int(pid)


def _alive(pid: int) -> bool:
    from kwartaal.files.lock import pid_alive

    return pid_alive(pid)
