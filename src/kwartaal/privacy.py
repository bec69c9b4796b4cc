"""Privacy lint: the repository is cloned by every partner, police included, with its history.

For anyone who is not `named`, no legal name, phone number, e-mail address or bank account may
appear anywhere in the body's files. Contact details of named people in their own record, and
public organisation addresses listed under [privacy] allow, are the only exceptions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import model as m
from .problems import KwartaalError, Msg, Problem, msg

# Linear time: a match may only start where a run of address characters starts. Without the
# look-behind every position of a long run was tried again to its end (100,000 letters: 31 s).
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
_PHONE_HINT = re.compile(r"\+?\(?\d[\d \-().]{7,}\d")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")
_NINE_DIGITS = re.compile(r"(?<![\d\-])\d{9}(?![\d\-])")
# Two or more capitalised words ("Roos de Vries"): the shape of a legal name, not a working name.
_FULL_NAME = re.compile(
    r"^[A-ZÀ-Þ][a-zà-ÿ'\-]+(?:\s+(?:van|de|der|den|het|ten|ter|te|el|al|[A-ZÀ-Þ][a-zà-ÿ'\-]+))*"
    r"\s+[A-ZÀ-Þ][a-zà-ÿ'\-]+$")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


# A line written with --allow-private carries this comment; the lint accepts that line.
MARKER = "# kwartaal: allow-private"


def _allowed(body: m.Body) -> tuple[set[str], set[str]]:
    """Public addresses and numbers: [privacy] allow, and named people's own details."""
    allowed_text = {a.strip().lower() for a in body.config.privacy_allow}
    allowed_digits = {_digits(a) for a in body.config.privacy_allow if _digits(a)}
    for person in body.people.values():
        if person.is_named:
            if person.email:
                allowed_text.add(person.email.lower())
            if person.phone:
                allowed_digits.add(_digits(person.phone))
    return allowed_text, allowed_digits


def lint(body: m.Body, files: Iterable[Path]) -> list[Problem]:
    problems: list[Problem] = []
    allowed_text, allowed_digits = _allowed(body)
    for person in body.people.values():
        if person.is_named:
            continue
        for key in ("email", "phone"):
            if getattr(person, key):
                problems.append(Problem(person.src.path,
                                        _key_line(person, key), "error", msg(
                    "[{id}] is {vis}: remove '{key}'; no contact details may be kept for "
                    "anyone who is not named (the organisation that pays or invites keeps them)",
                    "[{id}] is {vis}: verwijder '{key}'; van wie niet bij naam genoemd wordt, "
                    "worden geen contactgegevens bewaard (die houdt de organisatie die uitnodigt "
                    "of betaalt)", id=person.id, vis=person.visibility, key=key)))
        if _FULL_NAME.match(person.name.strip()):
            problems.append(Problem(person.src.path, _key_line(person, "name"), "warning", msg(
                "[{id}] is {vis} but its name '{name}' looks like a full legal name; "
                "use a working name or a role",
                "[{id}] is {vis} maar de naam '{name}' lijkt een volledige wettelijke naam; "
                "gebruik een werknaam of een rol", id=person.id, vis=person.visibility,
                name=person.name)))
    for path in files:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the loader
        problems.extend(scan_text(path, text, allowed_text, allowed_digits))
    problems.extend(_hidden_names_in_open_text(body))
    return problems


def _hidden_names_in_open_text(body: m.Body) -> list[Problem]:
    """A hidden person's name in a text that will be published: public output replaces it by
    the role, but the secretary should know and rephrase. Matched as public output matches
    it: whole words, any case, any Unicode form."""
    from .lines import line_of
    from .visibility import View

    view = View(body, body.config.language, public=True)
    problems = []
    for path, section, key, text in _public_texts(view, body.config, body.meetings):
        person = view.hidden_person_in(text)
        if person is None:
            continue
        line = line_of(path, section, key)
        if line is not None and MARKER in _line_text(path, line):
            continue
        problems.append(Problem(path, line, "warning", _names_hidden(person.id)))
    return problems


def _names_hidden(pid: str) -> Msg:
    return msg("this text is public and names {id}, who is not shown by name; public "
               "documents show the role instead — better rephrase it",
               "deze tekst is openbaar en noemt {id}, die niet bij naam genoemd wordt; "
               "openbare stukken tonen daar de rol — formuleer het liever anders", id=pid)


