"""Blobs read from an open file, a part at a time and only when needed: the parse index's
records, or the spool of a cold run (files/parsed.py)."""

from __future__ import annotations

import os
from typing import Any


class Held:
    """An open file that blobs are read from, for as long as any record still to be decoded
    needs it (closed when the last one goes): the index file, or the spool of a cold run."""

    __slots__ = ("handle",)

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self.handle.fileno(), length, offset)
        if len(data) != length:
            raise ValueError("a blob cut short")
        return data

    def window(self, start: int, size: int) -> Window:
        """read(offset, length) within one blob."""
        return Window(self, start, size)

    def __del__(self) -> None:
        self.handle.close()


class Window:
    """read(offset, length) within one blob of a held file: every meeting keeps one, for its
    later parts (one small object, not two functions with their cells)."""

    __slots__ = ("held", "start", "size")

    def __init__(self, held: Held, start: int, size: int) -> None:
        self.held, self.start, self.size = held, start, size

    def __call__(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise ValueError("outside the blob")
        return self.held.read(self.start + offset, length)

    def after(self, base: int) -> Window:
        """The same blob read from base on."""
        return Window(self.held, self.start + base, self.size - base)
