"""`check`, file by file: each meeting file's own problems, and the few facts about it that the
checks across files read, kept per file by its content in the check index (checkindex.py),
so that a repeated `check` decodes no records of the files that did not change.

A meeting file's problems come in phases, in the order validate has always run them. Most
depend on the file, the settings, the people and today only (its own checks, who left, void
lines, payees, participation) or on a few answers about other files, recorded as questions
(meeting_checks.Known: does item X exist, is it closed for public output, what is its theme).
Four phases are across files and run every time, from the facts of every file: feedback owed
(the next meeting), the allowance limits (running totals), the scan for contact details (what
earlier files allow with --allow-private; the result is kept per file under the values
allowed) and the files git does not track.

The facts are light stand-ins for the records the checks across files read (LightMeeting,
LightItem, LightNote, LightLine): the same functions of core/ run on them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.problems import Problem, msg
from kwartaal.files.body_checks import (
    HIDDEN,
    LATE,
    LIMITS,
    LOADER,
    MEETING,
    NOASK,
    OWNERS,
    PART,
    PAYEE,
    ROLES,
    VOID,
    internal_places_shown,
)
from kwartaal.files.meeting_checks import Checker, Known


class LightItem:
    __slots__ = ("id", "local_id", "closed", "carried_from", "theme", "asks_input",
                 "on_agenda", "feedback", "path", "section")

    def __init__(self, path: Path, fact: Any) -> None:
        (self.id, self.local_id, self.closed, self.carried_from, self.theme, self.asks_input,
         self.on_agenda, self.feedback, self.section) = fact
        self.path = path


class LightNote:
    __slots__ = ("id", "local_id", "asks_input", "feedback", "path", "section")

    def __init__(self, path: Path, fact: Any) -> None:
        self.id, self.local_id, self.feedback, self.section = fact
        self.asks_input, self.path = True, path


class LightLine:
    __slots__ = ("id", "person", "kind", "hours", "amount", "counts", "path", "section")

    def __init__(self, path: Path, fact: Any) -> None:
        self.id, self.person, self.kind, hours, amount, self.section = fact
        self.hours = None if hours is None else Decimal(hours)
        self.amount = Decimal(amount)
        self.counts, self.path = True, path


class LightMeeting:
    """What the checks across files read of a meeting: its id, date and status, its items,
    the notes that asked for input, its decisions' ids and the lines that count."""

    __slots__ = ("id", "date", "status", "path", "items", "notes", "decision_ids",
                 "compensation", "place", "public_place")

    def __init__(self, path: Path, facts: Any) -> None:
        (mid, day, self.status, items, notes, self.decision_ids, lines, self.place,
         self.public_place) = facts
        self.id, self.date, self.path = mid, dt.date.fromordinal(day), path
        self.items = [LightItem(path, fact) for fact in items]
        self.notes = [LightNote(path, fact) for fact in notes]
        self.compensation = [LightLine(path, fact) for fact in lines]


def facts_of(meeting: m.Meeting) -> tuple[Any, ...]:
    """The plain values LightMeeting is made of (marshal keeps them)."""
    return (meeting.id, meeting.date.toordinal(), meeting.status,
            tuple((i.id, i.local_id, i.closed, i.carried_from, i.theme, i.asks_input,
                   i.on_agenda, "1" if i.feedback.strip() else "", i.src.section)
                  for i in meeting.items),
            tuple((n.id, n.local_id, "1" if n.feedback.strip() else "", n.src.section)
                  for n in meeting.notes if n.asks_input),
            tuple(d.id for d in meeting.decisions),
            tuple((line.id, line.person, line.kind,
                   None if line.hours is None else str(line.hours), str(line.amount),
                   line.src.section) for line in meeting.compensation if line.counts),
            meeting.place, meeting.public_place)


class Unit:
    """One meeting file in a run: where it is, its digest (when known), its meeting (while it
    is being checked), its facts, its problems by phase and the questions they asked."""

    __slots__ = ("path", "digest", "meeting", "facts", "phases", "asked", "unreadable",
                 "stored", "size", "stat", "early", "listed")

    def __init__(self, path: Path, digest: str | None = None) -> None:
        self.path, self.digest = path, digest
        self.meeting: m.Meeting | None = None
        self.facts: Any = None
        self.phases: dict[int, list[Problem]] = {}
        self.asked: Any = ()
        self.unreadable = False
        self.stored: Any = None  # the index entry it came from, when it did
        self.size: int | None = None
        self.stat: Any = None
        self.listed = True  # one of the body's meeting files (not a meeting given in memory)
        # checked while read, with the answers known then (Early): the questions about which
        # records public output shows, and each hidden-name finding with its record
        self.early: tuple[list[tuple[str, str]], list[tuple[Any, Problem]]] | None = None

    def found(self, meeting: m.Meeting | None, loader: list[Problem]) -> None:
        self.meeting = meeting
        self.facts = None if meeting is None else facts_of(meeting)
        self.phases = {LOADER: loader}


