"""Approving minutes: the approval date and, with it, what the minutes said ([approved] in the
meeting's file), so that approved minutes stay as they were approved (documents/frozen.py)."""

from __future__ import annotations

import datetime as dt

from kwartaal.core import model as m
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.documents.frozen import as_table, freeze
from kwartaal.edit.actions import require_meeting
from kwartaal.edit.change import Change
from kwartaal.edit.recording import set_meeting_status
from kwartaal.files import store

APPROVED = ("minutes-approved", "published")


def approve_minutes(body: m.Body, meeting_id: str, today: dt.date, *, when: dt.date | None,
                    force: bool) -> Change:
    """Record that the minutes were approved on when (default today), normally at the next
    meeting, and freeze them as they are now. Approving again needs force: it freezes them
    anew, as they are then."""
    meeting = require_meeting(body, meeting_id)
    when = when or today
    if when > today:
        raise KwartaalError(msg(
            "--date {date} is still to come; minutes are approved on the day it happens",
            date=when))
    if meeting.status != "planned" and when < meeting.date:
        raise KwartaalError(msg(
            "--date {date} is before the meeting of {id}; its minutes cannot have been "
            "approved then", date=when, id=meeting.id))
    if meeting.status in APPROVED and not force:
        approved = meeting.approved.date if meeting.approved else meeting.minutes_approved
        raise KwartaalError(msg(
            "the minutes of {id} were already approved on {date}; nothing was changed. Pass "
            "--force to approve them again as they are now",
            id=meeting.id, date=approved or "?"))
    snapshot = freeze(body, meeting, when)
    change = set_meeting_status(body, meeting_id, "minutes-approved", today,
                                date_key="minutes_approved", when=when, force=force)
    with store.edit(meeting.src.path) as doc:
        if "approved" in doc:
            del doc["approved"]
        doc["approved"] = as_table(snapshot)
    change.message = f"minutes {meeting_id}: approved {when}"
    change.summary = msg("minutes of {id} approved on {date}", id=meeting_id, date=when)
    return change
