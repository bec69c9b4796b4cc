"""A cold read of a large body on more than one processor.

When the parse index (parsed.py) holds nothing for many of a body's meeting files — the first
run, or the first after kwartaal was upgraded — parsing them and storing their records is
most of the run. That work is the same for each file and needs nothing of the others, so it
is shared out: forked workers each take a share of the files and write the stored records of
each into a temporary file of their own; this process does its share meanwhile. What every
worker made is then taken into the index as entries made ahead of reading (ParseIndex.take),
and the loader reads the body through the index as usual.

Nothing a worker made is trusted more than a guess. The loader takes an entry only when the
bytes of the file on disk hash to the digest of the bytes that were parsed (never by the stat
record); a file a worker could not store whole (a problem, a table off the quick path) is
left out and read by the loader itself, which reports what it reports without workers. A
worker that fails, is killed or writes what cannot be read adds nothing: those files are read
the usual way. Workers never write into the body, the index or anywhere but their own
unlinked temporary file, and the command's output is the same with or without them
(tests/test_prefill.py).

Only where processes can be forked (not on Windows or macOS, where forking a process that
may hold system threads is unsafe), with at least two processors for this process, and with
at least MIN_FILES files to read. KWARTAAL_WORKERS sets the number of processes (1: none
forked).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kwartaal.files.blobs import Held
from kwartaal.files.cache import cache_folder
from kwartaal.files.pacing import paced

if TYPE_CHECKING:
    from kwartaal.files.parsed import ParseIndex

MIN_FILES = 200  # fewer files, read in a fraction of a second, are not worth a process
MAX_PROCESSES = 4  # what one command may take of a machine shared with others
WORKERS_VARIABLE = "KWARTAAL_WORKERS"
_TRAILER = 8  # the length of a worker's list of entries, after the list, at its file's end

Made = Callable[[Path], "tuple[str, Any, str, bytes] | None"]


def processes(wanted: int) -> int:
    """How many processes share wanted files (1: this one alone)."""
    if sys.platform != "linux" or not hasattr(os, "fork") or wanted < MIN_FILES:
        return 1
    setting = os.environ.get(WORKERS_VARIABLE, "").strip()
    if setting:
        return max(1, min(int(setting), MAX_PROCESSES)) if setting.isdigit() else 1
    return max(1, min(len(os.sched_getaffinity(0)), MAX_PROCESSES))


def prefill(index: ParseIndex, paths: list[Path], language: str, made: Made) -> None:
    """Store ahead in index the records of the files it lacks (ParseIndex.lacking), shared
    between processes: made(path) -> (name, stat record, digest, stored records) or None
    (ParseIndex.formed). Does nothing when one process is to read them all."""
    wanted = index.lacking(paths, language)
    count = processes(len(wanted))
    if count < 2 or not index.enabled:
        return
    workers: list[tuple[int, Any]] = []
    try:
        for share in range(1, count):
            worker = _start(wanted[share::count], made)
            if worker is None:  # the shares of workers that did not start: the loader's
                break
            workers.append(worker)
        for path in paced(wanted[0::count] if workers else ()):
            found = made(path)
            if found is not None:
                name, stat, key, blob = found
                stored = index.keep(blob)
                if not index.enabled:  # nowhere to keep it: nothing is saved either
                    return
                index.take(name, language, stat, key, stored)
        while workers:
            pid, handle = workers.pop(0)
            for name, stat, key, place in _collected(pid, handle):
                index.take(name, language, stat, key, place)
    finally:  # left early (an interrupt, a full disk): the others' work is not wanted
        for pid, handle in workers:
            _stop(pid)
            handle.close()


def _start(share: list[Path], made: Made) -> tuple[int, Any] | None:
    """A forked worker storing the records of share in an unlinked temporary file, which it
    ends with the list of what it stored and that list's length; None when none can start."""
    try:
        handle = tempfile.TemporaryFile(dir=_folder())  # noqa: SIM115 - the worker's output
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        handle.close()
        return None
    if pid:
        return pid, handle
    code = 1
    try:  # the worker: an interrupt or a stop ends it at once, as it would any program
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        fd, at, listed = handle.fileno(), 0, []
        for path in paced(share):
            found = made(path)
            if found is None:
                continue
            name, stat, key, blob = found
            _write_all(fd, blob)
            listed.append((name, stat, key, at, len(blob)))
            at += len(blob)
        trailer = marshal.dumps(listed)
        _write_all(fd, trailer + len(trailer).to_bytes(_TRAILER, "big"))
        code = 0
    finally:  # never back into the caller's code: no cleanup of the parent's is run twice
        os._exit(code)


def _folder() -> str:
    folder = cache_folder()
    os.makedirs(folder, exist_ok=True)
    return folder


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _collected(pid: int, handle: Any) -> list[tuple[str, Any, str, Any]]:
    """What a worker stored: (name, stat record, digest, the place of its records in the
    worker's file); nothing when it did not end well or its file cannot be read whole."""
    if not _ended_well(pid):
        handle.close()
        return []
    held = Held(handle)  # closed when the last record read from it goes
    try:
        end = os.fstat(handle.fileno()).st_size
        length = int.from_bytes(held.read(end - _TRAILER, _TRAILER), "big")
        listed = marshal.loads(held.read(end - _TRAILER - length, length))
        return [(name, tuple(stat), key, (at, size, held))
                for name, stat, key, at, size in listed
                if type(name) is str and type(key) is str and len(stat) == 4
                and at >= 0 and size >= 0 and at + size <= end - _TRAILER - length]
    except Exception:  # noqa: BLE001 - cut short or corrupt: the loader reads those files
        return []


def _ended_well(pid: int) -> bool:
    """Wait for a worker to end; whether it ended well."""
    try:
        _, status = os.waitpid(pid, 0)
    except OSError:
        return False
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _stop(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    _ended_well(pid)
