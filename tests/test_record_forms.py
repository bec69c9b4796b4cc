"""A record's stored form (files/records.py) is made by code written for each record class from
its fields' declared types. It must be exactly what the general walk over the fields gives —
written here again, as it was — for records as the loader builds them and for values of any
other type in any field; and every short word in it must be the interned one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kwartaal.core import fields
from kwartaal.core import model as m
from kwartaal.files import records, scalars
from kwartaal.files.loader import load

from .conftest import EXAMPLE, generated_body

PATH = Path("/body/meetings/2026-03-12.toml")
PLAIN = (str, bool, int, type(None))


def short_word(text: str) -> bool:
    """An id, a status, a theme: shared by every record that holds it."""
    return len(text) <= 32 and " " not in text and "/" not in text


def word(text: str) -> str:
    return sys.intern(text) if short_word(text) else text


def interned(text: str) -> bool:
    """Whether text is the interned copy of itself (asked with another copy, so that asking
    interns nothing that was not)."""
    other = text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
    return sys.intern(other) is text


def reference(value: Any, path: Path) -> tuple[Any, bool]:
    """(stored form, whether it needs decoding), by the general walk."""
    if isinstance(value, PLAIN):
        return value, False
    if isinstance(value, list):
        parts = [reference(item, path) for item in value]
        if not any(special for _, special in parts):
            return [part for part, _ in parts], False
        return ("L", [part for part, _ in parts]), True
    if type(value) is fields.Source and value.path == path and all(
            isinstance(part, (str, int)) for part in value.section):
        return ("s", list(value.section)), True
    if type(value) in records.CLASSES.values():
        values = [getattr(value, field.name) for field in dataclasses.fields(value)]
        special = []
        for position, item in enumerate(values):
            kind = type(item)
            if kind is str:
                values[position] = word(item)
                continue
            if kind is list and all(type(x) is str for x in item):
                values[position] = [word(x) for x in item]
                continue
            if kind in PLAIN:
                continue
            if kind is dt.date:
                values[position] = ("d", item.toordinal())
            elif kind is fields.Source and (item.path is path or item.path == path) and all(
                    type(part) in (str, int) for part in item.section):
                values[position] = ("s", list(item.section))
            else:
                values[position], flag = reference(item, path)
                if not flag:
                    continue
            special.append(position)
        return ("R", type(value).__name__, values, tuple(special)), True
    if isinstance(value, Path):
        if value != path:
            raise TypeError("a path other than the file's own")
        return ("P",), True
    if isinstance(value, tuple):
        return ("U", [reference(item, path)[0] for item in value]), True
    if isinstance(value, dict):
        return ("M", [(reference(key, path)[0], reference(item, path)[0])
                      for key, item in value.items()]), True
    if isinstance(value, (frozenset, set)):
        return ("F" if isinstance(value, frozenset) else "S",
                [reference(item, path)[0] for item in value]), True
    return scalars.tag_scalar(value), True


def same(made: Any, expected: Any) -> None:
    """Equal, of the same types throughout, and each word the walk interns the interned one."""
    assert type(made) is type(expected), (made, expected)
    if isinstance(made, (list, tuple)):
        assert len(made) == len(expected), (made, expected)
        for one, other in zip(made, expected, strict=True):
            same(one, other)
    else:
        assert made == expected
        if type(made) is str and interned(expected):
            assert made is expected  # interned where the walk interns it


def stored(value: Any, path: Path) -> Any:
    """The records module's form of a record, or of a list of them."""
    return records.encode(value, path)


def check(value: Any, path: Path = PATH) -> None:
    try:
        expected, _ = reference(value, path)
    except TypeError:  # cannot be stored: the file is built again next time
        with pytest.raises(TypeError):
            stored(value, path)
        return
    same(stored(value, path), expected)


# -- records as the loader builds them ------------------------------------------------------

def _every_record(body: m.Body) -> list[tuple[Any, Path]]:
    found: list[tuple[Any, Path]] = []
    for meeting in body.meetings:
        path = meeting.src.path
        for records_of in (meeting.items, meeting.notes, meeting.decisions, meeting.actions,
                           meeting.compensation):
            found += [(record, path) for record in records_of]
            found.append((list(records_of), path))
        found += [(action.history, path) for action in meeting.actions]
        if meeting.approved is not None:
            found.append((meeting.approved, path))
    found += [(person, body.root) for person in body.people.values()]
    return found


def test_the_example_and_a_generated_body(tmp_path: Path) -> None:
    root, _ = generated_body(tmp_path / "generated", 40)
    example = tmp_path / "example"
    shutil.copytree(EXAMPLE, example)
    for body in (example, root):
        every = _every_record(load(body).body)
        assert len(every) > 100
        for value, path in every:
            check(value, path)


def test_a_meeting_head(tmp_path: Path) -> None:
    """A meeting's own values as the walk stores them; its later parts stored apart."""
    root, _ = generated_body(tmp_path / "generated", 12)
    for body in (load(EXAMPLE).body, load(root).body):
        for meeting in body.meetings:
            path = meeting.src.path
            for public in (True, False):
                form = records.meeting_form(meeting, path, public)
                head = dataclasses.replace(meeting, **dict.fromkeys(records.LATER))
                expected = reference(head, path)[0]
                made = [None if at in records.LATER_AT else part
                        for at, part in enumerate(form[2])]
                same(made, expected[2])
                assert form[3] == tuple(sorted({*expected[3], *records.LATER_AT}))
                assert all(form[2][at][0] == "Z" for at in records.LATER_AT)


