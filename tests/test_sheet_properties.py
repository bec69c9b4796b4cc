"""Properties of reading the notes sheet: any text is read without a crash, every way people
write a name or a date resolves to the same thing, and every meeting's own sheet reads back as
nothing new."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwartaal.core import model as m
from kwartaal.core.problems import KwartaalError
from kwartaal.core.sheet import MONTHS, day_month, parse
from kwartaal.documents.sheet import render_sheet
from kwartaal.edit.sheet import plan, resolve_due, resolve_person
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE

BODY = load_checked(EXAMPLE)
LINES = st.sampled_from(["## Aanwezig", "## Attendance", "## 3.1 Beleid", "### 42 Iets",
                         "## Geen nummer", "- [x] Roos", "- [?] Roos", "[o] kbg-1", "Besluit:",
                         "Actie: a — b — c — d", "Action: x — roos", "a3: klaar", "a-7kq2:",
                         "> later", "<!--", "-->", "", "# titel", "gewone notitie"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.one_of(LINES, st.text(max_size=40)), max_size=30))
def test_any_text_is_read_without_a_crash(lines: list[str]) -> None:
    text = "\n".join(lines)
    sheet = parse(text)
    count = len(text.splitlines())
    assert all(1 <= line.number <= count for line in sheet.lines)
    assert all(1 <= error.line <= count for error in sheet.errors)


def _case(text: str, flips: list[bool]) -> str:
    return "".join(ch.upper() if flip else ch.lower()
                   for ch, flip in zip(text, flips + [False] * len(text), strict=False))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(BODY.people)), st.lists(st.booleans(), max_size=30),
       st.sampled_from(["id", "name", "first"]))
def test_a_name_resolves_however_it_is_cased(pid: str, flips: list[bool], form: str) -> None:
    person = BODY.people[pid]
    written = {"id": pid, "name": person.name, "first": person.name.split()[0]}[form]
    others = [p for p in BODY.people.values()
              if p.id != pid and p.name.split()[0].casefold() == written.casefold()]
    if form == "first" and (len(person.name.split()) == 1 or others):
        return
    assert resolve_person(BODY, "  " + _case(written, flips) + " ") == pid


@pytest.mark.parametrize("written", ["Marieke Jansen", "MARIEKE", "marieke", "Tarik",
                                     "tarik el kaddouri", "KBG-1", "Mila"])
def test_names_as_people_say_them(written: str) -> None:
    assert resolve_person(BODY, written) in BODY.people


def test_accents_do_not_matter() -> None:
    assert resolve_person(BODY, "Máriëke") == "m-jansen"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
       st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_a_day_and_month_is_the_first_such_day_from_the_meeting(day: dt.date,
                                                                base: dt.date) -> None:
    month = [name for name, number in MONTHS.items() if number == day.month][0]
    assert day_month(f"{day.day} {month} {day.year}", base) == day
    try:
        found = day_month(f"{day.day} {month.upper()}", base)
    except KwartaalError:  # 29 February with no leap year in reach
        assert (day.month, day.day) == (2, 29)
        return
    assert found is not None and (found.month, found.day) == (day.month, day.day)
    assert base <= found < base + dt.timedelta(days=366 * 4 + 1)
    assert resolve_due(BODY, f"{day.day} {month}", base) == found


@pytest.mark.parametrize("text", ["31 februari", "30 feb 2026", "32 maart", "0 mei"])
def test_days_that_do_not_exist_are_refused(text: str) -> None:
    with pytest.raises(KwartaalError):
        resolve_due(BODY, text, dt.date(2026, 3, 12))


@pytest.mark.parametrize("text", ["1/5", "maart", "volgende week", "2026-02-30"])
def test_dates_the_sheet_cannot_read_are_refused(text: str) -> None:
    with pytest.raises(KwartaalError):
        resolve_due(BODY, text, dt.date(2026, 3, 12))


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("meeting", [mt.id for mt in BODY.meetings])
def test_every_meetings_own_sheet_reads_back_as_nothing_new(meeting: str, lang: str) -> None:
    found: m.Meeting | None = BODY.meeting(meeting)
    assert found is not None
    text = render_sheet(BODY, found, dt.date(2026, 1, 15), lang)
    made = plan(BODY, meeting, text, Path("sheet.md"), by="l-demir",
                today=dt.date(2026, 1, 15), lang=lang)
    assert [step.what for step in made.steps if step.kind != "attendance"] == []
    assert not made.notes
