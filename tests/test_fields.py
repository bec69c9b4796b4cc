"""Each field of a record is declared once (core/model.py), and everything else comes from the
declarations: every field is declared, the derived writer and the loader agree on random valid
records, and any wrong value becomes a problem with file and line, never a traceback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core import model as m
from kwartaal.core import values as v
from kwartaal.core.fields import Toml, declared, record_table, toml_table
from kwartaal.core.problems import Problem
from kwartaal.files import loader, store
from kwartaal.files import schema as s
from kwartaal.files.tomlread import read_toml

CASES = 60
FAST = settings(max_examples=CASES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Dataclasses of model.py that are not read from a table of their own.
NOT_RECORDS = {m.Source, m.Body}


def model_dataclasses() -> list[type]:
    return [obj for obj in vars(m).values() if isinstance(obj, type)
            and dataclasses.is_dataclass(obj)
            and obj.__module__ in (m.__name__, "kwartaal.core.settings", "kwartaal.core.fields")]


def test_every_field_of_every_record_is_declared() -> None:
    """A field added without a declaration would be neither read, checked nor written."""
    records = [cls for cls in model_dataclasses() if cls not in NOT_RECORDS]
    assert {m.Meeting, m.Item, m.Action, m.Decision, m.Note, m.Person, m.CompensationLine,
            m.Config, m.Cadence, m.AgendaTimes, m.CompensationPolicy} <= set(records)
    missing = [f"{cls.__name__}.{f.name}" for cls in records for f in dataclasses.fields(cls)
               if not ({"toml", "derived"} & set(f.metadata))]
    assert not missing, f"fields without a declaration (toml(...) or derived(...)): {missing}"


def test_declarations_are_sound() -> None:
    """One key per table; rules, kinds and choices the converter knows; public fields are texts."""
    kinds = set(v.TYPE_NAMES) | {"any"}
    for cls in model_dataclasses():
        if cls in NOT_RECORDS:
            continue
        decls = declared(cls)
        keys = [(d.table, d.key) for d in decls]
        assert len(keys) == len(set(keys)), cls
        for decl in decls:
            assert decl.kind in kinds, (cls, decl)
            assert decl.rule is None or decl.rule in v.VALID, (cls, decl)
            assert not decl.public or decl.kind in ("str", "text"), (cls, decl)
            if decl.choices is not None and decl.default not in (None, ""):
                assert decl.default in decl.choices, (cls, decl)


def test_schema_tables_are_the_declarations() -> None:
    assert list(s.MEETING_TABLES) == ["item", "note", "decision", "action", "compensation"]
    assert list(s.MEETING_TABLES["action"])[:4] == ["id", "title", "owner", "with"]
    assert s.LIMITS["year"].name == "year_total"
    assert set(s.PRIVACY) == {"allow", "public_link", "public_place", "sensitive_words"}
    assert toml_table(m.Action, co_owners=["roos"], local_id="a1", due=None) == {
        "id": "a1", "with": ["roos"]}


# -- random valid values, from the declarations ---------------------------------------------------

LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)
TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cc", "Cs")), st.sampled_from("\t\n")),
               max_size=12)
IDS = st.from_regex(r"[a-z0-9][a-z0-9_\-]{0,8}", fullmatch=True)
NAME = st.tuples(LINE, st.characters(categories=("Lu", "Ll", "Nd")), LINE).map("".join)
DATES = st.dates(v.DATE_MIN, v.DATE_MAX)
RULES = {
    None: LINE, "line": LINE, "text": TEXT, "id": IDS, "name": NAME,
    "opt-id": st.one_of(st.just(""), IDS),
    "ref": st.one_of(st.just(""), IDS, st.tuples(DATES, IDS).map(lambda p: f"{p[0]}/{p[1]}")),
    "url": st.one_of(st.just(""), IDS.map(lambda i: f"https://{i}.example.org/{i}?q=1")),
}


def valid(decl: Toml) -> st.SearchStrategy[Any]:
    """Any value the declaration accepts, as the loader returns it."""
    kind = decl.kind
    if decl.choices is not None:
        one: st.SearchStrategy[Any] = st.sampled_from(decl.choices)
    elif kind in ("str", "text", "list[str]"):
        one = RULES[decl.rule]
    elif kind in ("int", "list[int]"):
        one = st.integers(decl.lo if decl.lo is not None else -10**6,
                          decl.hi if decl.hi is not None else 10**6)
    elif kind in ("date", "list[date]"):
        one = DATES
    else:
        one = {"bool": st.booleans(),
               "time": st.from_regex(r"([01][0-9]|2[0-3]):[0-5][0-9]", fullmatch=True),
               "decimal": st.decimals(-10**6, 10**6, places=2)}[kind]
    if kind.startswith("list["):
        one = st.lists(one, max_size=3)
    elif kind == "text":
        one = st.dictionaries(st.sampled_from(v.LANGUAGES), one, min_size=1)
    if decl.default is None and not decl.required:
        one = st.one_of(st.none(), one)
    return one


def records(cls: type, **given: Any) -> st.SearchStrategy[Any]:
    """Records of a class with random valid declared fields; derived ones as given."""
    fields = {d.name: valid(d) for d in declared(cls) if d.name not in given}
    fixed = {name: value if isinstance(value, st.SearchStrategy) else st.just(value)
             for name, value in given.items()}
    derived = {f.name: st.none() for f in dataclasses.fields(cls)
               if "derived" in f.metadata and f.name not in given}
    return st.fixed_dictionaries({**fields, **fixed, **derived}).map(lambda kw: cls(**kw))


def entries(table: str, values: dict[str, Any], *, array: bool) -> str:
    return "\n" + store.render_table(table, values, array=array)


def top(values: dict[str, Any]) -> str:
    """Keys before any table header, as a meeting file starts."""
    return store.render_table("x", values, array=False).split("\n", 1)[1]


def load_file(path: Path, text: str, build: Any) -> tuple[Any, list[Problem]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    raw = read_toml(path, problems)
    assert raw is not None, (problems, text)
    return build(raw, path, problems), problems


def errors(problems: list[Problem]) -> list[str]:
    return [p.text("en") for p in problems if p.severity == "error"]


# -- round trip ------------------------------------------------------------------------------------

ACTIONS = records(m.Action, history=st.lists(records(m.HistoryEntry), max_size=2))
MEETINGS = records(m.Meeting, items=st.lists(records(m.Item), max_size=2),
                   notes=st.lists(records(m.Note), max_size=2),
                   decisions=st.lists(records(m.Decision), max_size=2),
                   actions=st.lists(ACTIONS, max_size=2),
                   compensation=st.lists(records(m.CompensationLine), max_size=2),
                   approved=None)  # its round trip: tests/test_frozen.py


@FAST
@given(MEETINGS, st.sampled_from(["2025-06-12", "2026-03-12-2"]))
def test_meetings_written_by_the_declarations_load_back_equal(meeting: m.Meeting,
                                                              mid: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "meetings" / f"{mid}.toml"
        table = record_table(meeting)
        text = top({k: val for k, val in table.items() if k not in m.MEETING_RECORDS})
        for kind, name in (("item", "items"), ("note", "notes"), ("decision", "decisions"),
                           ("action", "actions"), ("compensation", "compensation")):
            for record in getattr(meeting, name):
                text += entries(kind, record_table(record), array=True)
        loaded, problems = load_file(path, text, lambda raw, p, found: loader.build_meeting(
            raw, p, found, "nl"))
    assert not errors(problems), (errors(problems), text)

    def placed(kind: str, records: list[Any], **more: Any) -> list[Any]:
        return [dataclasses.replace(r, id=f"{mid}/{r.local_id}", src=m.Source(path, (kind, i)),
                                    **more) for i, r in enumerate(records)]

    expected = dataclasses.replace(
        meeting, id=mid, src=m.Source(path), items=placed("item", meeting.items),
        notes=placed("note", meeting.notes), decisions=placed("decision", meeting.decisions),
        actions=placed("action", meeting.actions, meeting=mid),
        compensation=placed("compensation", meeting.compensation))
    assert loaded == expected


@FAST
@given(st.dictionaries(IDS, records(m.Person), min_size=1, max_size=3))
def test_people_written_by_the_declarations_load_back_equal(people: dict[str, m.Person]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.toml"
        text = "".join(entries(pid, record_table(person), array=False)
                       for pid, person in people.items())
        loaded, problems = load_file(path, text, lambda raw, p, found: loader.build_people(
            raw, p, found, "nl"))
    assert not errors(problems), (errors(problems), text)
    assert loaded == {pid: dataclasses.replace(person, id=pid, src=m.Source(path, (pid,)))
                      for pid, person in people.items()}


CONFIGS = records(
    m.Config,
    name=st.tuples(IDS, LINE).map("".join),  # an empty name takes the folder's
    languages=st.lists(st.sampled_from(v.LANGUAGES), min_size=1, max_size=2),
    publish_folder=IDS,  # no absolute path, no ..: checked apart
    sensitive_words=st.lists(IDS, max_size=3).map(tuple),
    cadence=records(m.Cadence), agenda=records(m.AgendaTimes),
    standing=st.lists(records(m.StandingItem), max_size=2),
    themes=st.dictionaries(IDS, records(m.Theme), max_size=2),
    organisations=st.dictionaries(IDS, records(  # an empty name takes the key
        m.Organisation, name=st.tuples(IDS, LINE).map("".join)), max_size=2),
    compensation=records(m.CompensationPolicy, limits=st.dictionaries(
        st.integers(v.YEAR_MIN, v.YEAR_MAX), records(m.YearLimits), max_size=2)))


@FAST
@given(CONFIGS)
def test_settings_written_by_the_declarations_load_back_equal(config: m.Config) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "kwartaal.toml"
        text = entries("body", record_table(config, "body"), array=False)
        text += entries("cadence", record_table(config.cadence), array=False)
        text += entries("agenda", record_table(config.agenda), array=False)
        text += "".join(entries("standing", record_table(item), array=True)
                        for item in config.standing)
        text += "".join(entries(f"themes.{key}", record_table(theme), array=False)
                        for key, theme in config.themes.items())
        text += "".join(entries(f"organisations.{key}", record_table(org), array=False)
                        for key, org in config.organisations.items())
        policy = record_table(config.compensation)
        policy.pop("limits")
        text += entries("compensation", policy, array=False)
        text += "".join(entries(f"compensation.limits.{year}", record_table(limits), array=False)
                        for year, limits in config.compensation.limits.items())
        text += entries("publish", record_table(config, "publish"), array=False)
        text += entries("privacy", record_table(config, "privacy"), array=False)
        loaded, problems = load_file(path, text, lambda raw, p, found: loader.build_config(
            raw, p, found, root))
    assert not errors(problems), (errors(problems), text)
    expected = dataclasses.replace(
        config, src=m.Source(path),
        standing=[dataclasses.replace(item, src=m.Source(path, ("standing", i)))
                  for i, item in enumerate(config.standing)],
        themes={key: dataclasses.replace(theme, key=key, src=m.Source(path, ("themes", key)))
                for key, theme in config.themes.items()},
        organisations={key: dataclasses.replace(org, key=key,
                                                src=m.Source(path, ("organisations", key)))
                       for key, org in config.organisations.items()},
        compensation=dataclasses.replace(config.compensation, limits={
            year: dataclasses.replace(limits, year=year)
            for year, limits in config.compensation.limits.items()}))
    assert loaded == expected


# -- wrong values ----------------------------------------------------------------------------------

# A TOML value of another type than each kind reads, so certainly wrong.
WRONG_TYPE: dict[str, list[Any]] = {
    "str": [3, True, dt.date(2025, 1, 1), ["x"], {"a": "b"}],
    "time": [1900, False, "7 uur", ["19:00"]],
    "int": ["5", True, Decimal("1.5"), [1]],
    "bool": ["true", 1, [True]],
    "date": [20250101, True, ["2025-01-01"], "morgen"],
    "decimal": [True, dt.date(2025, 1, 1), ["1"], {"a": 1}, "veel"],
    "text": [1, ["x"], {"xx": "tekst"}],
    "list[str]": ["roos", 1, [1]],
    "list[int]": ["3", [True], ["1"]],
    "list[date]": ["2025-01-01", [1]],
    "table": ["x", 1],
}


def wrong(decl: Toml) -> st.SearchStrategy[Any]:
    """Values the declaration refuses: another type, or one that breaks a range or rule."""
    options = list(WRONG_TYPE.get(decl.kind, []))
    if decl.choices is not None:
        options.append("geen-keuze" if decl.kind == "str" else 99)
    if decl.kind in ("int", "list[int]") and decl.hi is not None:
        options.append(decl.hi + 1 if decl.kind == "int" else [decl.hi + 1])
    if decl.kind in ("date", "list[date]"):
        options.append(dt.date(1800, 1, 1) if decl.kind == "date" else [dt.date(3001, 1, 1)])
    if decl.kind == "decimal":
        options.append(Decimal(10**12))
    if decl.rule in ("line", "name", "id", "opt-id", "ref", "url") and decl.choices is None:
        options.append("twee\u0007regels" if decl.kind != "text" else {"nl": "a\u0007"})
    return st.sampled_from(options)


KINDS = {"item": m.Item, "note": m.Note, "decision": m.Decision, "action": m.Action,
         "compensation": m.CompensationLine, "meeting": m.Meeting, "person": m.Person,
         "history": m.HistoryEntry}


@FAST
@given(st.sampled_from(sorted(KINDS)), st.data())
def test_a_wrong_value_is_a_problem_with_file_and_line(kind: str, data: st.DataObject) -> None:
    cls = KINDS[kind]
    candidates = [d for d in declared(cls) if d.kind != "any"]
    decl = data.draw(st.sampled_from(candidates))
    bad = data.draw(wrong(decl))
    meeting = data.draw(records(m.Meeting, items=[], notes=[], decisions=[], actions=[],
                                compensation=[], approved=None))
    with tempfile.TemporaryDirectory() as folder:
        if kind == "person":
            path = Path(folder) / "people.toml"
            table = record_table(data.draw(records(m.Person)))
            table[decl.key] = bad
            text = entries("roos", table, array=False)
            build: Any = lambda raw, p, found: loader.build_people(raw, p, found, "nl")  # noqa: E731
        else:
            path = Path(folder) / "meetings" / "2025-06-12.toml"
            head = record_table(meeting)
            for key in m.MEETING_RECORDS:
                head.pop(key, None)
            if kind == "meeting":
                head[decl.key] = bad
            text = top(head)
            if kind == "history":
                entry = record_table(data.draw(records(m.HistoryEntry)))
                entry[decl.key] = bad
                action = record_table(data.draw(records(m.Action, history=[])))
                action["history"] = [record_table(data.draw(records(m.HistoryEntry))), entry]
                text += entries("action", action, array=True)
            elif kind != "meeting":
                given = {"history": []} if cls is m.Action else {}
                table = record_table(data.draw(records(cls, **given)))
                table[decl.key] = bad
                text += entries(kind, table, array=True)
            build = lambda raw, p, found: loader.build_meeting(raw, p, found, "nl")  # noqa: E731
        _, problems = load_file(path, text, build)
        lines = text.split("\n")
    found = [p for p in problems if p.severity == "error"]
    assert found, (decl, bad, text)
    for problem in found:
        assert problem.path == path and problem.line is not None, (problem, text)
        assert re.search(rf"\b{re.escape(decl.key)}\b", lines[problem.line - 1]) or (
            kind == "history"), (problem.text("en"), problem.line, text)
