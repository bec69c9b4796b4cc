"""One writer at a time per repository, and git's own locks left by a process that was killed.

Every command that changes files holds one lock per working copy from reading to committing.
It lives with the repository, in its git folder (`.git/kwartaal.lock`), so that everyone who
works in this working copy — several people, a cron job — meets the same lock whatever their
cache folder, and it covers every body in the repository and git's index, which they share. A
body outside git keeps it in `.kwartaal/` in its folder, which ignores itself for git.

On POSIX the lock is an advisory `flock`: the kernel releases it when the holder exits or is
killed, so a lock left by a killed process can never block anyone. Where `flock` does not
exist (Windows), the lock file is created exclusively and holds the owner's process id; a lock
whose owner is no longer running is stale and is cleared.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from kwartaal.core.problems import KwartaalError, Msg, msg

WAIT_SECONDS = 60.0  # a cron job would rather wait than fail; a person sees "waiting" and ^C
SAY_WAITING_AFTER = 1.0
# A git lock file this young may belong to a git process that is just starting; older, with no
# git process working in the repository, it was left by one that was killed.
GIT_LOCK_STALE_AFTER = 2.0
GIT_WAIT_SECONDS = 5.0

Say = Callable[[Msg], None]
# The folder in a Place's state folder where a change keeps what it is changing (files/store.py
# Journal) until it is committed; one left behind means a change was killed.
JOURNAL = "kwartaal-journal"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a body's repository keeps things: its working tree, its git folders (None outside
    git) and the folder for kwartaal's own lock and journal."""

    top: Path
    git_dir: Path | None
    common_dir: Path | None
    state: Path

    @property
    def lock(self) -> Path:
        return self.state / "kwartaal.lock"


def find_place(root: Path) -> Place:
    """The repository holding root, found as git finds it (a `.git` folder, or a `.git` file
    naming the folder, as in a worktree), without starting git."""
    root = root.resolve()
    for folder in (root, *root.parents):
        dotgit = folder / ".git"
        git_dir: Path | None = None
        if dotgit.is_dir():
            git_dir = dotgit
        elif dotgit.is_file():
            try:
                text = dotgit.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                continue
            if text.startswith("gitdir:"):
                git_dir = (folder / text[len("gitdir:"):].strip()).resolve()
        if git_dir is not None and git_dir.is_dir():
            common = git_dir
            with suppress(OSError, UnicodeDecodeError):  # a worktree names the shared folder
                common = (git_dir / (git_dir / "commondir").read_text(
                    encoding="utf-8").strip()).resolve()
            return Place(folder, git_dir, common, git_dir)
    return Place(root, None, None, root / ".kwartaal")


def journal_left(root: Path) -> bool:
    """Whether a change to the body at root was killed before it finished and left its
    journal: cheap enough for every command that reads to ask first."""
    return (find_place(root).state / JOURNAL).exists()


def _state_folder(place: Place) -> None:
    if place.git_dir is None and not place.state.is_dir():
        place.state.mkdir(exist_ok=True)
        # A folder whose .gitignore says "*" ignores itself: should the body be put in git
        # later, the lock and journal never show up as changes.
        (place.state / ".gitignore").write_text("*\n", encoding="utf-8")


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
    try:  # a zombie is dead, though nobody has collected it yet
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(") ")[2][:1] not in ("Z", "X")
    except OSError:
        return True


@contextmanager
def body_lock(root: Path, wait: float = WAIT_SECONDS, use_flock: bool | None = None,
              say: Say | None = None) -> Iterator[Place]:
    """Hold the lock of the repository holding root; yields where that repository is."""
    place = find_place(root)
    _state_folder(place)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        fcntl = None  # type: ignore[assignment]
    if use_flock is None:
        use_flock = fcntl is not None and not os.environ.get("KWARTAAL_LOCK_FILE_ONLY")
    waiting = _Waiting(say)
    if use_flock:
        with _flock(place.lock, wait, waiting):
            yield place
    else:
        with _pid_file(place.lock, wait, waiting):
            yield place


