"""Kept answers: the printed output of a read command (`agenda`, `minutes`, `report`,
`progress`, `remind`, `calendar`), kept with everything it was made from, and printed again
when the same question is asked of the same files.

- What an answer depends on is recorded while it is made, not declared: an audit hook
  (sys.addaudithook) sees every file the command opens (in the body or anywhere else, such as
  the time zone's data) and every folder of the body it lists. To those come the files the
  indexes trust by their stat records without opening them (the settings, the people, every
  meeting file), the body's folder listings, and where a killed change would leave its
  journal. An answer whose run wrote anything outside the cache folder, read from /proc,
  /dev or /sys, started a process, opened a connection or wrote to standard error is not
  kept.
- The question is the whole command line after the program's name, the working folder, the
  real date, the environment variables that can change an answer (KWARTAAL_*, the locale,
  the time zone, colour and terminal settings), whether output goes to a terminal and its
  size, the Python that runs, the installed libraries, and every file of kwartaal's own code
  and templates by its stat record.
- Never stale, by the rule of the other indexes (files/cache.py) made stricter: an answer is
  kept only when none of its inputs was written within two seconds before the command began
  (no write can then hide inside a timestamp's resolution), and printed again only when every
  input's stat record (size, modification time, inode change time, inode) and every listing is
  exactly as it was. Any write to a file sets its change time to the time of that write,
  which no ordinary tool can set back.
- Plain values (marshal), sealed, in the user's own cache folder (files/keeping.py); at
  most KEPT_MAX answers, the oldest go first. KWARTAAL_NO_CACHE=1 turns it off. Only the
  standard library is imported at the top: cli/fast.py prints answers before click loads.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
from contextlib import suppress

try:  # BLAKE2 without hashlib, which loads OpenSSL (see files/cache.py)
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b

from kwartaal import __version__
from kwartaal.files.keeping import STAT_EVENT, cache_folder, caching, seal, unsealed

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMAT = 2
SUFFIX = ".answer"
KEPT_MAX = 200
LARGEST = 16 * 1024 * 1024  # characters; a larger answer is made again each time
RACY_NS = 2_000_000_000
KEPT_COMMANDS = ("agenda", "minutes", "report", "progress", "remind", "calendar", "check")
# `check` exits 1 when it finds errors: an answer, not a failure. With --staged, --new or
# --all-bodies it reads more than the body's files (git's index, the last commit, other
# bodies): not kept. It asks git (files/gitlisting.py): git's environment is in the question.
ANSWER_CODES, NOT_KEPT_OPTIONS = {"check": (0, 1)}, {"check": ("--staged", "--new", "--all-bodies")}
ASK_GIT, GIT_ENVIRONMENT = ("check",), ("HOME", "XDG_CONFIG_HOME", "PATH")
# Options that send output somewhere other than standard output: such runs are not kept. Nor
# are documents in formats that carry a time of making (Word, PDF, spreadsheets).
ELSEWHERE = ("--output", "-o")
MADE_AT = ("docx", "pdf", "xlsx")
ENVIRONMENT = ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_TIME", "LC_NUMERIC", "TZ",
               "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES",
               "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")
NOT_PART_OF_THE_QUESTION = ("KWARTAAL_CACHE_DIR", "KWARTAAL_NO_FAST")
# The files kwartaal reads by name from a body's folder (files/paths.py says the same).
BODY_FILES = ("kwartaal.toml", "people.toml")
MEETINGS = "meetings"
TEMPLATES = "templates"
# Changes to files, allowed in the cache folder only; and anything that reaches past the files.
FILE_EVENTS = frozenset(("os.mkdir", "os.chmod", "os.chown", "os.utime", "os.remove", "os.rename",
                         "os.replace", "os.unlink", "os.rmdir", "os.truncate", "os.link",
                         "os.symlink"))
ELSEWHERE_EVENTS = ("subprocess.", "os.exec", "os.posix_spawn", "os.spawn", "os.system",
                    "os.fork", "os.kill", "socket.", "shutil.", "webbrowser.", "urllib.")
VOLATILE = ("/proc/", "/dev/", "/sys/")  # what their files hold is not told by a stat record
# ... except this one: read for the process's umask (files/atomic.py), which shapes no answer
HARMLESS = frozenset(("/proc/self/status",))


def eligible(command: str, rest: list[str]) -> bool:
    """Whether this command line is one whose answer may be kept."""
    if command not in KEPT_COMMANDS or not caching():
        return False
    refused = NOT_KEPT_OPTIONS.get(command, ())
    return not any(arg in ELSEWHERE or arg.partition("=")[0] in (*ELSEWHERE, *refused)
                   or (arg.startswith("-o") and not arg.startswith("--"))
                   or arg.rpartition("=")[2] in MADE_AT for arg in rest)


def question(argv: list[str], root: str, out: Any, command: str = "") -> bytes:
    """Everything besides the files that can change the answer to this command line, as
    bytes that are equal whenever the values are (repr of plain values, unlike marshal,
    does not depend on how a process happened to store them)."""
    git = command in ASK_GIT
    environment = sorted((name, value) for name, value in os.environ.items()
                         if (name.startswith("KWARTAAL_") and name not in NOT_PART_OF_THE_QUESTION)
                         or name in ENVIRONMENT
                         or (git and (name.startswith("GIT_") or name in GIT_ENVIRONMENT)))
    terminal = False
    size: tuple[int, int] | None = None
    try:
        terminal = out.isatty()
        if terminal:
            size = tuple(os.get_terminal_size(out.fileno()))  # type: ignore[assignment]
    except (AttributeError, OSError, ValueError):
        pass
    return repr((
        FORMAT, __version__, sys.version, sys.executable, tuple(argv), os.getcwd(), root,
        getattr(out, "encoding", None), getattr(out, "errors", None),
        time.strftime("%Y-%m-%d"), tuple(environment), terminal, size, _installed(),
    )).encode("utf-8", "surrogateescape")


def _installed() -> tuple[Any, ...]:
    """kwartaal's own files by stat record, and the libraries installed where Python looks
    for them, by name (a .dist-info folder names its version)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    own: list[Any] = []
    for folder, folders, files in os.walk(package):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        own.extend((os.path.join(folder, name), _stat(os.path.join(folder, name)))
                   for name in sorted(files) if not name.endswith(".pyc"))
    libraries: list[str] = []
    for place in sys.path:
        if place.endswith(("site-packages", "dist-packages")):
            libraries.extend(name for name in _listing(place) or ()
                             if name.endswith((".dist-info", ".egg-info", ".pth")))
    return tuple(own), tuple(libraries)


