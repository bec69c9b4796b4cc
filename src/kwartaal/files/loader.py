"""Reading a body: files to typed records plus the problems met on the way.

The read path parses with files/tomlread.py (a native parser, tomllib as its fallback); writes
go through store.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kwartaal.core import model as m
from kwartaal.core import snapshot as snap
from kwartaal.core import values as vals
from kwartaal.core.fields import build
from kwartaal.core.problems import InvalidBody, Problem, msg
from kwartaal.core.words import Plural
from kwartaal.files import schema as s
from kwartaal.files.config import build_config
from kwartaal.files.pacing import paced
from kwartaal.files.paths import (
    CONFIG_FILE,
    MEETINGS_DIR,
    PEOPLE_FILE,
    escaping_links,
    inside,
    meeting_files,
    read_in_place,
    shown_path,
)
from kwartaal.files.tomlread import history_entry_line, parsed_quietly, read_toml

if TYPE_CHECKING:
    from kwartaal.files.records import Formed

MEETING_ID = s.MEETING_ID


@dataclass(slots=True)
class Loaded:
    body: m.Body
    problems: list[Problem]
    # files that could not be read or parsed: each has its one problem, and nothing that
    # depends on them is judged (validate.py)
    unreadable: list[Path] = field(default_factory=list)
    # meeting file name -> digest of its content, as the parse index established it (only
    # when loaded with indexed=True): what the check index keys each file's problems by
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def load_settings(root: Path, problems: list[Problem], unreadable: list[Path] | None = None,
                  ) -> tuple[m.Config, dict[str, m.Person]]:
    """kwartaal.toml and people.toml, and links out of the body reported as errors: the part
    every way of loading shares."""
    for link in escaping_links(root):
        problems.append(Problem(link, None, "error", msg(
            "this is a link to a place outside the body's folder; kwartaal does not follow it. "
            "Put the file itself here")))
    config_path = root / CONFIG_FILE
    config_raw = read_toml(config_path, problems) if inside(root, config_path) else None
    if config_raw is None and config_path.exists() and unreadable is not None:
        unreadable.append(config_path)
    # a file that does not parse has said so; the defaults stand in without more problems
    config = build_config(config_raw or {}, config_path,
                          problems if config_raw is not None else [], root)
    people_path = root / PEOPLE_FILE
    people: dict[str, m.Person] = {}
    if people_path.exists() and inside(root, people_path):
        raw_people = read_toml(people_path, problems)
        if raw_people is None and unreadable is not None:
            unreadable.append(people_path)
        people = build_people(raw_people or {}, people_path, problems, config.language)
    return config, people


def load(root: Path, *, indexed: bool = False, public: bool = True) -> Loaded:
    """Load the whole body below root. Never raises for bad content: see Loaded.problems.
    indexed: take the tables of unchanged meeting files from the parse index (parsed.py);
    public=False: for a command that makes no public output, which need not compute the
    facts public output is checked with when it stores a meeting (records.meeting_form)."""
    problems: list[Problem] = []
    unreadable: list[Path] = []
    config, people = load_settings(root, problems, unreadable)
    meetings: list[m.Meeting] = []
    index = None
    if indexed:
        from kwartaal.files.parsed import ParseIndex

        index = ParseIndex.open(root, public)
    files = meeting_files(root)
    if index is not None:
        from kwartaal.files.prefill import prefill

        def formed(raw: dict[str, Any], path: Path) -> tuple[m.Meeting, Formed] | None:
            return formed_meeting(raw, path, config.language, public)

        stored = index  # (for the closure: index is typed as possibly None)
        prefill(index, files, config.language, lambda path: stored.formed(
            path, lambda data: parsed_quietly(path, data), lambda raw: formed(raw, path)))
    for path in paced(files):
        if index is None:
            raw = read_toml(path, problems)
            meeting = None if raw is None else build_meeting(raw, path, problems,
                                                             config.language)
        else:
            def built(raw: dict[str, Any], path: Path = path) -> tuple[m.Meeting | None, bool]:
                found: list[Problem] = []
                meeting = build_meeting(raw, path, found, config.language)
                problems.extend(found)
                return meeting, not found

            parsed, meeting = index.meeting(
                path, config.language, lambda data, p=path: read_toml(p, problems, data),
                built, lambda raw, p=path: formed_meeting(raw, p, config.language, public))
            raw = {} if parsed else None
        if raw is None:
            unreadable.append(path)
        elif meeting is not None:
            meetings.append(meeting)
    digests = {}
    if index is not None:
        index.save()
        digests = index.digests()
    meetings.sort(key=lambda mt: (mt.date, mt.id))
    return Loaded(m.Body(root=root, config=config, people=people, meetings=meetings), problems,
                  unreadable, digests)


def load_checked(root: Path, *, indexed: bool = False, public: bool = True) -> m.Body:
    """Load for a command that needs sound data: refuse when the files have errors."""
    loaded = load(root, indexed=indexed, public=public)
    errors = loaded.errors
    if errors:
        first = errors[0]
        where = shown_path(first.path) + (f":{first.line}" if first.line else "")
        more = len(errors) - 1
        raise InvalidBody(msg(
            "{where}: {text}\n{more}fix it and try again",
            where=where, text=first.message,
            more=Plural("({count} more error) ", "({count} more errors) ", more) if more
            else ""))
    return loaded.body


def build_people(raw: dict[str, Any], path: Path, problems: list[Problem],
                 lang: str) -> dict[str, m.Person]:
    conv = s.Converter(path, problems, lang)
    people: dict[str, m.Person] = {}
    for pid, table in raw.items():
        section = (pid,)
        if not s.ID_PATTERN.match(pid):
            conv.error(section, None, "person id '{id}' may hold only lower-case letters, "
                       "digits, '-' and '_' (at most 64)",
                       id=vals.shown(pid))
        v = conv.table(table, s.PERSON, section, f"[{pid}]")
        people[pid] = build(m.Person, v, id=pid, name=v["name"] or pid, lang=v["lang"] or lang,
                            src=m.Source(path, section))
    return people


def formed_meeting(raw: dict[str, Any], path: Path, lang: str,
                   public: bool) -> tuple[m.Meeting, Formed] | None:
    """The meeting without its LATER parts (left empty), and those parts in their stored
    form (files/forms.py), with the facts public output is checked with when public; None
    when a table is off the quick path or the file has any problem (build_meeting then
    builds it whole, and reports what there is)."""
    problems: list[Problem] = []
    formed: list[Formed] = []
    meeting = build_meeting(raw, path, problems, lang, formed, public)
    return None if meeting is None or problems or not formed else (meeting, formed[0])


def build_meeting(raw: dict[str, Any], path: Path, problems: list[Problem], lang: str,
                  formed: list[Formed] | None = None, public: bool = False,
                  ) -> m.Meeting | None:
    """The meeting of a file's tables. formed: a list to put its LATER parts in, in their
    stored form (files/forms.py), with its public facts when public, the meeting then built
    without them; None when they are not all on the quick path."""
    conv = s.Converter(path, problems, lang)
    mid = path.stem
    if not MEETING_ID.match(mid):
        conv.error((), None,
                   "the file name '{name}' is not a meeting id: name meeting files "
                   "YYYY-MM-DD.toml (YYYY-MM-DD-2.toml for a second meeting on one day)",
                   name=path.name)
    v = conv.table(raw, s.MEETING, (), "meeting")
    if v["date"] is None:
        return None
    if formed is not None:
        from kwartaal.files.forms import KINDS, formed_parts
    records: dict[str, list[dict[str, Any]]] = {}
    for kind, spec in s.MEETING_TABLES.items():
        if formed is not None and kind in KINDS:
            records[kind] = []  # in formed
            continue
        rows = v.get(kind)
        out: list[dict[str, Any]] = []
        if rows is None:
            rows = []
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            conv.error((), kind, "'{kind}' must be written as [[{kind}]] tables",
                       kind=kind)
            rows = []
        for index, row in enumerate(rows):
            section = (kind, index)
            values = s.quick_table(row, spec) if type(row) is dict else None
            if values is None:
                values = conv.full_table(row, spec, section, f"[[{kind}]] #{index + 1}")
            if values.get("id") is None:  # missing or not an id: reported by the converter
                continue
            values["_section"] = section
            out.append(values)
        records[kind] = out

    from kwartaal.files.records import shared_section

    def record(kind: str, values: dict[str, Any], **given: Any) -> Any:
        return build(m.MEETING_RECORDS[kind], values, id=f"{mid}/{values['id']}",
                     src=m.Source(path, shared_section(values["_section"])), **given)

    meeting = build(
        m.Meeting, v, id=mid, src=m.Source(path),
        items=[record("item", r) for r in records["item"]],
        notes=[record("note", r) for r in records["note"]],
        decisions=[record("decision", r) for r in records["decision"]],
        actions=[record("action", r, meeting=mid,
                        history=_history(conv, r["history"], r["_section"]))
                 for r in records["action"]],
        compensation=[record("compensation", r) for r in records["compensation"]],
        approved=_approved(conv, v["approved"]))
    if formed is not None:
        parts = formed_parts(v, mid, path, meeting.items if public else None)
        if parts is None:
            return None
        formed.append(parts)
    return meeting


def _approved(conv: s.Converter, raw: object) -> snap.Approved | None:
    """The [approved] table: what the minutes said when they were approved."""
    if raw is None:
        return None
    v = conv.table(raw, s.APPROVED, ("approved",), "[approved]")
    rows = v["action"] if isinstance(v["action"], list) else []
    actions = [build(snap.FrozenAction, conv.table(row, s.FROZEN_ACTION,
                                                ("approved", "action", index),
                                                f"[[approved.action]] #{index + 1}"))
               for index, row in enumerate(rows)]
    return build(snap.Approved, v, actions=actions)


def _history(conv: s.Converter, raw: object, section: tuple[object, ...]) -> list[m.HistoryEntry]:
    if not isinstance(raw, list):
        conv.error(section, "history", "'history' must be a list of {{ date, by, what }} entries")
        return []
    entries = []
    quick, spec = s.quick_table, s.HISTORY
    for index, entry in enumerate(raw):
        v = quick(entry, spec) if type(entry) is dict else None
        if v is None:
            conv.line_hint = lambda i=index: history_entry_line(conv.path, section, i)
            v = conv.full_table(entry, spec, section, "history")
            conv.line_hint = None
        if v["date"] is not None:
            entries.append(build(m.HistoryEntry, v))
    return entries


def load_meetings(root: Path, meeting_ids: list[str]) -> m.Body:
    """Config, people and only the named meetings: for edits of one record, whose cost must
    not grow with the number of meetings. Refuses when those files have errors."""
    problems: list[Problem] = []
    config, people = load_settings(root, problems)
    meetings = []
    for meeting_id in dict.fromkeys(meeting_ids):
        path = root / MEETINGS_DIR / f"{meeting_id}.toml"
        if not MEETING_ID.match(meeting_id) or not path.is_file():
            continue
        raw = read_toml(path, problems)
        meeting = build_meeting(raw, path, problems, config.language) if raw is not None else None
        if meeting is not None:
            meetings.append(meeting)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        return load_checked(root)  # reports the errors the usual way
    meetings.sort(key=lambda mt: (mt.date, mt.id))
    return m.Body(root=root, config=config, people=people, meetings=meetings)


def load_actions(root: Path) -> m.Body:
    """The body with its actions but without the rest of each meeting (items, notes, decisions,
    compensation, action histories): what `actions`, `overdue`, `progress` and `remind` need.

    Unchanged meeting files come from the action index (cache.py), keyed by their content, so
    a repeated run parses nothing. Refuses, like load_checked, when any file has errors."""
    from kwartaal.files.laneentry import light_meeting

    found = _action_entries(root)
    if isinstance(found, m.Body):
        return found
    config, people, entries = found
    meetings = [light_meeting(path, entry) for path, entry in entries]
    meetings.sort(key=lambda mt: (mt.date, mt.id))
    return m.Body(root=root, config=config, people=people, meetings=meetings)


def _action_entries(root: Path) -> m.Body | tuple[m.Config, dict[str, m.Person], list[Any]]:
    """Settings, people and each meeting file's action index entry; or, when any file has
    errors, the checked whole body (which refuses)."""
    from kwartaal.files.cache import ActionIndex, digest, new_entry, stat_key
    from kwartaal.files.laneentry import lane_entry

    problems: list[Problem] = []
    config_stat = stat_key(root / CONFIG_FILE)
    people_stat = stat_key(root / PEOPLE_FILE)
    config, people = load_settings(root, problems)
    if any(p.severity == "error" for p in problems):
        return load_checked(root)
    index = ActionIndex.open(root)
    entries: list[Any] = []
    for path in meeting_files(root):
        stat = stat_key(path)
        try:
            entry, data = index.lookup(path.name, stat, partial(read_in_place, path),
                                       config.language)
        except OSError:
            return load_checked(root)
        if entry is None:
            found: list[Problem] = []
            raw = read_toml(path, found, data)
            key = digest(data or b"") + config.language
            entry = None if raw is None else lane_entry(raw, path, config.language, stat, key)
            if entry is None:
                meeting = None if raw is None else build_meeting(raw, path, found,
                                                                 config.language)
                if meeting is None or any(p.severity == "error" for p in found):
                    return load_checked(root)
                entry = new_entry(stat, key, meeting)
            index.put(path.name, entry)
        entries.append((path, entry))
    # What fast.py needs to answer on its own: the other files' stat records and the people.
    index.save({"config": config_stat, "people_file": people_stat,
                "people": tuple(people), "themes": tuple(config.themes),
                "language": config.language})
    return config, people, entries
