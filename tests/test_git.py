"""Working together: real clones of a bare remote, sync, the merge driver, log, several bodies."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from kwartaal.vcs.merge import Conflict, merge_texts

from .conftest import EXAMPLE, Run, commit_all, commit_count, git, init_repo

TODAY = "2026-01-15"


@pytest.fixture
def clones(tmp_path: Path, run: Run) -> tuple[Path, Path]:
    """A bare remote holding the example body, and two clones of it, each set up."""
    seed = init_repo(tmp_path / "seed")
    shutil.copytree(EXAMPLE, seed / "meetings")
    commit_all(seed)
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(remote))
    first = tmp_path / "chair"
    second = tmp_path / "secretary"
    for clone in (first, second):
        git(tmp_path, "clone", "-q", str(remote), str(clone))
        run("--repo", str(clone / "meetings"), "setup-git")
    return first / "meetings", second / "meetings"


def _k(run: Run, body: Path, *args: str, expect: int = 0) -> str:
    return run("--repo", str(body), "--today", TODAY, "--lang", "en", *args,
               expect=expect).output


def _meeting(body: Path, meeting: str = "2026-03-12") -> dict:
    return tomllib.loads((body / "meetings" / f"{meeting}.toml").read_text(encoding="utf-8"))


def test_additions_in_two_clones_merge_without_conflict(clones: tuple[Path, Path],
                                                        run: Run) -> None:
    chair, secretary = clones
    _k(run, chair, "action", "add", "Zaal reserveren", "--owner", "m-jansen", "--due", "+10w",
       "--meeting", "2026-03-12")
    _k(run, chair, "propose", "Jaarplan 2026", "--by", "m-jansen", "--under", "beleid")
    _k(run, secretary, "action", "add", "Tolk regelen", "--owner", "l-demir", "--due", "+9w",
       "--meeting", "2026-03-12")
    _k(run, secretary, "propose", "Nieuwe woonvormen", "--by", "roos", "--under", "actueel")
    _k(run, secretary, "note", "2025-12-11", "actions", "Bijgewerkt na het overleg.")
    _k(run, chair, "sync")
    output = _k(run, secretary, "sync")
    assert "pushed" in output
    _k(run, chair, "sync")
    for body in (chair, secretary):
        data = _meeting(body)
        titles = {a["id"]: a["title"] for a in data["action"]}
        assert sorted(titles.values()) == ["Tolk regelen", "Zaal reserveren"]
        assert len(titles) == 2
        items = {i["id"]: i["title"] for i in data["item"]}
        assert {"Jaarplan 2026", "Nieuwe woonvormen"} <= set(items.values())
        assert len(items) == len(data["item"])
        _k(run, body, "check", "--strict")
    assert git(chair, "rev-parse", "HEAD") == git(secretary, "rev-parse", "HEAD")
    assert git(chair, "status", "--porcelain") == ""


def test_a_real_conflict_stops_sync_with_an_explanation(clones: tuple[Path, Path],
                                                       run: Run) -> None:
    chair, secretary = clones
    _k(run, chair, "action", "update", "2025-09-11/a5", "--due", "2026-02-01")
    _k(run, secretary, "action", "update", "2025-09-11/a5", "--due", "2026-03-01")
    _k(run, chair, "sync")
    output = _k(run, secretary, "sync", expect=1)
    assert "both you and someone else changed the same thing" in output
    assert "meetings/meetings/2025-09-11.toml" in output
    assert "git rebase --continue" in output and "git rebase --abort" in output
    status = git(secretary, "status")
    assert "rebase" in status and "2025-09-11.toml" in status
    text = (secretary / "meetings" / "2025-09-11.toml").read_text(encoding="utf-8")
    assert "<<<<<<<" in text
    again = _k(run, secretary, "sync", expect=1)
    assert "in the middle of a rebase" in again
    git(secretary, "rebase", "--abort")
    assert git(secretary, "status", "--porcelain") == ""


def test_sync_refusals(tmp_path: Path, example: Path, run: Run) -> None:
    out = _k(run, example, "sync", expect=1)
    assert "no remote is configured" in out
    (example / "people.toml").write_text("# x\n" + (example / "people.toml").read_text(
        encoding="utf-8"), encoding="utf-8")
    git(example.parent, "remote", "add", "origin", str(tmp_path / "nowhere.git"))
    out = _k(run, example, "sync", expect=1)
    assert "uncommitted changes" in out
    git(example.parent, "checkout", "-q", "--", ".")
    out = _k(run, example, "sync", expect=1)
    assert "fetching from 'origin' failed" in out
    git(example.parent, "checkout", "-q", "--detach")
    out = _k(run, example, "sync", expect=1)
    assert "HEAD is detached" in out
    loose = tmp_path / "loose"
    shutil.copytree(EXAMPLE, loose)
    out = _k(run, loose, "sync", expect=1)
    assert "not in a git repository" in out


def test_a_refused_push_is_explained(clones: tuple[Path, Path], run: Run, tmp_path: Path) -> None:
    chair, _ = clones
    hook = tmp_path / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'read-only mirror' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    _k(run, chair, "action", "start", "2025-09-11/a1")
    out = _k(run, chair, "sync", expect=1)
    assert "refused the push" in out and "read-only mirror" in out


def test_commands_commit_only_their_own_files(example: Path, run: Run) -> None:
    other = example.parent / "notes.txt"
    other.write_text("draft\n", encoding="utf-8")
    git(example.parent, "add", "notes.txt")
    before = commit_count(example.parent)
    _k(run, example, "propose", "Iets nieuws", "--by", "roos", "--author",
       "Roos <roos@example.invalid>")
    assert commit_count(example.parent) == before + 1
    files = git(example.parent, "show", "--name-only", "--format=", "HEAD").split()
    assert files == ["meetings/meetings/2026-03-12.toml"]
    assert git(example.parent, "log", "-1", "--format=%an").strip() == "Roos"
    assert "A  notes.txt" in git(example.parent, "status", "--porcelain")


def test_log_lists_events_newest_first(example: Path, run: Run) -> None:
    _k(run, example, "propose", "Iets nieuws", "--by", "roos")
    _k(run, example, "action", "done", "2025-09-11/a1", "--note", "klaar")
    events = json.loads(_k(run, example, "log", "--json"))
    dates = [e["date"] for e in events]
    assert dates == sorted(dates, reverse=True)
    kinds = {e["kind"] for e in events}
    assert {"meeting-held", "decision", "action-created", "action-done", "action-dropped",
            "action-started", "item-proposed", "meeting-scheduled"} <= kinds
    done = next(e for e in events if e["kind"] == "action-done" and e["id"] == "2025-09-11/a1")
    assert done["date"] == TODAY
    since = json.loads(_k(run, example, "log", "--since", "2025-12-01", "--json"))
    assert since and all(e["date"] >= "2025-12-01" for e in since)
    one = json.loads(_k(run, example, "log", "--meeting", "2025-06-12", "--json"))
    assert {e["meeting"] for e in one} == {"2025-06-12"}
    text = _k(run, example, "log", "--since", "2026-01-01")
    assert "action-done" in text


def test_several_bodies_in_one_repository(example: Path, run: Run) -> None:
    run("init", str(example.parent / "intercity"), "--name", "Interstedelijk overleg")
    body = example.parent / "intercity"
    _k(run, body, "person", "add", "coord", "--name", "Coördinator", "--visibility", "named",
       "--role", "coördinator")
    _k(run, body, "meeting", "new", "--date", "2026-01-08", "--force")
    _k(run, body, "action", "add", "Afspraken delen", "--owner", "coord", "--due", "2026-01-10",
       "--meeting", "2026-01-08")
    rows = json.loads(_k(run, example, "actions", "--all-bodies", "--overdue", "--json"))
    assert {r["body"] for r in rows} == {"Kwartaaloverleg Sekswerk Voorbeeldstad",
                                        "Interstedelijk overleg"}
    _k(run, example, "overdue", "--all-bodies", expect=3)


def test_init_registers_the_merge_driver(new_body: Path) -> None:
    assert "merge=kwartaal" in (new_body / ".gitattributes").read_text(encoding="utf-8")
    assert "merge-driver" in git(new_body, "config", "merge.kwartaal.driver")


BASE = """date = 2026-03-12
status = "planned"
invited = ["a", "b"]

