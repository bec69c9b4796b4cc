"""A pass over every action reads what it counts of each (core/actionfacts.py ActionFact)
from what a meeting in the parse index keeps apart for each action, and decodes only the open
ones: those facts are the ones fact_of reads from the decoded records, on the example, a
benchmark body, and actions of every status with histories in any order; a meeting whose
actions hold values a fact cannot keep is counted from its records; and the site, which
counts progress and every year's actions by them, is the one built from records alone."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from kwartaal.core import model as m
from kwartaal.core import rules
from kwartaal.core.actionfacts import ActionFact, fact_of, facts_and_open, finished_on
from kwartaal.core.fields import Source
from kwartaal.core.visibility import View
from kwartaal.documents.site import build_site
from kwartaal.files import forms, records, tomlread
from kwartaal.files.lazy import status_of
from kwartaal.files.loader import load, load_checked

from .conftest import EXAMPLE, EXAMPLE_TODAY, generated_body
from .test_forms import MEETINGS, assert_formed_is_built


def _warm(root: Path) -> m.Body:
    load(root, indexed=True)
    return load(root, indexed=True).body


def _assert_facts_are_those_of_the_records(root: Path) -> int:
    """Every meeting of the body read from the index: its stored facts are those of its
    decoded actions, and its open actions those decoded; the number of actions seen."""
    plain = load(root).body
    body = _warm(root)
    seen = 0
    for meeting, built in zip(body.meetings, plain.meetings, strict=True):
        assert type(meeting.actions) is records.Later
        stored = meeting.actions.action_facts()
        # every value of these bodies can be kept (a meeting without actions keeps none)
        assert stored is not None or not built.actions, meeting.id
        facts, opened = facts_and_open(meeting)
        if stored is not None:
            assert meeting.actions.pending  # nothing decoded but the open actions, alone
            assert stored == facts
        assert facts == [fact_of(action) for action in built.actions]
        assert opened == [action for action in built.actions if action.is_open]
        assert all(type(fact.due) in (dt.date, type(None)) for fact in facts)
        seen += len(facts)
    return seen


def test_the_facts_of_the_example_are_those_of_its_records(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    assert _assert_facts_are_those_of_the_records(root) > 10


def test_the_facts_of_a_benchmark_body_are_those_of_its_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    root, _ = generated_body(tmp_path / "body", 60)
    body = load(root).body
    statuses = {action.status for action in body.all_actions()}
    assert statuses == {"open", "in-progress", "done", "dropped"}
    assert _assert_facts_are_those_of_the_records(root) > 600


def _action(status: str, history: list[tuple[int, str]], **values: object) -> m.Action:
    values = {"due": dt.date(2026, 2, 1), "theme": "", "closed": False, "item": "", **values}
    return m.Action(id="2026-01-01/a1", local_id="a1", meeting="2026-01-01", title="t",
                    owner="p", co_owners=[], status=status,
                    src=Source(Path("2026-01-01.toml")),
                    history=[m.HistoryEntry(date=dt.date(2026, 1, day), by="p", kind=kind, what="")
                             for day, kind in history], **values)  # type: ignore[arg-type]


HISTORIES = [
    ("done", [(3, "created"), (9, "done"), (5, "note")], 9),  # its last entry of that kind
    ("done", [(3, "created"), (9, "done"), (12, "done"), (5, "note")], 12),
    ("dropped", [(3, "created"), (7, "note")], 7),  # none of that kind: the last entry
    ("dropped", [(8, "dropped"), (2, "created")], 8),
    ("done", [], None),
    ("open", [(3, "created"), (9, "done")], None),  # not finished, whatever its history says
    ("in-progress", [(3, "started")], None),
]


@pytest.mark.parametrize(("status", "history", "finished"), HISTORIES)
def test_a_stored_status_holds_the_fact_of_its_action(status: str,
                                                      history: list[tuple[int, str]],
                                                      finished: int | None) -> None:
    action = _action(status, history, theme="zorg", item="p2", closed=True)
    fact = fact_of(action)
    assert fact.finished == finished_on(action) == (
        None if finished is None else dt.date(2026, 1, finished))
    stored = status_of(action)
    assert stored[0] == status and len(stored) == 8
    assert stored[3:] == ("zorg", dt.date(2026, 2, 1).toordinal(), True, "p2",
                          None if finished is None else dt.date(2026, 1, finished).toordinal())


@pytest.mark.parametrize(("status", "history", "finished"), HISTORIES)
def test_a_file_read_straight_into_its_stored_form_keeps_the_same_facts(
        status: str, history: list[tuple[int, str]], finished: int | None) -> None:
    """The same histories written in a meeting's file, whose actions are stored straight
    from its tables (files/forms.py): the facts are those of the built records."""
    path = next(p for p in MEETINGS if "[[action]]" in p.read_text(encoding="utf-8"))
    raw = tomlread.parse_text(path.read_text(encoding="utf-8"))
    for action in raw["action"]:
        action["status"] = status
        action["history"] = [{"date": dt.date(2026, 1, day), "by": action["owner"],
                              "kind": kind, "what": "x"} for day, kind in history]
    assert assert_formed_is_built(raw, path)  # the facts of the stored form are fact_of's
    stored = forms.formed_parts(raw, path.stem, path).statuses  # type: ignore[union-attr]
    assert {status[7] for status in stored} == {
        None if finished is None else dt.date(2026, 1, finished).toordinal()}


@pytest.mark.parametrize("values", [
    {"due": dt.datetime(2026, 2, 1, 9, 30)},  # noqa: DTZ001 - not a plain date
    {"due": "2026-02-01"},
    {"theme": 3},
    {"closed": "yes"},
    {"item": None},
])
def test_an_action_whose_facts_cannot_be_kept_keeps_its_status_alone(
        values: dict[str, object]) -> None:
    """Values a file could not give, in an action built by other code: its meeting's
    facts are then read from its records (Later.action_facts gives None)."""
    stored = status_of(_action("done", [(3, "done")], **values))
    assert len(stored) == 3 and stored[0] == "done"
    assert ActionFact._fields == ("status", "theme", "due", "closed", "item", "finished")


@pytest.mark.parametrize("body", ["example", "benchmark"])
def test_the_site_counted_by_stored_facts_is_the_one_built_from_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """Progress, open actions, the agenda's review and every year's report, from the index
    (facts, open actions decoded alone) and from records alone: the same files, of the
    example (closed actions, actions under closed items, two languages) and a larger body."""
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    if body == "example":
        root, today = tmp_path / "example", dt.date.fromisoformat(EXAMPLE_TODAY)
        shutil.copytree(EXAMPLE, root)
    else:
        root, today = generated_body(tmp_path / "body", 60)
    from_records = build_site(load_checked(root), today)
    load(root, indexed=True)
    from_index = build_site(load_checked(root, indexed=True), today)
    assert from_index == from_records
    assert any(name.startswith("report-") for name in from_index)


def test_the_site_counts_progress_of_the_actions_the_public_may_see(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress page counts, per theme, exactly the actions a public view does not hide
    (closed, or under a closed item): as rules.progress counts them, one action at a time."""
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    root, today = tmp_path / "example", dt.date.fromisoformat(EXAMPLE_TODAY)
    shutil.copytree(EXAMPLE, root)
    body = load_checked(root)
    view = View(body, body.config.language, public=True)
    shown = [action for action in body.all_actions() if not view.hides(action)]
    assert len(shown) < len(body.all_actions())  # some are hidden
    expected = [(row.done, row.in_progress, row.open, row.overdue)
                for row in rules.progress(body, shown, today)
                if row.done + row.in_progress + row.open]
    load(root, indexed=True)
    for indexed in (False, True):
        page = build_site(load_checked(root, indexed=indexed), today)["progress.html"]
        assert isinstance(page, str)
        rows = re.findall(r'<tr><th scope="row">[^<]*</th><td data-label="[^"]*">(\d+)</td>'
                          r'<td data-label="[^"]*">(\d+)</td><td data-label="[^"]*">(\d+)</td>'
                          r'<td data-label="[^"]*">(\d+)</td>', page)
        assert [tuple(map(int, row)) for row in rows] == expected
