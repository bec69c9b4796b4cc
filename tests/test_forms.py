"""A meeting's later parts formed straight from its tables (files/forms.py) are what the loader's
records give: for every file that the formed path takes, the stored meeting equals
records.meeting_form of the meeting build_meeting builds (every part, the actions' histories,
their statuses, the facts), its records decoded equal those records, and the file has no
problem at all; the valid files are taken. On the example, a benchmark body, fuzzed files and
hypothesis-made meetings whose notes, decisions, actions, histories and compensation lines hold
values of every kind, valid, just outside what they accept, missing and unknown.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import marshal
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core import model as m
from kwartaal.core.actionfacts import fact_of
from kwartaal.core.facts import facts_of, open_keys
from kwartaal.files import forms, meetingblob, records, schema, tomlread
from kwartaal.files.loader import build_meeting, formed_meeting

from .conftest import EXAMPLE, Run
from .test_cold_build import VALUES, near_miss, outputs, valid_for, valid_value
from .test_fuzz import FILES, KINDS, mutate
from .test_record_forms import interned, short_word

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate  # noqa: E402

MEETINGS = sorted((EXAMPLE / "meetings").glob("*.toml"))


def opened(value: Any) -> Any:
    """A stored form with every marshalled part read, for comparing forms whose bytes may
    share strings differently."""
    if isinstance(value, bytes):
        try:
            return (bytes, opened(marshal.loads(value)))
        except (ValueError, EOFError, TypeError):
            return value
    if isinstance(value, (list, tuple)):
        return (type(value), [opened(item) for item in value])
    if isinstance(value, dict):
        return {key: opened(item) for key, item in value.items()}
    return value


def words(value: Any) -> list[str]:
    """The texts of an opened form that the word rule interns (not the digits of a decimal
    or a time, stored tagged)."""
    if isinstance(value, tuple) and value[0] is tuple and value[1][:1] in (["D"], ["T"], ["t"]):
        return []
    if isinstance(value, str):
        return [value] if short_word(value) else []
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in words(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in words(item)]
    return []


def whole(meeting: m.Meeting) -> dict[str, Any]:
    return dataclasses.asdict(meeting)


def assert_formed_is_built(raw: dict[str, Any] | None, path: Path) -> bool:
    """Whether the formed path took the file; when it did, it holds what the loader builds."""
    if raw is None:
        return False
    taken = False
    for lang, public in (("nl", False), ("en", False), ("nl", True), ("en", True)):
        problems: list[Any] = []
        built = build_meeting(copy.deepcopy(raw), path, problems, lang)
        got = formed_meeting(copy.deepcopy(raw), path, lang, public)
        if got is None:
            continue
        taken = True
        assert built is not None and not problems, (path, problems)
        head, parts = got
        # with public, the facts public output is checked with (core/facts.py) too
        formed = opened(records.meeting_form(head, path, public, parts))
        assert formed == opened(records.meeting_form(built, path, public)), path
        # shared when read (the facts are read as plain values: nothing of them is kept)
        assert all(interned(text) for text in words(formed[1][:-1])), path
        blob = meetingblob.pack(head, path, public, parts)
        stored = meetingblob.unpack(lambda at, length, blob=blob: blob[at:at + length], path)
        # what a pass counts of each action, read without decoding any (core/actionfacts.py)
        counted = [fact_of(a) for a in built.actions] if built.actions else None
        assert stored.actions.action_facts() == counted, path
        assert whole(stored) == whole(built), path
        assert [a.history for a in stored.actions] == [a.history for a in built.actions]
        # a cold read keeps the head it built and only sets the later parts on it
        blob, packed_head, base = meetingblob.packed(head, path, public, parts)
        joined = meetingblob.with_later_parts(
            head, packed_head, base, lambda at, length, blob=blob: blob[at:at + length], path)
        assert joined.actions.action_facts() == counted, path
        assert whole(joined) == whole(built), path
        assert [a.history for a in joined.actions] == [a.history for a in built.actions]
        assert facts_of(joined) == facts_of(stored), path
        assert open_keys(joined) == open_keys(stored), path
        assert [a.status for a in joined.actions.chosen(lambda status, last: True)] == [
            a.status for a in built.actions]
    return taken


@pytest.fixture(scope="module")
def benchmark_body(tmp_path_factory: pytest.TempPathFactory) -> Path:
    body, _ = generate(tmp_path_factory.mktemp("bench") / "body", 16)
    return body


def test_the_example_and_a_benchmark_body_are_taken_whole(benchmark_body: Path) -> None:
    files = MEETINGS + sorted((benchmark_body / "meetings").glob("*.toml"))
    taken = [assert_formed_is_built(tomlread.parse_text(p.read_text(encoding="utf-8")), p)
             for p in files]
    assert all(taken), [p.name for p, took in zip(files, taken, strict=True) if not took]


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(p for p in FILES if p.parts[0] == "meetings")),
       st.sampled_from(KINDS), st.data())
def test_fuzzed_files(relative: Path, kind: str, data: st.DataObject) -> None:
    mutated = mutate((EXAMPLE / relative).read_bytes(), kind, data)
    assert_formed_is_built(tomlread.read_toml(EXAMPLE / relative, [], mutated),
                           EXAMPLE / relative)


@st.composite
def made_table(draw: st.DrawFn, spec: dict[str, Any]) -> dict[str, Any]:
    """A table of spec: mostly valid; a key or two with a value just outside what it
    accepts or of any kind; keys left out; now and then an unknown key."""
    keys = [key for key in spec if spec[key].required or draw(st.integers(0, 3))]
    if draw(st.integers(0, 9)) == 0:
        keys.append("unknown")
    wrong = set(draw(st.lists(st.sampled_from(keys), max_size=2))) if (
        keys and draw(st.integers(0, 2)) == 0) else set()
    if keys and draw(st.integers(0, 9)) == 0:
        keys.remove(draw(st.sampled_from(keys)))  # a required key may go missing
    table: dict[str, Any] = {}
    for key in keys:
        field = spec.get(key)
        if field is None:
            table[key] = draw(VALUES)
        elif key in wrong:
            table[key] = draw(near_miss(field) if draw(st.booleans()) else VALUES)
        elif key == "history":
            table[key] = draw(st.lists(made_table(schema.HISTORY), max_size=3))
        elif key == "id":
            table[key] = f"x{draw(st.integers(0, 5))}"
        elif field.kind == "date":  # histories out of order too: their last and latest days
            table[key] = draw(st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31)))
        else:
            table[key] = draw(valid_for(field))
    return table


@st.composite
def made_meeting(draw: st.DrawFn) -> tuple[dict[str, Any], Path]:
    path = draw(st.sampled_from(MEETINGS))
    raw = tomlread.parse_text(path.read_text(encoding="utf-8"))
    for kind in forms.KINDS:
        choice = draw(st.integers(0, 5))
        if choice == 0:
            raw.pop(kind, None)
        elif choice == 1:
            raw[kind] = draw(st.sampled_from([[], {}, "x", [1], [[]]]))
        elif choice >= 3:
            raw[kind] = draw(st.lists(made_table(schema.MEETING_TABLES[kind]), max_size=4))
    return raw, path


@settings(max_examples=500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(made_meeting())
def test_made_meetings(made: tuple[dict[str, Any], Path]) -> None:
    raw, path = made
    TAKEN.append(assert_formed_is_built(raw, path))


TAKEN: list[bool] = []


def test_made_meetings_are_taken_and_left_alike() -> None:
    """Of the made meetings, a good share is taken and a good share left to the loader."""
    TAKEN.clear()
    test_made_meetings()
    assert 0.2 < sum(TAKEN) / len(TAKEN) < 0.8, sum(TAKEN)


def test_valid_made_meetings_are_taken() -> None:
    """A meeting whose later tables are all valid (every key given) is taken."""
    raw = tomlread.parse_text(MEETINGS[-1].read_text(encoding="utf-8"))
    for kind in forms.KINDS:
        spec = schema.MEETING_TABLES[kind]
        table = {key: valid_value(field) for key, field in spec.items()}
        table["id"] = "z9"
        if kind == "action":
            table["history"] = [{key: valid_value(field)
                                 for key, field in schema.HISTORY.items()}]
        raw[kind] = [table]
    assert assert_formed_is_built(raw, MEETINGS[-1])


TEXTS = ["", "Evaluatie van het spreekuur", "evaluatie  van het SPREEKUUR", "Kort",
         "<b>Evaluatie</b> van het spreekuur", "Ontmoeting met de wethouder", "x" * 40]


@st.composite
def facts_meeting(draw: st.DrawFn) -> tuple[dict[str, Any], Path]:
    """A valid meeting whose records are closed or not, hang under its items (closed or
    not, carried over or not, some ids twice), a fixed part, another meeting's item or none,
    with texts alike, equal and empty: what the public facts turn on."""
    path = draw(st.sampled_from(MEETINGS))
    raw = tomlread.parse_text(path.read_text(encoding="utf-8"))
    ids = [f"p{n}" for n in range(1, 4)]
    raw["item"] = [{"id": draw(st.sampled_from(ids)), "title": draw(st.sampled_from(TEXTS[1:])),
                    "closed": draw(st.booleans()), "note": draw(st.sampled_from(TEXTS)),
                    **({"carried_from": "2020-01-01/p1"} if draw(st.booleans()) else {})}
                   for _ in range(draw(st.integers(0, 4)))]
    refs = [*ids, *m.FIXED_ITEMS, f"{path.stem}/p1", "2020-01-01/p1", "p9"]

    def later(kind: str, number: int) -> dict[str, Any]:
        table = {key: valid_value(field) for key, field in schema.MEETING_TABLES[kind].items()
                 if field.required}
        table["id"] = f"{m.ID_PREFIX[kind]}{number}"
        for key in ("title", "text"):
            if key in table:
                table[key] = draw(st.sampled_from(TEXTS[1:]))
        if kind != "compensation":
            table["closed"] = draw(st.booleans())
            if kind == "note" or draw(st.booleans()):
                table["item"] = draw(st.sampled_from(refs))
        if kind == "note" and draw(st.booleans()):
            table["feedback"] = draw(st.sampled_from(TEXTS))
        if kind == "compensation":
            table["amount"] = draw(st.sampled_from([Decimal("16.80"), Decimal("16.8"), 25]))
        return table

    for kind in forms.KINDS:
        raw[kind] = [later(kind, n) for n in range(draw(st.integers(0, 4)))]
    return raw, path


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(facts_meeting())
def test_public_facts_of_made_meetings(made: tuple[dict[str, Any], Path]) -> None:
    """The facts of a formed meeting are meeting_facts of the built one (compared in
    assert_formed_is_built, which must take these valid meetings)."""
    raw, path = made
    assert assert_formed_is_built(raw, path)


def test_histories_out_of_order() -> None:
    """Every history of the example backwards: the last entry is then not the latest one,
    and the statuses that actions are chosen by keep both."""
    reversed_ = 0
    for path in MEETINGS:
        raw = tomlread.parse_text(path.read_text(encoding="utf-8"))
        for action in raw.get("action", []):
            days = [entry["date"] for entry in action.get("history", [])]
            if len(set(days)) > 1:
                action["history"].reverse()
                reversed_ += 1
        assert assert_formed_is_built(raw, path)
    assert reversed_ > 3


def test_a_file_with_a_problem_is_built_the_usual_way() -> None:
    """One wrong value in a history entry: not taken, and the loader reports it."""
    path, raw = next((path, raw) for path, raw in (
        (path, tomlread.parse_text(path.read_text(encoding="utf-8"))) for path in MEETINGS)
        if any(row.get("history") for row in raw.get("action", [])))
    action = next(row for row in raw["action"] if row.get("history"))
    action["history"][0]["date"] = "gisteren"
    assert formed_meeting(raw, path, "nl", False) is None
    assert formed_meeting(raw, path, "nl", True) is None
    problems: list[Any] = []
    build_meeting(raw, path, problems, "nl")
    assert problems


# -- whole commands, cold ---------------------------------------------------------------------

COMMANDS = [["agenda"], ["agenda", "--format", "json"], ["minutes", "{held}"],
            ["minutes", "{held}", "--format", "json"], ["agenda", "--public"],
            ["minutes", "{held}", "--public"]]


def test_cold_commands_equal_those_of_built_records(tmp_path: Path, run: Run,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root, today = generate(tmp_path / "body", 12)
    held = sorted((root / "meetings").glob("*.toml"))[-2].stem
    monkeypatch.setenv("KWARTAAL_TODAY", today.isoformat())
    # cold, then from the index the cold run wrote
    formed = outputs(run, root, held, tmp_path / "formed", monkeypatch, COMMANDS, times=2)
    monkeypatch.setattr(forms, "formed_parts", lambda *given: None)
    built = outputs(run, root, held, tmp_path / "built", monkeypatch, COMMANDS, times=2)
    assert formed == built
    assert all(code == 0 for code, _ in formed)