PublicText = tuple[Path, tuple[object, ...], str, str]


def _public_texts(view: Any, config: m.Config | None,
                  meetings: Iterable[m.Meeting]) -> list[PublicText]:
    """Every free text that public output shows: (file, table, key, text)."""
    out: list[PublicText] = []
    if config is not None:
        out.append((config.src.path, ("cadence",), "place", config.cadence.place))
    for meeting in meetings:
        out.append((meeting.src.path, (), "place", meeting.place))
        for item in meeting.items:
            if not view.hides(item):
                out += [(item.src.path, item.src.section, "title", item.title),
                        (item.src.path, item.src.section, "note", item.note)]
        out += [(r.src.path, r.src.section, "text", r.text)
                for r in (*meeting.notes, *meeting.decisions) if not view.hides(r)]
        out += [(a.src.path, a.src.section, "title", a.title)
                for a in meeting.actions if not view.hides(a)]
    return [entry for entry in out if entry[3]]


def _line_text(path: Path, number: int) -> str:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _key_line(person: m.Person, key: str) -> int | None:
    from .lines import line_of

    return line_of(person.src.path, person.src.section, key)


def scan_text(path: Path, text: str, allowed_text: set[str],
              allowed_digits: set[str]) -> list[Problem]:
    """Contact details, bank accounts and citizen service numbers, line by line."""
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not any(ch.isdigit() or ch == "@" for ch in line) or MARKER in line:
            continue
        for found in _EMAIL.findall(line):
            if found.lower() not in allowed_text:
                problems.append(_found(path, number, "an e-mail address", "een e-mailadres", found))
        for found in _IBAN.findall(line):
            if _valid_iban(found):
                problems.append(_found(path, number, "a bank account number (IBAN)",
                                       "een bankrekeningnummer (IBAN)", found))
        for found in _NINE_DIGITS.findall(line):
            if _valid_bsn(found):
                problems.append(_found(path, number, "a citizen service number (BSN)",
                                       "een burgerservicenummer (BSN)", found))
        undated = _DATE.sub(" ", line)  # ISO dates and times are not phone numbers
        if _PHONE_HINT.search(undated):
            for found in _phone_numbers(undated):
                if _digits(found) not in allowed_digits:
                    problems.append(_found(path, number, "a phone number", "een telefoonnummer",
                                           found))
    return problems


def _found(path: Path, line: int, what_en: str, what_nl: str, value: str) -> Problem:
    return Problem(path, line, "error", msg(
        "privacy: {what_en} ('{value}') in the body's files; every partner who clones the "
        "repository sees it, history included. Remove it (or, for a public address of an "
        "organisation, list it under [privacy] allow in kwartaal.toml)",
        "privacy: {what_nl} ('{value}') in de bestanden van het overleg; iedere partner die de "
        "repository kloont ziet het, ook in de geschiedenis. Verwijder het (of zet een openbaar "
        "adres van een organisatie onder [privacy] allow in kwartaal.toml)",
        what_en=what_en, what_nl=what_nl, value=value))


def _valid_iban(candidate: str) -> bool:
    from stdnum import iban

    return bool(iban.is_valid(candidate))


def _valid_bsn(candidate: str) -> bool:
    from stdnum.nl import bsn

    return bool(bsn.is_valid(candidate))


def _phone_numbers(line: str) -> list[str]:
    import phonenumbers

    return [match.raw_string for match in phonenumbers.PhoneNumberMatcher(
        line, "NL", leniency=phonenumbers.Leniency.VALID)]


# -- at write time ------------------------------------------------------------------------------

def write_check(get_body: Callable[[], m.Body], *, allow_private: bool) -> Callable[
        [Path, str, str], str]:
    """The check every write of a body file passes: what the write adds (contact details, a
    bank account, a citizen service number, a hidden person's name in a text that is public)
    is refused, naming file and line, before anything is written. With allow_private the text
    is written all the same, each such line marked with a comment that check then accepts."""

    def check(path: Path, old: str, new: str) -> str:
        body = get_body()
        before = Counter(key for key, _, _ in _findings(body, path, old))
        found = []
        for key, line, what in _findings(body, path, new):
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
                "privacy: nothing was written, because this would put into the body's files\n"
                + lines + "\nEvery partner who clones the repository sees it, history "
                "included. Leave it out, mark the text --closed where that fits, or pass "
                "--allow-private if it is meant to be there",
                "privacy: er is niets geschreven, want dit zou in de bestanden van het overleg "
                "komen\n" + lines + "\nIedere partner die de repository kloont ziet het, ook "
                "in de geschiedenis. Laat het weg, maak de tekst --closed waar dat past, of "
                "gebruik --allow-private als het er echt in hoort", **whats))
        return _mark(new, sorted({line for line, _ in found}), path)

    return check


