"""Work on many files shared between forked processes, for a cold read of a large body.

share_out deals the files out: forked workers each take every n-th file and write what they
make of their share — a small plain value (marshal) and a blob for each file — into an
unlinked temporary file of their own in the cache folder, ending with the list of what they
made; this process does its own share meanwhile. The caller then takes each result, its own
as bytes and each worker's as a place in that worker's file (read when needed).

Whatever a worker makes is a guess the caller checks before use (files/prefill.py: a file's
bytes must hash to what was parsed). A worker that exits with another code, is killed, raises
or leaves its file cut short or corrupt adds nothing; its files are the caller's to read as
without workers. An interrupt reaches every process (workers take the default action), and a
caller left early kills and waits for its workers. Workers write nowhere but their own file.

Only where processes can be forked (not on Windows or macOS, where forking a process that may
hold system threads is unsafe), with at least two processors for this process, and with at
least MIN_FILES files. KWARTAAL_WORKERS sets the number of processes (1: none forked).

Dealt every n-th, each process's share is fixed before any starts: right for shares that cost
the same and start together. Met in the middle (two processes), this one takes items from the
first on and the worker from the last back, each claiming an item in a page of memory both
share before working on it, until each reaches one the other claimed: neither waits for the
other when this one has other work to do first or some items cost more. A claim is one byte
written without a lock, so at the meeting point both may take the same item; an item is
never left unclaimed.
"""

from __future__ import annotations

import contextlib
import marshal
import mmap
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from kwartaal.files.blobs import Held
from kwartaal.files.cache import cache_folder

MIN_FILES = 200  # fewer files, read in a fraction of a second, are not worth a process
MAX_PROCESSES = 4  # what one command may take of a machine shared with others
WORKERS_VARIABLE = "KWARTAAL_WORKERS"
_TRAILER = 8  # the length of a worker's list of results, after the list, at its file's end

T = TypeVar("T")
# work(share) -> each result made of it: (a plain value, a blob), drawing the share's items
# one at a time; take(value, the blob as bytes or as (offset, length, Held) in a worker's
# file) -> False to stop taking
Work = Callable[[Iterable[T]], Iterable[tuple[Any, bytes]]]
Take = Callable[[Any, "bytes | tuple[int, int, Held]"], bool]


def processes(wanted: int, least: int = MIN_FILES) -> int:
    """How many processes share wanted files, or other items of which it takes at least
    least to be worth a process (1: this one alone)."""
    if sys.platform != "linux" or not hasattr(os, "fork") or wanted < least:
        return 1
    setting = os.environ.get(WORKERS_VARIABLE, "").strip()
    if setting:
        plain = setting.isascii() and setting.isdigit()  # not '²' or '٣', which isdigit takes
        return max(1, min(int(setting), MAX_PROCESSES)) if plain else 1
    return max(1, min(len(os.sched_getaffinity(0)), MAX_PROCESSES))


def shared(items: list[T], work: Work[T], take: Take, *, least: int = MIN_FILES,
           at_most: int = MAX_PROCESSES, first: Callable[[], None] | None = None,
           meet: bool = False) -> bool:
    """share_out over as many processes as items are worth (processes), at most at_most
    (two when meet); False, and nothing done (first not run either), when one process is to
    do them all."""
    count = min(processes(len(items), least), 2 if meet else at_most)
    if count < 2:
        return False
    share_out(items, count, work, take, first, meet=meet)
    return True


def share_out(items: list[T], count: int, work: Work[T], take: Take,
              first: Callable[[], None] | None = None, *, meet: bool = False) -> None:
    """Run work on count shares of items (every count-th item from 0, 1, ...; meet: two
    shares met in the middle, see above), the first in this process, the others in forked
    workers, and take every result; first: run in this process once the workers started,
    before its share. When no worker starts, no share is worked on at all: the items are the
    caller's to read as usual. An item may be taken twice (meet), or not at all when a worker
    fails: the caller makes what it lacks."""
    if meet:
        count = 2
        claims = mmap.mmap(-1, max(1, len(items)))  # shared with the forked worker
        shares: list[Iterable[T]] = [_claimed(items, claims, _OURS),
                                     _claimed(items, claims, _THEIRS)]
    else:
        shares = [items[share::count] for share in range(count)]
    workers: list[tuple[int, Any]] = []
    try:
        for share in shares[1:]:
            worker = _start(share, work)
            if worker is None:  # the shares of workers that did not start: the caller's
                break
            workers.append(worker)
        if first is not None:
            first()
        for value, blob in work(shares[0]) if workers else ():
            if not take(value, blob):
                return
        while workers:
            pid, handle = workers[0]
            made = _collected(pid, handle)  # (still stopped by finally while waited for)
            workers.pop(0)
            for value, place in made:
                if not take(value, place):
                    return
    finally:  # left early (an interrupt, a full disk): the others' work is not wanted
        for pid, handle in workers:
            _stop(pid)
            handle.close()


_OURS, _THEIRS = 1, 2  # who claimed an item (0: no one yet)


def _claimed(items: Sequence[T], claims: mmap.mmap, who: int) -> Iterator[T]:
    """The items of one side met in the middle, each claimed as it is drawn: this process's
    from the first on, the worker's from the last back, up to the first the other claimed
    (the other's claims run on from there to its own end)."""
    order = range(len(items)) if who == _OURS else range(len(items) - 1, -1, -1)
    for at in order:
        if claims[at]:
            return
        claims[at] = who
        yield items[at]


def _start(share: Iterable[T], work: Work[T]) -> tuple[int, Any] | None:
    """A forked worker writing the results of work on share into an unlinked temporary file,
    which it ends with the list of them and that list's length; None when none can start."""
    import tempfile  # (imports shutil: only a run that forks pays for it)

    try:
        handle = tempfile.TemporaryFile(dir=_folder())  # noqa: SIM115 - the worker's output
    except OSError:
        return None
    parent = os.getpid()
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
        _detach(parent)
        fd, at, listed = handle.fileno(), 0, []
        for value, blob in work(share):
            _write_all(fd, blob)
            listed.append((value, at, len(blob)))
            at += len(blob)
        trailer = marshal.dumps(listed)
        _write_all(fd, trailer + len(trailer).to_bytes(_TRAILER, "big"))
        code = 0
    finally:  # never back into the caller's code: no cleanup of the parent's is run twice
        os._exit(code)


def _detach(parent: int) -> None:
    """In a worker: let go of the command's standard streams, so that whoever reads them
    sees their end when the command ends, and end when the command does, even killed."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    with contextlib.suppress(Exception):  # imported here: only a worker pays for it
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the command ended before that was set
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _folder() -> str:
    folder = cache_folder()
    os.makedirs(folder, exist_ok=True)
    return folder


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _collected(pid: int, handle: Any) -> list[tuple[Any, tuple[int, int, Held]]]:
    """What a worker made: each value, and the place of its blob in the worker's file;
    nothing when it did not end well or its file cannot be read whole."""
    if not _ended_well(pid):
        handle.close()
        return []
    held = Held(handle)  # closed when the last record read from it goes
    try:
        end = os.fstat(handle.fileno()).st_size
        length = int.from_bytes(held.read(end - _TRAILER, _TRAILER), "big")
        listed = marshal.loads(held.read(end - _TRAILER - length, length))
        return [(value, (at, size, held)) for value, at, size in listed
                if type(at) is int and type(size) is int and at >= 0 and size >= 0
                and at + size <= end - _TRAILER - length]
    except Exception:  # noqa: BLE001 - cut short or corrupt: the caller reads those files
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
