"""A meeting's built records as plain values, for the parse index (parsed.py): what the loader
built from a file that gave no problem, so that the next run neither parses nor converts it.

Records (the dataclasses of core/model.py and core/snapshot.py, and their Source) are stored as
("R", class name, field values in declaration order, positions that need decoding); the
file's own path as ("P",), so that records follow the body's folder however it is named; other
values TOML and the records hold are tagged as parsed.encode does. Anything else cannot be
stored (TypeError), and the file is simply built again next time.

A meeting's notes, decisions, actions and compensation lines, and its actions' histories, are
stored apart (each as marshal bytes inside the meeting's stored form) and decoded only when a
command first uses them (`Later`): the agenda reads every meeting's actions but no history, the
minutes of one meeting read its notes but not those of the 3,999 others. What is decoded is
built by the same code from the same values, so the records are the same either way.

The stored records are only as good as the code that built them: `code_stamp` is the digest
of the modules that turn tables into records, and the index is dropped when it changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import operator
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from kwartaal.core import fields, snapshot
from kwartaal.core import model as m
from kwartaal.files.lazy import (  # noqa: F401 - Decoded, read_first: read from here too
    LIST_METHODS,
    Decoded,
    Later,
    Stored,
    day_of,
    read_first,
    status_of,
)
from kwartaal.files.scalars import tag_scalar, untag_scalar

# the modules whose code decides what a file's records are
BUILDERS = ("core/model.py", "core/fields.py", "core/values.py", "core/snapshot.py",
            "core/lines.py", "files/schema.py", "files/loader.py", "files/records.py",
            # a meeting's facts (core/facts.py) are stored with it; lazy.py reads the parts
            "core/facts.py", "core/folding.py", "files/lazy.py", "files/scalars.py",
            # and the stored form made straight from the tables
            "files/forms.py")


def _classes() -> dict[str, type]:
    found: dict[str, type] = {"Source": fields.Source}
    for module in (m, snapshot):
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and (
                    value.__module__ == module.__name__):
                found[value.__name__] = value
    return found


CLASSES = _classes()
_SECTIONS: dict[tuple[object, ...], tuple[object, ...]] = {}  # likewise the tables' places
_NAMES = {cls: name for name, cls in CLASSES.items()}


def shared_section(section: tuple[object, ...]) -> tuple[object, ...]:
    """One tuple for each place of a table (("action", 3, "history", 1) recurs in every
    meeting), for every record of the run, built or decoded."""
    return _SECTIONS.setdefault(section, section)


# per class: whether its fields go by position, and their names
_PLANS = {name: (not any(f.kw_only for f in dataclasses.fields(cls)),
                 tuple(f.name for f in dataclasses.fields(cls)))
          for name, cls in CLASSES.items()}


_MEETING_VALUES = operator.attrgetter(*_PLANS["Meeting"][1])  # a meeting's, in order
_PLAIN = frozenset({str, bool, int, type(None)})
_NUMBERS = frozenset({bool, int, type(None)})  # plain, and not a text (which is interned)
_ENCODERS: dict[str, Callable[[Any, Path], tuple[Any, ...]]] = {}  # see _encoder
# records stored in lists of their own kind, encoded a list at a time (not a meeting: its
# form is meeting_form's; not a Source: of the file's own path, it is stored short)
_RECORD_LIST_NAMES = frozenset(CLASSES) - {"Meeting", "Source"}
_RECORD_LISTS = frozenset(CLASSES[name] for name in _RECORD_LIST_NAMES)


def code_stamp() -> str:
    from kwartaal.files.cache import digest

    base = Path(__file__).resolve().parent.parent
    return digest(b"".join((base / name).read_bytes() for name in BUILDERS))


# the lists of a meeting decoded on first use, and the field of an action decoded likewise
LATER = ("notes", "decisions", "actions", "compensation")
LATER_AT = tuple(_PLANS["Meeting"][1].index(name) for name in LATER)
_ACTIONS_AT = _PLANS["Meeting"][1].index("actions")
HISTORY_AT = _PLANS["Action"][1].index("history")


class Formed(NamedTuple):
    """A meeting's LATER parts stored: ("Z", marshal bytes) by position; its actions'
    histories (marshal bytes; None without actions) and statuses; its facts."""

    later: dict[int, Any]
    histories: bytes | None
    statuses: list[tuple[Any, ...]] | None
    facts: tuple[Any, Any, Any]


def encode(value: Any, path: Path) -> Any:
    return _encoded(value, path)[0]


def meeting_form(value: m.Meeting, path: Path, public: bool = True,
                 formed: Formed | None = None) -> tuple[Any, ...]:
    """A meeting as ("R", "Meeting", values, positions, histories, statuses, facts): its
    LATER lists each as ("Z", marshal bytes), its actions' histories as one marshal bytes
    (None without actions), each action's history in it as ("H", index); facts: its facts
    (core/facts.py) as (marshal bytes of them without OPEN, the bytes of OPEN, NOTES): the
    keys of its open texts are read only when a closed text is like one, NOTES is small.
    Without public (for a command that makes no public output): (None, None, NOTES), since
    the others cost a fold of every text; whoever asks for them computes them.
    formed: the LATER parts already in their stored form (files/forms.py), for a meeting
    built without them, with its facts (public ones, when public)."""
    from kwartaal.core.facts import meeting_facts, notes_facts

    if formed is not None:
        if public and formed.facts[0] is None:
            raise TypeError("formed parts without their public facts")
        return _head_form(value, path, formed)
    facts = stored_facts(meeting_facts(value)) if public else (None, None, notes_facts(value))
    histories: bytes | None = None
    # of each action what it is chosen and counted by without decoding any (lazy.status_of)
    statuses: list[tuple[Any, ...]] | None = None
    later: dict[int, Any] = {}
    for position, name in zip(LATER_AT, LATER, strict=True):
        item = getattr(value, name)
        if not isinstance(item, list):
            continue  # not a list of records: stored as any other value
        if position == _ACTIONS_AT and item:
            encoded, kept = actions_form(item, path)
            histories = marshal.dumps(kept)
            statuses = [status_of(action) for action in item]
        else:
            encoded = encode(item, path)
        later[position] = ("Z", marshal.dumps(encoded))
    return _head_form(value, path, Formed(later, histories, statuses, facts))


def stored_facts(found: tuple[Any, ...]) -> tuple[Any, Any, Any]:
    """A meeting's facts (core/facts.py meeting_facts) as meeting_form stores them."""
    from kwartaal.core.facts import NOTES, OPEN

    return (marshal.dumps((*found[:OPEN], None, *found[OPEN + 1:])), found[OPEN],
            found[NOTES])


