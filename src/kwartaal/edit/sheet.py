"""Reading a filled-in notes sheet back: every line resolved (names, dates, agenda numbers,
action ids) into a plan of edits, compared with what the meeting already records, and applied
as one change.

Nothing is written until every line resolves: `plan` only reads, and refuses with one message
naming file and line of every problem. `record` runs the plan's steps through the existing edit
functions (attend, note, decide, add_action, set_status, update_action, handover), reloading
the body between steps because each step rewrites a file the loaded records came from; the
pipeline commits them together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import sheet as s
from kwartaal.core.problems import Joined, KwartaalError, Msg, hints, msg, pmsg
from kwartaal.core.words import Plural, Status
from kwartaal.edit.change import Change
from kwartaal.edit.sheet_headings import changed_headings, other_meeting

APPROVED = ("minutes-approved", "published")


@dataclass(slots=True)
class Step:
    """One edit of the plan. kind: attendance, note, decision, action or update; where: the
    agenda number or action id; what: what it records, for the table."""

    kind: str
    where: str
    what: Msg | str
    run: Callable[[m.Body], Change]
    own: bool = True  # changes the meeting's own records (not another meeting's action)


@dataclass(slots=True)
class Plan:
    meeting: str
    steps: list[Step] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)


def _names(body: m.Body) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Folded id, name and aliases of every person; and their first names, separately, since
    a first name counts only when no one else has it."""
    from kwartaal.core.folding import fold

    exact: dict[str, set[str]] = {}
    first: dict[str, set[str]] = {}
    for person in body.people.values():
        for name in (person.id, person.name, *person.aliases):
            exact.setdefault(fold(name).strip(), set()).add(person.id)
        words = person.name.split()
        if len(words) > 1:
            first.setdefault(fold(words[0]).strip(), set()).add(person.id)
    return exact, first


def resolve_person(body: m.Body, text: str) -> str:
    """The id of the person a name as people say it stands for: an id, display or working
    name, alias, or a first name no one else has; case and accents do not matter."""
    from kwartaal.core.folding import fold

    exact, first = _names(body)
    key = fold(text).strip()
    found = exact.get(key) or first.get(key) or set()
    if len(found) == 1:
        return next(iter(found))
    if found:
        return _refuse(msg("'{name}' fits more than one person: {ids}; write the id",
                           name=text, ids=", ".join(sorted(found))))
    return _refuse(msg("unknown person '{name}'{hint}; write a name from people.toml or the id",
                       name=text, **hints(text, body.people)))


def _refuse(message: Msg) -> str:
    raise KwartaalError(message)


def resolve_due(body: m.Body, text: str, base: dt.date) -> dt.date:
    """A due date as written at the table, counted from the meeting (base): 1 maart, 1 March
    2026, 2026-03-01, +6w, next meeting; none given: the next meeting."""
    from kwartaal.core.dates import parse_iso, relative_date
    from kwartaal.edit.actions import parse_due

    text = text.strip()
    if not text or " ".join(text.casefold().split()) in s.NEXT_MEETING:
        return parse_due(body, "next-meeting", base)
    found = relative_date(text, base) or s.day_month(text, base)
    if found is not None:
        return found
    if s.is_iso(text):
        return parse_iso(text, "date")
    raise KwartaalError(msg(
        "'{date}' is not a date the sheet can read; write it like 1 maart, 1 March 2026, "
        "2026-03-01 or +6w", date=text))


def _find_action(body: m.Body, meeting: m.Meeting, ref: str) -> m.Action:
    """An action by full id, or by its own id: of the actions the review lists, or of this
    meeting, or of any meeting when only one has it."""
    from kwartaal.core.ids import match
    from kwartaal.edit.actions import find_action

    if "/" in ref:
        return find_action(body, ref)
    fits = [a for mt in body.meetings for a in match(mt.actions, ref)]
    earlier_open = [a for a in fits if a.is_open and a.meeting < meeting.id]
    own = [a for a in fits if a.meeting == meeting.id]
    for group in (fits, earlier_open, own):
        if len(group) == 1:
            return group[0]
    if fits:
        raise KwartaalError(msg("'{ref}' fits more than one action: {ids}; write the full id",
                                ref=ref, ids=", ".join(a.id for a in fits)))
    return find_action(body, ref)