class _Waiting:
    """Says once, after a second, that the command is waiting, and for whom."""

    def __init__(self, say: Say | None) -> None:
        self.say = say
        self.start = time.monotonic()
        self.told = False

    def tick(self, owner: str) -> None:
        if self.say and not self.told and time.monotonic() - self.start >= SAY_WAITING_AFTER:
            self.told = True
            self.say(msg("waiting for another kwartaal command (process {pid}) to finish its "
                         "change to this repository…",
                         pid=owner or "?"))


def _busy(pid: str, wait: float) -> KwartaalError:
    return KwartaalError(msg(
        "another kwartaal command (process {pid}) has been changing this repository for "
        "{s:.0f} seconds; nothing was changed. Try again when it is done",
        pid=pid or "?", s=wait))


@contextmanager
def _flock(path: Path, wait: float, waiting: _Waiting) -> Iterator[None]:
    import fcntl

    try:
        # Readable and writable by everyone the umask allows: another user of this working
        # copy must be able to take the same lock.
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        writable = True
    except PermissionError:
        fd = os.open(path, os.O_RDONLY)  # flock needs no write access
        writable = False
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                owner = os.pread(fd, 32, 0).decode(errors="replace").strip()
                if time.monotonic() > deadline:
                    raise _busy(owner, wait) from None
                waiting.tick(owner)
                time.sleep(0.02)
        if writable:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            if writable:
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _pid_file(path: Path, wait: float, waiting: _Waiting) -> Iterator[None]:
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
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
                raise _busy(owner, wait) from None
            waiting.tick(owner)
            time.sleep(0.02)
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        path.unlink(missing_ok=True)


# -- git's own locks ----------------------------------------------------------------------------

def git_lock_files(place: Place) -> list[Path]:
    """The lock files git leaves when it is killed in the middle of a change: the index, HEAD,
    the refs, the packed refs and the configuration."""
    if place.git_dir is None or place.common_dir is None:
        return []
    found = [place.git_dir / name for name in ("index.lock", "HEAD.lock", "ORIG_HEAD.lock")]
    found += [place.common_dir / name for name in ("packed-refs.lock", "config.lock")]
    for folder, _, files in os.walk(place.common_dir / "refs"):
        found += [Path(folder, name) for name in files if name.endswith(".lock")]
    return [path for path in dict.fromkeys(found) if path.exists()]


def git_processes(place: Place) -> tuple[list[int], list[int]] | None:
    """Running git processes that work in this repository, and those of other users that may
    (their folder cannot be read); None where the system cannot tell (no /proc). Our own
    children are not counted: they are ours to wait for."""
    if place.git_dir is None or not os.path.isdir("/proc/self"):
        return None
    me = os.getpid()
    places = [str(p) for p in (place.top, place.git_dir, place.common_dir) if p is not None]
    mine: list[int] = []
    unknown: list[int] = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                name, _, rest = stat.read().rpartition(") ")
        except OSError:
            continue  # gone in the meantime
        comm = name.partition("(")[2]
        fields = rest.split()
        if not (comm == "git" or comm.startswith("git-")) or len(fields) < 2:
            continue
        if fields[0] == "Z" or fields[1] == str(me):
            continue  # a zombie holds nothing; our own child is ours to wait for
        try:
            cwd = os.readlink(f"/proc/{entry.name}/cwd")
        except PermissionError:
            unknown.append(int(entry.name))
            continue
        except OSError:
            continue
        if any(cwd == p or cwd.startswith(p + os.sep) for p in places):
            mine.append(int(entry.name))
    return mine, unknown


def _shown(path: Path) -> str:
    from kwartaal.files.paths import shown_path

    return shown_path(path)


