"""Changing actions: add, start, done, drop, update, hand over. Each edit appends a dated
history entry and rewrites only the action's own lines (tomlkit keeps everything else)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.dates import parse_iso, relative_date
from kwartaal.core.fields import toml_table
from kwartaal.core.problems import KwartaalError, hints, msg
from kwartaal.core.rules import home_meeting, next_meeting_date
from kwartaal.edit.change import Change
from kwartaal.files import store

WORDS = {
    "created": ("created", "aangemaakt"),
    "started": ("started", "gestart"),
    "done": ("done", "afgerond"),
    "dropped": ("dropped", "vervallen"),
    "due": ("due date moved from {old} to {new}", "deadline verzet van {old} naar {new}"),
    "note": ("note", "notitie"),
    "handover": ("handed over from {old} to {new}", "overgedragen van {old} aan {new}"),
}


def _word(key: str, lang: str, **params: object) -> str:
    en, nl = WORDS[key]
    return (nl if lang == "nl" else en).format(**params)


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
            hint = {"hint_en": f" (did you mean {' or '.join(fits[:3])}?)",
                    "hint_nl": f" (bedoelde je {' of '.join(fits[:3])}?)"}
    raise KwartaalError(msg(
        "no action '{id}'{hint_en}; an action id is its meeting and its own id, like "
        "2026-03-12/a-7kq2 or 2025-06-12/a3 (see 'kwartaal actions --status all')",
        "geen actie '{id}'{hint_nl}; een actie-id is de vergadering plus het eigen id, zoals "
        "2026-03-12/a-7kq2 of 2025-06-12/a3 (zie 'kwartaal actions --status all')",
        id=action_id, **hint))


def require_person(body: m.Body, pid: str, what: str = "person") -> None:
    if pid not in body.people:
        raise KwartaalError(msg(
            "unknown {what} '{id}'{hint_en}; known: {known}",
            "onbekende {what} '{id}'{hint_nl}; bekend: {known}",
            what=what, id=pid, known=", ".join(body.people), **hints(pid, body.people)))


def require_theme(body: m.Body, theme: str) -> None:
    if theme and theme not in body.config.themes:
        raise KwartaalError(msg(
            "unknown theme '{t}'{hint_en}; choose one of: {known}",
            "onbekend thema '{t}'{hint_nl}; kies uit: {known}", t=theme,
            known=", ".join(body.config.themes) or "-", **hints(theme, body.config.themes)))


def require_meeting(body: m.Body, meeting_id: str) -> m.Meeting:
    meeting = body.meeting(meeting_id)
    if meeting is None:
        known = [mt.id for mt in body.meetings]
        raise KwartaalError(msg(
            "no meeting '{id}'{hint_en}; meetings: {known}",
            "geen vergadering '{id}'{hint_nl}; vergaderingen: {known}",
            id=meeting_id, known=", ".join(known) or "-", **hints(meeting_id, known)))
    return meeting


def load_for_action(root: Path, action_id: str | None) -> m.Body:
    """The body an edit of one existing action needs: only its own meeting's file (plus
    settings and people), so that its cost does not grow with the number of meetings; the
    whole body when the id names no meeting or matches nothing there (the whole body gives
    the best did-you-mean)."""
    from kwartaal.files.loader import load_checked, load_meetings

    if action_id and "/" in action_id:
        body = load_meetings(root, [action_id.split("/", 1)[0]])
        if any(a.id.startswith(action_id) for a in body.all_actions()):  # id or prefix
            return body
    return load_checked(root)


def parse_due(body: m.Body, value: str, today: dt.date) -> dt.date:
    """A due date: YYYY-MM-DD, +10d / +4w / +2m from today, or next-meeting."""
    if value.strip() == "next-meeting":
        found = next_meeting_date(body, today)
        if found is None:
            raise KwartaalError(msg(
                "no next meeting is planned and the cadence gives no date; give --due a date",
                "er is geen volgende vergadering gepland en de cadans geeft geen datum; "
                "geef --due een datum"))
        return found
    relative = relative_date(value, today)
    if relative is not None:
        return relative
    return parse_iso(value, "--due")


def next_local_id(meeting: m.Meeting, kind: str) -> str:
    """A new record's id: random, not numbered, so that clones never pick the same one."""
    from kwartaal.core.ids import new_local_id, taken

    return new_local_id(kind, taken(meeting))


def history_entry(today: dt.date, by: str, what: str) -> dict[str, Any]:
    return toml_table(m.HistoryEntry, date=today, by=by or None, what=what)