def plan(body: m.Body, meeting_id: str, text: str, path: Path, *, by: str, today: dt.date,
         lang: str) -> Plan:
    """What reading the sheet would record. Refuses, naming every line it cannot resolve."""
    from kwartaal.core.detect import allowed_values, scan_text
    from kwartaal.edit.actions import require_meeting

    meeting = require_meeting(body, meeting_id)
    sheet = s.parse(text)
    errors: list[tuple[int, Msg]] = [(e.line, e.message) for e in sheet.errors]
    # the privacy check of every write, on the sheet itself before anything is written
    allowed = allowed_values(body)
    errors += [(p.line or 0, p.message) for p in scan_text(path, text, *allowed)]
    result = Plan(meeting.id)
    reader = _Reader(body, meeting, result, by=by, today=today, lang=lang)
    reader.marked_closed = sheet.marked_closed
    errors += other_meeting(meeting, sheet, lang)
    misplaced = changed_headings(body, meeting, sheet, reader.entries)
    errors += list(misplaced.values())
    for line in sheet.lines:
        if line.section and (line.section not in reader.entries or line.section in misplaced):
            continue  # its heading is reported, once
        try:
            reader.read(line)
        except KwartaalError as exc:
            errors.append((line.number, exc.message))
    for number, line in sorted(sheet.headings.items()):
        if number not in reader.entries:
            errors.append((line, msg(
                "the heading {number} matches no item on the agenda of {meeting}",
                number=number, meeting=meeting.id)))
    if errors:
        raise KwartaalError(msg("{text}", text=Joined(tuple(
            msg("{where}: {text}", where=f"{path}:{number}", text=text_)
            for number, text_ in sorted(errors, key=lambda e: e[0])), "\n")))
    reader.finish()
    return result


