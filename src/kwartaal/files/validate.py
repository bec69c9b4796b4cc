"""Validation of a loaded body as a separate pass: cross-references, dates, amounts, privacy.

Reads records only; returns problems; never prints.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

from kwartaal.core import model as m
from kwartaal.core.lines import line_of
from kwartaal.core.organisations import organisation_of
from kwartaal.core.problems import Msg, Problem, hints, msg
from kwartaal.core.values import MAX_FILE_BYTES
from kwartaal.files.loader import Loaded
from kwartaal.files.money_checks import (
    compensation_line_problems,
    payee_problems,
    payment_description_problems,
)
from kwartaal.files.paths import CONFIG_FILE, MEETINGS_DIR, PEOPLE_FILE, meeting_files


class _Checker:
    def __init__(self, body: m.Body, today: dt.date) -> None:
        self.body = body
        self.today = today
        self.problems: list[Problem] = []

    def add(self, src: m.Source, key: str | None, severity: str, text: str, /,
            **params: object) -> None:
        line = line_of(src.path, src.section, key) if key else src.line
        self.problems.append(Problem(src.path, line, severity, msg(text, **params)))  # type: ignore[arg-type]

    def person(self, src: m.Source, key: str, pid: str, where: str | Msg) -> None:
        if pid and pid not in self.body.people:
            self.add(src, key, "error",
                     "{where}: unknown person '{id}'{hint}; add them with 'kwartaal person add' "
                     "or fix the id",
                     where=where, id=pid, **hints(pid, self.body.people))

    def theme(self, src: m.Source, key: str, theme: str, where: str | Msg) -> None:
        themes = self.body.config.themes
        if theme and theme not in themes:
            self.add(src, key, "error",
                     "{where}: unknown theme '{theme}'{hint}; known themes: {known}",
                     where=where, theme=theme, known=", ".join(themes) or "-",
                     **hints(theme, themes))

    def amount(self, src: m.Source, key: str, value: Decimal | None, where: str | Msg) -> None:
        if value is None:
            return
        if value < 0:
            self.add(src, key, "error", "{where}: '{key}' is negative ({value}); amounts are "
                     "zero or more (record a correction as its own line with a note)",
                     where=where, key=key, value=value)
        elif value != value.quantize(Decimal("0.01")):
            self.add(src, key, "error", "{where}: '{key}' = {value} has more than two decimals",
                     where=where, key=key, value=value)


def validate(loaded: Loaded, today: dt.date) -> list[Problem]:
    """All problems: the loader's and the cross-checks', sorted by file and line."""
    body = loaded.body
    settings = {body.root / CONFIG_FILE, body.root / PEOPLE_FILE}
    if settings & set(loaded.unreadable):
        # Every other file is read against these two: judged without them, each reference to
        # a person, a theme or a standing item would be an error of its own. The file that
        # does not parse says so once; the rest is checked when it parses again.
        return [p for p in loaded.problems if p.path in loaded.unreadable
                or p.path not in settings and p.line is None]
    checker = _Checker(body, today)
    _check_config(checker)
    _check_people(checker)
    _check_meetings(checker)
    _check_feedback(checker)
    from kwartaal.files import privacy

    files = [body.root / CONFIG_FILE, body.root / PEOPLE_FILE, *meeting_files(body.root)]
    # a file too large to read is reported by the loader; scanning it would take minutes
    readable = [f for f in files if f.exists() and f.stat().st_size <= MAX_FILE_BYTES]
    checker.problems.extend(privacy.lint(body, readable))
    checker.problems.extend(_untracked(body))
    checker.problems.extend(compensation_line_problems(body))
    from kwartaal.files.participation import participation_problems

    checker.problems.extend(participation_problems(body))
    checker.problems.extend(payee_problems(body))
    from kwartaal.files.polls import poll_problems

    checker.problems.extend(poll_problems(body, today))
    problems = loaded.problems + _not_about(loaded.unreadable, checker.problems)
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.severity))


def meeting_errors(body: m.Body, today: dt.date) -> list[Problem]:
    """The errors of the checks across a meeting's records (attendance and payments, references,
    dates), without reading files or asking git: what every write of a meeting file is held to
    (files/writecheck.py)."""
    checker = _Checker(body, today)
    _check_meetings(checker)
    found = checker.problems + compensation_line_problems(body)
    return [p for p in found if p.severity == "error"]


def _not_about(unreadable: list[Path], problems: list[Problem]) -> list[Problem]:
    """Leave out what refers into a meeting file that cannot be read ('2025-12-11/d1' when
    2025-12-11.toml does not parse): whether it exists is not known, so it is not an error."""
    broken = tuple(f"{path.stem}/" for path in unreadable if path.parent.name == MEETINGS_DIR)
    if not broken:
        return problems

    def refers_into_broken(problem: Problem) -> bool:
        values = [str(v) for v in problem.message.params.values() if isinstance(v, str)]
        return any(value.startswith(broken) for value in values)

    return [p for p in problems if not refers_into_broken(p)]


def _untracked(body: m.Body) -> list[Problem]:
    """Meeting files git does not track: made by hand and not added yet, or left by a command
    that was stopped before it committed. kwartaal reads them, but no commit or sync carries
    them to anyone else."""
    import shlex

    from kwartaal.files.listing import untracked
    from kwartaal.files.paths import shown_path

    found = []
    for path in untracked(body.root, meeting_files(body.root)):
        name = shlex.quote(shown_path(path))
        found.append(Problem(path, None, "warning", msg(
            "git does not track this file, so it is in no commit and no sync will share it; "
            "commit it (git add {name} && git commit -m \"meeting {id}\") or, if it should "
            "not exist, remove it (rm {name})",
            name=name, id=path.stem)))
    return found


def _check_config(c: _Checker) -> None:
    cfg = c.body.config
    src = cfg.src
    for key in ("chair", "co_chair", "secretary"):
        value = getattr(cfg, key)
        if value:
            c.person(m.Source(src.path, ("body",)), key, value, "[body]")
    for pid in cfg.convenors:
        c.person(m.Source(src.path, ("body",)), "convenors", pid, "[body] convenors")
    for key, organisation in cfg.organisations.items():
        c.person(organisation.src, "contact", organisation.contact,
                 f"[organisations.{key}] contact")
    twice = sorted({month for month in cfg.cadence.months
                    if cfg.cadence.months.count(month) > 1})
    if twice:
        c.add(m.Source(src.path, ("cadence",)), "months", "error",
              "[cadence] months: {months} given more than once; name each month once",
              months=", ".join(map(str, twice)))
    for lang in cfg.languages:
        if lang not in m.LANGUAGES:
            c.add(m.Source(src.path, ("body",)), "languages", "error",
                  "[body] languages: '{lang}' is not supported (nl, en)",
                  lang=lang)
    seen: Counter[str] = Counter(s.key for s in cfg.standing)
    for item in cfg.standing:
        if seen[item.key] > 1:
            c.add(item.src, "key", "error", "duplicate standing item key '{key}'",
                  key=item.key)
        if item.key in m.FIXED_ITEMS:
            c.add(item.src, "key", "error", "standing item key '{key}' is reserved",
                  key=item.key)
    if not cfg.standing:
        c.add(src, None, "warning", "no standing items: add [[standing]] tables to kwartaal.toml")
    c.problems.extend(payment_description_problems(cfg))
    for year, limits in cfg.compensation.limits.items():
        lsrc = m.Source(src.path, ("compensation", "limits", str(year)))
        for key, value in (("hour_21plus", limits.hour_21plus),
                           ("hour_under21", limits.hour_under21), ("month", limits.month),
                           ("year", limits.year_total)):
            c.amount(lsrc, key, value, f"[compensation.limits.{year}]")
    comp_src = m.Source(src.path, ("compensation",))
    policy = cfg.compensation
    for key in ("hourly_rate", "fixed_fee", "meal", "travel_amount"):
        c.amount(comp_src, key, getattr(policy, key), "[compensation]")


def _check_people(c: _Checker) -> None:
    for person in c.body.people.values():
        if person.visibility == "role-only" and not person.role:
            c.add(person.src, None, "error",
                  "[{id}] is role-only but has no 'role': public documents show them by role",
                  id=person.id)
        known = c.body.config.organisations
        if known and person.organisation and organisation_of(c.body.config, person) is None:
            c.add(person.src, "organisation", "warning",
                  "[{id}] organisation '{name}' is not one of the organisations in "
                  "kwartaal.toml ({known}); write its key or name, or add "
                  "[organisations.KEY]{hint}", id=person.id, name=person.organisation,
                  known=", ".join(known), **hints(person.organisation, known))
    _check_owners_who_left(c)
    _check_roles_of_people_who_left(c)


def _check_roles_of_people_who_left(c: _Checker) -> None:
    """A chair, co-chair, secretary or organisation contact who has left holds the role of
    nobody: the body's, and those of meetings still to come."""
    cfg = c.body.config
    places: list[tuple[m.Source, str, str, str]] = [
        (m.Source(cfg.src.path, ("body",)), key, getattr(cfg, key) or "",
         f"kwartaal config set body.{key} PERSON") for key in ("chair", "co_chair", "secretary")]
    places += [(org.src, "contact", org.contact,
                f"kwartaal config set organisations.{org.key}.contact PERSON")
               for org in cfg.organisations.values()]
    places += [(mt.src, key, getattr(mt, key),
                f"kwartaal meeting set {mt.id} --{key.replace('_', '-')} PERSON")
               for mt in c.body.meetings if mt.status == "planned"
               for key in ("chair", "co_chair", "secretary")]
    for src, key, pid, command in places:
        person = c.body.people.get(pid) if pid else None
        if person is not None and person.left is not None and person.left <= c.today:
            c.add(src, key, "warning", "{key} is {id}, who left on {date}; choose who takes "
                  "over with '{command}'", key=key, id=pid, date=person.left, command=command)