def _findings(body: m.Body, path: Path, text: str) -> list[tuple[tuple[object, ...], int, Msg]]:
    """What the privacy lint finds in one file's text: (identity, line, what)."""
    if not text:
        return []
    allowed_text, allowed_digits = _allowed(_as_written(body, path, text))
    out: list[tuple[tuple[object, ...], int, Msg]] = []
    for problem in scan_text(path, text, allowed_text, allowed_digits):
        params = problem.message.params
        out.append((("detail", params.get("what_en"), params.get("value")), problem.line or 0,
                    msg("{what_en} ('{value}')", "{what_nl} ('{value}')", **params)))
    for section, key, value, pid in _hidden_in_file(body, path, text):
        from .lines import LineIndex

        line = LineIndex(text).line(section, key) or 0
        if MARKER in (text.splitlines()[line - 1] if line else ""):
            continue
        out.append((("name", pid, value), line, msg(
            "the name of {id}, who is not shown by name, in a text that is public",
            "de naam van {id}, die niet bij naam genoemd wordt, in een openbare tekst",
            id=pid)))
    return out


def _as_written(body: m.Body, path: Path, text: str) -> m.Body:
    """The body with this text of kwartaal.toml or people.toml in place: what they allow (a
    public address, a named person's own number) counts from the write that adds it."""
    import dataclasses
    import tomllib
    from decimal import Decimal

    from .loader import CONFIG_FILE, PEOPLE_FILE, build_config, build_people

    if path.name not in (CONFIG_FILE, PEOPLE_FILE):
        return body
    try:
        raw = tomllib.loads(text.removeprefix("\ufeff"), parse_float=Decimal)
    except tomllib.TOMLDecodeError:
        return body
    if path.name == CONFIG_FILE:
        return dataclasses.replace(body, config=build_config(raw, path, [], body.root),
                                   _by_id=None)
    return dataclasses.replace(body, people=build_people(raw, path, [], body.config.language),
                               _by_id=None)


def _hidden_in_file(body: m.Body, path: Path,
                    text: str) -> list[tuple[tuple[object, ...], str, str, str]]:
    """Public texts of a meeting file or of kwartaal.toml that name a hidden person."""
    import dataclasses
    import tomllib
    from decimal import Decimal

    from .loader import CONFIG_FILE, build_config, build_meeting
    from .visibility import View

    try:
        raw = tomllib.loads(text.removeprefix("\ufeff"), parse_float=Decimal)
    except tomllib.TOMLDecodeError:
        return []  # the write itself refuses what does not parse
    config: m.Config | None = None
    meetings: list[m.Meeting] = []
    if path.name == CONFIG_FILE:
        config = build_config(raw, path, [], body.root)
        scope = dataclasses.replace(body, config=config, _by_id=None)
    elif path.parent.name == "meetings" and path.suffix == ".toml":
        meeting = build_meeting(raw, path, [], body.config.language)
        if meeting is None:
            return []
        meetings = [meeting]
        others = [mt for mt in body.meetings if mt.id != meeting.id]
        scope = dataclasses.replace(body, meetings=[*others, meeting], _by_id=None)
    else:
        return []
    view = View(scope, body.config.language, public=True)
    out = []
    for _, section, key, value in _public_texts(view, config, meetings):
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
        if 0 < number <= len(rows) and MARKER not in rows[number - 1]:
            rows[number - 1] = rows[number - 1].rstrip() + "  " + MARKER
    marked = "\n".join(rows)
    try:
        same = tomllib.loads(marked) == tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        same = False
    if not same:
        raise KwartaalError(msg(
            "{path}: the text spans several lines, so it cannot be marked as allowed; write "
            "it on one line", "{path}: de tekst beslaat meerdere regels en kan daarom niet als "
            "toegestaan gemarkeerd worden; schrijf hem op één regel", path=path.name))
    return marked
