"""The files of a site held compressed until each is written (documents/site.py) or kept
(files/pages.py): a site of a thousand year reports is megabytes of text, built, searched
and written one file at a time."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Mapping

LEVEL = 1  # pages are very alike: the fastest level keeps them at about a quarter


def pack(content: str | bytes) -> bytes:
    """The content compressed, marked as text (b"s") or bytes (b"b")."""
    if isinstance(content, str):
        return b"s" + zlib.compress(content.encode("utf-8", "surrogatepass"), LEVEL)
    return b"b" + zlib.compress(content, LEVEL)


def packed_kind(packed: object) -> type | None:
    """str or bytes for what pack made (by its mark), else None."""
    if not isinstance(packed, bytes):
        return None
    return {b"s": str, b"b": bytes}.get(packed[:1])


def unpack(packed: bytes) -> str | bytes:
    """What pack was given."""
    data = zlib.decompress(packed[1:])
    return data.decode("utf-8", "surrogatepass") if packed[:1] == b"s" else data


_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")  # a lone surrogate, as "surrogatepass" writes it


def encoded(packed: bytes) -> tuple[bytes, bool]:
    """The bytes of what pack was given, as written to a file (text in UTF-8, strictly:
    a text with a lone surrogate raises UnicodeEncodeError, as encoding it does), and
    whether it was bytes: without a copy of the text decoded."""
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
        self.packed: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> str | bytes:
        return unpack(self.packed[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self.packed)

    def __len__(self) -> int:
        return len(self.packed)