Stat = tuple[int, int, int, int]


def _stat(path: str, *, follow: bool = True) -> Stat | None:
    try:
        found = os.stat(path, follow_symlinks=follow)
    except (OSError, ValueError):
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)


def _file(path: str) -> tuple[Stat | None, Stat | None]:
    """A file as seen now: what its name leads to (links followed) and the name itself (a
    link switched to another target changes this one)."""
    return _stat(path), _stat(path, follow=False)


def _listing(folder: str) -> tuple[str, ...] | None:
    try:
        return tuple(sorted(os.listdir(folder)))
    except (OSError, ValueError):
        return None


def _folder(folder: str) -> tuple[tuple[str, ...] | None, Stat | None]:
    return _listing(folder), _stat(folder, follow=False)


def _place(root: str, asked: bytes) -> str:
    name = blake2b(os.fsencode(root) + b"\0" + asked, digest_size=16).hexdigest()
    return os.path.join(cache_folder(), name + SUFFIX)


def _own(handle: Any) -> bool:
    """Whether a kept file is the user's own and only theirs to change: an answer another
    user put in the folder before it was closed is no answer."""
    owner = getattr(os, "getuid", None)
    found = os.fstat(handle.fileno())
    return owner is None or (found.st_uid == owner() and not found.st_mode & 0o022)