[[action]]
id = "a1"
title = "x"
due = 2026-04-01
history = [
  { date = 2026-03-12, what = "aangemaakt" },
]
"""


def test_merge_never_renumbers_a_colliding_addition() -> None:
    ours = BASE + '\n[[item]]\nid = "p1"\ntitle = "ours"\n'
    theirs = BASE + ('\n[[item]]\nid = "p1"\ntitle = "theirs"\n\n[[note]]\nid = "n1"\n'
                     'item = "p1"\ntext = "over hun punt"\n')
    outcome = merge_texts(BASE, ours, theirs)
    data = tomllib.loads(outcome.text)
    # Both kept under their own id, reported as a collision for a person to resolve.
    assert [(i["id"], i["title"]) for i in data["item"]] == [("p1", "ours"), ("p1", "theirs")]
    assert data["note"] == [{"id": "n1", "item": "p1", "text": "over hun punt"}]
    assert [(c.kind, c.id) for c in outcome.collisions] == [("item", "p1")]
    assert outcome.text.startswith(ours)


def test_merge_of_edits_to_different_fields_and_sets() -> None:
    ours = BASE.replace('invited = ["a", "b"]', 'invited = ["a", "b", "c"]').replace(
        'title = "x"', 'title = "x2"')
    theirs = BASE.replace('status = "planned"', 'status = "held"').replace(
        "due = 2026-04-01", "due = 2026-05-01")
    data = tomllib.loads(merge_texts(BASE, ours, theirs).text)
    assert data["status"] == "held" and data["invited"] == ["a", "b", "c"]
    assert data["action"][0]["title"] == "x2"
    assert str(data["action"][0]["due"]) == "2026-05-01"


@pytest.mark.parametrize("ours,theirs,merged", [(1, 1, 2), (2, 1, 3), (1, 0, 1), (0, 4, 4)])
def test_a_sequence_raised_on_both_sides_goes_above_both(ours: int, theirs: int,
                                                         merged: int) -> None:
    """A move in one clone and a cancellation in another each raise the calendar's sequence
    to 1; a subscriber who saw either must take the merged event as newer."""
    base = BASE.replace('status = "planned"', 'status = "planned"\nsequence = 0')
    mine = base.replace("sequence = 0", f"sequence = {ours}").replace(
        'status = "planned"', 'status = "cancelled"')
    other = base.replace("sequence = 0", f"sequence = {theirs}")
    data = tomllib.loads(merge_texts(base, mine, other).text)
    assert data["sequence"] == merged and data["status"] == "cancelled"


@pytest.mark.parametrize("mine,other", [
    ('expected = ["f"]', 'declined = ["f"]'),
    ('present = ["f"]', 'excused = ["f"]'),
    ('absent = ["f"]', 'present = ["f", "g"]'),
])
def test_two_different_answers_of_one_person_conflict(mine: str, other: str) -> None:
    """Expected in one clone, declined in the other: only a person can say which holds."""
    with pytest.raises(Conflict):
        merge_texts(BASE, BASE.replace('status = "planned"', f'status = "planned"\n{mine}'),
                    BASE.replace('status = "planned"', f'status = "planned"\n{other}'))
    same = BASE.replace('status = "planned"', 'status = "planned"\ndeclined = ["f"]')
    assert tomllib.loads(merge_texts(BASE, same, same.replace('title = "x"', 'title = "y"'))
                         .text)["declined"] == ["f"]


def test_merge_of_the_same_field_conflicts() -> None:
    with pytest.raises(Conflict):
        merge_texts(BASE, BASE.replace("2026-04-01", "2026-04-02"),
                    BASE.replace("2026-04-01", "2026-04-03"))


def test_sync_pushes_no_history_with_private_details(clones: tuple[Path, Path],
                                                    run: Run) -> None:
    """A clone without the hook (git does not copy hooks) commits a phone number and removes
    it again: the number would stay in everyone's history, so nothing is pushed."""
    a, _ = clones
    notes = a / "aantekeningen.md"
    git(a.parent, "config", "core.hooksPath", "/dev/null")
    notes.write_text("Bel Mila op 06-12345678\n", encoding="utf-8")
    git(a.parent, "add", "-A")
    git(a.parent, "commit", "-q", "-m", "aantekeningen")
    notes.write_text("Bel Mila\n", encoding="utf-8")
    git(a.parent, "commit", "-q", "-am", "nummer weg")
    git(a.parent, "config", "--unset", "core.hooksPath")
    out = _k(run, a, "sync", expect=1)
    assert "nothing was pushed" in out and "aantekeningen.md" in out
    assert "12345678" not in out