def test_an_action_and_its_history_stored_apart() -> None:
    body = load(EXAMPLE).body
    for meeting in body.meetings:
        if not meeting.actions:
            continue
        form = records.meeting_form(meeting, meeting.src.path)
        assert form[4] is not None  # the histories, apart
        import marshal

        histories = marshal.loads(form[4])
        for action, history in zip(meeting.actions, histories, strict=True):
            same(history, reference(action.history, meeting.src.path)[0])


# -- any value in any field -----------------------------------------------------------------

def fresh(text: str) -> str:
    """A copy of its own, not interned (as a text read from a file is)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


TEXTS = st.one_of(st.sampled_from(["", "open", "p01", "2025-06-12/a3", "a b", "x" * 33,
                                   "x" * 32, "klankbordgroep"]).map(fresh),
                  st.text(max_size=40))
SCALARS = st.one_of(TEXTS, st.booleans(), st.integers(-5, 10**20), st.none(),
                    st.dates(), st.datetimes(), st.decimals(allow_nan=False, places=2),
                    st.times())
SECTIONS = st.lists(st.one_of(st.text(max_size=8), st.integers(0, 9), st.booleans()),
                    max_size=4).map(tuple)
SOURCES = st.builds(fields.Source, st.sampled_from([PATH, Path(str(PATH)), Path("/other.toml")]),
                    SECTIONS)
HISTORY = st.builds(m.HistoryEntry, date=st.one_of(st.dates(), st.none(), TEXTS),
                    by=TEXTS, kind=TEXTS, what=TEXTS,
                    line=st.one_of(st.none(), st.integers(0, 99), TEXTS))
VALUES = st.one_of(SCALARS, st.lists(TEXTS, max_size=3), SOURCES, st.lists(SCALARS, max_size=3),
                   st.lists(HISTORY, max_size=3), st.lists(st.one_of(HISTORY, TEXTS),
                                                           max_size=3))
KINDS = [cls for name, cls in records.CLASSES.items()
         if name not in ("Meeting", "Body", "Source")]


def _declared(field: dataclasses.Field[Any]) -> st.SearchStrategy[Any]:
    """Mostly what the field declares, sometimes anything."""
    typical = {"str": TEXTS, "list[str]": st.lists(TEXTS, max_size=3),
               "dt.date | None": st.one_of(st.dates(), st.none()), "dt.date": st.dates(),
               "bool": st.booleans(), "int": st.integers(0, 99), "Source": SOURCES,
               "int | None": st.one_of(st.none(), st.integers(0, 99)),
               "list[HistoryEntry]": st.lists(HISTORY, max_size=3)}.get(str(field.type))
    return VALUES if typical is None else st.one_of(typical, typical, typical, VALUES)


@st.composite
def any_record(draw: st.DrawFn) -> Any:
    cls = draw(st.sampled_from(KINDS))
    values = {field.name: draw(_declared(field)) for field in dataclasses.fields(cls)
              if field.init}
    record = cls(**values)
    for field in dataclasses.fields(cls):
        if not field.init:
            object.__setattr__(record, field.name, draw(_declared(field)))
    return record


ELSEWHERE = m.Action(id="", local_id="", meeting="", title="", owner="", co_owners=[], due=None,
                     theme="", status="", closed=False, item="", history=[],
                     src=fields.Source(Path("/other.toml"), ()))  # a place in another file


@settings(derandomize=True, max_examples=600, deadline=None)
@given(st.lists(any_record(), min_size=1, max_size=3))
@example([ELSEWHERE])
def test_any_value_in_any_field(found: list[Any]) -> None:
    for record in found:
        check(record)
    check(found)  # as a list: of one kind of record, or of several
    if found and all(type(record) is m.Action for record in found):
        try:
            [reference(action, PATH) for action in found]
        except TypeError:  # (a place in another file): none of them is stored
            with pytest.raises(TypeError):
                records.actions_form(found, PATH)
            return
        form, histories = records.actions_form(found, PATH)
        for action, history in zip(found, histories, strict=True):
            same(history, reference(action.history, PATH)[0])
        for action, made in zip(found, form[1], strict=True):
            expected = reference(action, PATH)[0]
            assert made[2][:records.HISTORY_AT] == expected[2][:records.HISTORY_AT]


def test_decimal_and_other_values_round_trip() -> None:
    line = m.CompensationLine(id="2026-03-12/c1", local_id="c1", person="p01", kind="other",
                              amount=Decimal("16.80"), hours=Decimal("1.5"), method="bank",
                              payee="", paid=dt.date(2026, 3, 20), note="", void=None,
                              void_reason="", src=fields.Source(PATH, ("c", 0)))
    check(line)
    assert records.decode(stored(line, PATH), PATH) == line


@pytest.mark.parametrize("text", ["open", "x" * 32, "x" * 33, "a b", "a/b", "", "é" * 10])
def test_the_word_rule_written_out_is_the_function(text: str) -> None:
    text = fresh(text)
    item = m.HistoryEntry(date=dt.date(2026, 1, 1), by=text, kind=text, what=text)
    form = stored([item], PATH)
    assert form[1][0][2][1] == text
    if short_word(text):
        assert form[1][0][2][1] is sys.intern(text)