def kept_answer(argv: list[str], root: str, out: Any,
                command: str = "") -> tuple[int, list[str | bytes]] | None:
    """The exit code and the output kept for this very question about these very files (text
    and bytes, as they were written), or None."""
    asked = question(argv, root, out, command)
    try:
        with open(_place(root, asked), "rb") as handle:
            if not _own(handle):
                return None
            raw = unsealed(handle.read())
        if raw is None:
            return None
        form, stored_question, files, folders, code, parts = marshal.loads(raw)
        settings = os.path.join(root, BODY_FILES[0])
        if (form != FORMAT or stored_question != asked
                or not any(path == settings and seen[0] is not None for path, seen in files)):
            return None  # every answer was made from the body's settings file
        if any(_file(path) != tuple(seen) for path, seen in files):
            return None
        if any(_folder(folder) != tuple(seen) for folder, seen in folders):
            return None
    except Exception:  # noqa: BLE001 - missing, unreadable, damaged or of another shape
        return None
    return code, parts


class Recorder:
    """What a command run reads, lists and writes, seen through an audit hook, and what it
    prints; keeps the answer when it may. Each input is recorded as it was when first seen
    (before the command read it) and must be the same when the command ends. One per
    process: an audit hook cannot be removed, so it is disarmed once the run has ended."""

    def __init__(self, argv: list[str], root: str, command: str = "") -> None:
        self.argv, self.root, self.command = argv, root, command
        self.codes = ANSWER_CODES.get(command, (0,))
        self.began_ns = time.time_ns()
        self.asked = question(argv, root, sys.stdout, command)
        self.files: dict[str, tuple[Stat | None, Stat | None]] = {}
        self.folders: dict[str, tuple[tuple[str, ...] | None, Stat | None]] = {}
        self.spoiled = False
        self.armed = True
        self.recording = False
        self.cache = os.path.realpath(cache_folder())
        self.outside = tuple(os.path.realpath(folder) + os.sep for folder in {
            sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            os.path.dirname(os.path.dirname(os.path.abspath(__file__)))})
        self._see_the_body()
        self.out = Copying(sys.stdout)
        self.err = Copying(sys.stderr)
        sys.addaudithook(self._seen)
        sys.stdout, sys.stderr = self.out, self.err  # type: ignore[assignment]

    def _see_the_body(self) -> None:
        """What the indexes trust without opening it, and what a command may only ask the
        existence of: the settings, the people, every meeting file, where a killed change
        leaves its journal, and the listings of the body's folder, of each folder in it and
        of every folder of its own templates, seen before the command starts."""
        from pathlib import Path

        from kwartaal.files.lock import JOURNAL, find_place

        root = self.root
        for name in BODY_FILES:
            self._see_file(os.path.join(root, name))
        self._see_file(os.path.join(find_place(Path(root)).state, JOURNAL))
        self._see_folder(root)
        for name in self.folders[root][0] or ():
            if not name.startswith(".") and os.path.isdir(os.path.join(root, name)):
                self._see_folder(os.path.join(root, name))
        for name in self.folders.get(os.path.join(root, MEETINGS), ((), None))[0] or ():
            if name.endswith(".toml"):
                self._see_file(os.path.join(root, MEETINGS, name))
        templates = os.path.join(root, TEMPLATES)
        seen: set[str] = set()
        for folder, _, _ in os.walk(templates, followlinks=True):
            real = os.path.realpath(folder)
            if real in seen or len(seen) > 1000:
                continue
            seen.add(real)
            self._see_folder(folder)

    def _see_file(self, path: str) -> None:
        if path not in self.files:
            self.files[path] = _file(path)

    def _see_folder(self, folder: str) -> None:
        if folder not in self.folders:
            self.folders[folder] = _folder(folder)

    def _seen(self, event: str, args: tuple[Any, ...]) -> None:
        # not while recording: the listing made to record a folder would be seen and recorded
        # again and again (a folder first listed by the command then spoiled every answer)
        if self.armed and not self.recording:
            self.recording = True
            try:
                self._record(event, args)
            except Exception:  # noqa: BLE001 - never fail what is seen; just don't keep it
                self.spoiled = True
            finally:
                self.recording = False

    def _record(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int) or path is None:
                return
            given = os.fsdecode(path)
            if given in HARMLESS:
                return
            if (given.startswith(self.outside) and isinstance(mode, str)
                    and not any(c in mode for c in "wax+")):
                return  # Python's own modules, the quick way
            where = os.path.realpath(given)
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if self._in(where, self.cache):
                return
            if writes or where.startswith(VOLATILE):
                self.spoiled = True
            elif not where.startswith(self.outside):
                self._see_file(os.path.abspath(given))
        elif event in ("os.listdir", "os.scandir"):
            path = args[0] if args else None
            if isinstance(path, (str, bytes)):
                given = os.path.abspath(os.fsdecode(path))
                if self._in(os.path.realpath(given), self.root) or self._in(given, self.root):
                    self._see_folder(given)
        elif event == STAT_EVENT and args and isinstance(args[0], str):  # relied on, unopened
            if not self._in(os.path.realpath(args[0]), self.cache):
                self._see_file(os.path.abspath(args[0]))
        elif event in FILE_EVENTS:
            paths = [os.path.realpath(os.fsdecode(arg)) for arg in args
                     if isinstance(arg, (str, bytes))]
            if not paths or not all(self._in(path, self.cache) for path in paths):
                self.spoiled = True
        elif event.startswith(ELSEWHERE_EVENTS):
            self.spoiled = True

    @staticmethod
    def _in(path: str, folder: str) -> bool:
        return path == folder or path.startswith(folder + os.sep)

    def finish(self, code: int) -> None:
        """Keep the answer when the run may stand for the next one: it succeeded, printed
        nothing to standard error, and every input it saw is still as it was when first seen
        and was last written at least two seconds before the run began."""
        self.armed = False
        sys.stdout, sys.stderr = self.out.target, self.err.target
        if code not in self.codes or self.spoiled or self.err.parts:
            return
        parts = self.out.parts
        if sum(len(part) for part in parts) > LARGEST:
            return
        if question(self.argv, self.root, self.out.target, self.command) != self.asked:
            return  # the day turned, the terminal changed: the run may have seen either
        files = sorted(self.files.items())
        folders = sorted(self.folders.items())
        if any(_file(path) != seen for path, seen in files) or any(
                _folder(folder) != seen for folder, seen in folders):
            return  # changed while the command ran
        times = [time for seen in [*(s for _, pair in files for s in pair),
                                   *(s for _, (_, s) in folders)]
                 if seen is not None for time in seen[1:3]]
        if max(times, default=0) > self.began_ns - RACY_NS:
            return  # written too recently for its stat record to stand for its content
        _keep(_place(self.root, self.asked),
              (FORMAT, self.asked, files, folders, code, parts))


