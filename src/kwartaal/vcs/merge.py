"""A record-level three-way merge of kwartaal's TOML files, for git's merge driver.

Git merges text line by line, so two people who each append an action to the same meeting
file would conflict although nothing contradicts. This merge works on records instead:

- tables are merged key by key, arrays of tables record by record (matched by `id`);
- lists of names (present, invited, …) and an action's history are merged as sets, keeping order;
- only a value changed differently on both sides is a conflict. Then the caller falls back to
  git's own line merge, which leaves the usual conflict markers.

A record is never renumbered: its id may already be in a commit message, a note, someone's
minutes. New ids are random (see ids.py), so two sides adding different records under one id
is all but impossible; should it happen, both records are kept and the merge is reported as a
collision, for a person to resolve (see Outcome.collisions).

The result keeps our file's text, comments and layout; their additions are appended.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kwartaal.files import store

# Numbers each change raises (a meeting's calendar sequence): when both sides raised one, the
# merge is a change of its own and goes above both.
COUNTERS = ("sequence",)


class Conflict(Exception):
    """Both sides changed the same value differently."""


@dataclass(slots=True)
class Collision:
    """Both sides added a different record of one kind under one id."""

    kind: str
    id: str
    ours: dict[str, Any]
    theirs: dict[str, Any]


@dataclass(slots=True)
class Outcome:
    text: str
    collisions: list[Collision] = field(default_factory=list)


def _load(text: str) -> dict[str, Any]:
    return tomllib.loads(text.removeprefix("\ufeff"), parse_float=Decimal) if text.strip() else {}


def merge_texts(base: str, ours: str, theirs: str) -> Outcome:
    """Merge three versions of a file; raises Conflict or a parse error when it cannot.

    On a collision the result holds both records (a duplicate id that `check` reports) and
    lists it in Outcome.collisions; the caller must not take it as a clean merge."""
    o, a, b = _load(base), _load(ours), _load(theirs)
    doc = store.parse(ours.removeprefix("\ufeff"), None)  # type: ignore[arg-type]
    appended: list[tuple[str, dict[str, Any], bool]] = []
    collisions: list[Collision] = []
    _merge_table(doc, o, a, b, appended, collisions, top=True)
    import tomlkit

    text = tomlkit.dumps(doc)
    if _load(text) == a:
        # Nothing of ours changed in place: keep our text exactly, since tomlkit regroups
        # arrays of tables that are interleaved ([[item]], [[action]], [[item]]) when dumping.
        text = ours.removeprefix("\ufeff")
    for kind, record, array in appended:
        block = store.render_table(kind, record, array=array)
        if not text.endswith("\n"):
            text += "\n"
        text += "\n" + block
    _refuse_double_answers(_load(text))  # the result must be valid TOML, and say one thing
    bom = "\ufeff" if ours.startswith("\ufeff") else ""
    return Outcome(bom + text, collisions)


# Lists of a meeting that exclude each other: a person in two of them after a merge means the
# two clones recorded different answers (expected here, declined there), which only a person
# can settle; merged as sets they would give a file check refuses.
EXCLUSIVE = (("expected", "declined"), ("present", "excused", "absent"))


def _refuse_double_answers(merged: dict[str, Any]) -> None:
    for keys in EXCLUSIVE:
        seen: set[Any] = set()
        for key in keys:
            values = merged.get(key)
            if not isinstance(values, list):
                continue
            if seen & set(v for v in values if isinstance(v, str)):
                raise Conflict(key)
            seen.update(v for v in values if isinstance(v, str))


def _is_record_list(value: Any) -> bool:
    """Records of a meeting file (by `id`), standing items of kwartaal.toml (by `key`), or
    the answers of a poll file (by `person`)."""
    return isinstance(value, list) and bool(value) and any(
        all(isinstance(v, dict) and field in v for v in value)
        for field in ("id", "key", "person"))


def _id_field(*lists: list[dict[str, Any]]) -> str:
    records = [r for records in lists for r in records]
    return next((field for field in ("id", "key") if all(field in r for r in records)),
                "person")


def _merge_table(target: Any, o: dict[str, Any], a: dict[str, Any], b: dict[str, Any],
                 appended: list[Any], collisions: list[Collision], top: bool = False) -> None:
    keys = list(dict.fromkeys([*a, *b]))
    for key in keys:
        ov, av, bv = o.get(key), a.get(key), b.get(key)
        if top and key in COUNTERS and av != ov and bv != ov and isinstance(av, int) \
                and isinstance(bv, int):
            # Both sides raised it (a move here, a cancellation there): calendars that saw
            # either update must take the merged one as newer than both.
            _set(target, key, max(av, bv) + 1)
            continue
        if av == bv or bv == ov:
            continue  # nothing new from their side
        if (_is_record_list(av) or _is_record_list(bv)) and key in target:
            _merge_records(target, key, ov or [], av or [], bv or [], appended, collisions)
            continue
        if av == ov:
            # only their side changed this key
            if bv is None:
                del target[key]
            elif top and _is_record_list(bv) and key not in a:
                for record in bv:
                    appended.append((key, dict(record), True))
            elif isinstance(bv, dict) and isinstance(av, dict):
                _merge_table(target[key], ov or {}, av, bv, appended, collisions)
            elif isinstance(bv, dict):
                if not top:
                    target[key] = store.toml_value(bv)
                else:
                    appended.append((key, dict(bv), False))
            elif (isinstance(av, list) and isinstance(bv, list) and key in target
                  and all(v in bv for v in av)):
                _extend_array(target[key], [v for v in bv if v not in av])  # keeps layout
            else:
                _set(target, key, bv)
            continue
        # both sides changed this key
        if isinstance(av, dict) and isinstance(bv, dict):
            _merge_table(target[key], ov if isinstance(ov, dict) else {}, av, bv, appended,
                         collisions)
        elif _is_record_list(av) or _is_record_list(bv):
            _merge_records(target, key, ov or [], av or [], bv or [], appended, collisions)
        elif isinstance(av, list) and isinstance(bv, list) and (ov is None or
                                                                isinstance(ov, list)):
            merged = _merge_list(ov or [], av, bv)
            if key == "history" or any(isinstance(v, dict) for v in merged):
                _extend_array(target[key], [v for v in merged if v not in av])
            else:
                target[key] = store.toml_value(merged)
        else:
            raise Conflict(key)


def _merge_list(o: list[Any], a: list[Any], b: list[Any]) -> list[Any]:
    """Ours, plus what they added, minus what they removed; order kept."""
    removed = [v for v in o if v not in b]
    merged = [v for v in a if v not in removed]
    merged += [v for v in b if v not in o and v not in merged]
    return merged


def _extend_array(array: Any, values: list[Any]) -> None:
    multiline = "\n" in array.as_string()
    for value in values:
        item = store.inline_table(value) if isinstance(value, dict) else store.toml_value(value)
        if multiline:
            array.add_line(item, indent="  ")
        else:
            array.append(item)


def _set(target: Any, key: str, value: Any) -> None:
    target[key] = store.toml_value(value)


def _merge_records(target: Any, kind: str, o: list[dict[str, Any]], a: list[dict[str, Any]],
                   b: list[dict[str, Any]], appended: list[Any],
                   collisions: list[Collision]) -> None:
    field = _id_field(o, a, b)
    by_id_o = {r[field]: r for r in o}
    by_id_a = {r[field]: r for r in a}
    tables = target.get(kind) if kind in target else None
    incoming: list[dict[str, Any]] = []
    for record in b:
        rid = record[field]
        if rid in by_id_o:
            base = by_id_o[rid]
            if rid not in by_id_a:
                if record != base:
                    raise Conflict(f"{kind} {rid}")
                continue  # we removed it and they did not change it
            if record == base or record == by_id_a[rid]:
                continue
            if field == "person" and by_id_a[rid] != base:
                raise Conflict(f"{kind} {rid}")  # a poll answer is one whole, never mixed
            table = next(t for t in tables if str(t.get(field)) == rid)
            _merge_table(table, base, by_id_a[rid], record, appended, collisions)
        elif rid in by_id_a:
            if by_id_a[rid] == record:
                continue  # the same record added on both sides
            # Renumbering either one could move a note, a commit message or an edit onto the
            # other person's record without anyone noticing: keep both and say so.
            collisions.append(Collision(kind, str(rid), by_id_a[rid], record))
            incoming.append(record)
        else:
            incoming.append(record)
    removed_by_them = [rid for rid in by_id_o if rid in by_id_a and rid not in
                       {r[field] for r in b}]
    for rid in removed_by_them:
        if by_id_a[rid] != by_id_o[rid]:
            raise Conflict(f"{kind} {rid}")
        index = next(i for i, t in enumerate(tables) if str(t.get(field)) == rid)
        del tables[index]
    for record in incoming:
        appended.append((kind, record, True))

