"""The checks of a body besides those of each meeting file: the settings, the people, the
files that are no meeting file, and the parts of the meeting files' checks that look at one
meeting at a time but belong to a check of the whole body (who left, feedback given without
input). Part of `check` (checkrun.py, validate.py); reads records only and returns problems.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.lines import line_of
from kwartaal.core.organisations import organisation_of
from kwartaal.core.problems import Problem, hints, msg
from kwartaal.core.values import MAX_FILE_BYTES
from kwartaal.files.meeting_checks import Checker
from kwartaal.files.money_checks import payment_description_problems
from kwartaal.files.paths import (
    CONFIG_FILE,
    MEETINGS_DIR,
    PEOPLE_FILE,
    published_minutes,
    read_text_in_place,
)

_Checker = Checker

# the phases of a meeting file's problems (checkrun.py), in the order check has always found
# them; LATE, SCAN, UNTRACKED and LIMITS are across files and are not kept with the file
(LOADER, OWNERS, ROLES, MEETING, LATE, NOASK, SCAN, HIDDEN, UNTRACKED, LIMITS, VOID, PART,
 PAYEE) = range(13)
CROSS = (LATE, SCAN, UNTRACKED, LIMITS)

def settings_problems(c: Checker, units: list[Any], index: Any = None) -> list[Problem]:
    """The problems of the settings, the people and the files that are no meeting file, in
    the order they were always found; on the way, each meeting file's scan for contact
    details (it depends on what the files before it allow) and whether git tracks it go into
    its unit."""
    from kwartaal.files import privacy
    from kwartaal.files.participation import body_chair_problems, people_problems
    from kwartaal.files.polls import poll_problems

    body = c.body
    c.problems = []
    _check_config(c)
    _check_people(c)
    found = c.problems
    found += privacy.people_lint(body)
    scanned, scanner, record_files = scan_units(body, units, index)
    found += scanned
    found += privacy.other_files_lint(
        body.root, record_files, scanner, body.root / published_minutes(body.config.publish_folder))
    from kwartaal.core.visibility import View

    found += privacy.hidden_names_in_settings(View(body, body.config.language, public=True),
                                              body)
    found += privacy.shared_names(body)
    by_path = {unit.path: unit for unit in units}
    for problem in _untracked(body, [unit.path for unit in units if unit.listed]):
        by_path[problem.path].phases.setdefault(UNTRACKED, []).append(problem)
    found += people_problems(body)
    found += body_chair_problems(body)
    from kwartaal.files.money_checks import person_payee_problems

    found += person_payee_problems(body)
    found += poll_problems(body, c.today)
    return found


def scan_units(body: m.Body, units: list[Any], index: Any = None,
               ) -> tuple[list[Problem], Any, list[Path]]:
    """The scan for contact details of the settings files and each unit's file (its findings
    put in its SCAN phase, from the index while its text and what the files before it allow
    are the same): the settings files' findings, the scanner with everything the files
    allow, and the files scanned."""
    from kwartaal.files import privacy

    found: list[Problem] = []
    scanner = privacy.Scanner(body)
    settings = [body.root / CONFIG_FILE, body.root / PEOPLE_FILE]
    # a file too large to read is reported by the loader; scanning it would take minutes
    record_files = [path for path in settings
                    if path.exists() and path.stat().st_size <= MAX_FILE_BYTES]
    for path in record_files:
        found += _scan(scanner, path)
    for unit in units:
        if not unit.listed:
            continue
        size = unit.size if unit.size is not None else _size(unit.path)
        if size is None or size > MAX_FILE_BYTES:
            continue
        record_files.append(unit.path)
        kept = None if index is None else index.scan(unit, scanner.key())
        if kept is None:
            text = _text(unit.path)
            kept = ([], []) if text is None else (scanner.scan(unit.path, text),
                                                 privacy.marked_values(unit.path, text))
            if index is not None:
                index.keep_scan(unit, scanner.key(), *kept)
        unit.phases[SCAN] = kept[0]
        scanner.allow(kept[1])
    return found, scanner, record_files


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _text(path: Path) -> str | None:
    try:
        return read_text_in_place(path)
    except (OSError, UnicodeDecodeError):
        return None  # reported by the loader


def _scan(scanner: Any, path: Path) -> list[Problem]:
    from kwartaal.files.privacy import marked_values

    text = _text(path)
    if text is None:
        return []
    found = scanner.scan(path, text)
    scanner.allow(marked_values(path, text))
    return found


def not_about(unreadable: list[Path], problems: list[Problem]) -> list[Problem]:
    """Leave out what refers into a meeting file that cannot be read ('2025-12-11/d1' when
    2025-12-11.toml does not parse): whether it exists is not known, so it is not an error."""
    broken = tuple(f"{path.stem}/" for path in unreadable if path.parent.name == MEETINGS_DIR)
    if not broken:
        return problems

    def refers_into_broken(problem: Problem) -> bool:
        values = [str(v) for v in problem.message.params.values() if isinstance(v, str)]
        return any(value.startswith(broken) for value in values)

    return [p for p in problems if not refers_into_broken(p)]


def _untracked(body: m.Body, paths: list[Path]) -> list[Problem]:
    """Meeting files git does not track: made by hand and not added yet, or left by a command
    that was stopped before it committed. kwartaal reads them, but no commit or sync carries
    them to anyone else."""
    import shlex

    from kwartaal.files.listing import untracked
    from kwartaal.files.paths import shown_path

    found = []
    for path in untracked(body.root, paths):
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
    if not "".join(ch for ch in cfg.name if ch.isprintable()).strip():  # (invisible too; the
        # folder's name would stand in for it in public)
        c.add(m.Source(src.path, ("body",)), "name", "error",
              "[body] name is empty; write the body's name (kwartaal config set body.name "
              "\"...\")")
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
    _check_roles_in_settings(c)


def _check_roles_in_settings(c: _Checker) -> None:
    """A chair, co-chair, secretary or organisation contact who has left holds the role of
    nobody: the body's here, those of meetings still to come in roles_of_people_who_left."""
    cfg = c.body.config
    places: list[tuple[m.Source, str, str, str]] = [
        (m.Source(cfg.src.path, ("body",)), key, getattr(cfg, key) or "",
         f"kwartaal config set body.{key} PERSON") for key in ("chair", "co_chair", "secretary")]
    places += [(org.src, "contact", org.contact,
                f"kwartaal config set organisations.{org.key}.contact PERSON")
               for org in cfg.organisations.values()]
    _left(c, places)


