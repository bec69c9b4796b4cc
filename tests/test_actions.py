"""Action tracking on the shipped example with a fixed today."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run, commit_count, found_id, git

TODAY = dt.date.fromisoformat(EXAMPLE_TODAY)
KEYS = ["id", "title", "owners", "due", "status", "theme", "meeting", "overdue", "days_overdue"]


def _raw_actions(body: Path) -> list[dict[str, Any]]:
    """The actions as plain data, read straight from the files (not through kwartaal)."""
    found = []
    for path in sorted((body / "meetings").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for action in data.get("action", []):
            found.append({**action, "meeting": path.stem, "full": f"{path.stem}/{action['id']}"})
    return found


def _expected_overdue(body: Path, today: dt.date) -> dict[str, int]:
    return {a["full"]: (today - a["due"]).days for a in _raw_actions(body)
            if a["status"] in ("open", "in-progress") and a["due"] < today}


def _json(run: Run, *args: str, repo: Path = EXAMPLE, expect: int = 0) -> Any:
    result = run("--repo", str(repo), "--today", EXAMPLE_TODAY, *args, expect=expect)
    return json.loads(result.output)


def test_overdue_set_and_days(run: Run) -> None:
    expected = _expected_overdue(EXAMPLE, TODAY)
    assert len(expected) >= 3
    listed = _json(run, "actions", "--overdue", "--json")
    assert {row["id"]: row["days_overdue"] for row in listed} == expected
    assert all(row["overdue"] for row in listed)


def test_actions_json_shape_and_default_filter(run: Run) -> None:
    listed = _json(run, "actions", "--json")
    raw = {a["full"]: a for a in _raw_actions(EXAMPLE)}
    active = {k for k, a in raw.items() if a["status"] in ("open", "in-progress")}
    assert {row["id"] for row in listed} == active
    dues = [row["due"] for row in listed]
    assert dues == sorted(dues)
    for row in listed:
        assert list(row) == KEYS
        source = raw[row["id"]]
        assert row["owners"] == [source["owner"], *source.get("with", [])]
        assert row["due"] == source["due"].isoformat()
        if not row["overdue"]:
            assert row["days_overdue"] == 0
    everything = _json(run, "actions", "--status", "all", "--json")
    assert len(everything) == len(raw)
    statuses = {row["status"] for row in everything}
    assert statuses == {"open", "in-progress", "done", "dropped"}


def test_owner_filter_matches_co_owners_and_kwartaal_me(run: Run,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _raw_actions(EXAMPLE)
    expected = {a["full"] for a in raw if a["status"] in ("open", "in-progress")
                and (a["owner"] == "kbg-2" or "kbg-2" in a.get("with", []))}
    listed = _json(run, "actions", "--owner", "kbg-2", "--json")
    assert {row["id"] for row in listed} == expected
    monkeypatch.setenv("KWARTAAL_ME", "kbg-2")
    mine = _json(run, "actions", "--json")
    assert {row["id"] for row in mine} == expected
    everyone = _json(run, "actions", "--everyone", "--json")
    assert len(everyone) > len(mine)


def test_due_within_theme_meeting_and_urgency(run: Run) -> None:
    raw = _raw_actions(EXAMPLE)
    limit = TODAY + dt.timedelta(days=20)
    expected = {a["full"] for a in raw if a["status"] in ("open", "in-progress")
                and a["due"] <= limit}
    listed = _json(run, "actions", "--due-within", "20", "--json")
    assert {row["id"] for row in listed} == expected
    themed = _json(run, "actions", "--theme", "klankbordgroep", "--status", "all", "--json")
    assert {r["theme"] for r in themed} == {"klankbordgroep"}
    of_meeting = _json(run, "actions", "--meeting", "2025-06-12", "--status", "all", "--json")
    assert {r["meeting"] for r in of_meeting} == {"2025-06-12"}
    urgent = _json(run, "actions", "--sort", "urgency", "--json")
    flags = [r["overdue"] for r in urgent]
    assert flags == sorted(flags, reverse=True)


def test_overdue_exit_codes(run: Run) -> None:
    result = run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "overdue", expect=3)
    for action_id in _expected_overdue(EXAMPLE, TODAY):
        assert action_id in result.output
    run("--repo", str(EXAMPLE), "--today", "2025-03-14", "overdue", expect=0)
    run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "overdue", "--owner", "yara", expect=0)


def test_due_today_is_not_overdue(example: Path, run: Run) -> None:
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "action", "add", "Vandaag klaar",
        "--owner", "roos", "--due", EXAMPLE_TODAY)
    listed = _json(run, "actions", "--json", repo=example)
    row = next(r for r in listed if r["title"] == "Vandaag klaar")
    assert row["overdue"] is False and row["days_overdue"] == 0
    assert row["meeting"] == "2025-12-11"  # the last held meeting
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    late = json.loads(run("--repo", str(example), "--today", tomorrow, "actions", "--json")
                      .output)
    row = next(r for r in late if r["title"] == "Vandaag klaar")
    assert row["overdue"] is True and row["days_overdue"] == 1


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _action_span(lines: list[str], local_id: str) -> tuple[int, int]:
    """Index range of an action's table: its header to the next header (exclusive)."""
    header = None
    for index, line in enumerate(lines):
        if line.strip() == f'id = "{local_id}"' and lines[index - 1] == "[[action]]":
            header = index - 1
    assert header is not None
    end = next((i for i in range(header + 1, len(lines)) if lines[i].startswith("[")),
               len(lines))
    return header, end


