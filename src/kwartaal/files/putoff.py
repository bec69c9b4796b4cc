"""Saving a cache put off until a command has work for every processor.

A cold `site` of a large body loads the body on one processor, then forks a worker for the
year reports. The parse index saved at the end of the load (a copy of tens of megabytes)
kept the other processor idle; within putting_off it is saved when the command says so (once
its worker runs), or when the block ends. A save put off and never done (the command
interrupted) only makes the next run slower: a cache is never the only copy of anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

_PUT_OFF: list[Callable[[], None]] | None = None  # within putting_off: the saves put off


def put_off(save: Callable[[], None]) -> bool:
    """Whether save was put off (within putting_off); else the caller saves now."""
    if _PUT_OFF is None:
        return False
    _PUT_OFF.append(save)
    return True


@contextmanager
def putting_off() -> Iterator[Callable[[], None]]:
    """Saves asked for within the block are put off; the block is given the call that does
    them, and they are done at its end, also when it raised an error (the load found the
    body's files bad, a page was refused), as they would have been done without it. Not
    after an interrupt: the command ends at once."""
    global _PUT_OFF
    outer, pending = _PUT_OFF, []
    _PUT_OFF = pending

    def now() -> None:
        while pending:
            pending.pop(0)()

    try:
        yield now
    except Exception:
        now()
        raise
    else:
        now()
    finally:
        _PUT_OFF = outer
