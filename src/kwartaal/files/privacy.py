"""Privacy lint, the privacy part of `check`: contact details in any text file of the body,
contact details kept for people who are not named, names that look like legal names, hidden
names in texts that will be published, and names shared between a hidden and a shown person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.detect import (
    MARKER,
    allowed_values,
    digits,
    is_marked,
    scan_text,
)
from kwartaal.core.fields import public_values
from kwartaal.core.longtext import places_of
from kwartaal.core.problems import Msg, Problem, msg
from kwartaal.files.paths import published_minutes, read_in_place, read_text_in_place

# Two or more capitalised words ("Roos de Vries"): the shape of a legal name, not a working name.
FULL_NAME = re.compile(
    r"^[A-ZÀ-Þ][a-zà-ÿ'\-]+(?:\s+(?:van|de|der|den|het|ten|ter|te|el|al|[A-ZÀ-Þ][a-zà-ÿ'\-]+))*"
    r"\s+[A-ZÀ-Þ][a-zà-ÿ'\-]+$")


def lint(body: m.Body, files: Iterable[Path]) -> list[Problem]:
    """The whole lint of a loaded body (files: its record files, settings first); `check`
    runs the same parts file by file (files/checkrun.py)."""
    from kwartaal.core.visibility import View

    problems = people_lint(body)
    scanner = Scanner(body)
    record_files = list(files)
    for path in record_files:
        try:
            text = read_text_in_place(path)
        except (OSError, UnicodeDecodeError):
            continue  # reported by the loader
        problems += scanner.scan(path, text)
        scanner.allow(marked_values(path, text))
    problems += other_files_lint(body.root, record_files, scanner,
                                 body.root / published_minutes(body.config.publish_folder))
    view = View(body, body.config.language, public=True)
    problems += hidden_names_in_settings(view, body)
    for meeting in body.meetings:
        problems += hidden_names_in_meeting(view, meeting)
    problems += shared_names(body)
    return problems


def people_lint(body: m.Body) -> list[Problem]:
    """Contact details kept for people who are not named; names that look like legal names."""
    problems: list[Problem] = []
    for person in body.people.values():
        if person.is_named:
            continue
        for key in ("email", "phone"):
            if getattr(person, key):
                problems.append(Problem(person.src.path,
                                        _key_line(person, key), "error", msg(
                    "[{id}] is {vis}: remove '{key}'; no contact details may be kept for "
                    "anyone who is not named (the organisation that pays or invites keeps them)",
                    id=person.id, vis=person.visibility, key=key)))
        if FULL_NAME.match(person.name.strip()):
            problems.append(Problem(person.src.path, _key_line(person, "name"), "warning", msg(
                "[{id}] is {vis} but its name looks like a full legal name; use a working "
                "name or a role",
                id=person.id, vis=person.visibility)))
    return problems


class Scanner:
    """The scan for contact details, with the values allowed so far: public addresses and
    named people's own details, and what lines written with --allow-private allow, in the
    order the files are read."""

    def __init__(self, body: m.Body) -> None:
        self.allowed_text, self.allowed_digits = allowed_values(body)

    def scan(self, path: Path, text: str) -> list[Problem]:
        return scan_file(path, text, self.allowed_text, self.allowed_digits)

    def allow(self, values: Iterable[tuple[str, str]]) -> None:
        for raw, number in values:
            self.allowed_text.add(raw)
            if number:
                self.allowed_digits.add(number)

    def key(self) -> str:
        """What a file's findings depend on besides its text."""
        from kwartaal.files.cache import digest

        return digest("\0".join([*sorted(self.allowed_text), "\1",
                                  *sorted(self.allowed_digits)]).encode("utf-8", "replace"))


def other_files_lint(root: Path, record_files: list[Path], scanner: Scanner,
                     published: Path | None = None) -> list[Problem]:
    """Everything else in the body's folder is cloned as well: notes, drafts, templates. What a
    record allows with --allow-private may stand in a draft made from it. Published output
    is not read: the minutes `publish` wrote (in published) and the files a site build wrote
    (files/sitefolder.py), which passed the search of public output when they were made, and
    hold what looks like an address ('UID:2025-12-11@….kwartaal' in a calendar)."""
    problems = []
    for path in other_text_files(root, record_files, published):
        text = read_any_text(path)
        if text is None:
            if path.stat().st_size > MAX_SCANNED:
                problems.append(Problem(path, None, "warning", msg(
                    "this file is larger than 5 MB, so its privacy was not checked")))
            continue
        problems += scanner.scan(path, text)
    return problems


