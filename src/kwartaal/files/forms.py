"""A meeting's later parts (records.LATER: its notes, decisions, actions with their histories,
and compensation lines) in their stored form straight from its tables, without building a
record first: for a run that reads files not yet in the parse index and makes no public output
(an agenda, internal minutes, reminders), which would otherwise build 300,000 records at 4,000
meetings, turn each into its stored form and decode the few it uses again.

One function per kind of record, made once from source (as fields.build makes its record
makers): the table's quick path (schema.quick_locals: the same tests and conversions as
quick_table), then each of the record's fields in its stored form (records.encoding_lines: the
same code as the record encoders). Whatever is not on the quick path gives None, and the
meeting is built and stored the usual way, which reports what there is to report. What is
stored is what records.meeting_form stores of the built meeting: tests/test_forms.py holds the
two equal.
"""

from __future__ import annotations

import dataclasses
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.facts import Row, amounts_of, asking_facts, facts_from, rows_of
from kwartaal.core.fields import declared, public_fields
from kwartaal.files import lazy, records, schema

# the fields the loader gives a record of a meeting's file itself (loader.build_meeting);
# these two in their stored form already: the record's table, its history's place
GIVEN = {"action": ("id", "src", "meeting", "history")}
GIVEN_ANY = ("id", "src")
STORED_GIVEN = ("src", "history")
_KEYS = {decl.name: decl.key for decl in declared(m.Meeting)}  # "notes" -> "note"
KINDS = tuple(_KEYS[name] for name in records.LATER)  # the tables of the LATER parts

# (a table's kind of value, its field's kind of encoding) of the values that the quick path
# gives as they are stored: a text interned as the word rule interns it (records.word: none
# longer than 32 characters; quick_table interns every one shorter than 48), a new list of
# such texts, a flag, a number
AS_GIVEN = {("str", "str"), ("list[str]", "words"), ("bool", "plain"), ("int", "plain")}

_Former = Callable[..., tuple[Any, ...] | None]
_FORMERS: dict[str, _Former | None] = {}
_POSITION = {name: {f.name: at for at, f in enumerate(dataclasses.fields(cls))}
             for name, cls in records.CLASSES.items()}
_DATE_AT = _POSITION["HistoryEntry"]["date"]
_KIND_AT = _POSITION["HistoryEntry"]["kind"]
_STATUS_AT = _POSITION["Action"]["status"]
# what an action's stored status holds of its ActionFact (lazy.status_of)
_FACT_AT = tuple(_POSITION["Action"][name] for name in ("theme", "due", "closed", "item"))
# what a Row of core/facts.py reads of a stored note, decision or action: where its id, closed
# flag, item and public texts (in the order of fields.public_fields) are
_ROW_AT = {kind: (at["id"], at["closed"], at["item"], texts, frozenset(texts))
           for kind in ("note", "decision", "action")
           for at in (_POSITION[m.MEETING_RECORDS[kind].__name__],)
           for texts in (tuple(at[decl.name] for decl in public_fields(m.MEETING_RECORDS[kind])),)}
_AMOUNT_AT = _POSITION["CompensationLine"]["amount"]


def _former(cls: type, spec: dict[str, Any], given: tuple[str, ...]) -> _Former | None:
    """form(raw, path, *given) -> the stored form of the record built from table raw with
    the given fields, or None where quick_table gives None; None when the spec has a kind the
    quick path leaves to full_table."""
    scope = records.encoding_scope()
    converting = schema.quick_locals(spec, scope)
    if converting is None:
        return None
    for name, value in scope.items():  # a default (given for a key left out) as stored
        if name.startswith("default") and type(value) is str:
            scope[name] = records.word(value)
    local = {decl.name: (n, decl.kind) for n, decl in enumerate(spec.values())}
    lines = [f"def form(raw, path, {', '.join(f'g_{name}' for name in given)}):",
             "    special = []", *converting]
    out = []
    for at, field in enumerate(dataclasses.fields(cls)):  # type: ignore[arg-type]
        v = f"v{at}"
        out.append(v)
        if field.init and field.name in given:
            lines.append(f"    {v} = g_{field.name}")
            if field.name in STORED_GIVEN:
                lines.append(f"    special.append({at})")
                continue
        elif field.init and field.name in local:
            n, kind = local[field.name]
            lines.append(f"    {v} = c{n}")
            if (kind, records.encoding_kind(field)) in AS_GIVEN:
                continue
        elif field.default is not dataclasses.MISSING:  # left to its default, as build does
            scope[f"unset{at}"] = field.default
            lines.append(f"    {v} = unset{at}")
        elif field.default_factory is not dataclasses.MISSING:
            scope[f"factory{at}"] = field.default_factory
            lines.append(f"    {v} = factory{at}()")
        else:
            return None
        lines += records.encoding_lines(field, at, scope)
    lines.append(f"    return ('R', {cls.__name__!r}, [{', '.join(out)}], tuple(special))")
    exec("\n".join(lines), scope)  # noqa: S102 - made here, from the record's own fields
    return scope["form"]  # type: ignore[no-any-return]


