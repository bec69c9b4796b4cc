"""Changing actions: add, start, done, drop, update, hand over. Each edit appends a dated
history entry and rewrites only the action's own lines (tomlkit keeps everything else)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.dates import parse_iso, relative_date
from kwartaal.core.events import history_word
from kwartaal.core.fields import toml_table
from kwartaal.core.problems import Joined, KwartaalError, Msg, hints, msg
from kwartaal.core.rules import home_meeting, next_meeting_date, require_meeting
from kwartaal.core.words import Status
from kwartaal.edit.change import Change
from kwartaal.files import store


def find_action(body: m.Body, action_id: str) -> m.Action:
    """By full id, or by meeting and a prefix of the local id (`2025-09-11/a-7k`)."""
    from kwartaal.core.ids import find, match

    found: m.Action | None = find(body, action_id, "action")
    if found is not None:
        return found
    known = [a.id for a in body.all_actions()]
    hint = hints(action_id, known)
    if "/" not in action_id:  # the meeting left out: say where such an action is
        fits = [a.id for mt in body.meetings for a in match(mt.actions, action_id)]
        if fits:
            hint = {"hint": msg(" (did you mean {ids}?)", ids=Joined(tuple(fits[:3]),
                                                                    msg(" or ")))}
    raise KwartaalError(msg(
        "no action '{id}'{hint}; an action id is its meeting and its own id, like "
        "2026-03-12/a-7kq2 or 2025-06-12/a3 (see 'kwartaal actions --status all')",
        id=action_id, **hint))


def require_person(body: m.Body, pid: str, what: Msg | None = None) -> None:
    if pid not in body.people:
        raise KwartaalError(msg(
            "unknown {what} '{id}'{hint}; known: {known}",
            what=what or msg("person"), id=pid, known=", ".join(body.people),
            **hints(pid, body.people)))


def require_staying(body: m.Body, pid: str, today: dt.date) -> None:
    """Refuse to give work to someone who has left."""
    left = body.people[pid].left
    if left is not None and left <= today:
        raise KwartaalError(msg("{id} left on {date}; give the action to someone who stays",
                                id=pid, date=left))


def require_theme(body: m.Body, theme: str) -> None:
    if theme and theme not in body.config.themes:
        raise KwartaalError(msg(
            "unknown theme '{t}'{hint}; choose one of: {known}",
            t=theme,
            known=", ".join(body.config.themes) or "-", **hints(theme, body.config.themes)))


def load_for_action(root: Path, action_id: str | None) -> m.Body:
    """The body an edit of one existing action needs: only its own meeting's file (plus
    settings and people), so that its cost does not grow with the number of meetings; the
    whole body when the id names no meeting or matches nothing there (the whole body gives
    the best did-you-mean)."""
    from kwartaal.files.loader import load_checked
    from kwartaal.files.scope import load_scoped

    if action_id and "/" in action_id:
        body = load_scoped(root)  # other meetings read only when asked for (files/scope.py)
        meeting = body.meeting(action_id.split("/", 1)[0])
        if meeting is not None and any(a.id.startswith(action_id) for a in meeting.actions):
            return body
    return load_checked(root)


def parse_due(body: m.Body, value: str, today: dt.date) -> dt.date:
    """A due date: YYYY-MM-DD, +10d / +4w / +2m from today, or next-meeting."""
    if value.strip() == "next-meeting":
        found = next_meeting_date(body, today)
        if found is None:
            raise KwartaalError(msg(
                "no next meeting is planned and the cadence gives no date; give --due a date"))
        return found
    relative = relative_date(value, today)
    if relative is not None:
        return relative
    return parse_iso(value, "--due")


def next_local_id(meeting: m.Meeting, kind: str) -> str:
    """A new record's id: random, not numbered, so that clones never pick the same one."""
    from kwartaal.core.ids import new_local_id, taken

    return new_local_id(kind, taken(meeting))


