"""Validation of a loaded body as a separate pass: cross-references, dates, amounts, privacy.

Reads records only; returns problems; never prints.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.organisations import organisation_of
from kwartaal.core.problems import Problem, hints, msg
from kwartaal.core.values import MAX_FILE_BYTES
from kwartaal.files.loader import Loaded
from kwartaal.files.meeting_checks import Checker, Known, check_meeting
from kwartaal.files.money_checks import (
    compensation_line_problems,
    payee_problems,
    payment_description_problems,
)
from kwartaal.files.paths import CONFIG_FILE, MEETINGS_DIR, PEOPLE_FILE, meeting_files

_Checker = Checker  # its old name here


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
    cached = None
    if loaded.digests:
        from kwartaal.files.checkindex import CheckIndex

        cached = CheckIndex.open(body.root, loaded.digests, today)
    _check_meetings(checker, cached)
    _check_feedback(checker)
    from kwartaal.files import privacy

    files = [body.root / CONFIG_FILE, body.root / PEOPLE_FILE, *meeting_files(body.root)]
    # a file too large to read is reported by the loader; scanning it would take minutes
    readable = [f for f in files if f.exists() and f.stat().st_size <= MAX_FILE_BYTES]
    checker.problems.extend(privacy.lint(body, readable, cached))
    if cached is not None:
        cached.save()
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


def _check_meetings(c: _Checker, cached: Any = None) -> None:
    """The checks of every meeting file; cached (a CheckIndex) keeps each file's problems."""
    body = c.body
    known = Known({i.id for mt in body.meetings for i in mt.items},
                  {d.id for mt in body.meetings for d in mt.decisions},
                  {mt.id for mt in body.meetings})
    standing = {s.key for s in body.config.standing}
    for meeting in body.meetings:
        if cached is not None and cached.reuse(meeting, known, c.problems):
            continue
        start = len(c.problems)
        known.asked = []
        check_meeting(c, meeting, standing, known)
        if cached is not None:
            cached.keep(meeting, known.asked, c.problems[start:])