def _keep(path: str, stored: tuple[Any, ...]) -> None:
    folder = os.path.dirname(path)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        data = marshal.dumps(stored)
        with open(temporary, "wb") as handle:
            handle.write(seal(data))  # sealed(data), without a copy of a long answer
            handle.write(data)
        os.replace(temporary, path)
        kept = sorted((entry.stat().st_mtime_ns, entry.path) for entry in os.scandir(folder)
                      if entry.name.endswith(SUFFIX))
        for _, old in kept[:max(0, len(kept) - KEPT_MAX)]:
            os.unlink(old)
    except OSError:
        with suppress(OSError):
            os.unlink(temporary)


class Copying:
    """Standard output or error as the command sees it: what is written passes through to the
    real stream and is copied, text and the bytes written to its buffer alike, in order."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.parts: list[str | bytes] = []
        self.encoding = getattr(target, "encoding", "utf-8")
        self.errors = getattr(target, "errors", "strict")
        self._buffer: CopyingBytes | None = None

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str")
        self.parts.append(text)
        return self.target.write(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    @property
    def buffer(self) -> Any:
        if self._buffer is None:
            self._buffer = CopyingBytes(self)
        return self._buffer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


class CopyingBytes:
    """The buffer under a copied stream: bytes pass through, after the text written before
    them, and are copied."""

    def __init__(self, stream: Copying) -> None:
        self.stream = stream
        self.target = stream.target.buffer

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self.stream.target.flush()
        self.stream.parts.append(data)
        return self.target.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


def print_answer(parts: list[str | bytes], out: Any) -> None:
    """An answer's parts, printed as the command printed them."""
    for part in parts:
        if isinstance(part, bytes):
            out.flush()
            out.buffer.write(part)
            out.buffer.flush()
        else:
            out.write(part)
