"""Recording what was done with input the group asked for: `feedback` and `feedback_date` on
the item or note that asked, with who recorded it, in one commit. Giving it again corrects
it; clearing it takes it off again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.events import with_event
from kwartaal.core.ids import pick
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.edit.actions import require_meeting, require_person
from kwartaal.edit.change import Change
from kwartaal.files import store

KEYS = ("feedback", "feedback_date", "feedback_by")


def find_asking(body: m.Body, meeting_id: str, ref: str) -> tuple[m.Meeting, str, Any]:
    """The item or note of this meeting that ref names: a note's id (n2, n-7kq2), or an item
    as the item commands take it (its number on the internal agenda, its id)."""
    from kwartaal.edit.items import find_item

    meeting = require_meeting(body, meeting_id)
    note = pick(meeting, "note", ref.strip())
    if note is not None:
        return meeting, "note", note
    _, item = find_item(body, meeting_id, ref.strip())
    return meeting, "item", item


def _mark_command(meeting: m.Meeting, kind: str, record: Any) -> str:
    return f"kwartaal {kind} set {meeting.id} {record.local_id} --asks-input"


def give_feedback(body: m.Body, meeting_id: str, ref: str, text: str | None, *, clear: bool,
                  by: str, today: dt.date) -> Change:
    """Record (or correct, or with clear remove) the feedback on input asked at a meeting."""
    meeting, kind, record = find_asking(body, meeting_id, ref)
    if not record.asks_input:
        command = _mark_command(meeting, kind, record)
        raise KwartaalError(msg(
            "item {id} did not ask for input, so there is no feedback to give; if the group "
            "asked for input there, mark it first: {command}", id=record.id, command=command)
            if kind == "item" else msg(
            "note {id} did not ask for input, so there is no feedback to give; if the group "
            "asked for input there, mark it first: {command}", id=record.id, command=command))
    if meeting.status in m.NOT_HELD:
        raise KwartaalError(msg(
            "meeting {id} has not been held; input is asked at the meeting, and the feedback "
            "on it is given afterwards", id=meeting.id))
    if by:
        require_person(body, by)
    if clear:
        if text is not None:
            raise KwartaalError(msg("give the feedback's text or --clear, not both"))
        if not record.feedback:
            raise KwartaalError(msg("{id} has no feedback to clear", id=record.id))
        values: dict[str, Any] = {}
    else:
        if text is None or not text.strip():
            raise KwartaalError(msg("the feedback is empty; say what was done with the input"))
        if text.strip() == record.feedback:
            raise KwartaalError(msg("{id} already reads so; nothing was changed", id=record.id))
        values = {"feedback": text.strip(), "feedback_date": today, "feedback_by": by}
    with store.edit(record.src.path) as doc:
        for table in doc.get(kind) or []:
            if str(table.get("id")) == record.local_id:
                for key in KEYS:
                    if values.get(key):
                        table[key] = values[key]
                    elif key in table:
                        del table[key]
                break
        else:
            raise KwartaalError(msg("{id} vanished from its file", id=record.id))
    if clear:
        return Change([record.src.path], f"feedback {record.id}: cleared", id=record.id,
                      summary=msg("cleared the feedback on {id}", id=record.id))
    word = "corrected" if record.feedback else "given"
    return Change([record.src.path],
                  with_event(f"feedback {record.id}: {word} — {text.strip()[:60]}",
                             "feedback-given", record.id),
                  id=record.id, summary=msg("recorded the feedback on {id}", id=record.id))