def _head_form(value: m.Meeting, path: Path, formed: Formed) -> tuple[Any, ...]:
    """meeting_form of a meeting whose LATER parts are in formed."""
    later, histories, statuses, facts = formed
    if len(later) == len(LATER_AT):  # the rest in one go, the later parts left out
        _, _, values, special = _encoder_of("Meeting")(value, path)
    else:  # a later part that is no list: stored as any other value, by the general walk
        values = list(_MEETING_VALUES(value))
        for position in later:
            values[position] = None
        special = _record(values, path)
    for position, stored in later.items():
        values[position] = stored
    return ("R", "Meeting", values, tuple(sorted({*special, *later})), histories, statuses,
            facts)


def actions_form(actions: list[Any], path: Path) -> tuple[Any, list[Any]]:
    """A meeting's actions with ("H", index) for each history, and the histories apart."""
    out, histories = [], []
    encoded = _encoder_of("Action")
    for index, action in enumerate(actions):
        if type(action) is not m.Action:
            raise TypeError("not an action")
        _, _, values, special = encoded(action, path)
        histories.append(values[HISTORY_AT])  # as encode(action.history) gives it
        values[HISTORY_AT] = ("H", index)
        out.append(("R", "Action", values, tuple(sorted({*special, HISTORY_AT}))))
    return ("L", out), histories


def _record(values: list[Any], path: Path) -> list[int]:
    """A record's field values encoded in place; the positions that need decoding. Most
    values are plain (strings, numbers, lists of ids) and stay as they are."""
    special = []
    for position, item in enumerate(values):
        values[position], flag = _field(item, path)
        if flag:
            special.append(position)
    return special


def _field(item: Any, path: Path) -> tuple[Any, bool]:
    """One field's value as _record stores it, and whether it needs decoding."""
    kind = type(item)
    if kind is str:
        return word(item), False
    if kind is list and all(type(x) is str for x in item):
        return [word(x) for x in item], False
    if kind in _PLAIN:
        return item, False
    if kind is dt.date:
        return ("d", item.toordinal()), True
    if kind is fields.Source and (item.path is path or item.path == path) and all(
            type(part) in (str, int) for part in item.section):
        return ("s", list(item.section)), True
    return _encoded(item, path)