class _Reader:
    """Turns the sheet's lines into steps, skipping what the meeting already records."""

    def __init__(self, body: m.Body, meeting: m.Meeting, result: Plan, *, by: str,
                 today: dt.date, lang: str) -> None:
        from kwartaal.core.outline import numbered, outline
        from kwartaal.core.visibility import closed_items

        self.body, self.meeting, self.result = body, meeting, result
        self.by, self.today, self.lang = by, today, lang
        self.entries = numbered(outline(body, meeting))
        self.closed = closed_items(body)
        self.seen: set[str] = set()  # local ids of records the sheet has
        self.attendance: dict[str, tuple[str, bool]] = {}
        self.updates: set[tuple[str, str, str]] = set()
        self.marked_closed: set[str] = set()  # headings the sheet marks closed

    def _entry(self, line: s.Line) -> object:
        entry = self.entries.get(line.section)
        if entry is None:
            raise KwartaalError(msg("the heading {number} matches no item on the agenda of "
                                    "{meeting}", number=line.section, meeting=self.meeting.id))
        return entry

    def _is_closed(self, entry: object, section: str) -> bool:
        """Closed on the agenda, or marked closed on the sheet: the stricter one wins."""
        if section in self.marked_closed:
            return True
        item = getattr(entry, "item", None)
        return item is not None and (item.closed or item.id in self.closed)

    def _open_text(self, text: str, closed: bool) -> None:
        """A hidden person's name in what public minutes will show: refused here, at the
        sheet's line, rather than by the write check on the meeting file."""
        if closed:
            return
        from kwartaal.core.visibility import View

        person = View(self.body, self.lang, public=True).hidden_person_in(text)
        if person is not None:
            raise KwartaalError(msg(
                "the name of {id}, who is not shown by name, in a text the public minutes will "
                "show; write the role instead, or put the line under a closed item", id=person.id))

    def read(self, line: s.Line) -> None:
        getattr(self, f"_{line.kind}")(line)

    def _attend(self, line: s.Line) -> None:
        name, pid = s.attendance_name(line.text)
        person = pid if pid in self.body.people else resolve_person(self.body, name)
        if person in self.attendance:
            raise KwartaalError(msg("{id} is on the attendance list twice", id=person))
        self.attendance[person] = s.BOXES[line.box]

    def _same(self, records: list[Any], entry: object, text: str, attr: str) -> bool:
        refs = getattr(entry, "refs", frozenset())
        for record in records:
            if getattr(record, "item", None) in refs and \
                    " ".join(str(getattr(record, attr)).split()) == text:
                self.seen.add(record.local_id)
                return True
        return False

    def _note(self, line: s.Line) -> None:
        from kwartaal.edit.notes import note

        entry = self._entry(line)
        if self._same(list(self.meeting.notes), entry, line.text, "text"):
            return
        closed, mid = self._is_closed(entry, line.section), self.meeting.id
        self._open_text(line.text, closed)
        self.result.steps.append(Step("note", line.section, line.text, lambda b: note(
            b, mid, line.section, line.text, closed)))

    def _decision(self, line: s.Line) -> None:
        from kwartaal.edit.notes import decide

        entry = self._entry(line)
        if self._same(list(self.meeting.decisions), entry, line.text, "text"):
            return
        closed, mid = self._is_closed(entry, line.section), self.meeting.id
        self._open_text(line.text, closed)
        self.result.steps.append(Step("decision", line.section, line.text, lambda b: decide(
            b, mid, line.text, line.section, closed, None)))

    def _action(self, line: s.Line) -> None:
        from kwartaal.edit.actions import add_action

        entry = self._entry(line)
        title = line.text.casefold()
        for action in self.meeting.actions:
            if " ".join(action.title.split()).casefold() == title:
                self.seen.add(action.local_id)
                return
        owners = [resolve_person(self.body, name) for name in line.owners]
        if len(set(owners)) < len(owners):
            raise KwartaalError(msg("an owner is named twice"))
        due = resolve_due(self.body, line.due, self.meeting.date)
        if due < self.meeting.date:
            raise KwartaalError(msg("due date {due} is before meeting {meeting}",
                                    due=due, meeting=self.meeting.id))
        item = getattr(entry, "item", None)
        theme = item.theme if item is not None and item.theme in self.body.config.themes else ""
        closed, mid = self._is_closed(entry, line.section), self.meeting.id
        self._open_text(line.text, closed)
        by, today, lang = self.by, self.today, self.lang
        self.result.steps.append(Step(
            "action", line.section, f"{line.text} — {', '.join(owners)} — {due}",
            lambda b: add_action(b, title=line.text, owner=owners[0], co_owners=owners[1:],
                                 due=due.isoformat(), theme=theme, meeting_id=mid,
                                 closed=closed, by=by, today=today, lang=lang,
                                 item=line.section)))

    def _update(self, line: s.Line) -> None:
        from kwartaal.edit import actions as edits

        action = _find_action(self.body, self.meeting, line.ref)
        verb, value = s.update_verb(line.text)
        if (action.id, verb, value) in self.updates:
            return  # the same line twice asks once
        self.updates.add((action.id, verb, value))
        by, today, lang, aid = self.by, self.today, self.lang, action.id
        own = action.meeting == self.meeting.id
        if own:
            self.seen.add(action.local_id)
        run: Callable[[m.Body], Change]
        what: Msg | str = value
        statuses = {"done": "done", "started": "in-progress", "dropped": "dropped"}
        if verb in statuses:
            status = statuses[verb]
            if action.status == status or (verb == "started" and action.status == "done"):
                return
            run = self._status(action, status)
            what = Status(status)
        elif verb == "postpone":
            due = resolve_due(self.body, value, self.meeting.date)
            if action.due == due:
                return
            what = pmsg("history", "due date moved from {old} to {new}", old=action.due, new=due)
            run = lambda b: edits.update_action(  # noqa: E731
                b, aid, due=due.isoformat(), note="", by=by, today=today, lang=lang)
        elif verb == "handover":
            to = resolve_person(self.body, value)
            if action.owner == to:
                return
            if not action.is_open:
                raise KwartaalError(msg("action {id} is no longer open; it cannot be handed over",
                                        id=action.id))
            what = pmsg("history", "handed over from {old} to {new}", old=action.owner, new=to)
            run = lambda b: edits.handover(  # noqa: E731
                b, aid, to=to, note="", by=by, today=today, lang=lang)
        else:
            if any(h.what.endswith(value) for h in action.history):
                return
            run = lambda b: edits.update_action(  # noqa: E731
                b, aid, due=None, note=value, by=by, today=today, lang=lang)
        self.result.steps.append(Step("update", action.id, what, run, own=own))

    def _status(self, action: m.Action, status: str) -> Callable[[m.Body], Change]:
        from kwartaal.edit.actions import set_status

        if not action.is_open:
            raise KwartaalError(msg("action {id} is '{status}' already; the sheet cannot change "
                                    "that", id=action.id, status=action.status))
        by, today, lang, aid = self.by, self.today, self.lang, action.id
        return lambda b: set_status(b, aid, status, by=by, today=today, lang=lang)

    def finish(self) -> None:
        """Attendance as steps; what is recorded but left off the sheet; approved minutes."""
        from kwartaal.edit.recording import attend

        groups: dict[tuple[str, bool], list[str]] = {}
        for pid, wanted in self.attendance.items():
            if _attendance_of(self.meeting, pid) != wanted:
                groups.setdefault(wanted, []).append(pid)
        mid = self.meeting.id
        words = {("present", False): msg("present"), ("present", True): msg("present online"),
                 ("excused", False): msg("excused"), ("absent", False): msg("absent")}
        steps = [Step("attendance", "", msg("{status}: {people}", status=words[status, online],
                                            people=", ".join(pids)),
                      lambda b, p=pids, st=status, o=online: attend(b, mid, p, st, o))
                 for (status, online), pids in groups.items()]
        self.result.steps[:0] = steps
        on_sheet = {e.key for e in self.entries.values()} | {
            ref for e in self.entries.values() for ref in e.refs}
        left_off = [r.local_id for r in (*self.meeting.notes, *self.meeting.decisions,
                                         *self.meeting.actions)
                    if r.local_id not in self.seen and (r.item in on_sheet or
                                                        isinstance(r, m.Action))]
        approved = self.meeting.status in APPROVED
        if approved and (left_off or any(step.own for step in self.result.steps)):
            raise KwartaalError(msg(
                "the minutes of {meeting} are approved: the sheet cannot change what they "
                "record{left}; correct approved minutes with the single commands",
                meeting=mid, left=msg(" (it leaves out {ids})", ids=", ".join(left_off))
                if left_off else ""))
        if left_off:
            self.result.notes.append(msg(
                "recorded but not on the sheet, left as recorded: {ids}",
                ids=", ".join(f"{mid}/{local}" for local in left_off)))


def _attendance_of(meeting: m.Meeting, pid: str) -> tuple[str, bool] | None:
    for status in ("present", "excused", "absent"):
        if pid in getattr(meeting, status):
            return status, status == "present" and pid in meeting.online
    return None


def record(body: m.Body, made: Plan) -> Change:
    """Run every step of the plan, as one change: one commit for the whole sheet."""
    from kwartaal.files.loader import load_checked

    if not made.steps:
        raise KwartaalError(msg("the sheet records nothing new for {meeting}",
                                meeting=made.meeting))
    paths: list[Path] = []
    current = body
    for number, step in enumerate(made.steps):
        if number:  # the previous step rewrote a file the loaded records came from
            current = load_checked(body.root)
        change = step.run(current)
        paths += [p for p in change.paths if p not in paths]
    return Change(paths, f"meeting {made.meeting}: recorded from the sheet",
                  notes=list(made.notes),
                  summary=msg("{text}", text=Plural(
                      "meeting {id}: recorded {count} line from the sheet",
                      "meeting {id}: recorded {count} lines from the sheet",
                      len(made.steps), id=made.meeting)))