EDITS = [
    ("start", ["action", "start", "2025-09-11/a1"], "a1", 'status = "in-progress"'),
    ("done", ["action", "done", "2025-09-11/a1", "--note", "vastgesteld"], "a1",
     'status = "done"'),
    ("drop", ["action", "drop", "2025-09-11/a5", "--reason", "landelijk geregeld"], "a5",
     'status = "dropped"'),
    ("update", ["action", "update", "2025-09-11/a5", "--due", "+4w", "--note", "bijna"], "a5",
     "due = 2026-02-12"),
    ("handover", ["action", "handover", "2025-09-11/a5", "--to", "p-devries", "--note", "verlof"],
     "a5", 'owner = "p-devries"'),
]


@pytest.mark.parametrize("name,args,local,changed", EDITS, ids=[e[0] for e in EDITS])
def test_each_edit_changes_only_its_action_and_commits_once(
        name: str, args: list[str], local: str, changed: str, example: Path, run: Run) -> None:
    path = example / "meetings" / "2025-09-11.toml"
    before = _lines(path)
    start, end = _action_span(before, local)
    commits = commit_count(example.parent)
    run("--repo", str(example), "--today", EXAMPLE_TODAY, *args, "--by", "l-demir")
    after = _lines(path)
    new_start, new_end = _action_span(after, local)
    assert after[:new_start] == before[:start]
    assert after[new_end:] == before[end:]
    block = after[new_start:new_end]
    assert changed in block
    assert any(line.strip().startswith(f"{{ date = {EXAMPLE_TODAY}, by = \"l-demir\"")
               for line in block), block
    # Inside the action, only the changed key and the new history line differ.
    assert len(block) - len(before[start:end]) in (1, 0) or name == "handover"
    assert commit_count(example.parent) == commits + 1
    changed_files = git(example.parent, "show", "--name-only", "--format=", "HEAD").split()
    assert changed_files == ["meetings/meetings/2025-09-11.toml"]
    subject = git(example.parent, "log", "-1", "--format=%s").strip()
    assert subject.startswith(f"action 2025-09-11/{local}: ")
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "check", "--strict")


