"""One writer at a time per body: a lock around every command's read-modify-write-commit.

On POSIX the lock is an advisory `flock` on a lock file: the kernel releases it when the holder
exits or is killed, so a lock left by a killed process can never block anyone. Where `flock`
does not exist (Windows), the lock file is created exclusively and holds the owner's process id;
a lock whose owner is no longer running is stale and is cleared.

The lock file lives in the user's cache folder (see cache.py), keyed by the body's folder, so
that it never shows up in the repository.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .problems import KwartaalError, msg

WAIT_SECONDS = 30.0


def lock_path(root: Path) -> Path:
    from .cache import cache_dir

    key = hashlib.blake2b(str(root.resolve()).encode(), digest_size=12).hexdigest()
    return cache_dir() / f"{key}.lock"


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is just not ours
    except OSError:
        return False
    return True


@contextmanager
def body_lock(root: Path, wait: float = WAIT_SECONDS,
              use_flock: bool | None = None) -> Iterator[None]:
    path = lock_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        fcntl = None  # type: ignore[assignment]
    if use_flock is None:
        use_flock = fcntl is not None and not os.environ.get("KWARTAAL_LOCK_FILE_ONLY")
    if use_flock:
        with _flock(path, wait):
            yield
    else:
        with _pid_file(path, wait):
            yield


def _busy(pid: str) -> KwartaalError:
    return KwartaalError(msg(
        "another kwartaal command (process {pid}) is changing this body; try again when it "
        "is done", "een ander kwartaal-commando (proces {pid}) wijzigt dit overleg; probeer "
        "het opnieuw als dat klaar is", pid=pid or "?"))


@contextmanager
def _flock(path: Path, wait: float) -> Iterator[None]:
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise _busy(os.pread(fd, 32, 0).decode(errors="replace").strip()) from None
                time.sleep(0.02)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _pid_file(path: Path, wait: float) -> Iterator[None]:
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            try:
                owner = path.read_text(encoding="ascii").strip()
            except (OSError, UnicodeDecodeError):
                owner = ""
            if owner.isdigit() and not pid_alive(int(owner)):
                path.unlink(missing_ok=True)  # stale: its owner was killed
                continue
            if not owner:
                # being written this instant, or left empty by a crash: give it a moment
                try:
                    if time.time() - path.stat().st_mtime > 5:
                        path.unlink(missing_ok=True)
                        continue
                except FileNotFoundError:
                    continue
            if time.monotonic() > deadline:
                raise _busy(owner) from None
            time.sleep(0.02)
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        path.unlink(missing_ok=True)