def add_action(body: m.Body, *, title: str, owner: str, co_owners: list[str], due: str,
               theme: str, meeting_id: str | None, closed: bool, by: str, today: dt.date,
               lang: str, item: str = "") -> Change:
    if not title.strip():
        raise KwartaalError(msg("the title is empty", "de titel is leeg"))
    require_person(body, owner, "owner")
    for pid in co_owners:
        require_person(body, pid)
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
                "'kwartaal meeting new' or give --meeting",
                "er is nog geen vergadering om de actie aan te koppelen; plan er een met "
                "'kwartaal meeting new' of geef --meeting"))
        meeting = found
    due_date = parse_due(body, due, today)
    if due_date < meeting.date:
        raise KwartaalError(msg(
            "due date {due} is before meeting {meeting} that the action belongs to",
            "deadline {due} ligt vóór vergadering {meeting} waar de actie bij hoort",
            due=due_date, meeting=meeting.id))
    if item:
        from kwartaal.core.ids import item_ref

        item = item_ref(body, meeting, item, elsewhere=True)
    local = next_local_id(meeting, "action")
    values = toml_table(m.Action, local_id=local, title=title.strip(), owner=owner,
                        co_owners=co_owners or None, due=due_date, theme=theme or None,
                        status="open", closed=True if closed else None, item=item or None,
                        history=[history_entry(today, by, _word("created", lang))])
    store.append_table(meeting.src.path, "action", values, array=True)
    action_id = f"{meeting.id}/{local}"
    return Change([meeting.src.path], f"action {action_id}: add — {title.strip()}", id=action_id)


def _edit(action: m.Action, apply: Any) -> None:
    """Open the action's file, find its table and let apply change it."""
    with store.edit(action.src.path) as doc:
        tables = doc.get("action") or []
        for table in tables:
            if str(table.get("id")) == action.local_id:
                apply(table)
                return
    raise KwartaalError(msg("action {id} vanished from its file", "actie {id} is verdwenen",
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
    action = find_action(body, action_id)
    if by:
        require_person(body, by)
    allowed = {"in-progress": ("open",), "done": ("open", "in-progress"),
               "dropped": ("open", "in-progress")}[status]
    if action.status not in allowed:
        raise KwartaalError(msg(
            "action {id} is '{current}'; it cannot become '{new}'{tip_en}",
            "actie {id} staat op '{current}'; die kan niet '{new}' worden{tip_nl}",
            id=action.id, current=action.status, new=status,
            tip_en=" (record a new action instead)" if action.status == "dropped" else "",
            tip_nl=" (maak liever een nieuwe actie)" if action.status == "dropped" else ""))
    word = {"in-progress": "started", "done": "done", "dropped": "dropped"}[status]
    what = _word(word, lang) + (f": {note.strip()}" if note.strip() else "")

    def apply(table: Any) -> None:
        table["status"] = status
        _append_history(table, history_entry(today, by, what))

    _edit(action, apply)
    label = {"in-progress": "start", "done": "done", "dropped": "drop"}[status]
    suffix = f" — {note.strip()}" if note.strip() else ""
    return Change([action.src.path], f"action {action.id}: {label}{suffix}", id=action.id)


def update_action(body: m.Body, action_id: str, *, due: str | None, note: str, by: str,
                  today: dt.date, lang: str) -> Change:
    action = find_action(body, action_id)
    if by:
        require_person(body, by)
    if not due and not note.strip():
        raise KwartaalError(msg("give --due, --note or both", "geef --due, --note of beide"))
    meeting = body.meeting(action.meeting)
    parts: list[str] = []
    new_due: dt.date | None = None
    if due:
        new_due = parse_due(body, due, today)
        if meeting is not None and new_due < meeting.date:
            raise KwartaalError(msg(
                "due date {due} is before meeting {meeting} that the action belongs to",
                "deadline {due} ligt vóór vergadering {meeting} waar de actie bij hoort",
                due=new_due, meeting=meeting.id))
        parts.append(_word("due", lang, old=action.due, new=new_due))
    if note.strip():
        parts.append(note.strip() if parts else f"{_word('note', lang)}: {note.strip()}")
    what = ": ".join(parts)

    def apply(table: Any) -> None:
        if new_due is not None:
            table["due"] = new_due
        _append_history(table, history_entry(today, by, what))

    _edit(action, apply)
    summary = f"due {new_due}" if new_due else "note"
    if note.strip():
        summary += f" — {note.strip()}"
    return Change([action.src.path], f"action {action.id}: {summary}", id=action.id)


def handover(body: m.Body, action_id: str, *, to: str, note: str, by: str, today: dt.date,
             lang: str) -> Change:
    action = find_action(body, action_id)
    require_person(body, to)
    if by:
        require_person(body, by)
    if to == action.owner:
        raise KwartaalError(msg("{to} already owns action {id}", "{to} is al eigenaar van {id}",
                                to=to, id=action.id))
    if not action.is_open:
        raise KwartaalError(msg(
            "action {id} is '{status}'; only open actions are handed over",
            "actie {id} staat op '{status}'; alleen lopende acties worden overgedragen",
            id=action.id, status=action.status))
    what = _word("handover", lang, old=action.owner, new=to)
    if note.strip():
        what += f": {note.strip()}"
    old = action.owner

    def apply(table: Any) -> None:
        table["owner"] = to
        co = table.get("with")
        if co is not None and to in [str(x) for x in co]:
            index = [str(x) for x in co].index(to)
            del co[index]
        _append_history(table, history_entry(today, by, what))

    _edit(action, apply)
    suffix = f" — {note.strip()}" if note.strip() else ""
    return Change([action.src.path], f"action {action.id}: handover {old} → {to}{suffix}",
                  id=action.id)
