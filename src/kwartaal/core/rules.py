"""Rules about time and state: overdue, due soon, the next meeting, carry-over, progress.

Pure functions over records; they decide, they never print.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kwartaal.core import model as m
from kwartaal.core import query
from kwartaal.core.actionfacts import ActionFact
from kwartaal.core.problems import KwartaalError, hints, msg

SOON_DAYS = query.SOON_DAYS


def plain(action: m.Action) -> query.Plain:
    """An action as the shared query sees it (core/query.py)."""
    return (action.id, action.title, action.owners, _due(action), action.status, action.theme,
            action.meeting)


def _due(action: m.Action | ActionFact) -> int:
    return action.due.toordinal() if action.due else 0


def is_overdue(action: m.Action | ActionFact, today: dt.date) -> bool:
    """Due before today and still open or in progress; due today is not overdue."""
    return _overdue_on(action, today.toordinal())


def _overdue_on(action: m.Action | ActionFact, day: int) -> bool:
    """is_overdue, today given as an ordinal."""
    return query.days_overdue(action.status, _due(action), day) > 0


def days_overdue(action: m.Action | ActionFact, today: dt.date) -> int:
    return query.days_overdue(action.status, _due(action), today.toordinal())


def is_due_within(action: m.Action, today: dt.date, days: int) -> bool:
    """Open, not overdue, and due between today and today + days (inclusive)."""
    return query.due_within(action.status, _due(action), today.toordinal(), days)


def last_held(body: m.Body, today: dt.date) -> m.Meeting | None:
    held = [mt for mt in body.meetings if mt.status not in m.NOT_HELD and mt.date <= today]
    return held[-1] if held else None


def next_planned(body: m.Body, today: dt.date) -> m.Meeting | None:
    """The next meeting still to be held; a cancelled one is not."""
    planned = [mt for mt in body.meetings if mt.status == "planned" and mt.date >= today]
    return planned[0] if planned else None


def next_meeting_date(body: m.Body, today: dt.date) -> dt.date | None:
    """The next planned meeting's date, else the next date of the body's cadence."""
    planned = next_planned(body, today)
    if planned is not None:
        return planned.date
    from kwartaal.core.dates import cadence_dates

    after = max([today - dt.timedelta(days=1), *(mt.date for mt in body.meetings)])
    found = cadence_dates(body.config.cadence, after)
    return found[0] if found else None


def home_meeting(body: m.Body, today: dt.date) -> m.Meeting | None:
    """Where an action made between meetings belongs: the last held meeting, else the next."""
    return last_held(body, today) or next_planned(body, today) or (
        body.meetings[-1] if body.meetings else None)


@dataclass(slots=True)
class ThemeProgress:
    key: str
    done: int = 0
    in_progress: int = 0
    open: int = 0
    overdue: int = 0
    dropped: int = 0

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.open + self.dropped

    @property
    def share_done(self) -> float:
        """Done as a share of the actions that still count (dropped ones do not)."""
        counted = self.done + self.in_progress + self.open
        return self.done / counted if counted else 0.0


def progress(body: m.Body, actions: Iterable[m.Action], today: dt.date) -> list[ThemeProgress]:
    """Counts per theme in the configured order; actions without a theme come last."""
    found = Progress(body, today)
    for action in actions:
        found.add(action)
    return found.rows()


class Progress:
    """progress, told one action at a time (add), read once all were told (rows)."""

    def __init__(self, body: m.Body, today: dt.date) -> None:
        self.themes, self.today = body.config.themes, today
        self.day = today.toordinal()
        self.table: dict[str, ThemeProgress] = {k: ThemeProgress(k) for k in self.themes}

    def add(self, action: m.Action | ActionFact) -> None:
        row = self.table.get(action.theme)
        if row is None:
            row = self.table[action.theme] = ThemeProgress(action.theme)
        if action.status == "done":
            row.done += 1
        elif action.status == "dropped":
            row.dropped += 1
        elif action.status == "in-progress":
            row.in_progress += 1
        else:
            row.open += 1
        if _overdue_on(action, self.day):
            row.overdue += 1

    def rows(self) -> list[ThemeProgress]:
        ordered = [self.table[k] for k in self.themes]
        ordered += [row for key, row in self.table.items() if key not in self.themes]
        return ordered


def require_meeting(body: m.Body, meeting_id: str) -> m.Meeting:
    """The meeting with this id, or a refusal that lists the body's meetings (of a body of
    hundreds, a dozen of them), with the closest one when one is close."""
    meeting = body.meeting(meeting_id)
    if meeting is not None:
        return meeting
    known = [mt.id for mt in body.meetings]  # in order of date
    day = _day_of(meeting_id)
    hint = hints(meeting_id, known) if day is None else _nearest_meeting(body, day)
    if len(known) <= LISTED_MEETINGS:
        raise KwartaalError(msg(
            "no meeting '{id}'{hint}; meetings: {known}",
            id=meeting_id, known=", ".join(known) or "-", **hint))
    if day is None:  # not a date: the latest meetings, the ones most often meant
        raise KwartaalError(msg(
            "no meeting '{id}'{hint}; the latest meetings: {near} ({count} in all: "
            "'kwartaal meeting list' shows them)",
            id=meeting_id, near=", ".join(known[-LISTED_MEETINGS:]), count=len(known),
            **hint))
    at = bisect.bisect([mt.date for mt in body.meetings], day)
    start = min(max(0, at - LISTED_MEETINGS // 2), len(known) - LISTED_MEETINGS)
    raise KwartaalError(msg(
        "no meeting '{id}'{hint}; the meetings around it: {near} ({count} in all: "
        "'kwartaal meeting list' shows them)",
        id=meeting_id, near=", ".join(known[start:start + LISTED_MEETINGS]),
        count=len(known), **hint))


def _day_of(meeting_id: str) -> dt.date | None:
    """The date an id that is one means, also with a one-digit month or day (2025-9-11)."""
    found = _DAY.fullmatch(meeting_id.strip())
    try:
        return dt.date(*map(int, found.groups())) if found else None
    except ValueError:
        return None


_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _nearest_meeting(body: m.Body, day: dt.date) -> dict[str, object]:
    """The meeting closest to a date, as the hint, when one is within a month and a half
    ('2050-03-12' is more likely 2050-03-10 than 2550-03-12); else none."""
    near = min(body.meetings, key=lambda mt: (abs((mt.date - day).days), mt.id), default=None)
    if near is None or abs((near.date - day).days) > 45:
        return {"hint": ""}
    return {"hint": msg(" (did you mean '{best}'?)", best=near.id)}


LISTED_MEETINGS = 12  # a refusal names every meeting of a body of at most this many
