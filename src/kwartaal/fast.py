"""The command's entry point, with a fast lane for the two questions asked most often, by
people and by cron jobs: `actions ... --json` and `overdue ... --json`.

When every file of the body is provably unchanged since the action index was written (see
cache.py), those are answered from the index alone, before click or any of kwartaal's own
modules are imported: a Python process cannot start faster. Anything else — another
command, an option the lane does not know, a changed or new file, an unknown person, a
missing index — goes to the full command line, which answers the same question the long way
and refreshes the index. The two must agree to the byte; tests/test_fast.py holds them to it.

Being the entry point, it also decides what an interrupt and a closed pipe do, from the first
moment: SIGINT and SIGTERM raise Interrupted — an exit with 128 + the signal's number, never a
traceback, and not KeyboardInterrupt, which click turns into "Aborted!" — or, while a command
writes, wait for a safe point (see held_signals); a closed stdout (`kwartaal log | head -1`)
ends the command quietly.
"""

from __future__ import annotations

import os
import sys

try:
    import _signal as _sig  # the C module: `signal` imports enum, which takes longer than
except ImportError:  # pragma: no cover - the moments a ^C should be caught in
    import signal as _sig  # type: ignore[no-redef]

TYPE_CHECKING = False  # importing typing would cost this lane a tenth of its time
if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable
    from typing import Any, NoReturn, TextIO

SIGNALS = (_sig.SIGINT, _sig.SIGTERM)


class Interrupted(SystemExit):
    """SIGINT or SIGTERM. A SystemExit with code 128 + the signal's number: no `except
    Exception` swallows it, and wherever it escapes to, Python exits quietly with that code."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


# While a command writes, signals are noted here instead of raised, and acted on at the points
# where stopping leaves nothing half done (raise_if_signalled): before each file is written and
# before the commit. None: raise at once.
_held: list[int] | None = None


def _on_signal(signum: int, frame: object) -> None:
    if _held is not None:
        _held.append(signum)
        return
    raise Interrupted(signum)


def _set_handlers(handler: Any) -> dict[int, Any]:
    previous = {}
    for signum in SIGNALS:
        try:
            previous[signum] = _sig.signal(signum, handler)
        except (ValueError, OSError):  # not the main thread, or no such signal here
            continue
    return previous


def catch_signals() -> None:
    _set_handlers(_on_signal)
    if sys.unraisablehook is not _unraisable:
        global _unraisable_before
        _unraisable_before = sys.unraisablehook
        sys.unraisablehook = _unraisable


_unraisable_before = sys.unraisablehook


def _unraisable(unraisable: Any) -> None:
    """An interrupt that came while Python ran a callback it cannot raise from (a module lock
    being cleaned up, a __del__) would be printed with a traceback and then lost: deliver it
    again, to be raised where it can be."""
    if isinstance(unraisable.exc_value, Interrupted):
        os.kill(os.getpid(), unraisable.exc_value.signum)
        return
    _unraisable_before(unraisable)


# Run as the kwartaal command (the script or `python -m kwartaal`): catch interrupts from this
# line on, before anything else is imported. Imported by anything else (a test runner), leave
# that program's handlers alone; main() installs them.
if os.path.basename(sys.argv[0] if sys.argv else "") in ("kwartaal", "__main__.py",
                                                          "kwartaal.exe"):
    catch_signals()


def ignore_signals() -> None:
    """The command is over: an interrupt now must not raise inside Python's own clean-up."""
    _set_handlers(_sig.SIG_IGN)


class held_signals:  # noqa: N801 - used as a context manager, like contextlib's
    """Hold SIGINT and SIGTERM back for the length of a write; `.signum` says which came."""

    def __enter__(self) -> held_signals:
        global _held
        self.outer = _held
        _held = [] if self.outer is None else self.outer
        self.noted = _held
        self.previous = _set_handlers(_on_signal)
        return self

    @property
    def signum(self) -> int | None:
        return self.noted[0] if self.noted else None

    def __exit__(self, *exc: object) -> None:
        global _held
        _held = self.outer
        for signum, handler in self.previous.items():
            _sig.signal(signum, handler)


def interrupt_in(exc: BaseException) -> Interrupted | None:
    """The Interrupted that exc is, or was raised from: Python wraps an exception raised while
    it creates a class (a signal can arrive in the middle of an import) in a RuntimeError."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 20:
        if isinstance(current, Interrupted):
            return current
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def raise_if_signalled() -> None:
    """At a safe point of a write: stop now if an interrupt came."""
    if _held:
        raise Interrupted(_held[0])


def closed_pipe_exit() -> NoReturn:
    """The reader of stdout went away (`| head -1`): nobody is left to tell anything, so end
    quietly, as a program killed by SIGPIPE would (exit 141). Python's own flush of stdout at
    exit would complain, so stdout now points at the null device."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's runner): nothing will be flushed to a closed pipe
    sys.exit(141)


def flush_output() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        closed_pipe_exit()

GLOBAL = {"--repo": "repo", "--today": "today", "--lang": "lang"}


def _options(args: list[str], known: dict[str, str | None]) -> dict[str, Any] | None:
    """Parse `--name value`, `--name=value` and flags; None for anything unknown."""
    found: dict[str, Any] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        name, eq, value = arg.partition("=")
        if name not in known:
            return None
        key = known[name]
        if key is None:  # a flag
            if eq:
                return None
            found[name] = True
        elif eq:
            found[key] = value
        else:
            index += 1
            if index >= len(args):
                return None
            found[key] = args[index]
        index += 1
    return found


