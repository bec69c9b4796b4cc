"""Approved minutes are frozen: what they said is stored with the meeting ([approved]) when
they are approved, and shown from there afterwards, whatever happens to the actions later.

What is stored are records as they stood (ids, titles, owner ids, due dates, statuses, the
attendance lists), never rendered text: who may be named, and what is closed, is still decided
each time the minutes are shown, so a person who later becomes role-only is not named in a
later public rendering, and an action closed later is not shown in public either.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import snapshot as snap
from kwartaal.core.fields import declared, record_table
from kwartaal.core.outline import next_after, previous_held
from kwartaal.core.visibility import meeting_of

# Statuses whose minutes are shown from their snapshot; moved back to a draft, they are live.
FROZEN_STATUSES = ("minutes-approved", "published")


@dataclass(slots=True)
class Contents:
    """The parts of the minutes that depend on more than the meeting's own notes and
    decisions: from the snapshot when approved, else from the body as it is now."""

    meeting: m.Meeting  # with the attendance, chair and secretary to show
    actions: list[m.Action]  # made at this meeting
    review: list[m.Action]  # earlier actions open on the meeting's date
    next_meeting: dt.date | None
    previous_approved: dt.date | None  # the previous meeting whose minutes were approved here
    frozen: bool


def open_at(body: m.Body, meeting: m.Meeting) -> list[m.Action]:
    """Actions made before the meeting that were still open on its date."""
    found = []
    # open, or finished at or after this meeting: open on its date
    for action in body.actions_open_on(meeting.date, made_before=True):
        origin = body.meeting(action.meeting)
        if origin is None or origin.date >= meeting.date:
            continue
        found.append(action)
    return sorted(found, key=lambda a: (a.due or dt.date.max, a.id))


def previous_approved_here(body: m.Body, meeting: m.Meeting) -> dt.date | None:
    """The date of the previous held meeting when its minutes were approved at this one."""
    previous = previous_held(body, meeting)
    if previous is not None and previous.minutes_approved == meeting.date:
        return previous.date
    return None


def live(body: m.Body, meeting: m.Meeting) -> Contents:
    return Contents(meeting, list(meeting.actions), open_at(body, meeting),
                    next_after(body, meeting), previous_approved_here(body, meeting), False)


def contents(body: m.Body, meeting: m.Meeting) -> Contents:
    snapshot = meeting.approved
    if snapshot is None or meeting.status not in FROZEN_STATUSES:
        return live(body, meeting)
    current = {a.id: a for a in body.all_actions()}
    shown = dataclasses.replace(
        meeting, chair=snapshot.chair, co_chair=snapshot.co_chair, secretary=snapshot.secretary,
        present=list(snapshot.present), excused=list(snapshot.excused),
        absent=list(snapshot.absent), online=list(snapshot.online))
    made = [_action(f, current.get(f.id), meeting) for f in snapshot.actions if not f.review]
    review = [_action(f, current.get(f.id), meeting) for f in snapshot.actions if f.review]
    return Contents(shown, made, review, snapshot.next_meeting, snapshot.previous_approved,
                    True)


def _action(frozen: snap.FrozenAction, now: m.Action | None, meeting: m.Meeting) -> m.Action:
    """The action as it stood, as a record the minutes show like any other. Closed now counts
    too: privacy wins over the snapshot."""
    return m.Action(
        id=frozen.id, local_id=frozen.id.rsplit("/", 1)[-1], meeting=meeting_of(frozen.id),
        title=frozen.title, owner=frozen.owner, co_owners=list(frozen.co_owners),
        due=frozen.due, theme=now.theme if now is not None else "", status=frozen.status,
        closed=frozen.closed or (now is not None and now.closed), item=frozen.item,
        history=[], src=now.src if now is not None else meeting.src)


def freeze(body: m.Body, meeting: m.Meeting, when: dt.date) -> snap.Approved:
    """The snapshot of the minutes as they are now, to be stored as approved on when."""
    now = live(body, meeting)

    def frozen(action: m.Action, review: bool) -> snap.FrozenAction:
        return snap.FrozenAction(id=action.id, title=action.title, owner=action.owner,
                              co_owners=list(action.co_owners), due=action.due,
                              status=action.status, closed=action.closed, item=action.item,
                              review=review)

    return snap.Approved(
        date=when, chair=meeting.chair, co_chair=meeting.co_chair, secretary=meeting.secretary,
        present=list(meeting.present), excused=list(meeting.excused),
        absent=list(meeting.absent), online=list(meeting.online),
        next_meeting=now.next_meeting, previous_approved=now.previous_approved,
        actions=[*(frozen(a, False) for a in now.actions),
                 *(frozen(a, True) for a in now.review)],
        said=snap.said(meeting))


def as_table(snapshot: snap.Approved) -> dict[str, Any]:
    """The snapshot as the [approved] table: optional keys left out when empty or false."""
    def kept(record: Any) -> dict[str, Any]:
        required = {decl.key for decl in declared(type(record)) if decl.required}
        return {k: v for k, v in record_table(record).items()
                if k in required or v not in ("", [], False)}

    table = kept(snapshot)
    table.pop("action", None)
    if snapshot.actions:
        table["action"] = [kept(a) for a in snapshot.actions]
    return table
