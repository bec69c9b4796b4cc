"""The privacy check of every write: what a write adds to a body file is linted before the file
is touched, and refused (naming file and line) unless --allow-private, which writes it with a
marker comment on that line that check then accepts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.detect import MARKER, allowed_values, is_marked, scan_text
from kwartaal.core.problems import KwartaalError, Msg, Problem, msg
from kwartaal.files.privacy import FULL_NAME, public_texts


def write_check(get_body: Callable[[], m.Body], *, allow_private: bool,
                whole: bool = False) -> Callable[[Path, str, str], str]:
    """The check every write of a body file passes: what the write adds (contact details, a
    bank account, a citizen service number, a hidden person's name in a text that is public)
    is refused, naming file and line, before anything is written. With allow_private the text
    is written all the same, each such line marked with a comment that check then accepts.

    A meeting file is judged with the records it refers to (the meetings its references and
    carry-over chains name, read by id), never with the whole body; whole=True judges it
    against every meeting of the body instead, the way it was first written (a test holds
    the two to the same verdicts)."""

    def check(path: Path, old: str, new: str) -> str:
        body = get_body()
        _refuse_new_errors(body, path, old, new, whole)
        after = _findings(body, path, new, whole)
        # the old text is judged only when the new one has findings (to leave out its own)
        before = Counter(key for key, _, _ in _findings(body, path, old, whole)) if after \
            else Counter()
        found = []
        for key, line, what in after:
            if before[key] > 0:
                before[key] -= 1
            else:
                found.append((line, what))
        if not found:
            return new
        if not allow_private:
            name = path.name.replace("{", "{{").replace("}", "}}")
            lines = "\n".join(f"  {name}:{line}: {{found{i}}}"
                               for i, (line, _) in enumerate(found))
            whats = {f"found{i}": what for i, (_, what) in enumerate(found)}
            raise KwartaalError(msg(
                "privacy: nothing was written, because this would put into the body's files"
                "\n{found}\nEvery partner who clones the repository sees it, history "
                "included. Leave it out, mark the text --closed where that fits, or pass "
                "--allow-private if it is meant to be there",
                found=Msg(lines, whats)))  # file names and lines: no words to translate
        return _mark(new, sorted({line for line, _ in found}), path)

    return check


@lru_cache(maxsize=4)
def _parsed(text: str) -> dict[str, Any] | None:
    """A file's text as TOML, read once for all the checks of one write (old and new)."""
    import tomllib
    from decimal import Decimal

    try:
        return tomllib.loads(text.removeprefix("\ufeff"), parse_float=Decimal)
    except tomllib.TOMLDecodeError:
        return None


def _refuse_new_errors(body: m.Body, path: Path, old: str, new: str, whole: bool) -> None:
    """Never write what check would reject: a title with a line break, a number out of its
    range, given on the command line, is refused before it reaches the file."""
    after = _format_errors(body, path, new, whole)
    if not after:  # nothing to compare the old text's errors with
        return
    before = Counter(problem.message.render("en")
                     for problem in _format_errors(body, path, old, whole))
    added = []
    for problem in after:
        text = problem.message.render("en")
        if before[text] > 0:
            before[text] -= 1
        else:
            added.append(problem)
    if added:
        first = added[0]
        raise KwartaalError(msg(
            "nothing was written: in {path}, {problem}",
            path=path.name, problem=first.message))


def _format_errors(body: m.Body, path: Path, text: str, whole: bool = False) -> list[Problem]:
    """The errors check's reading of one file's text gives (format, types, value rules)."""

    from kwartaal.files.config import build_config
    from kwartaal.files.loader import build_meeting, build_people
    from kwartaal.files.paths import CONFIG_FILE, PEOPLE_FILE

    if not text:
        return []
    raw = _parsed(text)
    if raw is None:
        return []  # the write itself refuses what does not parse
    problems: list[Problem] = []
    if path.name == CONFIG_FILE:
        from kwartaal.files.money_checks import payment_description_problems

        problems += payment_description_problems(build_config(raw, path, problems, body.root))
    elif path.name == PEOPLE_FILE:
        build_people(raw, path, problems, body.config.language)
    elif path.parent.name == "meetings" and path.suffix == ".toml":
        meeting = build_meeting(raw, path, problems, body.config.language)
        if meeting is not None and not problems:
            problems += (whole_body_cross_errors if whole else cross_errors)(body, path, meeting)
    elif path.parent.name == "polls" and path.suffix == ".toml":  # a date poll
        from kwartaal.files.polls import build_poll

        build_poll(raw, path, problems, body.config.language)
    return [p for p in problems if p.severity == "error"]


def cross_errors(body: m.Body, path: Path, meeting: m.Meeting) -> list[Problem]:
    """The meeting's errors among the records it refers to, as the write would leave it: a
    payment to someone the write records as absent, say, or a reference to an item or a
    decision of another meeting. Compared with the same for the old text, so only what the
    write adds refuses it. Reads only the meetings its references name."""
    import datetime as dt

    from kwartaal.files.validate import meeting_errors

    trial = referenced_scope(body, meeting)
    return [p for p in meeting_errors(trial, dt.date.today()) if p.path == path]


def referenced_scope(body: m.Body, meeting: m.Meeting) -> m.Body:
    """The body with this meeting (as written) and only the meetings it refers to: those an
    item, note, decision or action names (carried_from, item, supersedes, deferred_to), and
    along each carry-over chain the meetings it passes through, so that whether an item is
    closed (visibility.closed_items) comes out as over the whole body. Found by id, so a
    body read on demand (files/scope.py) reads just those files."""
    from kwartaal.files.scope import with_meetings

    found: dict[str, m.Meeting] = {meeting.id: meeting}
    items: list[str] = [i.carried_from for i in meeting.items if i.carried_from]
    for record in (*meeting.notes, *meeting.decisions, *meeting.actions):
        if "/" in record.item:
            items.append(record.item)
    ids = [d.supersedes for d in meeting.decisions if "/" in d.supersedes]
    ids += [i.deferred_to for i in meeting.items if i.deferred_to]
    for ref in ids:
        _other(body, ref.partition("/")[0], found)
    seen: set[str] = set()
    while items:  # follow each chain of carried items back to where it began
        ref = items.pop()
        if ref in seen:
            continue
        seen.add(ref)
        other = _other(body, ref.partition("/")[0], found)
        item = next((i for i in other.items if i.id == ref), None) if other else None
        if item is not None and item.carried_from:
            items.append(item.carried_from)
    return with_meetings(body, found.values())


def _other(body: m.Body, meeting_id: str, found: dict[str, m.Meeting]) -> m.Meeting | None:
    if meeting_id not in found:
        other = body.meeting(meeting_id)
        if other is None:
            return None
        found[meeting_id] = other
    return found[meeting_id]


def whole_body_cross_errors(body: m.Body, path: Path, meeting: m.Meeting) -> list[Problem]:
    """cross_errors judged among every meeting of the body: what check does, and what the
    write check did before it read only what a meeting refers to."""
    import dataclasses
    import datetime as dt

    from kwartaal.files.validate import meeting_errors

    others = [mt for mt in body.meetings if mt.src.path != path]
    trial = dataclasses.replace(body, meetings=sorted([*others, meeting],
                                                      key=lambda mt: (mt.date, mt.id)),
                                _by_id=None)
    return [p for p in meeting_errors(trial, dt.date.today()) if p.path == path]


def _findings(body: m.Body, path: Path, text: str,
              whole: bool = False) -> list[tuple[tuple[object, ...], int, Msg]]:
    """What the privacy lint finds in one file's text: (identity, line, what)."""
    if not text:
        return []
    allowed_text, allowed_digits = allowed_values(_as_written(body, path, text))
    out: list[tuple[tuple[object, ...], int, Msg]] = []
    for problem in scan_text(path, text, allowed_text, allowed_digits):
        params = problem.message.params
        what = params.get("what")
        out.append((("detail", getattr(what, "text", what), params.get("raw")),
                    problem.line or 0, msg("{what} ('{value}')", **params)))
    from kwartaal.core.lines import LineIndex

    index = LineIndex(text)
    for section, key, value, pid in _hidden_in_file(body, path, text, whole):
        line = index.line(section, key) or 0
        if is_marked(text.splitlines()[line - 1] if line else ""):
            continue
        if not value:  # the name field of someone who is not named
            out.append((("legal", pid), line, msg(
                "a name for {id} that looks like a full legal name, while {id} is not shown "
                "by name; use a working name or a role",
                id=pid)))
            continue
        out.append((("name", pid, value), line, msg(
            "the name of {id}, who is not shown by name, in a text that is public",
            id=pid)))
    return out


def _as_written(body: m.Body, path: Path, text: str) -> m.Body:
    """The body with this text of kwartaal.toml or people.toml in place: what they allow (a
    public address, a named person's own number) counts from the write that adds it."""
    import dataclasses

    from kwartaal.files.config import build_config
    from kwartaal.files.loader import build_people
    from kwartaal.files.paths import CONFIG_FILE, PEOPLE_FILE

    if path.name not in (CONFIG_FILE, PEOPLE_FILE):
        return body
    raw = _parsed(text)
    if raw is None:
        return body
    if path.name == CONFIG_FILE:
        return dataclasses.replace(body, config=build_config(raw, path, [], body.root),
                                   _by_id=None)
    return dataclasses.replace(body, people=build_people(raw, path, [], body.config.language),
                               _by_id=None)


def _hidden_in_file(body: m.Body, path: Path, text: str,
                    whole: bool = False) -> list[tuple[tuple[object, ...], str | None, str, str]]:
    """Public texts of a meeting file, kwartaal.toml or people.toml that name a hidden person
    (and, in people.toml, names of people who are not named that look like legal names)."""
    import dataclasses

    from kwartaal.core.visibility import View
    from kwartaal.files.config import build_config
    from kwartaal.files.loader import build_meeting, build_people
    from kwartaal.files.paths import CONFIG_FILE, PEOPLE_FILE

    raw = _parsed(text)
    if raw is None:
        return []  # the write itself refuses what does not parse
    config: m.Config | None = None
    meetings: list[m.Meeting] = []
    people: list[m.Person] = []
    out = []
    if path.name == PEOPLE_FILE:
        people = list(build_people(raw, path, [], body.config.language).values())
        scope = dataclasses.replace(body, people={p.id: p for p in people}, _by_id=None)
        out += [(p.src.section, "name", "", p.id) for p in people
                if not p.is_named and FULL_NAME.match(p.name.strip())]
    elif path.name == CONFIG_FILE:
        config = build_config(raw, path, [], body.root)
        scope = dataclasses.replace(body, config=config, _by_id=None)
    elif path.parent.name == "meetings" and path.suffix == ".toml":
        meeting = build_meeting(raw, path, [], body.config.language)
        if meeting is None:
            return []
        meetings = [meeting]
        if whole:
            others = [mt for mt in body.meetings if mt.id != meeting.id]
            scope = dataclasses.replace(body, meetings=[*others, meeting], _by_id=None)
        else:
            scope = referenced_scope(body, meeting)
    else:
        return []
    if not meetings and not whole:  # no record of a meeting is judged: none is read
        scope = dataclasses.replace(scope, meetings=[], _by_id=None)
    view = View(scope, body.config.language, public=True)
    for _, section, key, value in public_texts(view, config, meetings, people):
        person = view.hidden_person_in(value)
        if person is not None:
            out.append((section, key, value, person.id))
    return out


def _mark(text: str, lines: list[int], path: Path) -> str:
    """Put the allow-private marker at the end of each line; refuse where a line cannot take a
    comment (inside a multi-line text)."""
    import tomllib

    rows = text.split("\n")
    for number in lines:
        if 0 < number <= len(rows) and not is_marked(rows[number - 1]):
            rows[number - 1] = rows[number - 1].rstrip() + "  " + MARKER
    marked = "\n".join(rows)
    try:
        same = tomllib.loads(marked) == tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        same = False
    if not same:
        raise KwartaalError(msg(
            "{path}: the text spans several lines, so it cannot be marked as allowed; write "
            "it on one line", path=path.name))
    return marked