def roles_of_people_who_left(c: _Checker, mt: m.Meeting) -> None:
    if mt.status == "planned":
        _left(c, [(mt.src, key, getattr(mt, key),
                   f"kwartaal meeting set {mt.id} --{key.replace('_', '-')} PERSON")
                  for key in ("chair", "co_chair", "secretary")])


def _left(c: _Checker, places: list[tuple[m.Source, str, str, str]]) -> None:
    for src, key, pid, command in places:
        person = c.body.people.get(pid) if pid else None
        if person is not None and person.left is not None and not c.after_today(person.left):
            c.add(src, key, "warning", "{key} is {id}, who left on {date}; choose who takes "
                  "over with '{command}'", key=key, id=pid, date=person.left, command=command)


def owners_who_left(c: _Checker, meeting: m.Meeting) -> None:
    """An open action owned by someone who has left is nobody's: say how to hand it over."""
    for action in meeting.actions:
        if not action.is_open:
            continue
        for pid in action.owners:
            person = c.body.people.get(pid)
            if person is not None and person.left is not None and not c.after_today(person.left):
                c.add(action.src, "owner" if pid == action.owner else "with", "warning",
                      "action {action} is open, but {id} left on {date}; hand it over with "
                      "'kwartaal action handover {action} --to PERSON'",
                      action=action.id, id=pid, date=person.left)


def feedback_without_input(c: _Checker, meeting: m.Meeting) -> None:
    """Feedback needs input that was asked (feedback owed is checked across files:
    checkrun.py)."""
    for record in (*meeting.items, *meeting.notes):
        if record.feedback and not record.asks_input:
            c.add(record.src, "feedback", "warning",
                  "{id} has feedback but did not ask for input; add asks_input = true or "
                  "remove the feedback", id=record.id)


def internal_places_shown(config: m.Config,
                          meetings: list[tuple[str, Path, str, bool | None]]) -> list[Problem]:
    """A place a meeting keeps inside the group (public_place = false) that other meetings
    show: public output would show it with them, and is refused. One problem per such place,
    where its public_place is set. meetings: each one's id, file, place and public_place.
    Places are compared as the last search of public output compares them (punctuation,
    case and spacing aside)."""
    from kwartaal.core.facts import folded

    compared: dict[str, str] = {}  # a place as written: as compared
    inside: dict[str, tuple[str, Path, bool | None]] = {}  # the first to keep each inside
    shown: dict[str, list[tuple[str, Path]]] = {}  # the meetings that show each place
    for meeting_id, path, own_place, public_place in meetings:
        place = own_place or config.cadence.place
        if len(place.strip()) < 4:  # (the last search looks for no shorter one)
            continue
        if place not in compared:
            compared[place] = folded(place)
        if config.public_place if public_place is None else public_place:
            shown.setdefault(compared[place], []).append((meeting_id, path))
        else:
            inside.setdefault(compared[place], (meeting_id, path, public_place))
    problems = []
    for place, (meeting_id, path, public_place) in inside.items():
        others = shown.get(place)
        if not others:
            continue
        at = path if public_place is not None else others[0][1]  # (where it is set)
        problems.append(Problem(at, line_of(at, (), "public_place"), "error", msg(
            "meeting {id} keeps its place inside the group, but {count} other meeting(s) "
            "show the same place ({first} first), so public output that shows them is "
            "refused; give them the same public_place, or another place",
            id=meeting_id, count=len(others), first=others[0][0])))
    return problems