def test_handover_moves_a_co_owner_to_lead(example: Path, run: Run) -> None:
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "action", "handover", "2025-09-11/a5",
        "--to", "p-devries")
    row = next(r for r in _json(run, "actions", "--json", repo=example)
               if r["id"] == "2025-09-11/a5")
    assert row["owners"] == ["p-devries", "kbg-2"]
    shown = json.loads(run("--repo", str(example), "action", "show", "2025-09-11/a5", "--json")
                       .output)
    assert shown["history"][-1]["what"] == "overgedragen van l-demir aan p-devries"
    assert shown["commits"][0]["subject"].startswith("action 2025-09-11/a5: handover")
    assert len(shown["commits"]) == 2  # the start commit and the handover


def test_add_writes_a_readable_action(example: Path, run: Run) -> None:
    path = example / "meetings" / "2025-12-11.toml"
    before = path.read_text(encoding="utf-8")
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "action", "add",
        "Flyer \"werken vanuit huis\" vertalen", "--owner", "h-visser", "--with", "kbg-1",
        "--due", "next-meeting", "--theme", "destigmatisering", "--by", "l-demir", "--closed")
    after = path.read_text(encoding="utf-8")
    local = found_id("a", after)
    assert f'id = "{local}"' not in before
    block = (
        "[[action]]\n"
        f"id = \"{local}\"\n"
        "title = \"Flyer \\\"werken vanuit huis\\\" vertalen\"\n"
        "owner = \"h-visser\"\n"
        "with = [\"kbg-1\"]\n"
        "due = 2026-03-12\n"
        "theme = \"destigmatisering\"\n"
        "status = \"open\"\n"
        "closed = true\n"
        "history = [\n"
        "  { date = 2026-01-15, by = \"l-demir\", kind = \"created\", what = \"aangemaakt\" },\n"
        "]\n")
    # the new action joins the others, before the compensation lines; nothing else changes
    assert after.replace(block + "\n", "", 1) == before
    assert after.index(block) < after.index("[[compensation]]")
    assert git(example.parent, "log", "-1", "--format=%s").strip() == \
        f"action 2025-12-11/{local}: add — Flyer \"werken vanuit huis\" vertalen"


def test_no_commit_and_dirty_file(example: Path, run: Run) -> None:
    commits = commit_count(example.parent)
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "action", "start", "2025-09-11/a1",
        "--no-commit")
    assert commit_count(example.parent) == commits
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "action",
                 "done", "2025-09-11/a1", expect=1)
    assert "uncommitted changes" in result.output
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "action", "done", "2025-09-11/a1",
        "--force")
    assert commit_count(example.parent) == commits + 1


BAD = [
    (["action", "done", "2025-09-11/a9"], "did you mean '2025-09-11/a"),
    (["action", "handover", "2025-09-11/a1", "--to", "roz"], "unknown person 'roz'"),
    (["action", "update", "2025-09-11/a1", "--due", "volgende week"], "is not a date"),
    (["action", "update", "2025-09-11/a1", "--due", "2026-02-30"], "is not a date"),
    (["action", "done", "2025-06-12/a5"], "'dropped'; it cannot become 'done'"),
    (["action", "start", "2025-06-12/a1"], "'done'; it cannot become 'in-progress'"),
    (["action", "add", "X", "--owner", "nobody", "--due", "+1w"], "unknown owner 'nobody'"),
    (["action", "add", "X", "--owner", "roos", "--due", "2025-01-01", "--meeting",
      "2025-12-11"], "before meeting 2025-12-11"),
    (["action", "add", "X", "--owner", "roos", "--due", "+1w", "--theme", "zorg"],
     "unknown theme 'zorg'"),
    (["action", "add", "X", "--owner", "roos", "--due", "+1w", "--meeting", "2025-12-12"],
     "did you mean '2025-12-11'"),
    (["action", "update", "2025-09-11/a1"], "give --due, --note or both"),
]


@pytest.mark.parametrize("args,fragment", BAD, ids=[" ".join(b[0][:2]) + str(i)
                                                    for i, b in enumerate(BAD)])
