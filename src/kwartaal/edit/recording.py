"""Recording a meeting: replies before it, attendance and its status (notes and decisions:
edit/notes.py; compensation: edit/payments.py).

Each function edits the meeting's file in place and returns the Change; edit.pipeline
commits it.
"""

from __future__ import annotations

import datetime as dt

from kwartaal.core import model as m
from kwartaal.core.distribution import has_left
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.core.words import Status
from kwartaal.edit.actions import require_meeting, require_person
from kwartaal.edit.change import Change
from kwartaal.files import store

ATTENDANCE = ("present", "excused", "absent")
# Replies before the meeting (RSVP): kept apart from the attendance recorded once it is held.
REPLIES = ("expected", "declined")


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


def record_reply(body: m.Body, meeting_id: str, people: list[str], answer: str) -> Change:
    """Record who replied that they will come (expected) or not (declined), before the
    meeting: a planned meeting only. A new reply replaces the person's earlier one."""
    meeting = require_meeting(body, meeting_id)
    for pid in people:
        require_person(body, pid)
    if answer not in REPLIES:
        raise KwartaalError(msg("choose --expected or --declined"))
    if meeting.status == "cancelled":
        raise KwartaalError(msg(
            "meeting {id} is cancelled; there is nothing to reply to", id=meeting.id))
    if meeting.status != "planned":
        raise KwartaalError(msg(
            "meeting {id} was held; a reply is for a meeting still to come. Record who came "
            "with 'kwartaal attend {id} PERSON --present' (or --excused, --absent)",
            id=meeting.id))
    gone = [pid for pid in people if has_left(body.people[pid], meeting.date)]
    if gone:
        raise KwartaalError(msg(
            "{people} left the body before meeting {id}; a reply is for those who stay",
            people=", ".join(gone), id=meeting.id))
    lists = {key: [pid for pid in getattr(meeting, key) if pid not in people]
             for key in REPLIES}
    lists[answer].extend(dict.fromkeys(people))
    if all(lists[key] == list(getattr(meeting, key)) for key in REPLIES):
        raise KwartaalError(msg(
            "meeting {id} already has that reply of {people}; nothing was changed",
            id=meeting.id, people=", ".join(people)))
    with store.edit(meeting.src.path) as doc:
        for key in REPLIES:
            if lists[key] != list(getattr(meeting, key)):
                if lists[key]:
                    doc[key] = lists[key]
                elif key in doc:
                    del doc[key]
    return Change([meeting.src.path], f"meeting {meeting.id}: {answer} {', '.join(people)}",
                  summary=msg("meeting {id}: reply '{answer}' recorded for {people}",
                              id=meeting.id, answer=Status(answer),
                              people=", ".join(people)))


def declined_unrecorded(meeting: m.Meeting) -> list[str]:
    """Who declined and is recorded in no attendance list: excused, once the meeting is held."""
    recorded = {*meeting.present, *meeting.excused, *meeting.absent, *meeting.online}
    return [pid for pid in meeting.declined if pid not in recorded]


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
    # Held: whoever declined beforehand sent apologies, unless recorded otherwise already.
    apologies = declined_unrecorded(meeting) if status == "held" and \
        meeting.status == "planned" else []
    with store.edit(meeting.src.path) as doc:
        doc["status"] = status
        if date_key:
            doc[date_key] = when or today
        if apologies:
            doc["excused"] = [*meeting.excused, *apologies]
    change = Change([meeting.src.path], f"meeting {meeting.id}: {status}",
                    summary=msg("meeting {id}: {status}", id=meeting.id, status=Status(status)))
    if apologies:
        change.notes.append(msg(
            "recorded as excused, since they declined: {people}; correct it with 'kwartaal "
            "attend {id} PERSON --present' (or --absent)", people=", ".join(apologies),
            id=meeting.id))
    return change


