"""Reading and checking poll files (polls/<id>.toml): records with file and line of each
problem, like meeting files. Never prints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import polls as pl
from kwartaal.core.fields import build
from kwartaal.core.lines import line_of
from kwartaal.core.problems import InvalidBody, KwartaalError, Problem, hints, msg
from kwartaal.files import schema as s
from kwartaal.files.paths import inside, shown_path
from kwartaal.files.tomlread import read_toml

POLLS_DIR = "polls"
POLL = s.spec(pl.Poll)
POLL_TABLES = {key: s.spec(record) for key, record in pl.POLL_TABLES.items()}


def poll_files(root: Path) -> list[Path]:
    folder = root / POLLS_DIR
    if not folder.is_dir() or not inside(root, folder):
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix == ".toml" and p.is_file() and inside(root, p))


def build_poll(raw: dict[str, Any], path: Path, problems: list[Problem],
               lang: str) -> pl.Poll:
    conv = s.Converter(path, problems, lang)
    if not pl.POLL_ID.match(path.stem):
        conv.error((), None, "the file name '{name}' is not a poll id: name poll files "
                   "YYYY-MM-DD.toml after the first slot's date (YYYY-MM-DD-2.toml for a "
                   "second poll)", name=path.name)
    v = conv.table(raw, POLL, (), "poll")
    rows: dict[str, list[Any]] = {}
    for kind, spec in POLL_TABLES.items():
        found = v.get(kind) or []
        if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
            conv.error((), kind, "'{kind}' must be written as [[{kind}]] tables", kind=kind)
            found = []
        rows[kind] = []
        for index, row in enumerate(found):
            section = (kind, index)
            values = conv.table(row, spec, section, f"[[{kind}]] #{index + 1}")
            if kind == "slot" and values["date"] is None:
                continue
            rows[kind].append(build(pl.POLL_TABLES[kind], values, src=m.Source(path, section)))
    return build(pl.Poll, v, id=path.stem, src=m.Source(path), slots=rows["slot"],
                 answers=rows["answer"])


def load_polls(root: Path, lang: str, problems: list[Problem]) -> list[pl.Poll]:
    found = []
    for path in poll_files(root):
        raw = read_toml(path, problems)
        if raw is not None:
            found.append(build_poll(raw, path, problems, lang))
    return found


def read_polls(body: m.Body) -> list[pl.Poll]:
    """The body's polls, for a command: refused, naming the first problem, when a poll file
    has errors."""
    problems: list[Problem] = []
    polls = load_polls(body.root, body.config.language, problems)
    problems += [p for poll in polls for p in cross_problems(body, poll, None)]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0]
        raise InvalidBody(msg("{where}: {text}\n{more}fix it and try again",
                              where=shown_path(first.path) + (f":{first.line}" if first.line
                                                              else ""),
                              text=first.message, more=""))
    return polls


def find_poll(body: m.Body, poll_id: str | None) -> pl.Poll:
    """The poll named, or the one open poll when none is named."""
    polls = read_polls(body)
    if poll_id:
        for poll in polls:
            if poll.id == poll_id:
                return poll
        raise KwartaalError(msg("no poll '{id}'{hint}; the polls are: {known}", id=poll_id,
                                known=", ".join(p.id for p in polls) or "-",
                                **hints(poll_id, [p.id for p in polls])))
    open_polls = [p for p in polls if p.is_open]
    if not open_polls:
        raise KwartaalError(msg("there is no open poll; start one with 'kwartaal poll new'"))
    if len(open_polls) > 1:
        raise KwartaalError(msg("several polls are open ({ids}); say which one",
                                ids=", ".join(p.id for p in open_polls)))
    return open_polls[0]


def poll_problems(body: m.Body, today: dt.date) -> list[Problem]:
    """Every problem of the poll files, for check."""
    problems: list[Problem] = []
    for poll in load_polls(body.root, body.config.language, problems):
        problems += cross_problems(body, poll, today)
    return problems


def cross_problems(body: m.Body, poll: pl.Poll, today: dt.date | None) -> list[Problem]:
    """What one poll's records say against each other and the body. today: also the warning
    about office hours (check); None for the errors only."""
    found: list[Problem] = []

    def add(src: m.Source, where: str | None, severity: str, text: str, /,
            **params: object) -> None:
        line = line_of(src.path, src.section, where) if where else src.line
        found.append(Problem(src.path, line, severity, msg(text, **params)))  # type: ignore[arg-type]

    count = len(poll.slots)
    if not count:
        add(poll.src, None, "error", "the poll has no [[slot]]; add at least one with a date "
            "and a time (date = 2026-06-09, time = \"19:30\")")
    seen: dict[tuple[dt.date, str], int] = {}
    for number, slot in enumerate(poll.slots, start=1):
        if (slot.date, slot.time) in seen:
            add(slot.src, "date", "error", "slot {number} is the same as slot {other} ({date} "
                "{time}); remove one of them", number=number, other=seen[(slot.date, slot.time)],
                date=slot.date, time=slot.time)
        seen.setdefault((slot.date, slot.time), number)
    people: set[str] = set()
    for answer in poll.answers:
        if answer.person and answer.person not in body.people:
            add(answer.src, "person", "error", "[[answer]]: unknown person '{id}'{hint}; fix "
                "the id or add them with 'kwartaal person add'", id=answer.person,
                **hints(answer.person, body.people))
        if answer.person in people:
            add(answer.src, "person", "error", "[[answer]]: {id} answers twice; keep one "
                "answer per person", id=answer.person)
        people.add(answer.person)
        if answer.entered_by and answer.entered_by not in body.people:
            add(answer.src, "entered_by", "error", "[[answer]]: unknown person '{id}' in "
                "'entered_by'{hint}", id=answer.entered_by,
                **hints(answer.entered_by, body.people))
        lists = {"yes": answer.yes, "maybe": answer.maybe, "no": answer.no}
        for key, numbers in lists.items():
            for number in numbers:
                if number > count:
                    add(answer.src, key, "error", "[[answer]] of {id}: '{key}' names slot "
                        "{number}, but the poll has {count} slots (numbered 1-{count})",
                        id=answer.person, key=key, number=number, count=count)
                twice = [other for other, more in lists.items()
                         if other != key and number in more]
                if twice and key < twice[0]:
                    add(answer.src, key, "error", "[[answer]] of {id}: slot {number} is in "
                        "both '{key}' and '{other}'; keep it in one", id=answer.person,
                        number=number, key=key, other=twice[0])
    if poll.chosen is not None and poll.chosen > count:
        add(poll.src, "chosen", "error", "'chosen' = {number}, but the poll has {count} slots",
            number=poll.chosen, count=count)
    if poll.meeting and body.meetings and body.meeting(poll.meeting) is None:
        add(poll.src, "meeting", "error", "'meeting' = '{id}' names no meeting file; fix it or "
            "remove the key", id=poll.meeting)
    if today is not None and poll.is_open and pl.all_in_office_hours(poll.slots):
        add(poll.src, None, "warning", "every slot of poll {id} is on a weekday between 09:00 "
            "and 17:00, when many sex workers cannot come; add an evening or weekend slot "
            "(kwartaal poll new with more slots) before you send it", id=poll.id)
    return found