def _check_owners_who_left(c: _Checker) -> None:
    """An open action owned by someone who has left is nobody's: say how to hand it over."""
    for action in c.body.all_actions():
        if not action.is_open:
            continue
        for pid in action.owners:
            person = c.body.people.get(pid)
            if person is not None and person.left is not None and person.left <= c.today:
                c.add(action.src, "owner" if pid == action.owner else "with", "warning",
                      "action {action} is open, but {id} left on {date}; hand it over with "
                      "'kwartaal action handover {action} --to PERSON'",
                      action=action.id, id=pid, date=person.left)


def _check_feedback(c: _Checker) -> None:
    """Feedback on input is due by the next meeting; feedback needs input that was asked."""
    from kwartaal.core.feedback import late_feedback

    for entry in late_feedback(c.body, c.today):
        c.add(entry.record.src, "asks_input", "warning",
              "{id} asked for input at {meeting}, and the feedback was due by {due}; record "
              "what was done with it: kwartaal feedback {meeting} {local} \"...\"",
              id=entry.id, meeting=entry.meeting.id, due=entry.due or "-",
              local=entry.record.local_id)
    for meeting in c.body.meetings:
        for record in (*meeting.items, *meeting.notes):
            if record.feedback and not record.asks_input:
                c.add(record.src, "feedback", "warning",
                      "{id} has feedback but did not ask for input; add asks_input = true or "
                      "remove the feedback", id=record.id)


