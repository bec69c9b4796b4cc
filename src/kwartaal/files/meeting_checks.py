"""The checks of one meeting file: what it says, judged against the people, the settings and
today, and the few facts of other files it asks about (does this item, decision, meeting
exist?), each asked through Known, which records the questions and their answers. The
problems of a file depend on nothing else, so they can be kept per file (checkindex.py) and
used again while the file, the settings, the people, today and those answers are the same.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.dates import clock_warning
from kwartaal.core.lines import line_of
from kwartaal.core.problems import Msg, Problem, hints, msg, msg_later

# Where a problem is: a text, a message, or what makes the message (msg_later). Most records
# have no problem: a message made for each of them cost `check` a twentieth of its time.
Where = str | Msg | Callable[[], Msg]


def place_of(where: Where) -> str | Msg:
    return where() if callable(where) else where


class Checker:
    def __init__(self, body: m.Body, today: dt.date) -> None:
        self.body = body
        self.today = today
        self.problems: list[Problem] = []
        # while one meeting file is checked: where each comparison with today is recorded,
        # so that its problems can be kept from day to day (checkrun.py)
        self.known: Known | None = None

    def before_today(self, day: dt.date) -> bool:
        return self.known.ask("before", day.toordinal()) if self.known is not None \
            else day < self.today

    def after_today(self, day: dt.date) -> bool:
        return self.known.ask("after", day.toordinal()) if self.known is not None \
            else day > self.today

    def add(self, src: m.Source, key: str | None, severity: str, text: str, /,
            **params: object) -> None:
        line = line_of(src.path, src.section, key) if key else src.line
        self.problems.append(Problem(src.path, line, severity, msg(text, **params)))  # type: ignore[arg-type]

    def person(self, src: m.Source, key: str, pid: str, where: Where) -> None:
        if pid and pid not in self.body.people:
            self.add(src, key, "error",
                     "{where}: unknown person '{id}'{hint}; add them with 'kwartaal person add' "
                     "or fix the id",
                     where=place_of(where), id=pid, **hints(pid, self.body.people))

    def theme(self, src: m.Source, key: str, theme: str, where: Where) -> None:
        themes = self.body.config.themes
        if theme and theme not in themes:
            self.add(src, key, "error",
                     "{where}: unknown theme '{theme}'{hint}; known themes: {known}",
                     where=place_of(where), theme=theme, known=", ".join(themes) or "-",
                     **hints(theme, themes))

    def amount(self, src: m.Source, key: str, value: Decimal | None, where: Where) -> None:
        if value is None:
            return
        if value < 0:
            self.add(src, key, "error", "{where}: '{key}' is negative ({value}); amounts are "
                     "zero or more (record a correction as its own line with a note)",
                     where=place_of(where), key=key, value=value)
        elif value != value.quantize(Decimal("0.01")):
            self.add(src, key, "error", "{where}: '{key}' = {value} has more than two decimals",
                     where=place_of(where), key=key, value=value)


class Known:
    """The records of the whole body that one file's checks may refer to; every question asked
    is recorded with its answer, in order. Besides whether an item, a decision or a meeting
    exists: whether an item is closed for public output (closed, core/visibility.py) and the
    theme of an item (theme: a function of the item's full id)."""

    def __init__(self, items: set[str], decisions: set[str], meetings: set[str],
                 closed: set[str] | None = None,
                 theme: Callable[[str], str] | None = None, today: dt.date | None = None,
                 ) -> None:
        self.sets = {"item": items, "decision": decisions, "meeting": meetings,
                     "closed": closed if closed is not None else set()}
        self.theme_of = theme if theme is not None else (lambda ref: "")
        self.today = today.toordinal() if today is not None else 0
        self.asked: list[tuple[str, Any, Any]] = []

    def answer(self, kind: str, ref: Any) -> Any:
        if kind == "theme":
            return self.theme_of(ref)
        if kind == "before":  # a day (its ordinal) before today
            return ref < self.today
        if kind == "after":
            return ref > self.today
        return ref in self.sets[kind]

    def ask(self, kind: str, ref: Any) -> Any:
        answer = self.answer(kind, ref)
        self.asked.append((kind, ref, answer))
        return answer

    def item(self, ref: str) -> bool:
        return self.ask("item", ref)

    def decision(self, ref: str) -> bool:
        return self.ask("decision", ref)

    def meeting(self, ref: str) -> bool:
        return self.ask("meeting", ref)

    def same_answers(self, asked: list[tuple[str, str, Any]] | tuple[Any, ...]) -> bool:
        answer = self.answer
        return all(answer(kind, ref) == given for kind, ref, given in asked)


def check_meeting(c: Checker, meeting: m.Meeting, standing: set[str], known: Known) -> None:
    """Every check of one meeting file (in the order validate has always run them)."""
    body = c.body
    src = meeting.src
    for key in ("chair", "secretary"):
        c.person(src, key, getattr(meeting, key), key)
    attendance: Counter[str] = Counter()
    for key in ("invited", "present", "excused", "absent", "online"):
        for pid in getattr(meeting, key):
            c.person(src, key, pid, key)
        if key in ("present", "excused", "absent"):
            attendance.update(getattr(meeting, key))
    for pid, count in attendance.items():
        if count > 1:
            c.add(src, "present", "error",
                  "'{id}' is listed more than once in present / excused / absent",
                  id=pid)
    for pid in meeting.online:
        if pid not in meeting.present:
            c.add(src, "online", "error", "'{id}' is marked online but not present",
                  id=pid)
    for key in ("expected", "declined"):
        for pid in getattr(meeting, key):
            c.person(src, key, pid, key)
    for pid in set(meeting.expected) & set(meeting.declined):
        c.add(src, "declined", "error", "'{id}' is both expected and declined; keep one "
              "reply with 'kwartaal attend {meeting} {id} --expected' (or --declined)",
              id=pid, meeting=meeting.id)
    if meeting.status == "planned" and c.before_today(meeting.date):
        c.add(src, "status", "warning",
              "meeting {id} is still 'planned' but its date has passed; "
              "record it with 'kwartaal meeting held {id}'",
              id=meeting.id)
    if meeting.status not in m.NOT_HELD and c.after_today(meeting.date):
        # A warning: 'meeting held --force' records exactly this on purpose.
        c.add(src, "status", "warning",
              "meeting {id} is '{status}' but its date {date} is still to come",
              id=meeting.id, status=meeting.status, date=meeting.date)
    warning = clock_warning(meeting.id, meeting.date, meeting.time or body.config.cadence.time)
    if warning is not None:  # the calendar can only guess what was meant
        key = "time" if meeting.time else "date"
        c.problems.append(Problem(src.path, line_of(src.path, src.section, key), "warning",
                                  warning))
    local_ids: Counter[str] = Counter()
    for group in (meeting.items, meeting.notes, meeting.decisions, meeting.actions,
                  meeting.compensation):
        local_ids.update(r.local_id for r in group)
    for group in (meeting.items, meeting.notes, meeting.decisions, meeting.actions,
                  meeting.compensation):
        for record in group:
            if local_ids[record.local_id] > 1:
                c.add(record.src, "id", "error",
                      "duplicate id '{id}' in meeting {meeting}; give the one that was "
                      "not shared yet a new id (and what refers to it)",
                      id=record.local_id, meeting=meeting.id)
    own_items = {i.local_id for i in meeting.items}
    targets = standing | own_items | set(m.FIXED_ITEMS)

    def item_ref(record_src: m.Source, ref: str, where: Where,
                 _targets: set[str] = targets, _meeting: m.Meeting = meeting) -> None:
        if not ref or ref in _targets or known.item(ref):
            return
        c.add(record_src, "item", "error",
              "{where}: unknown agenda item '{ref}'{hint}; use a standing key ({standing}) "
              "or the id of an item of meeting {meeting}",
              where=place_of(where), ref=ref, standing=", ".join(sorted(standing)),
              meeting=_meeting.id, **hints(ref, _targets))

    for item in meeting.items:
        if item.by != m.ANONYMOUS:
            c.person(item.src, "by", item.by, msg_later("item {id}", id=item.id))
        c.theme(item.src, "theme", item.theme, msg_later("item {id}", id=item.id))
        if item.under and item.under not in standing:
            c.add(item.src, "under", "error",
                  "item {id}: unknown standing item '{key}'{hint}; choose one of: {known}",
                  id=item.id, key=item.under, known=", ".join(sorted(standing)),
                  **hints(item.under, standing))
        if item.carried_from and not known.item(item.carried_from):
            c.add(item.src, "carried_from", "error",
                  "item {id}: carried_from '{ref}' is not the id of any agenda item",
                  id=item.id, ref=item.carried_from)
    items_off_agenda(c, meeting, known)
    approved_words(c, meeting)
    for note in meeting.notes:
        item_ref(note.src, note.item, msg_later("note {id}", id=note.id))
    for decision in meeting.decisions:
        item_ref(decision.src, decision.item, msg_later("decision {id}", id=decision.id))
        ref = decision.supersedes
        if ref and not known.decision(ref) and not known.decision(f"{meeting.id}/{ref}"):
            c.add(decision.src, "supersedes", "error",
                  "decision {id}: supersedes '{ref}', which is not a known decision id",
                  id=decision.id, ref=ref)
    for action in meeting.actions:
        where = msg_later("action {id}", id=action.id)
        c.person(action.src, "owner", action.owner, where)
        for pid in action.co_owners:
            c.person(action.src, "with", pid, where)
        c.theme(action.src, "theme", action.theme, where)
        item_ref(action.src, action.item, where)
        if action.due is not None and action.due < meeting.date:
            c.add(action.src, "due", "error",
                  "{where}: due date {due} is before meeting {meeting} that created it",
                  where=where(), due=action.due, meeting=meeting.id)
        people = body.people
        for entry in action.history:
            if entry.by and entry.by not in people:
                c.person(action.src, "history", entry.by, msg("{where} history", where=where()))
    for line in meeting.compensation:
        where = msg_later("compensation line {id}", id=line.id)
        c.person(line.src, "person", line.person, where)
        c.amount(line.src, "amount", line.amount, where)
        if line.hours is not None and line.hours < 0:
            c.add(line.src, "hours", "error", "{where}: hours cannot be negative",
                  where=where())
        if line.counts and line.person in body.people and line.person not in meeting.present:
            c.add(line.src, "person", "error",
                  "{where}: '{id}' is compensated but not recorded as present at meeting "
                  "{meeting}; record attendance first (kwartaal attend)",
                  where=where(), id=line.person, meeting=meeting.id)
        person = body.people.get(line.person)
        if person is not None and not person.compensated:
            c.add(line.src, "person", "warning",
                  "{where}: '{id}' is not marked compensated in people.toml",
                  where=where(), id=line.person)


def items_off_agenda(c: Checker, meeting: m.Meeting, known: Known) -> None:
    """A withdrawn item has nothing recorded under it (the minutes would lose it), and a
    deferred one names a meeting that exists."""
    for item in meeting.items:
        if item.withdrawn:
            under = [r.id for r in (*meeting.notes, *meeting.decisions, *meeting.actions)
                     if r.item in (item.local_id, item.id)]
            if under:
                c.add(item.src, "withdrawn", "error",
                      "item {id} is withdrawn but {records} are recorded under it; it was "
                      "discussed: remove 'withdrawn' and mark it handled = true",
                      id=item.id, records=", ".join(under))
        if item.deferred_to and not known.meeting(item.deferred_to):
            c.add(item.src, "deferred_to", "error",
                  "item {id}: deferred_to '{ref}' is not a meeting", id=item.id,
                  ref=item.deferred_to)


def approved_words(c: Checker, meeting: m.Meeting) -> None:
    """Approved minutes do not change: every command refuses to, but a merge of what another
    clone changed before the approval reached it would not notice."""
    from kwartaal.core.snapshot import said

    approved = meeting.approved
    if approved is None or not approved.said or said(meeting) == approved.said:
        return
    c.add(m.Source(meeting.src.path, ("approved",)), "said", "error",
          "the minutes of {id} were approved on {date}, but what their items, notes or "
          "decisions say has changed since (a merge of another clone's change, perhaps). "
          "Approved minutes stay as they were approved: see the change with 'git log -p -- "
          "{file}', put it back, and record a correction in the minutes of the next meeting",
          id=meeting.id, date=approved.date, file=meeting.src.path.name)
