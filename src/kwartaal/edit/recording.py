"""Recording a meeting: attendance and its status (notes and decisions: edit/notes.py;
compensation: edit/payments.py).

Each function edits the meeting's file in place and returns the Change; edit.pipeline
commits it.
"""

from __future__ import annotations

import datetime as dt

from kwartaal.core import model as m
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.core.words import Status
from kwartaal.edit.actions import require_meeting, require_person
from kwartaal.edit.change import Change
from kwartaal.files import store

ATTENDANCE = ("present", "excused", "absent")


def attend(body: m.Body, meeting_id: str, people: list[str], status: str,
           online: bool) -> Change:
    meeting = require_meeting(body, meeting_id)
    for pid in people:
        require_person(body, pid)
    if status not in ATTENDANCE:
        raise KwartaalError(msg("choose --present, --excused or --absent"))
    if online and status != "present":
        raise KwartaalError(msg("--online goes with --present"))
    lists = {key: list(getattr(meeting, key)) for key in (*ATTENDANCE, "online")}
    for pid in people:
        for key in (*ATTENDANCE, "online"):
            if pid in lists[key]:
                lists[key].remove(pid)
        lists[status].append(pid)
        if online:
            lists["online"].append(pid)
    with store.edit(meeting.src.path) as doc:
        for key in (*ATTENDANCE, "online"):
            if lists[key] != list(getattr(meeting, key)) or (key in ATTENDANCE and key not in doc):
                if key == "online" and not lists[key] and "online" not in doc:
                    continue
                doc[key] = lists[key]
    return Change([meeting.src.path], f"meeting {meeting.id}: {status}"
                  f"{' online' if online else ''} {', '.join(people)}",
                  summary=msg("meeting {id}: attendance recorded for {people}", id=meeting.id,
                              people=", ".join(people)))


def set_meeting_status(body: m.Body, meeting_id: str, status: str, today: dt.date, *,
                       date_key: str | None = None, when: dt.date | None = None,
                       force: bool = False) -> Change:
    """Move a meeting along planned → held → minutes-draft → minutes-approved → published."""
    meeting = require_meeting(body, meeting_id)
    order = list(m.MEETING_STATUSES)
    if status != "held" and meeting.status == "planned":
        raise KwartaalError(msg(
            "meeting {id} has not been held yet; record it first with 'kwartaal meeting held "
            "{id}'", id=meeting.id))
    if status == "held" and meeting.date > today and not force:
        raise KwartaalError(msg(
            "meeting {id} is on {date}, still to come", id=meeting.id, date=meeting.date))
    if order.index(status) < order.index(meeting.status) and not force:
        raise KwartaalError(msg(
            "meeting {id} is already '{current}'; pass --force to move it back to '{new}'",
            id=meeting.id, current=Status(meeting.status), new=Status(status)))
    with store.edit(meeting.src.path) as doc:
        doc["status"] = status
        if date_key:
            doc[date_key] = when or today
    return Change([meeting.src.path], f"meeting {meeting.id}: {status}",
                  summary=msg("meeting {id}: {status}", id=meeting.id, status=Status(status)))


def approve_minutes(body: m.Body, meeting_id: str, today: dt.date, *, when: dt.date | None,
                    force: bool) -> Change:
    """Record that the minutes were approved on when (default today), normally at the next
    meeting."""
    when = when or today
    change = set_meeting_status(body, meeting_id, "minutes-approved", today,
                                date_key="minutes_approved", when=when, force=force)
    change.message = f"minutes {meeting_id}: approved {when}"
    change.summary = msg("minutes of {id} approved on {date}", id=meeting_id, date=when)
    return change