def test_a_merged_change_to_approved_minutes_is_caught(clones: tuple[Path, Path],
                                                       run: Run) -> None:
    """The chair approves; the secretary, not knowing yet, corrects a note and removes a
    decision. Sync merges both record by record; check (and with it the next sync) says that
    approved minutes changed."""
    chair, secretary = clones
    meeting = "2025-12-11"
    _k(run, chair, "minutes", "approve", meeting, "--date", TODAY)
    _k(run, chair, "sync")
    note = _meeting(secretary, meeting)["note"][0]["id"]
    _k(run, secretary, "note", "set", meeting, note, "--text", "Na de vaststelling gewijzigd.")
    assert "nothing was pushed" in _k(run, secretary, "sync", expect=1)
    found = run("--repo", str(secretary), "--today", TODAY, "--lang", "en", "check",
                expect=1).output
    assert f"the minutes of {meeting} were approved on {TODAY}" in found
    assert f"{meeting}.toml" in found and "git log -p" in found
    dutch = run("--repo", str(secretary), "--today", TODAY, "check", expect=1).output
    assert "vastgesteld" in dutch
    # closing a record after approval stays allowed, and changes nothing that was said
    _k(run, chair, "item", "set", meeting, "p1", "--closed")
    _k(run, chair, "check")