def light_body(settings: m.Body, units: list[Unit]) -> m.Body:
    meetings = [LightMeeting(unit.path, unit.facts) for unit in units if unit.facts is not None]
    meetings.sort(key=lambda mt: (mt.date, mt.id))
    return m.Body(root=settings.root, config=settings.config, people=settings.people,
                  meetings=meetings)  # type: ignore[arg-type]


def known_of(light: m.Body, today: dt.date) -> Known:
    from kwartaal.core.participation import item_theme
    from kwartaal.core.visibility import closed_items

    meetings: Any = light.meetings
    return Known({i.id for mt in meetings for i in mt.items},
                 {d for mt in meetings for d in mt.decision_ids},
                 {mt.id for mt in meetings}, closed_items(light),
                 lambda full: item_theme(None, full, light),  # type: ignore[arg-type]
                 today)


def own_problems(c: Checker, meeting: m.Meeting, known: Known, view: Any,
                 standing: set[str]) -> tuple[dict[int, list[Problem]], list[Any]]:
    """The problems of one meeting file that are its own, by phase, and the hidden-name
    findings with their records (privacy.hidden_name_candidates), which view.hides decides
    on; known records every question about other files, except those about which records
    public output shows (shown_questions)."""
    from kwartaal.files import body_checks as v
    from kwartaal.files.meeting_checks import check_meeting
    from kwartaal.files.money_checks import line_payee_problems, void_problems
    from kwartaal.files.participation import meeting_problems
    from kwartaal.files.privacy import hidden_name_candidates

    phases: dict[int, list[Problem]] = {}

    def phase(number: int, found: list[Problem] | None = None) -> None:
        phases[number] = c.problems if found is None else found
        c.problems = []

    c.problems = []
    c.known = known  # each comparison with today is a question too
    v.owners_who_left(c, meeting)
    phase(OWNERS)
    v.roles_of_people_who_left(c, meeting)
    phase(ROLES)
    check_meeting(c, meeting, standing, known)
    phase(MEETING)
    c.known = None
    v.feedback_without_input(c, meeting)
    phase(NOASK)
    candidates = hidden_name_candidates(view, meeting)
    phase(VOID, void_problems(meeting))

    def theme_of(ref: str) -> str:
        return known.ask("theme", ref if "/" in ref else f"{meeting.id}/{ref}") if ref else ""

    phase(PART, meeting_problems(c.body, meeting, theme_of))
    phase(PAYEE, line_payee_problems(c.body.config, meeting))
    return phases, candidates


def shown(view: Any, candidates: list[tuple[Any, Problem]]) -> list[Problem]:
    return [problem for record, problem in candidates
            if record is None or not view.hides(record)]


class Early:
    """Checks each meeting file as soon as it is read, so that its records need not be kept:
    with the answers about other files known so far (the files before it, and every meeting
    file's name for the meetings). check_units compares each answer with the whole body's and
    checks again, from its file, any meeting whose answers were not the same."""

    def __init__(self, settings: m.Body, today: dt.date, paths: list[Path]) -> None:
        from kwartaal.core.visibility import View

        self.checker = Checker(settings, today)
        self.view = View(settings, settings.config.language, public=True)
        self.standing = {s.key for s in settings.config.standing}
        self.themes: dict[str, str] = {}
        self.known = Known(set(), set(), {path.stem for path in paths},
                           theme=lambda full: self.themes.get(full, ""), today=today)

    def check(self, unit: Unit) -> None:
        meeting, known = unit.meeting, self.known
        if meeting is None:
            return
        for item in meeting.items:
            known.sets["item"].add(item.id)
            self.themes[item.id] = item.theme
        known.sets["decision"].update(d.id for d in meeting.decisions)
        known.asked = []
        found, candidates = own_problems(self.checker, meeting, known, self.view, self.standing)
        unit.phases.update(found)
        unit.asked = tuple(dict.fromkeys(known.asked))
        known.asked = []
        shown_questions(known, meeting, self.standing)
        unit.early = ([(kind, ref) for kind, ref, _ in dict.fromkeys(known.asked)],
                      [(record, problem) for record, problem in candidates])
        unit.meeting = None