def _former_of(kind: str) -> _Former | None:
    if kind not in _FORMERS:
        cls = m.HistoryEntry if kind == "history" else m.MEETING_RECORDS[kind]
        spec = schema.HISTORY if kind == "history" else schema.MEETING_TABLES[kind]
        _FORMERS[kind] = _former(cls, spec, () if kind == "history" else
                                 GIVEN.get(kind, GIVEN_ANY))
    return _FORMERS[kind]


def formed_parts(tables: dict[str, Any], meeting_id: str, path: Path,
                 items: list[m.Item] | None = None) -> records.Formed | None:
    """The stored LATER parts of the meeting whose converted table is tables (its arrays of
    tables as written), or None when any of them is not on the quick path. items: the
    meeting's items, for a run with public output: its facts are then those meeting_facts
    gives (core/facts.py), read from the stored records."""
    later: dict[int, Any] = {}
    histories, statuses, notes = None, None, []
    rows: list[Row] = []
    amounts: tuple[str, ...] = ()
    for position, kind in zip(records.LATER_AT, KINDS, strict=True):
        rows_of_kind = tables.get(kind)
        rows_of_kind = [] if rows_of_kind is None else rows_of_kind
        form = _former_of(kind)
        if form is None or type(rows_of_kind) is not list:
            return None
        out = []
        for index, row in enumerate(rows_of_kind):
            if type(row) is not dict:
                return None
            given: tuple[Any, ...] = (f"{meeting_id}/{row.get('id')}", ("s", [kind, index]))
            if kind == "action":
                given += (meeting_id, ("H", index))
            found = form(row, path, *given)
            if found is None:
                return None
            out.append(found)
        if kind == "action" and out:
            kept = [_history(row.get("history", []), path) for row in rows_of_kind]
            if any(entries is None for entries in kept):
                return None
            histories = marshal.dumps([("L", entries) if entries else [] for entries in kept])
            statuses = [_status(action, entries)
                        for action, entries in zip(out, kept, strict=True)]
        if items is not None:
            if kind == "compensation":
                amounts = amounts_of(records.decode(line[2][_AMOUNT_AT], path) for line in out)
            elif not _rows(kind, out, rows):
                return None
        later[position] = ("Z", marshal.dumps(("L", out) if out else []))
        if kind == "note" and out:  # decoded from the bytes: decode fills in what it reads
            notes = records.decode(marshal.loads(later[position][1]), path)
    asking = asking_facts(notes)
    if items is None:
        return records.Formed(later, histories, statuses, (None, None, asking))
    return records.Formed(later, histories, statuses, records.stored_facts(
        facts_from(meeting_id, rows_of(items) + rows, amounts, asking)))


def _rows(kind: str, stored: list[tuple[Any, ...]], rows: list[Row]) -> bool:
    """The Row of each stored note, decision or action added to rows; False when a public
    text is not stored as a text (the meeting is then built)."""
    id_at, closed_at, item_at, texts_at, coded = _ROW_AT[kind]
    add = rows.append
    for _, _, values, special in stored:
        if not coded.isdisjoint(special):
            return False
        add((False, values[id_at], values[closed_at], values[item_at], "",
             tuple([text for at in texts_at if type(text := values[at]) is str])))
    return True


def _history(raw: Any, path: Path) -> list[tuple[Any, ...]] | None:
    form = _former_of("history")
    if form is None or type(raw) is not list:
        return None
    entries = []
    for entry in raw:
        found = form(entry, path) if type(entry) is dict else None
        if found is None:
            return None
        entries.append(found)
    return entries


def _status(action: tuple[Any, ...], entries: Any) -> tuple[Any, ...]:
    """What meeting_form keeps of an action apart (lazy.status_of), from its stored form
    (every day on the quick path is a plain date): the status, the day of the last history
    entry, the latest day, then its fact (the day it was finished as finished_on gives it)."""
    values = action[2]
    status = values[_STATUS_AT]
    days = [entry[2][_DATE_AT][1] for entry in entries]
    head = (status, days[-1] if days else None, max(days) if days else None)
    theme, due, closed, item = (values[at] for at in _FACT_AT)
    if not (type(status) is type(theme) is type(item) is str and type(closed) is bool
            and (due is None or type(due) is tuple and due[0] == "d")):
        return head
    finished = None
    if status in m.FINISHED_STATUSES and days:  # the last entry of that kind, else the last
        finished = next((day for entry, day in zip(reversed(entries), reversed(days),
                                                   strict=True)
                         if entry[2][_KIND_AT] == status), days[-1])
    return (*head, *lazy.fact_tail(theme, due and due[1], closed, item, finished))