MAX_SCANNED = 5_000_000  # bytes: larger files are not something a person typed



def other_text_files(root: Path, known: list[Path],
                     published: Path | None = None) -> list[Path]:
    """Every other file of the body that would be committed: in git, the files it tracks or
    would add (not those it ignores); elsewhere every file outside hidden folders. Published
    output is left out (see other_files_lint)."""
    from kwartaal.files.gitlisting import ls_files
    from kwartaal.files.sitefolder import without_published

    spelled = set(known)  # the same spelling is the same file: no resolving needed
    listed = ls_files(root, ["-z", "-c", "-o", "--exclude-standard"])
    if listed is not None:
        candidates = [root / name for name in listed.decode("utf-8", "replace").split("\0")
                      if name]
    else:
        candidates = [p for p in root.rglob("*")
                      if not any(part.startswith(".") for part in p.relative_to(root).parts)]
    others = [p for p in candidates
              if p not in spelled and p.is_file() and not p.is_symlink()]
    others = without_published(root, others, published)
    if not others:
        return []
    from kwartaal.files.listing import real_paths

    skip = set(real_paths(known))
    return sorted(p for p in others if p.resolve() not in skip)


def read_any_text(path: Path) -> str | None:
    """A file's text in whatever encoding it was saved (UTF-8, UTF-16, else Windows-1252);
    None for a binary file or one too large to be something a person typed."""
    from kwartaal.files.keeping import relied_on

    relied_on(path)  # a file too large is judged by its size alone
    try:
        if path.stat().st_size > MAX_SCANNED:
            return None
        data = read_in_place(path)
    except OSError:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _skeleton_table() -> bytes:
    table = bytearray(b"_" * 256)
    for byte in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
        table[byte] = ord("a")
    for byte in b"0123456789":
        table[byte] = ord("0")
    for byte in b" .-\t\x1f\\_~":  # what may part the digits of a number ('06\\-1234', as
        # Markdown escapes it; '06_1234'), or groups of an IBAN
        table[byte] = ord("-")
    for byte in b"()/+:":  # the rest of what a phone number, a date or a time is written with
        table[byte] = ord(":")
    for byte in range(0x80, 0x100):
        table[byte] = ord("~")
    table[ord("\n")], table[ord("@")] = ord("\n"), ord("@")
    return bytes(table)


# A file reduced to the kind of each byte: letter, digit, separator, other, non-ASCII.
_SKELETON = _skeleton_table()
# Where scan_text may find something. A line that is not plain ASCII, or writes
# 'jan(at)example.org', may hide a detail behind typography: such lines are always read. A plain
# line reads as written and holds an e-mail address only with an '@', a bank account only where
# two letters stand before two digits, a citizen service number or a phone number only in a run
# of nine or more digits and separators (a lone date in such a run, blanked by scan_text, holds
# neither).
_NUMBER_RUN = re.compile(rb"0[0\-:]{7,}0")
_LONE_DATE = re.compile(rb"[ \t\x1f]*[0-9]{4}-[0-9]{2}-[0-9]{2}[ \t\x1f]*")
_WRITTEN_AT = re.compile(  # (a backslash in it: Markdown's 'jan\\(at\\)…' shows '(at)')
    rb"[(\[{<][\s\x1c-\x1f\\]*(?i:at|a|apenstaartje)[\s\x1c-\x1f\\]*[)\]}>]")
# 'jan at example dot org', 'jan at example.org'; and an '@' or a number as an entity or a
# percent-escape
_SPELLED_AT = re.compile(
    rb"(?i)\s(?:(?:at|apenstaartje)\s+[\w-]+(?:\s+(?:dot|punt)\s|\.)|op\s+[\w-]+\s+(?:dot|punt)\s)")
