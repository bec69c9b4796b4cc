"""The site at every size: the year reports of all years from one pass over the meetings, and
the public privacy check folding each page at C speed, with the same output and findings as
the straightforward implementations they replace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwartaal.core import folding, longtext
from kwartaal.core import model as m
from kwartaal.core.folding import READINGS, fold, fold_mapped
from kwartaal.core.visibility import View
from kwartaal.core.yearreport import (
    build_report,
    build_reports,
    finished_on,
    report_date,
    status_on,
)
from kwartaal.documents.report import report_years
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE, EXAMPLE_TODAY, generated_body

FIXED = settings(derandomize=True, max_examples=200, deadline=None)


def _reference_fold(text: str, markup: str | None = None) -> str:
    """fold as it was: the text of fold_mapped, one character at a time."""
    return fold_mapped(text, markup)[0]


# -- fold -----------------------------------------------------------------------------------------

# markup, Markdown marks, entities, look-alikes, combining marks, invisible characters
_PIECES = ["<b>", "</b>", "<!--", "-->", "<", ">", "](", "[", "]", ")", "(x.org)", "*", "_",
           "~", "`", "&amp;", "&#108;", "Mila", "MILA", "Zoë", "Zoe\u0308", "ᴢᴏᴇ", "Zое",
           "\u200b", "\u202e", "ß", "İ", "ﬁ", "æ", "—", "’", " ", "\n", "a", "é", "%6C",
           "<a href='x'>", "<br/>", "<div\n>", "Ⅻ"]
texts = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=3)),
                 max_size=25).map("".join)


@FIXED
@given(texts, st.sampled_from(READINGS))
def test_fold_equals_the_text_of_fold_mapped(text: str, markup: str | None) -> None:
    assert fold(text, markup) == _reference_fold(text, markup)


_MARKUPS = st.lists(st.sampled_from([None, "", " ", "x"]), min_size=1, max_size=4)


@FIXED
@given(st.one_of(texts, texts.map(lambda text: text.replace("\n", "\0"))), _MARKUPS)
def test_every_reading_folded_at_once_is_each_alone(text: str,
                                                     markups: list[str | None]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(longtext, "PART", 3)  # a part at a time, of a few characters each
        _each_reading_is_each_alone(text, markups)
    _each_reading_is_each_alone(text, markups)


def _each_reading_is_each_alone(text: str, markups: list[str | None]) -> None:
    assert list(folding.each_reading(text, markups)) == [fold(text, m) for m in markups]
    assert list(folding.each_reading(text, markups, "name")) == [
        folding.name_fold(text, m) for m in markups]
    assert list(folding.each_reading(text, markups, "searched")) == [
        folding.unpunctuated(fold(text, m)) for m in markups]


def test_readings_of_a_page_are_folded_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    page = "<p>Mila <b>ZOË</b></p>\n<!-- x -->\n<td class='a'>€ 25,00</td>"
    alone = [[one(page, m) for m in READINGS] for one in (fold, folding.name_fold)]
    for name in ("fold", "name_fold", "_fold_spans"):  # none of them is called
        monkeypatch.setattr(folding, name, None)
    assert [list(folding.each_reading(page, READINGS, kind))
            for kind in ("fold", "name")] == alone


def test_fold_is_the_same_on_every_example_file() -> None:
    for path in [*sorted((EXAMPLE / "meetings").glob("*.toml")), EXAMPLE / "people.toml"]:
        text = path.read_text(encoding="utf-8")
        for markup in READINGS:
            assert fold(text, markup) == _reference_fold(text, markup)


# -- the privacy check ---------------------------------------------------------------------------


def _words(view: View) -> list[str]:
    """Words a page may hold: every name of every person (hidden or not), closed and open
    texts, amounts, and ordinary Dutch."""
    body = view.body
    out = ["Het overleg", "besluit", "€ 25,00", "€ 40,00", "<p>", "</p>", "<b>", "</b>", " "]
    for person in body.people.values():
        out += [person.name, *getattr(person, "aliases", ()), getattr(person, "legal_name", "")]
    for meeting in body.meetings:
        out += [i.title for i in meeting.items] + [n.text for n in meeting.notes]
    return [w for w in out if w]


_BODY = load_checked(EXAMPLE)
_VIEW = View(_BODY, "nl", public=True)
pages = st.lists(st.one_of(st.sampled_from(_words(_VIEW)), st.sampled_from(_PIECES)),
                 max_size=30).map(" ".join)


@settings(derandomize=True, max_examples=120, deadline=None)
@given(pages)
def test_leaks_finds_what_the_reference_fold_finds(page: str) -> None:
    found = [leak.what.render("en") for leak in _VIEW.leaks(page)]
    with pytest.MonkeyPatch.context() as patch:
        for module in ("kwartaal.core.naming", "kwartaal.core.folding"):
            patch.setattr(f"{module}.fold", _reference_fold)
        reference = View(_BODY, "nl", public=True)
        expected = [leak.what.render("en") for leak in reference.leaks(page)]
    assert found == expected


def test_a_hidden_name_in_markup_is_still_found() -> None:
    hidden = next(p for p in _BODY.people.values() if p.visibility == "role-only")
    first = hidden.name.split()[0]
    split = f"<p>{first[:2]}<b>{first[2:]}</b> kwam</p>"
    assert fold(split, "") == _reference_fold(split, "")
    assert _VIEW.leaks(split), "a name split by a tag must be found"
    assert folding.fold(f"<!-- {first} -->", "") == ""


# -- year reports ---------------------------------------------------------------------------------


def _generated(tmp_path: Path, meetings: int) -> tuple[Path, dt.date]:
    return generated_body(tmp_path / "generated", meetings)


def _reference_actions(body: m.Body, year: int, today: dt.date, lang: str,
                       public: bool) -> dict[str, Any]:
    """The actions section as it was built before: one scan of every action per year."""
    as_of, _ = report_date(year, today)
    view = View(body, lang, public=public)
    start = dt.date(year, 1, 1)
    rows: dict[str, dict[str, Any]] = {}
    for key in body.config.themes:
        title = m.text_in(body.config.themes[key].title, lang, body.config.language)
        rows[key] = {"theme": key, "title": view.text(title), "done": 0, "open": 0,
                     "overdue": 0, "dropped": 0, "total": 0}
    for action in body.all_actions():
        meeting = body.meeting(action.meeting)
        if view.hides(action) or meeting is None or meeting.date > as_of:
            continue
        finished = finished_on(action)
        if finished is not None and finished < start:
            continue
        status = status_on(action, as_of)
        row = rows.setdefault(action.theme, {
            "theme": action.theme, "title": view.text(action.theme), "done": 0, "open": 0,
            "overdue": 0, "dropped": 0, "total": 0})
        row["total"] += 1
        if status in m.OPEN_STATUSES:
            row["open"] += 1
            row["overdue"] += 1 if action.due is not None and action.due < as_of else 0
        else:
            row[status] += 1
    return {"themes": [r for r in rows.values() if r["total"]]}


def _assert_reports_equal(root: Path, today: dt.date) -> None:
    body = load_checked(root)
    held = report_years(body)
    years = [max(held) + 1, *held, min(held) - 1]  # and a year on each side, with no meetings
    for lang in ("nl", "en"):
        for public in (True, False):
            together = build_reports(body, years, today, lang, public=public)
            assert list(together) == years
            for year in years:
                assert together[year] == build_report(body, year, today, lang,
                                                      public=public), (year, lang, public)
                assert together[year]["actions"] == _reference_actions(
                    body, year, today, lang, public)


def test_reports_of_all_years_equal_one_by_one_on_the_example() -> None:
    _assert_reports_equal(EXAMPLE, dt.date.fromisoformat(EXAMPLE_TODAY))
    _assert_reports_equal(EXAMPLE, dt.date(2025, 6, 1))  # a year not yet over


def test_reports_of_all_years_equal_one_by_one_on_a_generated_body(tmp_path: Path) -> None:
    root, today = _generated(tmp_path, 40)
    _assert_reports_equal(root, today)


# -- the sections that used to scan the whole body once per year -----------------------------------


def _reference_asked(body: m.Body) -> list[tuple[str, str, dt.date | None, str | None]]:
    """feedback.asked as it was: every later meeting looked at for each meeting."""
    from kwartaal.core.outline import next_after

    found = []
    for meeting in body.meetings:
        if meeting.status in m.NOT_HELD:
            continue
        records = [*(i for i in meeting.items if i.asks_input and i.on_agenda),
                   *(n for n in meeting.notes if n.asks_input)]
        later = [mt for mt in body.meetings
                 if mt.date > meeting.date and mt.status != "cancelled"]
        found += [(r.id, meeting.id, next_after(body, meeting), later[0].id if later else None)
                  for r in records]
    return found


def _asked_rows(body: m.Body) -> list[tuple[str, str, dt.date | None, str | None]]:
    from kwartaal.core.feedback import asked

    return [(a.id, a.meeting.id, a.due, a.due_meeting.id if a.due_meeting else None)
            for a in asked(body)]


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.data())
def test_input_asked_is_due_at_the_next_meeting_not_cancelled(data: st.DataObject) -> None:
    """Dates moved so that meetings share a date, statuses changed (cancelled, held,
    planned), in date order as a body keeps them and in any order a library user may give."""
    body = load_checked(EXAMPLE)
    dates = st.dates(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    for meeting in body.meetings:
        meeting.date = data.draw(dates)
        meeting.status = data.draw(st.sampled_from(
            ["held", "planned", "cancelled", "minutes-approved", meeting.status]))
        for item in meeting.items:
            item.asks_input = item.asks_input or data.draw(st.booleans())
    body.meetings.sort(key=lambda mt: (mt.date, mt.id))
    assert _asked_rows(body) == _reference_asked(body)
    body.meetings[:] = data.draw(st.permutations(body.meetings))
    assert _asked_rows(body) == _reference_asked(body)


def _reference_levels(body: m.Body, year: int, public: bool) -> dict[str, int]:
    """participation.levels_by_year as it was: its own scan and View for each year."""
    from kwartaal.core.participation import NO_LEVEL

    view = View(body, "en", public=public)
    by_id = {i.id: (mt, i) for mt in body.meetings for i in mt.items}
    items = []
    for meeting in body.meetings:
        if meeting.date.year != year:
            continue
        for item in meeting.items:
            if meeting.status == "cancelled" or not item.on_agenda:
                continue
            source = by_id.get(item.carried_from) if item.carried_from else None
            if source is not None and source[0].status != "cancelled" and source[1].on_agenda:
                continue
            items.append(item)
    decisions = [d for mt in body.meetings if mt.date.year == year and view.minutes_public(mt)
                 for d in mt.decisions]
    counts = dict.fromkeys((*m.LEVELS, NO_LEVEL), 0)
    for record in (*items, *decisions):
        if not view.hides(record):
            counts[record.level or NO_LEVEL] += 1
    return counts


@pytest.mark.parametrize("generated", [False, True])
def test_participation_and_attendance_of_each_year_as_before(tmp_path: Path,
                                                              generated: bool) -> None:
    from kwartaal.core.attendance import attendance, group_row
    from kwartaal.core.participation import levels_by_year

    root, today = _generated(tmp_path, 40) if generated else (
        EXAMPLE, dt.date.fromisoformat(EXAMPLE_TODAY))
    body = load_checked(root)
    held = report_years(body)
    years = [min(held) - 1, *held, max(held) + 1]
    for public in (True, False):
        for lang in ("nl", "en"):
            reports = build_reports(body, years, today, lang, public=public)
            for year in years:
                expected = _reference_levels(body, year, public)
                assert levels_by_year(body, year, public=public) == expected
                section = reports[year]["participation"]
                assert {row["level"]: row["count"] for row in section["levels"]} == {
                    level: count for level, count in expected.items() if level != "none"}
                # the attendance section as it was built: attendance() scanning the body
                view = View(body, lang, public=public)
                found = attendance(body, year, lang)
                rows = []
                for group in found.organisations:
                    row = group_row(group)
                    row["key"], row["name"] = view.text(str(row["key"])), view.text(group.name)
                    rows.append(row)
                from kwartaal.core.feedback import feedback_in_year

                given = [f for f in feedback_in_year(body, year, lang)
                         if not (public and f.closed)]
                assert [(g["record"], g["answered_long"]) for g in
                        reports[year]["feedback"]["given"]] == [
                    (f.record, reports[year]["feedback"]["given"][n]["answered_long"])
                    for n, f in enumerate(given)]
                assert reports[year]["attendance"] == {
                    "organisations": rows, "meetings": len(found.meetings),
                    "sex_worker_seat_filled": found.seat_filled}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("public", [True, False])
def test_an_agenda_whose_review_was_gathered_in_a_pass_is_the_agenda(lang: str,
                                                                      public: bool) -> None:
    """The site gathers the agenda's review of actions as it passes every action (in the
    body's order; here backwards as well): the agenda is the one built alone."""
    from kwartaal.core import rules
    from kwartaal.documents.agenda import ActionReview, build_agenda

    today = dt.date.fromisoformat(EXAMPLE_TODAY)
    planned = rules.next_planned(_BODY, today)
    assert planned is not None
    alone = build_agenda(_BODY, planned, today, lang, public)
    assert alone["action_review"]  # (actions to review: the test compares something)
    for order in (list, lambda actions: list(reversed(list(actions)))):
        review = ActionReview(View(_BODY, lang, public=public), planned, today)
        for action in order(_BODY.each_action()):
            review.add(action)
        assert build_agenda(_BODY, planned, today, lang, public, gathered=review) == alone