def history_entry(today: dt.date, by: str, kind: str, what: str) -> dict[str, Any]:
    """One history entry: its kind for machines, its words (in the body's language) for
    people."""
    return toml_table(m.HistoryEntry, date=today, by=by or None, kind=kind, what=what)


def add_action(body: m.Body, *, title: str, owner: str, co_owners: list[str], due: str,
               theme: str, meeting_id: str | None, closed: bool, by: str, today: dt.date,
               lang: str, item: str = "") -> Change:
    if not title.strip():
        raise KwartaalError(msg("the title is empty"))
    require_person(body, owner, msg("owner"))
    for pid in co_owners:
        require_person(body, pid)
    for pid in (owner, *co_owners):
        require_staying(body, pid, today)
    if by:
        require_person(body, by)
    require_theme(body, theme)
    if meeting_id:
        meeting = require_meeting(body, meeting_id)
    else:
        found = home_meeting(body, today)
        if found is None:
            raise KwartaalError(msg(
                "there is no meeting yet to attach the action to; plan one with "
                "'kwartaal meeting new' or give --meeting"))
        meeting = found
    due_date = parse_due(body, due, today)
    if due_date < meeting.date:
        raise KwartaalError(msg(
            "due date {due} is before meeting {meeting} that the action belongs to",
            due=due_date, meeting=meeting.id))
    if item:
        from kwartaal.core.ids import item_ref

        item = item_ref(body, meeting, item, elsewhere=True)
    local = next_local_id(meeting, "action")
    values = toml_table(m.Action, local_id=local, title=title.strip(), owner=owner,
                        co_owners=co_owners or None, due=due_date, theme=theme or None,
                        status="open", closed=True if closed else None, item=item or None,
                        history=[history_entry(today, by, "created",
                                                 history_word("created", lang))])
    store.append_table(meeting.src.path, "action", values, array=True)
    action_id = f"{meeting.id}/{local}"
    return Change([meeting.src.path], f"action {action_id}: add — {title.strip()}", id=action_id,
                  summary=msg("added action {id}: {title}", id=action_id, title=title.strip()))


def _edit(action: m.Action, apply: Any) -> None:
    """Open the action's file, find its table and let apply change it."""
    with store.edit(action.src.path) as doc:
        tables = doc.get("action") or []
        for table in tables:
            if str(table.get("id")) == action.local_id:
                apply(table)
                return
    raise KwartaalError(msg("action {id} vanished from its file",
                            id=action.id))


def _append_history(table: Any, entry: dict[str, Any]) -> None:
    import tomlkit
    from tomlkit.items import AoT

    line = store.inline_table(entry)
    history = table.get("history")
    if isinstance(history, AoT):  # written as [[action.history]] tables: add one more
        entry_table = tomlkit.table()
        for key, value in entry.items():
            entry_table[key] = store.toml_value(value)
        history.append(entry_table)
        return
    if history is None:
        array = tomlkit.array()
        array.multiline(True)
        array.append(line)
        table["history"] = array
    elif len(history) and "\n" in history.as_string():
        history.add_line(line, indent="  ")
    else:
        history.append(line)


def set_status(body: m.Body, action_id: str, status: str, *, by: str, today: dt.date, lang: str,
               note: str = "") -> Change:
    moves = {"in-progress": ("open",), "done": ("open", "in-progress"),
             "dropped": ("open", "in-progress")}
    if status not in moves:
        raise KwartaalError(msg("an action's status can be set to {known}, not '{status}'",
                                known=", ".join(moves), status=status))
    action = find_action(body, action_id)
    if by:
        require_person(body, by)
    allowed = moves[status]
    if action.status not in allowed:
        raise KwartaalError(msg(
            "action {id} is '{current}'; it cannot become '{new}'{tip}",
            id=action.id, current=Status(action.status), new=Status(status),
            tip=msg(" (record a new action instead)") if action.status == "dropped" else ""))
    word = {"in-progress": "started", "done": "done", "dropped": "dropped"}[status]
    what = history_word(word, lang) + (f": {note.strip()}" if note.strip() else "")

    def apply(table: Any) -> None:
        table["status"] = status
        _append_history(table, history_entry(today, by, word, what))

    _edit(action, apply)
    label = {"in-progress": "start", "done": "done", "dropped": "drop"}[status]
    suffix = f" — {note.strip()}" if note.strip() else ""
    said = {"in-progress": msg("started action {id}", id=action.id),
            "done": msg("finished action {id}", id=action.id),
            "dropped": msg("dropped action {id}", id=action.id)}[status]
    return Change([action.src.path], f"action {action.id}: {label}{suffix}", id=action.id,
                  summary=said)