def _split(argv: list[str]) -> tuple[dict[str, Any], str, list[str]] | None:
    """Global options, the command, and what follows it."""
    position = 0
    while position < len(argv):
        arg = argv[position]
        if arg in GLOBAL:
            position += 2
        elif arg.partition("=")[0] in GLOBAL:
            position += 1
        elif arg.startswith("-"):
            return None  # --help, --version, or something the lane does not know
        else:
            before = _options(argv[:position], dict(GLOBAL))
            return None if before is None else (before, arg, argv[position + 1:])
    return None


def _root(given: str | None) -> str | None:
    value = given or os.environ.get("KWARTAAL_REPO")
    if value:
        return os.path.realpath(value) if os.path.isfile(
            os.path.join(value, "kwartaal.toml")) else None
    folder = os.path.realpath(os.getcwd())
    while True:
        if os.path.isfile(os.path.join(folder, "kwartaal.toml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def try_fast(argv: list[str], out: TextIO) -> int | None:
    """Answer from the index and return the exit code, or None to take the full way."""
    import datetime as dt

    split = _split(argv)
    if split is None:
        return None
    glob, command, rest = split
    known: dict[str, str | None] = {"--json": None, "--owner": "owner", **GLOBAL}
    if command == "actions":
        known.update({"--overdue": None, "--everyone": None})
    elif command != "overdue":
        return None
    options = _options(rest, known)
    if options is None or not options.get("--json"):
        return None
    settings = {**glob, **{k: v for k, v in options.items() if not k.startswith("--")}}
    root = _root(settings.get("repo"))
    if root is None:
        return None
    try:
        today = dt.date.fromisoformat(settings.get("today") or os.environ.get(
            "KWARTAAL_TODAY") or dt.date.today().isoformat())
    except ValueError:
        return None
    owner = settings.get("owner")
    if command == "actions" and not owner and not options.get("--everyone"):
        owner = os.environ.get("KWARTAAL_ME") or None
    if options.get("--everyone"):
        owner = None
    rows = _rows(root, today, owner, overdue=command == "overdue" or bool(
        options.get("--overdue")))
    if rows is None:
        return None
    import json

    out.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
    return 3 if command == "overdue" and rows else 0


def _rows(root: str, today: dt.date, owner: str | None,
          overdue: bool) -> list[dict[str, Any]] | None:
    import datetime as dt

    from .cache import read_index, stat_key, trusted

    index = read_index(root)
    if index is None:
        return None
    saved = index.get("saved", 0)
    if not (trusted(stat_key(os.path.join(root, "kwartaal.toml")), index.get("config") or (),
                    saved)):
        return None
    people_stat = stat_key(os.path.join(root, "people.toml"))
    if people_stat is None:
        if index.get("people_file") is not None:
            return None
    elif not trusted(people_stat, index.get("people_file") or (), saved):
        return None
    if owner and owner not in index.get("people", ()):
        return None  # the full way says plainly that this person is unknown
    folder = os.path.join(root, "meetings")
    files: dict[str, Any] = index.get("files", {})
    try:
        names = [entry.name for entry in os.scandir(folder)
                 if entry.name.endswith(".toml") and entry.is_file(follow_symlinks=False)]
        links = any(e.is_symlink() for e in os.scandir(folder))
    except OSError:
        return None
    if links or sorted(names) != sorted(files):
        return None
    today_ordinal = today.toordinal()
    found = []
    for name in names:
        entry = files[name]
        if not trusted(stat_key(os.path.join(folder, name)), entry[0], saved):
            return None
        meeting = entry[2][0]
        for (local, title, lead, others, due, theme, status, _closed, _item, _at) in entry[3]:
            if status not in ("open", "in-progress"):
                continue
            if owner and owner != lead and owner not in others:
                continue
            late = today_ordinal - due if due and due < today_ordinal else 0
            if overdue and not late:
                continue
            found.append((due or dt.date.max.toordinal(), f"{meeting}/{local}", {
                "id": f"{meeting}/{local}", "title": title, "owners": [lead, *others],
                "due": dt.date.fromordinal(due).isoformat() if due else None,
                "status": status, "theme": theme, "meeting": meeting,
                "overdue": late > 0, "days_overdue": late}))
    found.sort(key=lambda row: (row[0], row[1]))
    return [row[2] for row in found]


def run_to_a_quiet_end(run: Callable[[], None], *, after: Callable[[], None]) -> None:
    """Run a command so that an interrupt or a closed pipe ends it with its exit code (128 +
    the signal, 141) and no traceback, whatever lane it took."""
    try:
        run()
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        closed_pipe_exit()
    except BaseException as exc:
        interrupt = interrupt_in(exc)
        if interrupt is None:
            raise
        sys.exit(128 + interrupt.signum)
    finally:
        after()


def _fast_or_full() -> None:
    if not os.environ.get("KWARTAAL_NO_FAST"):
        code = try_fast(sys.argv[1:], sys.stdout)
        if code is not None:
            flush_output()
            sys.exit(code)
    from .cli import main as full

    full()


def main() -> None:
    catch_signals()
    run_to_a_quiet_end(_fast_or_full, after=ignore_signals)