# (and a TOML string's '\u0040', '\u002d')
_ESCAPED = (b"&#", b"&commat;", b"&amp;", b"%", b"\\u", b"\\U")
_IBAN_STARTS = (b"aa00", b"aa-00", b"aa--00", b"aa---00")
# _WRITTEN_AT with its spaces left out, in lower case and every bracket a round one: where it
# finds something, this holds '(at)', '(a)' or '(apenstaartje)' (a file has brackets on most
# lines)
_BRACKETS_AS_ROUND = bytes.maketrans(b"[{<]}>ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                     b"((()))abcdefghijklmnopqrstuvwxyz")
_WRITTEN_AT_SPACES = b" \t\n\r\f\v\x1c\x1d\x1e\x1f\\"  # (and backslashes)
# Line breaks other than "\n" and "\r\n", which str.splitlines counts as well.
_OTHER_BREAK_CHARS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_OTHER_BREAKS = re.compile(f"[{_OTHER_BREAK_CHARS}]")
_ASCII_OTHER_BREAKS = [char for char in _OTHER_BREAK_CHARS if char.isascii()]


def scan_file(path: Path, text: str, allowed_text: set[str],
              allowed_digits: set[str]) -> list[Problem]:
    """What scan_text finds in a text, in linear time: a few searches over the whole file (at
    the speed of bytes) find the lines that may hold a finding, and only those are read by
    scan_text, line by line."""
    if _other_breaks(text) or text.count("\r") != text.count("\r\n"):
        return scan_text(path, text, allowed_text, allowed_digits)
    data = text.encode("utf-8", "surrogatepass")
    skeleton = data.translate(_SKELETON)
    offsets = [found.start() for found in _NUMBER_RUN.finditer(skeleton)
               if not _LONE_DATE.fullmatch(data, found.start(), found.end())]
    if _may_write_at(data):
        for found in _WRITTEN_AT.finditer(data):  # it may span lines: both ends are read
            offsets += [found.start(), found.end() - 1]
    for found in _SPELLED_AT.finditer(data):
        offsets += [found.start(), found.end() - 1]
    for needle in (b"@", b"~", *_IBAN_STARTS):
        offsets += places_of(skeleton, needle)
    for needle in _ESCAPED:
        offsets += places_of(data, needle)
    if not offsets:
        return []
    lines = text.splitlines()
    numbers: list[int] = []
    line, previous = 0, 0
    for offset in sorted(set(offsets)):
        line += data.count(b"\n", previous, offset)
        previous = offset
        if line < len(lines) and (not numbers or numbers[-1] != line):
            numbers.append(line)
    problems = []
    for index in numbers:
        for problem in scan_text(path, lines[index], allowed_text, allowed_digits):
            problems.append(replace(problem, line=index + 1))
    return problems


def _may_write_at(data: bytes) -> bool:
    """False when _WRITTEN_AT surely finds nothing in data: two searches at the speed of
    memory, instead of reading on at each of a file's thousands of brackets."""
    probe = data.translate(_BRACKETS_AS_ROUND, _WRITTEN_AT_SPACES)
    return b"(at)" in probe or b"(a)" in probe or b"(apenstaartje)" in probe


def _other_breaks(text: str) -> bool:
    """Whether a text has a line break of _OTHER_BREAKS: in a plain ASCII text (checked at
    once) only its ASCII ones can be there, each looked for at the speed of memory."""
    if text.isascii():
        return any(char in text for char in _ASCII_OTHER_BREAKS)
    return _OTHER_BREAKS.search(text) is not None



def marked_values(path: Path, text: str) -> list[tuple[str, str]]:
    """Values on lines written with --allow-private, allowed elsewhere too: (text in lower
    case, its digits or "")."""
    if MARKER not in text:
        return []
    found = []
    for line in text.splitlines():
        if is_marked(line):
            for problem in scan_text(path, line.rstrip()[:-len(MARKER)], set(), set()):
                raw = str(problem.message.params.get("raw", ""))
                found.append((raw.lower(), digits(raw) or ""))
    return found


def hidden_names_in_settings(view: Any, body: m.Body) -> list[Problem]:
    """A hidden person's name in a text that will be published: public output replaces it by
    the role, but the secretary should know and rephrase. Matched as public output matches
    it (View.hidden_person_in, core/spelling.py): whole words, any case, any Unicode form, in
    look-alike and split spellings. Here: the texts of the settings and people."""
    return _hidden_names_in(view, public_texts(view, body.config, (), body.people.values()))


def hidden_names_in_meeting(view: Any, meeting: m.Meeting) -> list[Problem]:
    """The same in the texts of one meeting file that public output shows."""
    return [problem for record, problem in hidden_name_candidates(view, meeting)
            if record is None or not view.hides(record)]


def hidden_name_candidates(view: Any, meeting: m.Meeting) -> list[tuple[Any, Problem]]:
    """The findings in every text of one meeting file, each with its record (None for the
    meeting's own texts): those of a record public output hides are no finding. Only
    view.hidden_person_in is used here, so which records are hidden can be decided later."""
    entries = []
    records = (*meeting.items, *meeting.notes, *meeting.decisions, *meeting.actions)
    for record in (None, *records):
        if record is None:
            texts = _declared_texts(meeting, meeting.src.path, ())
        else:
            texts = _declared_texts(record, record.src.path, record.src.section)
        entries.append((record, [entry for entry in texts if entry[3]]))
    # most files name no hidden person anywhere: one search over all their texts says so
    if not view.may_name_hidden([entry[3] for _, texts in entries for entry in texts]):
        return []
    return [(record, problem) for record, texts in entries
            for problem in _hidden_names_in(view, texts)]


def _hidden_names_in(view: Any, texts: list[PublicText]) -> list[Problem]:
    from kwartaal.core.lines import line_of

    problems = []
    for path, section, key, text in texts:
        person = view.hidden_person_in(text)
        if person is None:
            continue
        line = line_of(path, section, key)
        if line is not None and is_marked(_line_text(path, line)):
            continue
        problems.append(Problem(path, line, "error", _names_hidden(person.id)))
    return problems


def shared_names(body: m.Body) -> list[Problem]:
    """A hidden name that is also how someone else is shown: public output replaces it by the
    hidden person's role wherever it stands, so the other person's mentions read wrong."""
    from kwartaal.core.folding import fold
    from kwartaal.core.naming import hidden_names_of

    shown = {" ".join(fold(p.name).split()): p for p in body.people.values()
             if p.visibility != "role-only"}
    problems = []
    for person in body.people.values():
        for name in hidden_names_of(person):
            other = shown.get(" ".join(fold(name).split()))
            if other is not None and other.id != person.id:
                problems.append(Problem(person.src.path, _key_line(person, "name"), "warning", msg(
                    "[{id}]: a name of this person, who is not shown by name, is also how "
                    "[{other}] is shown; public texts naming [{other}] will show [{id}]'s role. "
                    "Give one of them a fuller name",
                    id=person.id, other=other.id)))
    return problems


def _names_hidden(pid: str) -> Msg:
    return msg("this text is public and names {id}, who is not shown by name; public "
               "documents show the role instead — better rephrase it",
               id=pid)


PublicText = tuple[Path, tuple[object, ...], str | None, str]


def public_texts(view: Any, config: m.Config | None, meetings: Iterable[m.Meeting],
                  people: Iterable[m.Person] = ()) -> list[PublicText]:
    """Every free text that public output shows: (file, table, key, text). Which fields those
    are is declared with the records (public=True in core/model.py)."""
    out: list[PublicText] = []
    if config is not None:
        path = config.src.path
        out += _declared_texts(config, path, ("body",), "body")
        out += _declared_texts(config.cadence, path, ("cadence",))
        for standing in config.standing:
            out += _declared_texts(standing, path, standing.src.section)
        out += [(path, theme.src.section, None, theme.key) for theme in config.themes.values()]
        for theme in config.themes.values():
            out += _declared_texts(theme, path, theme.src.section)
        for organisation in config.organisations.values():
            out += _declared_texts(organisation, path, organisation.src.section)
    for person in people:
        out += _declared_texts(person, person.src.path, person.src.section)
    for meeting in meetings:
        out += _declared_texts(meeting, meeting.src.path, ())
        for record in (*meeting.items, *meeting.notes, *meeting.decisions, *meeting.actions):
            if not view.hides(record):
                out += _declared_texts(record, record.src.path, record.src.section)
    return [entry for entry in out if entry[3]]


def _declared_texts(record: Any, path: Path, section: tuple[object, ...],
                    table: str = "") -> list[PublicText]:
    return [(path, section, decl.key, text) for decl, text in public_values(record, table)]


def _line_text(path: Path, number: int) -> str:
    try:
        lines = read_text_in_place(path).splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _key_line(person: m.Person, key: str) -> int | None:
    from kwartaal.core.lines import line_of

    return line_of(person.src.path, person.src.section, key)