def update_action(body: m.Body, action_id: str, *, due: str | None, note: str, by: str,
                  today: dt.date, lang: str) -> Change:
    action = find_action(body, action_id)
    if by:
        require_person(body, by)
    if not due and not note.strip():
        raise KwartaalError(msg("give --due, --note or both"))
    meeting = body.meeting(action.meeting)
    parts: list[str] = []
    new_due: dt.date | None = None
    if due:
        new_due = parse_due(body, due, today)
        if meeting is not None and new_due < meeting.date:
            raise KwartaalError(msg(
                "due date {due} is before meeting {meeting} that the action belongs to",
                due=new_due, meeting=meeting.id))
        parts.append(history_word("moved", lang, old=action.due, new=new_due))
    if note.strip():
        parts.append(note.strip() if parts else f"{history_word('note', lang)}: {note.strip()}")
    what = ": ".join(parts)

    def apply(table: Any) -> None:
        if new_due is not None:
            table["due"] = new_due
        _append_history(table, history_entry(today, by, "moved" if due else "note", what))

    _edit(action, apply)
    summary = f"due {new_due}" if new_due else "note"
    if note.strip():
        summary += f" — {note.strip()}"
    return Change([action.src.path], f"action {action.id}: {summary}", id=action.id,
                  summary=msg("updated action {id}", id=action.id))


def handover(body: m.Body, action_id: str, *, to: str, note: str, by: str, today: dt.date,
             lang: str) -> Change:
    action = find_action(body, action_id)
    require_person(body, to)
    require_staying(body, to, today)
    if by:
        require_person(body, by)
    if to == action.owner:
        raise KwartaalError(msg("{to} already owns action {id}",
                                to=to, id=action.id))
    if not action.is_open:
        raise KwartaalError(msg(
            "action {id} is '{status}'; only open actions are handed over",
            id=action.id, status=Status(action.status)))
    what = history_word("handed-over", lang, old=action.owner, new=to)
    if note.strip():
        what += f": {note.strip()}"
    old = action.owner

    def apply(table: Any) -> None:
        table["owner"] = to
        co = table.get("with")
        if co is not None and to in [str(x) for x in co]:
            index = [str(x) for x in co].index(to)
            del co[index]
        _append_history(table, history_entry(today, by, "handed-over", what))

    _edit(action, apply)
    suffix = f" — {note.strip()}" if note.strip() else ""
    return Change([action.src.path], f"action {action.id}: handover {old} → {to}{suffix}",
                  id=action.id, summary=msg("handed action {id} over from {old} to {new}",
                                            id=action.id, old=old, new=to))


def replace_owner(action: m.Action, old: str, new: str, *, by: str, today: dt.date,
                  lang: str, note: str = "") -> None:
    """Put new in old's place among an action's owners (lead or co-owner), with a history
    entry; new keeps a single place when it already shared the action."""
    what = history_word("handed-over", lang, old=old, new=new)
    if note.strip():
        what += f": {note.strip()}"

    def apply(table: Any) -> None:
        co = table.get("with")
        names = [str(x) for x in co] if co is not None else []
        if str(table.get("owner")) == old:
            table["owner"] = new
            if new in names:
                del co[names.index(new)]
        elif old in names:
            if new in names or str(table.get("owner")) == new:
                del co[names.index(old)]
            else:
                co[names.index(old)] = new
        _append_history(table, history_entry(today, by, "handed-over", what))

    _edit(action, apply)
