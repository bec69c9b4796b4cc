"""Validation of a loaded body as a separate pass: cross-references, dates, amounts, privacy.

Reads records only; returns problems; never prints. The checks are in meeting_checks.py (one
meeting file), body_checks.py (the settings, the people, the other files) and checkrun.py
(file by file, and across files).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kwartaal.core import model as m
from kwartaal.core.problems import Problem
from kwartaal.files.loader import Loaded
from kwartaal.files.meeting_checks import Checker, Known, check_meeting
from kwartaal.files.money_checks import compensation_line_problems
from kwartaal.files.paths import CONFIG_FILE, PEOPLE_FILE, meeting_files

_Checker = Checker  # its old name here


def validate(loaded: Loaded, today: dt.date) -> list[Problem]:
    """All problems: the loader's and the cross-checks', sorted by file and line."""
    from kwartaal.files.checkrun import Unit, check_units

    body = loaded.body
    settings = {body.root / CONFIG_FILE, body.root / PEOPLE_FILE}
    if settings & set(loaded.unreadable):
        # Every other file is read against these two: judged without them, each reference to
        # a person, a theme or a standing item would be an error of its own. The file that
        # does not parse says so once; the rest is checked when it parses again.
        return [p for p in loaded.problems if p.path in loaded.unreadable
                or p.path not in settings and p.line is None]
    by_path = {mt.src.path: mt for mt in body.meetings}
    units = []
    for path in meeting_files(body.root):
        unit = Unit(path)
        unit.found(by_path.pop(path, None), [])
        units.append(unit)
    for path, meeting in by_path.items():  # a meeting given in memory, without its file
        unit = Unit(path)
        unit.found(meeting, [])
        unit.listed = False
        units.append(unit)
    lone = m.Body(root=body.root, config=body.config, people=body.people, meetings=[])
    return check_units(lone, today, units, loaded.problems, loaded.unreadable)


def check_folder(root: Path, today: dt.date, *, indexed: bool = False,
                 ) -> tuple[m.Body, list[Problem]]:
    """(the body's settings and people, without meetings; every problem of the body), as
    validate(load(root)) gives them. indexed: each meeting file's problems and facts come from
    the check index (checkindex.py) while its content is the same, so a repeated check builds
    no records of the files that did not change."""
    import os

    from kwartaal.files.checkrun import check_units
    from kwartaal.files.loader import load, load_settings

    if not indexed or os.environ.get("KWARTAAL_NO_CACHE"):
        loaded = load(root)
        return loaded.body, validate(loaded, today)
    problems: list[Problem] = []
    unreadable: list[Path] = []
    config, people = load_settings(root, problems, unreadable)
    settings = m.Body(root=root, config=config, people=people, meetings=[])
    if unreadable:
        loaded = load(root)
        return settings, validate(loaded, today)
    from kwartaal.files.checkindex import CheckIndex
    from kwartaal.files.checkrun import Early
    from kwartaal.files.pacing import full_collections_held

    # each file's facts and problems are kept to the end: held through the checks across files
    with full_collections_held() as one_more:
        index = CheckIndex.open(root)
        paths = meeting_files(root)
        from kwartaal.files.checkahead import check_ahead

        check_ahead(index, settings, today, paths)  # shared between processes, when worth it
        early = Early(settings, today, paths)
        units = []
        for path in paths:
            unit = index.unit(path, config.language)
            early.check(unit)  # its records are not kept
            units.append(unit)
            one_more()
        unreadable += [unit.path for unit in units if unit.unreadable]
        return settings, check_units(settings, today, units, problems, unreadable, index)


def meeting_errors(body: m.Body, today: dt.date) -> list[Problem]:
    """The errors of the checks across a meeting's records (attendance and payments, references,
    dates), without reading files or asking git: what every write of a meeting file is held to
    (files/writecheck.py)."""
    checker = _Checker(body, today)
    known = Known({i.id for mt in body.meetings for i in mt.items},
                  {d.id for mt in body.meetings for d in mt.decisions},
                  {mt.id for mt in body.meetings})
    standing = {s.key for s in body.config.standing}
    for meeting in body.meetings:
        check_meeting(checker, meeting, standing, known)
    found = checker.problems + compensation_line_problems(body)
    return [p for p in found if p.severity == "error"]