def clear_stale_git_locks(place: Place, say: Say | None = None,
                          wait: float = GIT_WAIT_SECONDS) -> list[Msg]:
    """Remove git's lock files left by a git process that was killed, naming each; wait a
    little for a git process that is still working; refuse, naming the file, when it cannot
    be told whether the lock is still in use. Called with kwartaal's own lock held, so no
    kwartaal command is using git here."""
    notes: list[Msg] = []
    _clear_partial_indexes(place)
    deadline = time.monotonic() + wait
    told = False
    while True:
        locks = git_lock_files(place)
        if not locks:
            return notes
        processes = git_processes(place)
        now = time.time()
        for lock in locks:
            try:
                age = now - lock.stat().st_mtime
            except FileNotFoundError:
                continue
            if processes is not None and processes == ([], []) and age >= GIT_LOCK_STALE_AFTER:
                try:
                    lock.unlink()
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    raise _cannot_clear(lock, exc) from exc
                notes.append(msg(
                    "removed {file}, a lock left by a git command that was stopped (no git "
                    "process is working in this repository)", file=_shown(lock)))
        if time.monotonic() > deadline:
            remaining = git_lock_files(place)
            if remaining:
                raise _in_use(remaining[0], processes)
            return notes
        if say is not None and not told and processes and processes[0]:
            told = True
            say(msg("waiting for git (process {pid}) to finish in this repository…",
                    pid=processes[0][0]))
        time.sleep(0.1)


def clear_own_git_locks(place: Place) -> list[Msg]:
    """After an interrupt that reached this command's own git children too (a ^C goes to the
    whole process group): git can die holding its lock, so remove the locks at once when no
    git process works in the repository. Never waits and never refuses: the next command
    deals with anything left."""
    locks = git_lock_files(place)
    if not locks or git_processes(place) != ([], []):
        return []
    notes = []
    for lock in locks:
        with suppress(OSError):
            lock.unlink()
            notes.append(msg("removed {file}, left by a git command the interrupt stopped",
                             file=_shown(lock)))
    return notes


def _clear_partial_indexes(place: Place) -> None:
    """`git commit --only` builds the commit in .git/next-index-PID.lock; a git killed then
    leaves it. It blocks nothing, but it is debris, and its name says whose it was."""
    if place.git_dir is None:
        return
    for stray in place.git_dir.glob("next-index-*.lock"):
        pid = stray.name[len("next-index-"):-len(".lock")]
        if pid.isdigit() and not pid_alive(int(pid)):
            with suppress(OSError):
                stray.unlink()


def _in_use(lock: Path, processes: tuple[list[int], list[int]] | None) -> KwartaalError:
    file = _shown(lock)
    if processes and processes[0]:
        return KwartaalError(msg(
            "git (process {pid}) is working in this repository and holds {file}; nothing was "
            "changed. Let it finish (an editor opened by 'git commit' may still be open) and "
            "try again", pid=processes[0][0], file=file))
    why = msg("a git process of another user is running (process {pid}), which may be using it",
              pid=processes[1][0]) if processes else msg(
        "this system cannot tell whether a git process is using it")
    return KwartaalError(msg(
        "git's lock file {file} exists and {why}; nothing was changed. If no git command is "
        "working in this repository, remove it (rm {file}) and try again",
        file=file, why=why))


def _cannot_clear(lock: Path, exc: OSError) -> KwartaalError:
    return KwartaalError(msg(
        "{file} is a lock left by a git command that was stopped, but it cannot be removed "
        "({err}); nothing was changed. Remove it (rm {file}) and try again",
        file=_shown(lock), err=exc.strerror or exc))


def wait_for_git(place: Place, wait: float = GIT_WAIT_SECONDS) -> None:
    """Wait (a little) until no git process works in this repository: a killed kwartaal
    command's git child may still be finishing the commit it started."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        processes = git_processes(place)
        if not processes or not processes[0]:
            return
        time.sleep(0.05)