def _check_items_off_agenda(c: _Checker, meeting: m.Meeting) -> None:
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
        if item.deferred_to and c.body.meeting(item.deferred_to) is None:
            c.add(item.src, "deferred_to", "error",
                  "item {id}: deferred_to '{ref}' is not a meeting", id=item.id,
                  ref=item.deferred_to)


def _check_approved_words(c: _Checker, meeting: m.Meeting) -> None:
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


def _check_meetings(c: _Checker) -> None:
    body = c.body
    decision_ids = {d.id for mt in body.meetings for d in mt.decisions}
    item_ids = {i.id for mt in body.meetings for i in mt.items}
    standing = {s.key for s in body.config.standing}
    for meeting in body.meetings:
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
        if meeting.status == "planned" and meeting.date < c.today:
            c.add(src, "status", "warning",
                  "meeting {id} is still 'planned' but its date has passed; "
                  "record it with 'kwartaal meeting held {id}'",
                  id=meeting.id)
        if meeting.status not in m.NOT_HELD and meeting.date > c.today:
            # A warning: 'meeting held --force' records exactly this on purpose.
            c.add(src, "status", "warning",
                  "meeting {id} is '{status}' but its date {date} is still to come",
                  id=meeting.id, status=meeting.status, date=meeting.date)
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

        def item_ref(record_src: m.Source, ref: str, where: str | Msg,
                     _targets: set[str] = targets, _meeting: m.Meeting = meeting) -> None:
            if not ref or ref in _targets or ref in item_ids:
                return
            c.add(record_src, "item", "error",
                  "{where}: unknown agenda item '{ref}'{hint}; use a standing key ({standing}) "
                  "or the id of an item of meeting {meeting}",
                  where=where, ref=ref, standing=", ".join(sorted(standing)),
                  meeting=_meeting.id, **hints(ref, _targets))

        for item in meeting.items:
            if item.by != m.ANONYMOUS:
                c.person(item.src, "by", item.by, msg("item {id}", id=item.id))
            c.theme(item.src, "theme", item.theme, msg("item {id}", id=item.id))
            if item.under and item.under not in standing:
                c.add(item.src, "under", "error",
                      "item {id}: unknown standing item '{key}'{hint}; choose one of: {known}",
                      id=item.id, key=item.under, known=", ".join(sorted(standing)),
                      **hints(item.under, standing))
            if item.carried_from and item.carried_from not in item_ids:
                c.add(item.src, "carried_from", "error",
                      "item {id}: carried_from '{ref}' is not the id of any agenda item",
                      id=item.id, ref=item.carried_from)
        _check_items_off_agenda(c, meeting)
        _check_approved_words(c, meeting)
        for note in meeting.notes:
            item_ref(note.src, note.item, msg("note {id}", id=note.id))
        for decision in meeting.decisions:
            item_ref(decision.src, decision.item, msg("decision {id}", id=decision.id))
            ref = decision.supersedes
            if ref and ref not in decision_ids and f"{meeting.id}/{ref}" not in decision_ids:
                c.add(decision.src, "supersedes", "error",
                      "decision {id}: supersedes '{ref}', which is not a known decision id",
                      id=decision.id, ref=ref)
        for action in meeting.actions:
            where = msg("action {id}", id=action.id)
            c.person(action.src, "owner", action.owner, where)
            for pid in action.co_owners:
                c.person(action.src, "with", pid, where)
            c.theme(action.src, "theme", action.theme, where)
            item_ref(action.src, action.item, where)
            if action.due is not None and action.due < meeting.date:
                c.add(action.src, "due", "error",
                      "{where}: due date {due} is before meeting {meeting} that created it",
                      where=where, due=action.due, meeting=meeting.id)
            for entry in action.history:
                c.person(action.src, "history", entry.by, msg("{where} history", where=where))
        for line in meeting.compensation:
            where = msg("compensation line {id}", id=line.id)
            c.person(line.src, "person", line.person, where)
            c.amount(line.src, "amount", line.amount, where)
            if line.hours is not None and line.hours < 0:
                c.add(line.src, "hours", "error", "{where}: hours cannot be negative",
                      where=where)
            if line.counts and line.person in body.people and line.person not in meeting.present:
                c.add(line.src, "person", "error",
                      "{where}: '{id}' is compensated but not recorded as present at meeting "
                      "{meeting}; record attendance first (kwartaal attend)",
                      where=where, id=line.person, meeting=meeting.id)
            person = body.people.get(line.person)
            if person is not None and not person.compensated:
                c.add(line.src, "person", "warning",
                      "{where}: '{id}' is not marked compensated in people.toml",
                      where=where,
                      id=line.person)
