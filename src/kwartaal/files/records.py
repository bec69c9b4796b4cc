"""A meeting's built records as plain values, for the parse index (parsed.py): what the loader
built from a file that gave no problem, so that the next run neither parses nor converts it.

Records (the dataclasses of core/model.py and core/snapshot.py, and their Source) are stored as
("R", class name, field values in declaration order, positions that need decoding); the
file's own path as ("P",), so that records follow the body's folder however it is named; other
values TOML and the records hold are tagged as parsed.encode does. Anything else cannot be
stored (TypeError), and the file is simply built again next time.

The stored records are only as good as the code that built them: `code_stamp` is the digest
of the modules that turn tables into records, and the index is dropped when it changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core import fields, snapshot
from kwartaal.core import model as m

# the modules whose code decides what a file's records are
BUILDERS = ("core/model.py", "core/fields.py", "core/values.py", "core/snapshot.py",
            "core/lines.py", "files/schema.py", "files/loader.py", "files/records.py")


def _classes() -> dict[str, type]:
    found: dict[str, type] = {"Source": fields.Source}
    for module in (m, snapshot):
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and (
                    value.__module__ == module.__name__):
                found[value.__name__] = value
    return found


CLASSES = _classes()
_DAYS: dict[int, dt.date] = {}  # decoded dates, shared by every record of the run
_SECTIONS: dict[tuple[object, ...], tuple[object, ...]] = {}  # likewise the tables' places
_NAMES = {cls: name for name, cls in CLASSES.items()}
# per class: whether its fields go by position, and their names
_PLANS = {name: (not any(f.kw_only for f in dataclasses.fields(cls)),
                 tuple(f.name for f in dataclasses.fields(cls)))
          for name, cls in CLASSES.items()}


def code_stamp() -> str:
    from kwartaal.files.cache import digest

    base = Path(__file__).resolve().parent.parent
    return digest(b"".join((base / name).read_bytes() for name in BUILDERS))


def encode(value: Any, path: Path) -> Any:
    return _encoded(value, path)[0]


def _encoded(value: Any, path: Path) -> tuple[Any, bool]:
    """(the stored form, whether it needs decoding): plain strings, numbers and lists of them
    are stored as they are, and decoding skips them (most of a meeting's values)."""
    if isinstance(value, (str, bool, int, type(None))):
        return value, False
    if isinstance(value, list):
        parts = [_encoded(item, path) for item in value]
        if not any(special for _, special in parts):
            return [part for part, _ in parts], False
        return ("L", [part for part, _ in parts]), True
    if type(value) is fields.Source and value.path == path and all(
            isinstance(part, (str, int)) for part in value.section):
        return ("s", list(value.section)), True  # every record has one: kept short
    name = _NAMES.get(type(value))
    if name is not None:
        parts = [_encoded(getattr(value, field), path) for field in _PLANS[name][1]]
        return ("R", name, [part for part, _ in parts],
                tuple(i for i, (_, special) in enumerate(parts) if special)), True
    return _tagged(value, path), True


def _tagged(value: Any, path: Path) -> Any:
    if isinstance(value, Path):
        if value != path:  # another spelling of the body's folder would be replayed
            raise TypeError("a path other than the file's own")
        return ("P",)
    if isinstance(value, tuple):
        return ("U", [encode(item, path) for item in value])
    if isinstance(value, dict):
        return ("M", [(encode(key, path), encode(item, path)) for key, item in value.items()])
    if isinstance(value, (frozenset, set)):
        return ("F" if isinstance(value, frozenset) else "S",
                [encode(item, path) for item in value])
    return tag_scalar(value)


def decode(value: Any, path: Path) -> Any:
    if not isinstance(value, tuple):
        return value
    tag = value[0]
    if tag == "R":
        positional, names = _PLANS[value[1]]
        values = value[2]
        for position in value[3]:
            values[position] = decode(values[position], path)
        cls = CLASSES[value[1]]
        return cls(*values) if positional else cls(**dict(zip(names, values, strict=True)))
    if tag == "s":
        section = tuple(value[1])  # ("action", 3, "history", 1) recurs in every meeting: shared
        return fields.Source(path, _SECTIONS.setdefault(section, section))
    if tag == "L":
        return [decode(item, path) for item in value[1]]
    if tag == "P":
        return path
    if tag == "d":
        day = _DAYS.get(value[1])
        if day is None:
            day = _DAYS[value[1]] = dt.date.fromordinal(value[1])
        return day  # dates are immutable: one object per day
    if tag == "U":
        return tuple(decode(item, path) for item in value[1])
    if tag == "M":
        return {decode(key, path): decode(item, path) for key, item in value[1]}
    if tag in ("F", "S"):
        items = (decode(item, path) for item in value[1])
        return frozenset(items) if tag == "F" else set(items)
    return untag_scalar(value)  # a decimal, a date-time or a time


def tag_scalar(value: Any) -> tuple[Any, ...]:
    """A decimal, date-time, date or time as a tagged tuple marshal keeps (parsed.py too)."""
    if isinstance(value, Decimal):
        return ("D", str(value))
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        offset = value.utcoffset()
        return ("T", value.replace(tzinfo=None).isoformat(),
                None if offset is None else offset // dt.timedelta(microseconds=1))
    if isinstance(value, dt.date):
        return ("d", value.toordinal())
    if isinstance(value, dt.time):
        return ("t", value.isoformat())
    raise TypeError(f"not a TOML value: {type(value).__name__}")


def untag_scalar(value: tuple[Any, ...]) -> Any:
    """What tag_scalar tagged."""
    tag = value[0]
    if tag == "D":
        return Decimal(value[1])
    if tag == "d":
        return dt.date.fromordinal(value[1])
    if tag == "t":
        return dt.time.fromisoformat(value[1])
    moment = dt.datetime.fromisoformat(value[1])
    if value[2] is None:
        return moment
    return moment.replace(tzinfo=dt.timezone(dt.timedelta(microseconds=value[2])))