def test_bad_input_changes_nothing(args: list[str], fragment: str, example: Path,
                                   run: Run) -> None:
    files = {p: p.read_bytes() for p in (example / "meetings").glob("*.toml")}
    commits = commit_count(example.parent)
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", *args,
                 expect=1)
    assert fragment in result.output
    assert {p: p.read_bytes() for p in files} == files
    assert commit_count(example.parent) == commits


def test_progress_counts(run: Run) -> None:
    rows = _json(run, "progress", "--json")
    raw = _raw_actions(EXAMPLE)
    for row in rows:
        mine = [a for a in raw if a.get("theme", "") == row["theme"]]
        count = {s: sum(1 for a in mine if a["status"] == s)
                 for s in ("done", "in-progress", "open", "dropped")}
        assert (row["done"], row["in_progress"], row["open"], row["dropped"]) == (
            count["done"], count["in-progress"], count["open"], count["dropped"])
        late = sum(1 for a in mine if a["status"] in ("open", "in-progress")
                   and a["due"] < TODAY)
        assert row["overdue"] == late
        counted = count["done"] + count["in-progress"] + count["open"]
        assert row["share_done"] == round(count["done"] / counted if counted else 0, 4)
    assert len(rows) == 6


def test_reminders_as_email(tmp_path: Path, run: Run) -> None:
    out = tmp_path / "mail"
    run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "remind", "--format", "eml",
        "--output", str(out))
    expected_owners = set()
    for a in _raw_actions(EXAMPLE):
        if a["status"] in ("open", "in-progress") and a["due"] <= TODAY + dt.timedelta(days=14):
            expected_owners.update([a["owner"], *a.get("with", [])])
    # and the authors of proposals with feedback given since the last held meeting
    for path in sorted((EXAMPLE / "meetings").glob("*.toml")):
        for item in tomllib.loads(path.read_text(encoding="utf-8")).get("item", []):
            if item.get("feedback") and item["feedback_date"] >= dt.date(2025, 12, 11):
                expected_owners.add(item["by"])
    assert "kbg-1" in expected_owners  # feedback on her proposal, and no action due
    files = {p.stem: p for p in out.glob("*.eml")}
    assert set(files) == expected_owners
    people = tomllib.loads((EXAMPLE / "people.toml").read_text(encoding="utf-8"))
    hidden = {pid: p["name"] for pid, p in people.items() if p["visibility"] == "role-only"}
    for pid, path in files.items():
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["Subject"] and message["Date"] and message["From"]
        body = message.get_content()
        for other, name in hidden.items():
            if other != pid:
                assert name not in body, (pid, name)
        lang = people[pid].get("lang", "nl")
        assert ("Dear" if lang == "en" else "Beste") in body
        assert ("12 March 2026" if lang == "en" else "12 maart 2026") in body


def test_remind_text(run: Run) -> None:
    result = run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "remind", "--owner",
                 "kbg-2")
    assert "[kbg-2]" in result.output
    assert "Gezamenlijke werkdefinitie" in result.output
    assert "106 dagen over tijd" in result.output


def test_plain_table_without_terminal(run: Run) -> None:
    result = run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "--lang", "en", "actions")
    assert "\x1b[" not in result.output
    assert result.output.splitlines()[0].split()[:3] == ["id", "title", "owners"]


def test_an_edit_of_one_action_reads_only_its_own_meeting(example: Path, run: Run) -> None:
    """Writes do not grow with the body: another meeting's file is not even read (here it
    could not be), the privacy check of the write included."""
    other = example / "meetings" / "2025-03-13.toml"
    other.write_text(other.read_text(encoding="utf-8") + "\n[[broken\n", encoding="utf-8")
    out = run("--repo", str(example), "--today", "2026-01-15", "--lang", "en", "action",
              "update", "2025-12-11/a1", "--note", "eerste versie besproken", "--no-commit",
              "--force").output
    assert "internal error" not in out
    text = (example / "meetings" / "2025-12-11.toml").read_text(encoding="utf-8")
    assert "eerste versie besproken" in text