def cross_problems(light: m.Body, today: dt.date) -> dict[Path, dict[int, list[Problem]]]:
    """Feedback owed, the allowance limits and the places kept inside that others show,
    from the facts of every file."""
    from kwartaal.core.feedback import late_feedback
    from kwartaal.core.lines import line_of
    from kwartaal.files.money_checks import limit_problems

    out: dict[Path, dict[int, list[Problem]]] = {}
    for entry in late_feedback(light, today):
        record: Any = entry.record
        out.setdefault(record.path, {}).setdefault(LATE, []).append(Problem(
            record.path, line_of(record.path, record.section, "asks_input"), "warning", msg(
                "{id} asked for input at {meeting}, and the feedback was due by {due}; record "
                "what was done with it: kwartaal feedback {meeting} {local} \"...\"",
                id=entry.id, meeting=entry.meeting.id, due=entry.due or "-",
                local=record.local_id)))
    for problem in limit_problems(light):
        out.setdefault(problem.path, {}).setdefault(LIMITS, []).append(problem)
    meetings: Any = light.meetings
    for problem in internal_places_shown(light.config, [
            (mt.id, mt.path, mt.place, mt.public_place) for mt in meetings]):
        out.setdefault(problem.path, {}).setdefault(LIMITS, []).append(problem)  # (across)
    return out


def shown_questions(known: Known, meeting: m.Meeting, standing: set[str]) -> None:
    """Ask what decides which of the meeting's records public output shows (View.hides): for
    an item, whether it is closed; for a record under an item of this or another meeting,
    whether that item is closed and whether it exists."""
    from kwartaal.core.visibility import item_ref

    for item in meeting.items:
        known.ask("closed", item.id)
    for record in (*meeting.notes, *meeting.decisions, *meeting.actions):
        ref = record.item
        if ref and ref not in m.FIXED_ITEMS and ref not in standing:
            full = item_ref(meeting.id, ref)
            known.ask("closed", full)
            known.ask("item", full)


def check_units(settings: m.Body, today: dt.date, units: list[Unit],
                loader_problems: list[Problem], unreadable: list[Path],
                index: Any = None) -> list[Problem]:
    """Every problem of the body: settings (with loader_problems, the settings files' and any
    found while loading) and each meeting file's units, sorted by file and line. index: the
    check index (checkindex.py) or None."""
    from kwartaal.files import body_checks as v

    light = settle_units(settings, today, units, index)
    by_path = {unit.path: unit for unit in units}
    for path, phases in cross_problems(light, today).items():
        by_path[path].phases.update(phases)
    c = Checker(settings, today)
    checker = v.settings_problems(c, units, index)  # with each file's scan and git's answer
    loader = list(loader_problems)
    for unit in units:
        loader += unit.phases.get(LOADER, [])
        for number in range(LOADER + 1, PAYEE + 1):
            checker += unit.phases.get(number, [])
    if index is not None:
        index.save()
    problems = loader + v.not_about(unreadable, checker)
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.severity))


def settle_units(settings: m.Body, today: dt.date, units: list[Unit],
                 index: Any = None) -> m.Body:
    """Each meeting file's own problems, against the facts of every unit given (the light
    body, returned): taken from its entry while every answer it depends on is the same, from
    its early check while those answers are, else checked again; each kept in the index."""
    from kwartaal.core.visibility import View

    light = light_body(settings, units)
    known = known_of(light, today)
    view = View(light, settings.config.language, public=True)
    c = Checker(settings, today)
    standing = {s.key for s in settings.config.standing}
    for unit in units:
        if unit.stored is not None and index.reuse(unit, known):
            continue
        if unit.facts is None:
            continue
        if unit.early is not None and known.same_answers(unit.asked):
            questions, candidates = unit.early
            unit.phases[HIDDEN] = shown(view, candidates)
            unit.asked += tuple((kind, ref, known.answer(kind, ref)) for kind, ref in questions)
        else:
            if unit.meeting is None:
                index.read(unit, settings.config.language)  # the answers changed: again
            if unit.meeting is None:
                continue
            known.asked = []
            found, candidates = own_problems(c, unit.meeting, known, view, standing)
            unit.phases.update(found)
            shown_questions(known, unit.meeting, standing)
            unit.phases[HIDDEN] = shown(view, candidates)
            unit.asked = tuple(dict.fromkeys(known.asked))
        unit.meeting = unit.early = None
        if index is not None:
            index.keep(unit)
    return light
