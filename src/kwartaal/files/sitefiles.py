"""The files of a site held compressed until each is written (documents/site.py) or kept
(files/pages.py), in an unlinked temporary file while the site is built (the spool): a site of
a thousand year reports is megabytes of text, built, searched and written one file at a
time."""

from __future__ import annotations

import os
import re
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kwartaal.files.blobs import Held

LEVEL = 1  # pages are very alike: the fastest level keeps them at about a quarter
PART = 1 << 16  # characters of a text encoded at a time


def pack(content: str | bytes) -> bytes:
    """The content compressed, marked as text (b"s") or bytes (b"b"); a text encoded a part
    at a time (a page of megabytes is not copied whole to be compressed)."""
    if isinstance(content, bytes):
        return b"b" + zlib.compress(content, LEVEL)
    packer = zlib.compressobj(LEVEL)
    parts = [b"s"]
    for start in range(0, len(content), PART):
        parts.append(packer.compress(content[start:start + PART].encode("utf-8",
                                                                        "surrogatepass")))
    parts.append(packer.flush())
    return b"".join(parts)


class Spool:
    """Packed files in an unlinked temporary file of a folder (the user's cache folder)
    while a site is built, each read back when it is written or kept; with no folder, or
    when it cannot be written, they stay in memory."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self.handle: Any = None
        self.size = 0

    def keep(self, packed: bytes) -> bytes | Spooled:
        if self.folder is None:
            return packed
        try:
            if self.handle is None:
                os.makedirs(self.folder, exist_ok=True)
                self.handle = tempfile.TemporaryFile(dir=self.folder)  # noqa: SIM115
            written = os.pwrite(self.handle.fileno(), packed, self.size)
        except OSError:  # a full disk, a folder that cannot be written: in memory
            written = -1
        if written != len(packed):
            self.folder = None
            return packed
        self.size += len(packed)
        return Spooled(self, self.size - len(packed), len(packed))


@dataclass(frozen=True, slots=True)
class Spooled:
    """Where a packed file lies in the spool."""

    spool: Spool | Held  # the build's spool, or the file of a worker (files/workers.py)
    at: int
    length: int

    def read(self) -> bytes:
        data = os.pread(self.spool.handle.fileno(), self.length, self.at)
        if len(data) != self.length:
            raise OSError("a file of the site cut short in its spool")
        return data


Packed = bytes | Spooled  # what pack made, or where the spool keeps it


def packed_bytes(packed: Packed) -> bytes:
    return packed if isinstance(packed, bytes) else packed.read()


def packed_kind(packed: object) -> type | None:
    """str or bytes for what pack made (by its mark), else None."""
    if isinstance(packed, Spooled):
        packed = packed.read()
    if not isinstance(packed, bytes):
        return None
    return {b"s": str, b"b": bytes}.get(packed[:1])


def unpack(packed: Packed) -> str | bytes:
    """What pack was given."""
    packed = packed_bytes(packed)
    data = zlib.decompress(packed[1:])
    return data.decode("utf-8", "surrogatepass") if packed[:1] == b"s" else data


_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")  # a lone surrogate, as "surrogatepass" writes it


def encoded(packed: Packed) -> tuple[bytes, bool]:
    """The bytes of what pack was given, as written to a file (text in UTF-8, strictly:
    a text with a lone surrogate raises UnicodeEncodeError, as encoding it does), and
    whether it was bytes: without a copy of the text decoded."""
    packed = packed_bytes(packed)
    data = zlib.decompress(packed[1:])
    if packed[:1] == b"b":
        return data, True
    if _SURROGATE.search(data):
        data.decode("utf-8", "surrogatepass").encode("utf-8")  # raises, as it would have
    return data, False


class SiteFiles(Mapping[str, "str | bytes"]):
    """Each file of a site by its path, held packed (`packed`), in the order they were added;
    a file is unpacked when it is read, so going through items() holds one at a time."""

    def __init__(self) -> None:
        self.packed: dict[str, Packed] = {}

    def __getitem__(self, name: str) -> str | bytes:
        return unpack(self.packed[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self.packed)

    def __len__(self) -> int:
        return len(self.packed)
