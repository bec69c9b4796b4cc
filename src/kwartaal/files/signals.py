"""How a kwartaal process stops: SIGINT and SIGTERM raise Interrupted — an exit with 128 + the
signal's number, never a traceback, and not KeyboardInterrupt, which click turns into
"Aborted!" — or, while a command writes, wait for a safe point (held_signals); a closed stdout
(`kwartaal log | head -1`) ends the command quietly.

Imported by the entry point before anything else, so it imports nothing but the standard
library's smallest modules.
"""

from __future__ import annotations

import os
import sys

try:
    import _signal as _sig  # the C module: `signal` imports enum, which takes longer than
except ImportError:  # pragma: no cover - the moments a ^C should be caught in
    import signal as _sig  # type: ignore[no-redef]

TYPE_CHECKING = False  # importing typing would cost the fast lane a tenth of its time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn

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
    """Write out what is buffered for stdout now, so that a failure is told (a closed pipe:
    141; a full disk: output_failed), not ignored with a traceback at exit."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        closed_pipe_exit()
    except OSError as exc:
        output_failed(exc)


def writing_output(exc: BaseException) -> bool:
    """Whether exc is standard output failing for want of room (no file name: not one of
    the files kwartaal writes itself)."""
    import errno

    return isinstance(exc, OSError) and exc.filename is None and exc.errno in (
        errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)


def output_failed(exc: OSError) -> NoReturn:
    """Standard output could not be written (a full disk, a quota, an I/O error): say so in
    the system's own words and end with exit 1; what could not be written is dropped."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    try:
        sys.stderr.write(f"kwartaal: {exc.strerror or exc}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(1)


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
