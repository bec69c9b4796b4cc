"""A meeting's records as one blob, as the parse index keeps them (files/parsed.py): its head
(its values; its later parts, notes, decisions, actions and compensation lines, as places after
the head) and those parts, each read when first used (files/lazy.py)."""

from __future__ import annotations

import marshal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kwartaal.files.blobs import Window
from kwartaal.files.lazy import Later

if TYPE_CHECKING:
    from kwartaal.files import records


def pack(meeting: Any, path: Path, public: bool = True,
         formed: records.Formed | None = None) -> bytes:
    """A built meeting as one blob: its head's length (4 bytes), the head (its values, its
    later parts as places after the head), then the parts (or formed: those stored already,
    files/forms.py), each read from the index file when first used, not held before."""
    return packed(meeting, path, public, formed)[0]


def packed(meeting: Any, path: Path, public: bool,
           formed: records.Formed | None) -> tuple[bytes, tuple[Any, ...], int]:
    """pack's blob, its head as unpack reads it back, and where the head ends in it."""
    from kwartaal.core import model as m
    from kwartaal.files import records

    if type(meeting) is not m.Meeting:
        raise TypeError("not a meeting")
    head = records.meeting_form(meeting, path, public, formed)
    values, chunks, size = head[2], [], 0

    def put(data: bytes) -> tuple[int, int]:
        nonlocal size
        chunks.append(data)
        size += len(data)
        return size - len(data), len(data)

    for position in records.LATER_AT:
        value = values[position]
        if type(value) is tuple and value[0] == "Z":
            values[position] = ("Z", *put(value[1]))
    hist = None if head[4] is None else put(head[4])
    # each action's status and fact (lazy.status_of): 1.2 kB a meeting, read when asked for
    statuses = None if head[5] is None else put(marshal.dumps(head[5]))
    shown = tuple(None if part is None else put(part) for part in head[6][:2])
    packed = ("R", "Meeting", values, head[3], hist or (), statuses,
              (*shown, head[6][2]))  # those two read when asked for
    data = marshal.dumps(packed)
    return b"".join([len(data).to_bytes(4, "big"), data, *chunks]), packed, 4 + len(data)


def unpack(read: Callable[[int, int], bytes], path: Path) -> Any:
    """The meeting of a blob that pack made; read(offset, length) gives its bytes (and raises
    ValueError when they cannot be read whole). Its later parts are read when first used."""
    from kwartaal.files import records

    size = int.from_bytes(read(0, 4), "big")
    head = marshal.loads(read(4, size))
    if not (type(head) is tuple and len(head) == 7 and head[:2] == ("R", "Meeting")):
        raise ValueError("not a stored meeting")
    return records.decode(head, path, _stored(read, 4 + size, head, path))


def _stored(read: Callable[[int, int], bytes], base: int, head: tuple[Any, ...],
            path: Path) -> records.Stored:
    """Where the meeting of a blob keeps its later parts: the blob after its head (from
    base on), read when first used."""
    from kwartaal.files import records

    hist = head[4]
    later = read.after(base) if isinstance(read, Window) else (
        lambda offset, length: read(base + offset, length))
    return records.Stored(later, path, tuple(hist) if hist else None,
                          None if head[5] is None else tuple(head[5]),
                          (*(None if place is None else tuple(place)
                             for place in head[6][:2]), head[6][2]))


def with_later_parts(meeting: Any, head: tuple[Any, ...], base: int,
                     read: Callable[[int, int], bytes], path: Path) -> Any:
    """The meeting that unpack(read) gives, for the meeting pack made blob and head of when
    it was built without its later parts (from their stored form, files/forms.py): those
    parts set on it, read when first used, without decoding the rest of its head again."""
    from kwartaal.files import records

    stored = _stored(read, base, head, path)
    for position, name in zip(records.LATER_AT, records.LATER, strict=True):
        part = records.decode(head[2][position], path, stored)
        if name == "actions" and type(part) is Later:
            stored.actions = part
        setattr(meeting, name, part)
    return meeting
