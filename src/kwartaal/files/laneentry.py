"""The action index's entry of a valid meeting file, made from its checked tables without
building records: what a cold `actions`, `overdue`, `progress` or `remind` spends on each file.

Every table of the file is checked by the schema's quick path (files/schema.py `quick_table`);
a file with anything it does not take as it stands is left to build_meeting, which reads it the
full way and reports its problems. The entry equals cache.new_entry of the meeting build_meeting
builds (tests/test_cold_build.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kwartaal.files import cache
from kwartaal.files import schema as s

if TYPE_CHECKING:
    from kwartaal.core.model import Action, Meeting


def lane_entry(raw: dict[str, Any], path: Path, language: str,
               stat: tuple[int, int, int, int] | None, key: str) -> tuple[Any, ...] | None:
    """The action index's entry of a meeting file (what cache.new_entry makes of the meeting
    build_meeting builds), when every table of the file is valid as it stands
    (schema.quick_table): every table is checked, no record is built. None when anything needs
    build_meeting, which then reads the file the full way: it finds the same meeting, or
    reports the problems."""
    mid = path.stem
    quick = s.quick_table
    top = quick(raw, s.MEETING)
    if top is None or top["date"] is None or not s.MEETING_ID.match(mid):
        return None
    tables: dict[str, list[dict[str, Any]]] = {}
    for kind, spec in s.MEETING_TABLES.items():
        rows = top.get(kind)
        if rows is None:
            rows = []
        if type(rows) is not list:
            return None
        if kind not in ("item", "action"):  # checked, not needed: their values are not made
            valid = s.quick_checker(spec)  # (once per kind: it runs for every table)
            for row in rows:
                if (type(row) is not dict or valid is None or valid(row) is None
                        or row.get("id") is None):
                    return None
            continue
        out = []
        for row in rows:
            values = quick(row, spec) if type(row) is dict else None
            if values is None or values.get("id") is None:
                return None
            out.append(values)
        tables[kind] = out
    valid = s.quick_checker(s.HISTORY)
    for values in tables["action"]:
        entries = values["history"]
        if type(entries) is not list:
            return None
        for entry in entries:
            if (type(entry) is not dict or valid is None or valid(entry) is None
                    or entry.get("date") is None):
                return None
    approved = top["approved"]
    if approved is not None:
        checked = quick(approved, s.APPROVED) if type(approved) is dict else None
        if checked is None:
            return None
        rows = checked["action"] if isinstance(checked["action"], list) else []
        for row in rows:
            if type(row) is not dict or not s.quick_valid(row, s.FROZEN_ACTION):
                return None
    return cache.entry_of(stat, key, _meeting_row(mid, top), [
        _action_row(values, index) for index, values in enumerate(tables["action"])],
        tuple(sorted({item["feedback_date"].toordinal() for item in tables["item"]
                      if item["asks_input"] and item["feedback_date"] is not None})))


def _meeting_row(mid: str, top: dict[str, Any]) -> tuple[Any, ...]:
    """cache._meeting_row of the meeting built from these values."""
    values = {"id": mid, "date": top["date"].toordinal(), "time": top["time"],
              "length": top["length"], "status": top["status"]}
    return tuple(values[name] for name in cache.MEETING_FIELDS)


def _action_row(values: dict[str, Any], index: int) -> tuple[Any, ...]:
    """cache._action_row of the action built from these values."""
    due = values["due"]
    row = {"local_id": values["id"], "title": values["title"], "owner": values["owner"],
           "co_owners": tuple(values["with"]), "due": due.toordinal() if due else 0,
           "theme": values["theme"], "status": values["status"], "closed": values["closed"],
           "item": values["item"], "section": index}
    return tuple(row[name] for name in cache.ACTION_FIELDS)


# -- and back: the light records of an entry ----------------------------------------------------

def light_meeting(path: Path, entry: tuple[Any, ...], *, with_actions: bool = True,
                  ) -> Meeting:
    """The meeting of a whole entry (cache.whole), with its actions (unless with_actions is
    False) and without the rest (items, notes, decisions, compensation, action histories)."""
    import datetime as dt

    from kwartaal.core import model as m

    meeting = dict(zip(cache.MEETING_FIELDS, entry[cache.MEETING], strict=True))
    mid = meeting["id"]
    rows = cache.all_rows(entry, entry[cache.CLOSED]) if with_actions else []
    built = build_actions(path, mid, rows)
    return m.Meeting(mid, dt.date.fromordinal(meeting["date"]), meeting["time"],
                     meeting["length"], "", "", "", meeting["status"], "", "", [], [], [], [], [],
                     None, None, None, [], [], [], built, [], m.Source(path))


def build_actions(path: Path, mid: str, rows: Any) -> list[Action]:
    """The actions of these rows of an entry, as records (without their histories)."""
    import datetime as dt

    from kwartaal.core import model as m

    local, title, owner, co_owners, due, theme, status, closed, item, section = (
        cache.ACTION_AT[name] for name in ("local_id", "title", "owner", "co_owners", "due",
                                           "theme", "status", "closed", "item", "section"))
    # In the order of m.Action's fields: a call by keyword would double the time of a load.
    return [m.Action(f"{mid}/{row[local]}", row[local], mid, row[title], row[owner],
                     list(row[co_owners]), dt.date.fromordinal(row[due]) if row[due] else None,
                     row[theme], row[status], row[closed], row[item], [],
                     m.Source(path, ("action", row[section])))
            for row in rows]
