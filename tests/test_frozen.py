"""Approved minutes are frozen: `minutes approve` stores what they said, and they are shown from
that afterwards, whatever happens to the actions; privacy is still decided when they are
shown."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from kwartaal.core import model as m
from kwartaal.core import snapshot as snap
from kwartaal.documents.frozen import as_table
from kwartaal.documents.minutes import build_minutes
from kwartaal.edit.publish import render_minutes
from kwartaal.files import loader
from kwartaal.files.loader import load_checked as load
from tests.conftest import Run, commit_count, git, replace_in
from tests.test_fields import errors, load_file, records

MEETING = "2025-12-11"
TODAY = "2026-03-12"
RENDERINGS = [(lang, public, fmt) for lang in ("nl", "en") for public in (False, True)
              for fmt in ("md", "html", "json")]


def _r(example: Path, today: str = TODAY) -> list[str]:
    return ["--repo", str(example), "--today", today]


def _rendered(example: Path) -> dict[tuple[str, bool, str], str]:
    body = load(example)
    meeting = body.meeting(MEETING)
    assert meeting is not None
    return {(lang, public, fmt): render_minutes(body, meeting, lang, public=public, fmt=fmt)
            for lang, public, fmt in RENDERINGS}


def _bytes(example: Path) -> dict[str, bytes]:
    return {str(p.relative_to(example)): p.read_bytes() for p in sorted(example.rglob("*"))
            if p.is_file()}


def test_approve_stores_the_minutes_in_place_with_one_commit(example: Path, run: Run) -> None:
    path = example / "meetings" / f"{MEETING}.toml"
    replace_in(path, 'status = "minutes-draft"', 'status = "minutes-draft"  # na correcties')
    git(example.parent, "commit", "-qam", "comment")
    start = commit_count(example.parent)
    run(*_r(example), "minutes", "approve", MEETING)
    assert commit_count(example.parent) == start + 1
    text = path.read_text(encoding="utf-8")
    assert 'status = "minutes-approved"  # na correcties' in text  # comments kept
    assert "\n[approved]\ndate = 2026-03-12\n" in text and "[[approved.action]]" in text
    body = load(example)
    meeting = body.meeting(MEETING)
    assert meeting is not None and meeting.approved is not None
    frozen = meeting.approved
    assert frozen.date == dt.date(2026, 3, 12) and frozen.present == meeting.present
    made = [a.id for a in frozen.actions if not a.review]
    assert made == [a.id for a in meeting.actions]
    assert all(a.review for a in frozen.actions if a.id.split("/")[0] != MEETING)
    log = git(example.parent, "log", "-1", "--format=%an %s")
    assert log.startswith("Secretaris Test minutes 2025-12-11: approved 2026-03-12")
    run(*_r(example), "check", "--strict")


def test_later_changes_to_actions_leave_approved_minutes_byte_identical(
        example: Path, run: Run) -> None:
    r = _r(example)
    run(*r, "minutes", "approve", MEETING)
    before = _rendered(example)
    run(*r, "action", "handover", f"{MEETING}/a1", "--to", "m-jansen")
    run(*r, "action", "update", f"{MEETING}/a2", "--due", "2026-09-01", "--note", "later")
    run(*r, "action", "done", f"{MEETING}/a3")
    run(*r, "action", "done", "2025-06-12/a3")  # in the review of earlier actions
    run(*r, "attend", MEETING, "w-smit", "--present")
    run(*r, "meeting", "new", "--date", "2026-02-05", "--force")  # an earlier next meeting
    after = _rendered(example)
    assert after == before
    assert "Marieke Jansen" in render_minutes(load(example), load(example).meeting(MEETING),
                                              "nl", public=False, fmt="md")
    # moved back to a draft, the minutes are live again
    run(*r, "minutes", "review", MEETING, "--force")
    assert _rendered(example)[("nl", False, "md")] != before[("nl", False, "md")]


def test_approving_again_needs_force_and_freezes_them_anew(example: Path, run: Run) -> None:
    r = _r(example)
    run(*r, "minutes", "approve", MEETING)
    run(*r, "action", "handover", f"{MEETING}/a2", "--to", "s-bakker")
    start, files = commit_count(example.parent), _bytes(example)
    again = run(*r, "--lang", "en", "minutes", "approve", MEETING, expect=1)
    assert "already approved on 2026-03-12" in again.output and "--force" in again.output
    assert commit_count(example.parent) == start and _bytes(example) == files
    run(*r, "minutes", "approve", MEETING, "--force")
    body = load(example)
    meeting = body.meeting(MEETING)
    assert meeting is not None and meeting.approved is not None
    a2 = next(a for a in meeting.approved.actions if a.id == f"{MEETING}/a2")
    assert a2.owner == "s-bakker"
    text = (example / "meetings" / f"{MEETING}.toml").read_text(encoding="utf-8")
    assert text.count("[approved]") == 1


@pytest.mark.parametrize(("args", "today", "says"), [
    (["minutes", "approve", MEETING, "--date", "2026-03-13"], TODAY, "is still to come"),
    (["minutes", "approve", MEETING, "--date", "2025-12-10"], TODAY, "before the meeting"),
    (["minutes", "approve", MEETING, "--date", "morgen"], TODAY, "--date"),
    (["minutes", "approve", "2025-09-11"], TODAY, "already approved on 2025-12-11"),
    (["minutes", "approve", "2026-03-12"], TODAY, "has not been held yet"),
    (["minutes", "approve", "2026-03-13"], TODAY, "2026-03-12"),
])
def test_each_refusal_leaves_every_file_untouched(example: Path, run: Run, args: list[str],
                                                  today: str, says: str) -> None:
    start, files = commit_count(example.parent), _bytes(example)
    result = run(*_r(example, today), "--lang", "en", *args, expect=1)
    assert says in result.output, result.output
    assert "Traceback" not in result.output
    assert commit_count(example.parent) == start and _bytes(example) == files


def test_privacy_is_decided_when_approved_minutes_are_shown(example: Path, run: Run) -> None:
    r = _r(example)
    run(*r, "minutes", "approve", MEETING)
    public = run(*r, "minutes", MEETING, "--public").output
    assert "Marieke Jansen" in public and "Concept-beleid naar de klankbordgroep" in public
    # later: the chair asks to be role-only, and an action of the meeting is closed
    people = example / "people.toml"
    replace_in(people, 'name = "Marieke Jansen"\nvisibility = "named"',
               'name = "Marieke Jansen"\nvisibility = "role-only"')
    path = example / "meetings" / f"{MEETING}.toml"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.partition('id = "a2"\n')
    path.write_text(head + 'id = "a2"\nclosed = true\n' + tail, encoding="utf-8")
    public = run(*r, "minutes", MEETING, "--public").output
    assert "Marieke Jansen" not in public
    assert "Concept-beleid naar de klankbordgroep" not in public
    for fmt in ("html", "json"):
        other = run(*r, "minutes", MEETING, "--public", "--format", fmt).output
        assert "Marieke Jansen" not in other
        assert "Concept-beleid naar de klankbordgroep" not in other


# -- properties ---------------------------------------------------------------------------------

OWNERS = st.sampled_from(["m-jansen", "s-bakker", "l-demir", "roos", "kbg-1", "p-devries"])
EDITS = st.lists(st.tuples(
    st.sampled_from(["owner", "co_owners", "status", "due", "title", "attendance"]),
    st.integers(0, 50), OWNERS, st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))),
    min_size=1, max_size=8)


@pytest.fixture(scope="module")
def approved_body(tmp_path_factory: pytest.TempPathFactory) -> m.Body:
    """The example body with the minutes of 2025-12-11 approved through the command."""
    import shutil

    from click.testing import CliRunner

    from kwartaal.cli.main import cli
    from tests.conftest import EXAMPLE, commit_all, init_repo

    repo = init_repo(tmp_path_factory.mktemp("frozen") / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    result = CliRunner().invoke(cli, [*_r(repo / "meetings"), "minutes", "approve", MEETING])
    assert result.exit_code == 0, result.output
    return load(repo / "meetings")


def _edited(body: m.Body, edits: list[tuple[str, int, str, dt.date]]) -> m.Body:
    actions = body.all_actions()
    meetings = {mt.id: mt for mt in body.meetings}
    for what, index, person, day in edits:
        if what == "attendance":
            mt = meetings[MEETING]
            meetings[MEETING] = dataclasses.replace(mt, present=[person], absent=[],
                                                    chair=person)
            continue
        action = actions[index % len(actions)]
        change = {"owner": {"owner": person}, "co_owners": {"co_owners": [person]},
                  "status": {"status": ["open", "in-progress", "done", "dropped"][index % 4],
                             "history": [m.HistoryEntry(day, person, "done", "x")]},
                  "due": {"due": day}, "title": {"title": f"Nieuwe titel {index}"}}[what]
        new = dataclasses.replace(action, **change)
        actions = [new if a is action else a for a in actions]
        mt = meetings[action.meeting]
        meetings[mt.id] = dataclasses.replace(
            mt, actions=[new if a.id == new.id else a for a in mt.actions])
    return dataclasses.replace(body, meetings=[meetings[mt.id] for mt in body.meetings],
                               _by_id=None)


@seed(20261123)
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(EDITS, st.sampled_from(["nl", "en"]), st.booleans())
def test_no_later_action_edit_changes_approved_minutes(approved_body: m.Body, edits: list,
                                                       lang: str, public: bool) -> None:
    meeting = approved_body.meeting(MEETING)
    assert meeting is not None
    before = build_minutes(approved_body, meeting, lang, public)
    later = _edited(approved_body, edits)
    later_meeting = later.meeting(MEETING)
    assert later_meeting is not None
    assert build_minutes(later, later_meeting, lang, public) == before


@seed(20261123)
@settings(max_examples=40, deadline=None)
@given(records(snap.Approved, actions=st.lists(records(snap.FrozenAction), max_size=3)))
def test_a_snapshot_written_as_its_table_loads_back_equal(snapshot: snap.Approved) -> None:
    import tomlkit

    doc = tomlkit.parse('date = 2025-06-12\nstatus = "minutes-approved"\n')
    doc["approved"] = as_table(snapshot)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "meetings" / "2025-06-12.toml"
        loaded, problems = load_file(path, tomlkit.dumps(doc), lambda raw, p, found:
                                     loader.build_meeting(raw, p, found, "nl"))
    assert not errors(problems), errors(problems)
    assert loaded.approved == snapshot