# The kinds of field an encoder made by _encoder takes in a line of its own, by declared type.
_FAST = {"str": "str", "list[str]": "words", "dt.date | None": "date", "dt.date": "date",
         "bool": "plain", "int": "plain", "int | None": "plain", "bool | None": "plain",
         "Source": "source"}


def _encoder(cls: type) -> Callable[[Any, Path], tuple[Any, ...]]:
    """encode(record, path) -> ("R", its class's name, its field values as _record stores
    them, the positions that need decoding), as _encoded stores it: straight-line code made
    from the fields' declared types, as dataclasses makes __init__ (a third of the time of
    _record's loop, over the 80,000 actions and 156,000 history entries of 4,000 meetings).
    A value of another type than declared takes _field, as in _record. Of a meeting, the
    head: its LATER parts are None (meeting_form stores them apart)."""
    lines = ["def encode(record, path):", "    special = []"]
    scope = encoding_scope()
    out = []
    for at, field in enumerate(dataclasses.fields(cls)):  # type: ignore[arg-type]
        out.append(f"v{at}")
        if cls is m.Meeting and field.name in LATER:  # stored apart: see meeting_form
            lines.append(f"    v{at} = None")
            continue
        lines.append(f"    v{at} = record.{field.name}")
        lines += encoding_lines(field, at, scope)
    lines.append(f"    return ('R', {cls.__name__!r}, [{', '.join(out)}], tuple(special))")
    exec("\n".join(lines), scope)  # noqa: S102 - code made here, from the class's own fields
    return scope["encode"]  # type: ignore[no-any-return]


def encoding_scope() -> dict[str, Any]:
    """The globals of code made of encoding_lines."""
    return {"intern": sys.intern, "field": _field, "date": dt.date, "plain": _NUMBERS,
            "source": fields.Source, "plain_section": _plain_section}


def encoding_lines(field: dataclasses.Field[Any], at: int, scope: dict[str, Any]) -> list[str]:
    """The lines that turn the local v{at}, the value of the record's field at position at,
    into its stored form, as _record stores it, adding at to the local list `special` when it
    needs decoding (files/forms.py makes forms with them too). scope: the code's globals."""
    v = f"v{at}"
    declared = field.type if isinstance(field.type, str) else ""
    kind = encoding_kind(field)
    held = declared[5:-1] if declared.startswith("list[") else ""
    lines = []
    if kind == "str":
        lines.append(f"    if type({v}) is str: {v} = {_WORD.format(v)}")
    elif kind == "words":  # a new list, as _field makes it
        lines.append(f"    if type({v}) is list and all(type(x) is str for x in {v}): "
                     f"{v} = [{_WORD.format('x')} for x in {v}]")
    elif kind == "date":
        lines.append(f"    if type({v}) is date: {v} = ('d', {v}.toordinal()); "
                     f"special.append({at})")
        lines.append(f"    elif {v} is None: pass")
    elif kind == "plain":
        lines.append(f"    if type({v}) in plain: pass")
    elif kind == "source":
        lines.append(f"    if type({v}) is source and ({v}.path is path or {v}.path == path)"
                     f" and {_SECTION.format(v)}: {v} = ('s', list({v}.section)); "
                     f"special.append({at})")
    elif held in _RECORD_LIST_NAMES:  # a list of records of one kind: a history, items
        scope[f"kind_{held}"] = CLASSES[held]
        scope[f"encode_{held}"] = _encoder_of(held)
        lines.append(f"    if type({v}) is list and not {v}: {v} = []")
        lines.append(f"    elif type({v}) is list and all(type(x) is kind_{held} for x in "
                     f"{v}): {v} = ('L', [encode_{held}(x, path) for x in {v}]); "
                     f"special.append({at})")
    else:
        lines.append("    if False: pass")
    return [*lines, "    else:", f"        {v}, flag = field({v}, path)",
            f"        if flag: special.append({at})"]


def encoding_kind(field: dataclasses.Field[Any]) -> str | None:
    """The kind of line encoding_lines writes for a field, by its declared type (_FAST)."""
    return _FAST.get(field.type if isinstance(field.type, str) else "")


