"""Feedback on input: what the group did with the input it asked for.

An agenda item or a note can be marked `asks_input = true`: at that meeting the group asked
the participants for their input. People who give input want to hear what was done with it,
so the answer is recorded on the same record (`feedback`, `feedback_date`, `feedback_by`), and
it is due by the next meeting. The agenda, the minutes, the reminders, `check` and the year
report all read it from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kwartaal.core import model as m
from kwartaal.core.facts import asking_notes
from kwartaal.core.outline import next_after

Asking = m.Item | m.Note


@dataclass(frozen=True, slots=True)
class Asked:
    """A record that asked for input at a held meeting, and when feedback on it is due."""

    record: Asking
    kind: str  # "item" or "note"
    meeting: m.Meeting  # where the input was asked
    due: dt.date | None  # the date of the next meeting: feedback is due by then
    due_meeting: m.Meeting | None  # that meeting, when its file exists

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def answered(self) -> bool:
        return bool(self.record.feedback.strip())

    def title(self, lang: str) -> str:
        """An item's title in the language; a note's own text."""
        if isinstance(self.record, m.Item):
            return self.record.title_in(lang)
        return self.record.text


def asked(body: m.Body,
          notes: Callable[[m.Meeting], Iterable[m.Note]] | None = None) -> list[Asked]:
    """Every record that asked for input at a held meeting, in the order of the meetings.
    notes: the notes of a meeting to look at (by default all, when one of them asks for
    input: a meeting read from the parse index knows that without decoding its notes)."""
    notes = notes or asking_notes
    meetings = body.meetings
    in_order = all(a.date <= b.date for a, b in zip(meetings, meetings[1:], strict=False))
    following = _next_not_cancelled(meetings) if in_order else [
        next((mt for mt in meetings if mt.date > meeting.date and mt.status != "cancelled"),
             None) for meeting in meetings]
    found = []
    for meeting, due_meeting in zip(meetings, following, strict=True):
        if meeting.status in m.NOT_HELD:
            continue
        records: list[tuple[str, Asking]] = [
            *(("item", i) for i in meeting.items if i.asks_input and i.on_agenda),
            *(("note", n) for n in notes(meeting) if n.asks_input)]
        if not records:
            continue
        # in date order, the next meeting not cancelled has the earliest later date
        due = due_meeting.date if in_order and due_meeting is not None else \
            next_after(body, meeting)
        found += [Asked(record, kind, meeting, due, due_meeting) for kind, record in records]
    return found


def _next_not_cancelled(meetings: list[m.Meeting]) -> list[m.Meeting | None]:
    """For each meeting of a list in date order (a body's is), the first meeting after it of
    a later date that was not cancelled: one pass from the end."""
    following: list[m.Meeting | None] = [None] * len(meetings)
    after: m.Meeting | None = None
    end = len(meetings)
    while end > 0:
        start = end - 1  # the meetings start..end-1 share a date
        while start > 0 and meetings[start - 1].date == meetings[end - 1].date:
            start -= 1
        for index in range(start, end):
            following[index] = after
        after = next((mt for mt in meetings[start:end] if mt.status != "cancelled"), after)
        end = start
    return following


def is_late(entry: Asked, today: dt.date) -> bool:
    """No feedback yet, while the meeting it was due at has been held or its date passed."""
    if entry.answered:
        return False
    held = entry.due_meeting is not None and entry.due_meeting.status not in m.NOT_HELD
    return held or (entry.due is not None and entry.due < today)


def late_feedback(body: m.Body, today: dt.date) -> list[Asked]:
    return [entry for entry in asked(body) if is_late(entry, today)]


def open_at(body: m.Body, meeting: m.Meeting) -> list[Asked]:
    """The feedback still open when this meeting comes: input asked at an earlier held
    meeting and not answered before this meeting's date."""
    return [entry for entry in asked(body) if entry.meeting.date < meeting.date
            and (not entry.answered or (entry.record.feedback_date is not None
                                        and entry.record.feedback_date >= meeting.date))]


def reported_at(body: m.Body, entry: Asked) -> m.Meeting | None:
    """The meeting whose review of actions reports the feedback: the first held meeting after
    the one that asked, on or after the day the feedback was given."""
    given = entry.record.feedback_date
    if not entry.answered or given is None:
        return None
    for meeting in body.meetings:
        if meeting.status not in m.NOT_HELD and meeting.date > entry.meeting.date \
                and meeting.date >= given:
            return meeting
    return None


def given_at(body: m.Body, meeting: m.Meeting) -> list[Asked]:
    """The feedback that the review of actions of this meeting reports: the entries whose
    reported_at is this meeting. That is the first held meeting of the list with a date after
    the asking meeting's and on or after the feedback's; no held meeting before this one in
    the list qualifies when the latest of their dates does not (both are lower bounds), so
    each entry is judged once, not against every meeting."""
    place = next((index for index, found in enumerate(body.meetings) if found is meeting), None)
    if place is None or meeting.status in m.NOT_HELD:
        return []
    latest = max((found.date for found in body.meetings[:place]
                  if found.status not in m.NOT_HELD), default=None)

    def reports(entry: Asked) -> bool:
        given = entry.record.feedback_date
        if not entry.answered or given is None:
            return False
        if not (meeting.date > entry.meeting.date and meeting.date >= given):
            return False
        return latest is None or not (latest > entry.meeting.date and latest >= given)

    return [entry for entry in asked(body) if reports(entry)]


def given_since(body: m.Body, since: dt.date | None, today: dt.date) -> list[Asked]:
    """Feedback given from since (every date when None) up to today."""
    return [entry for entry in asked(body) if entry.answered
            and entry.record.feedback_date is not None
            and (since is None or entry.record.feedback_date >= since)
            and entry.record.feedback_date <= today]


@dataclass(frozen=True, slots=True)
class GivenFeedback:
    """One answer to input, as the year report lists it."""

    meeting: str  # the meeting where the input was asked
    record: str  # the full id of the item or note
    kind: str  # "item" or "note"
    title: str
    asked: dt.date
    answered: dt.date
    text: str
    closed: bool  # closed itself or under a closed item: never in public output


def feedback_in_year(body: m.Body, year: int, lang: str | None = None) -> list[GivenFeedback]:
    """The feedback given in a year, in the order it was given, with titles in lang (the
    body's language by default). Public output leaves out what is closed."""
    from kwartaal.core.visibility import View

    lang = lang or body.config.language
    return feedback_given(asked(body), year, lang, View(body, lang, public=True).is_closed)


def feedback_given(entries: list[Asked], year: int, lang: str,
                   is_closed: Callable[[Asking], bool]) -> list[GivenFeedback]:
    """feedback_in_year from the body's asked() entries, gathered once for several years."""
    found = [GivenFeedback(meeting=entry.meeting.id, record=entry.id, kind=entry.kind,
                           title=entry.title(lang), asked=entry.meeting.date,
                           answered=entry.record.feedback_date, text=entry.record.feedback,
                           closed=is_closed(entry.record))
             for entry in entries
             if entry.answered and entry.record.feedback_date is not None
             and entry.record.feedback_date.year == year]
    return sorted(found, key=lambda f: (f.answered, f.record))