def _encoder_of(name: str) -> Callable[[Any, Path], tuple[Any, ...]]:
    found = _ENCODERS.get(name)
    if found is None:  # made when first needed: a warm run decodes, it does not encode
        found = _ENCODERS[name] = _encoder(CLASSES[name])
    return found


def _plain_section(section: tuple[Any, ...]) -> bool:
    return all(type(part) in (str, int) for part in section)


# What _word and plain_section decide, written out in the code _encoder makes (no call for
# each of two million texts); tests/test_record_forms.py holds them equal.
_WORD = "(intern({0}) if len({0}) <= 32 and ' ' not in {0} and '/' not in {0} else {0})"
_SECTION = ("(len({0}.section) == 2 and type({0}.section[0]) is str and type({0}.section[1])"
            " is int or plain_section({0}.section))")


def word(text: str) -> str:
    """A short text without spaces (an id, a status, a theme, a time) interned: marshal
    stores it as such, and every meeting read from the index then shares one copy of it
    (the ids of the people invited to 4,000 meetings are 60 strings, not 120,000). Not a
    full id ('2025-06-12/a3'): it names one record, there is nothing to share, and the
    table of interned texts would only grow by every record ever read."""
    return sys.intern(text) if len(text) <= 32 and " " not in text and "/" not in text \
        else text


def _encoded(value: Any, path: Path) -> tuple[Any, bool]:
    """(the stored form, whether it needs decoding): plain strings, numbers and lists of them
    are stored as they are, and decoding skips them (most of a meeting's values)."""
    if isinstance(value, (str, bool, int, type(None))):
        return value, False
    if isinstance(value, list):
        kind = type(value[0]) if value else None
        if kind in _RECORD_LISTS and all(type(item) is kind for item in value):
            encoded = _encoder_of(_NAMES[kind])  # (a history, the items: one kind of record)
            return ("L", [encoded(item, path) for item in value]), True
        parts = [_encoded(item, path) for item in value]
        if not any(special for _, special in parts):
            return [part for part, _ in parts], False
        return ("L", [part for part, _ in parts]), True
    if type(value) is m.Meeting:
        return meeting_form(value, path), True
    if type(value) is fields.Source and value.path == path and all(
            isinstance(part, (str, int)) for part in value.section):
        return ("s", list(value.section)), True  # every record has one: kept short
    name = _NAMES.get(type(value))
    if name is not None:
        return _encoder_of(name)(value, path), True
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


def decode(value: Any, path: Path, stored: Stored | None = None) -> Any:
    """What encode stored. stored: where the meeting being decoded keeps its later parts
    (made here for a meeting encoded whole, given by unpack for one packed)."""
    if not isinstance(value, tuple):
        return value
    tag = value[0]
    if tag == "R":
        positional, names = _PLANS[value[1]]
        values = value[2]
        if len(value) == 7:  # a meeting
            if stored is None:
                stored = Stored(None, path, value[4], value[5], value[6])  # encoded whole
            for position in value[3]:
                values[position] = decode(values[position], path, stored)
            if type(values[_ACTIONS_AT]) is Later:
                stored.actions = values[_ACTIONS_AT]
        else:
            for position in value[3]:
                values[position] = decode(values[position], path, stored)
        cls = CLASSES[value[1]]
        return cls(*values) if positional else cls(**dict(zip(names, values, strict=True)))
    if tag == "s":
        section = tuple(value[1])  # ("action", 3, "history", 1) recurs in every meeting: shared
        return fields.Source(path, shared_section(section))
    if tag == "d":
        return day_of(value[1])
    if tag == "L":
        return [decode(item, path, stored) for item in value[1]]
    if tag == "H" or tag == "Z":
        if stored is None:
            raise ValueError("a part without its meeting")
        if tag == "H":  # decoded with its list, or on first use for an action chosen alone
            return stored.history(value[1]) if stored.whole else Later.stored(
                value[1], -1, stored)
        return Later.stored(value[1], 0 if len(value) == 2 else value[2], stored)
    if tag == "P":
        return path
    if tag == "U":
        return tuple(decode(item, path) for item in value[1])
    if tag == "M":
        return {decode(key, path): decode(item, path) for key, item in value[1]}
    if tag in ("F", "S"):
        items = (decode(item, path) for item in value[1])
        return frozenset(items) if tag == "F" else set(items)
    return untag_scalar(value)  # a decimal, a date-time or a time


Stored.decoder = staticmethod(decode)  # type: ignore[assignment] # parts decode on first use
