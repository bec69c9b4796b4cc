"""Scheduling, proposals, the agenda (internal and public) and the calendar."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run, commit_count, found_id, git, new_id

TODAY = dt.date.fromisoformat(EXAMPLE_TODAY)
NEXT = "2026-03-12"


def _load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _agenda(run: Run, *extra: str, repo: Path = EXAMPLE, lang: str = "nl") -> dict[str, Any]:
    result = run("--repo", str(repo), "--today", EXAMPLE_TODAY, "--lang", lang, "agenda",
                 *extra, "--format", "json")
    return json.loads(result.output)


def test_agenda_of_next_meeting_orders_standing_items_and_proposals(run: Run) -> None:
    config = _load(EXAMPLE / "kwartaal.toml")
    meeting = _load(EXAMPLE / "meetings" / f"{NEXT}.toml")
    data = _agenda(run)
    assert data["meeting"] == NEXT
    keys = [item["key"] for item in data["items"]]
    standing = [s["key"] for s in config["standing"]]
    assert [k for k in keys if k in standing] == standing
    assert keys[:2] == ["opening", "previous-minutes"]
    assert keys[-3:] == ["actions", "any-other-business", "closing"]
    assert keys.index(standing[-1]) < keys.index("actions")
    for item in meeting["item"]:
        full = f"{NEXT}/{item['id']}"
        if item.get("carried_from"):
            entry = next(i for i in data["items"] if i["key"] == full)
            assert entry["kind"] == "carried"
        elif item.get("under"):
            parent = next(i for i in data["items"] if i["key"] == item["under"])
            assert full in [c["key"] for c in parent["children"]]
        else:
            assert full in keys
    numbers = [i["number"] for i in data["items"]]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]


def test_agenda_action_review_has_every_open_action_with_overdue_days(run: Run) -> None:
    expected: dict[str, int] = {}
    for path in sorted((EXAMPLE / "meetings").glob("*.toml")):
        if path.stem >= NEXT:
            continue
        for action in _load(path).get("action", []):
            if action["status"] in ("open", "in-progress"):
                late = (TODAY - action["due"]).days if action["due"] < TODAY else 0
                expected[f"{path.stem}/{action['id']}"] = late
    data = _agenda(run)
    found = {a["id"]: a["days_overdue"] for g in data["action_review"] for a in g["actions"]}
    assert found == expected
    for group in data["action_review"]:
        for action in group["actions"]:
            if not action["overdue"]:
                assert action["due_by_meeting"] == (action["due"] <= NEXT)


def test_minutes_total_and_overrun_warning(run: Run) -> None:
    data = _agenda(run)
    total = sum(i["minutes"] + sum(c["minutes"] for c in i["children"]) for i in data["items"])
    assert data["total_minutes"] == total
    assert data["over_by"] == max(0, total - data["length"])
    text = run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "agenda").output
    if data["over_by"]:
        assert f"{data['over_by']} minuten langer dan de vergadering" in text


def _hidden_strings(body: Path) -> set[str]:
    """What a public agenda must never contain, computed from the data."""
    people = _load(body / "people.toml")
    hidden = {p["name"] for p in people.values() if p["visibility"] == "role-only"}
    for path in (body / "meetings").glob("*.toml"):
        data = _load(path)
        for item in data.get("item", []):
            if item.get("closed"):
                hidden.add(item["title"])
                if item.get("note"):
                    hidden.add(item["note"])
        for action in data.get("action", []):
            if action.get("closed"):
                hidden.add(action["title"])
    return hidden


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("fmt", ["md", "html", "json", "text"])
def test_public_agenda_hides_closed_items_and_hidden_names(fmt: str, lang: str,
                                                           run: Run) -> None:
    public = run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "--lang", lang, "agenda",
                 "--public", "--format", fmt).output
    internal = run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "--lang", lang, "agenda",
                   "--format", fmt).output
    hidden = _hidden_strings(EXAMPLE)
    assert hidden
    leaks = [s for s in hidden if s in public]
    assert leaks == []
    # the internal agenda does show them: the test would notice a renderer that hides all
    assert any(s in internal for s in hidden)
    assert ("Besloten gedeelte" if lang == "nl" else "Closed session") in public
    assert ("lid van de klankbordgroep" if lang == "nl" else "member of the advisory group") \
        in public


def test_html_agenda_is_a_page_and_escapes(example: Path, run: Run) -> None:
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "propose",
        "<script>alert(1)</script> & meer", "--by", "roos", "--under", "beleid")
    html = run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda", "--format",
               "html").output
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; meer" in html


def test_agenda_output_file_and_english_dates(tmp_path: Path, run: Run) -> None:
    out = tmp_path / "agenda.md"
    run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "--lang", "en", "agenda",
        "--format", "md", "--output", str(out))
    text = out.read_text(encoding="utf-8")
    assert "Thursday 12 March 2026" in text
    dutch = run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "agenda").output
    assert "donderdag 12 maart 2026" in dutch


def test_meeting_new_from_the_cadence(example: Path, run: Run) -> None:
    commits = commit_count(example.parent)
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "meeting", "new", "--invite",
        "n-hendriks")
    path = example / "meetings" / "2026-06-11.toml"
    data = _load(path)
    assert data["date"] == dt.date(2026, 6, 11)
    assert data["status"] == "planned" and data["time"] == "19:00"
    people = _load(example / "people.toml")
    core = [pid for pid, p in people.items() if p.get("core")]
    assert data["invited"] == [*core, "n-hendriks"]
    assert commit_count(example.parent) == commits + 1
    assert git(example.parent, "show", "--name-only", "--format=", "HEAD").split() == [
        "meetings/meetings/2026-06-11.toml"]
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "check", "--strict")
    listed = json.loads(run("--repo", str(example), "meeting", "list", "--json").output)
    assert [m["id"] for m in listed][-2:] == [NEXT, "2026-06-11"]
    assert listed[-1] == {"id": "2026-06-11", "date": "2026-06-11", "status": "planned",
                          "items": 0, "open_actions": 0}


def test_meeting_new_refusals(example: Path, run: Run) -> None:
    files = sorted(p.name for p in (example / "meetings").iterdir())
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "meeting",
                 "new", "--date", "2026-01-01", expect=1)
    assert "in the past" in result.output
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "meeting",
                 "new", "--date", NEXT, expect=1)
    assert "already a meeting" in result.output
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "meeting",
                 "new", "--invite", "nobody", expect=1)
    assert "unknown person 'nobody'" in result.output
    assert sorted(p.name for p in (example / "meetings").iterdir()) == files
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "meeting", "new", "--date", NEXT,
        "--force", "--format", "online")
    data = _load(example / "meetings" / f"{NEXT}-2.toml")
    assert data["format"] == "online"
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "check")


def test_propose_under_standing_item_of_next_meeting(example: Path, run: Run) -> None:
    path = example / "meetings" / f"{NEXT}.toml"
    before = path.read_text(encoding="utf-8")
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "propose", "Evaluatie inloopspreekuur",
        "--by", "yara", "--under", "samenwerking", "--theme", "laagdrempelige-zorg",
        "--minutes", "15", "--note", "GGD komt erbij")
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    subject = git(example.parent, "log", "-1", "--format=%s").strip()
    local = found_id("p", subject)
    assert f'id = "{local}"' in after[len(before):]
    assert subject == f"item {NEXT}/{local}: proposed — Evaluatie inloopspreekuur"
    data = _agenda(run, repo=example)
    parent = next(i for i in data["items"] if i["key"] == "samenwerking")
    assert f"{NEXT}/{local}" in [c["key"] for c in parent["children"]]


@pytest.mark.parametrize("args,fragment", [
    (["--by", "nobody"], "unknown person 'nobody'"),
    (["--by", "roos", "--under", "beleidd"], "did you mean 'beleid'"),
    (["--by", "roos", "--meeting", "2026-03-13"], "did you mean '2026-03-12'"),
    (["--by", "roos", "--theme", "x"], "unknown theme 'x'"),
])
def test_propose_bad_input(args: list[str], fragment: str, example: Path, run: Run) -> None:
    path = example / "meetings" / f"{NEXT}.toml"
    before = path.read_bytes()
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "propose",
                 "Iets", *args, expect=1)
    assert fragment in result.output
    assert path.read_bytes() == before


def test_calendar_parses_back(run: Run, tmp_path: Path) -> None:
    from icalendar import Calendar

    out = tmp_path / "overleg.ics"
    run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "calendar", "--output", str(out))
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    files = sorted(p.stem for p in (EXAMPLE / "meetings").glob("*.toml"))
    assert len(events) == len(files)
    assert len({str(e["uid"]) for e in events}) == len(files)
    by_uid = {str(e["uid"]).split("@")[0]: e for e in events}
    for stem in files:
        data = _load(EXAMPLE / "meetings" / f"{stem}.toml")
        start = by_uid[stem].decoded("dtstart")
        assert start.date() == data["date"]
        assert start.strftime("%H:%M") == data.get("time", "19:00")
        assert str(start.tzinfo) == "Europe/Amsterdam"
        assert start.utcoffset() == dt.timedelta(hours=1 if data["date"].month in (1, 2, 3, 11,
                                                                                  12) else 2)
        assert (by_uid[stem].decoded("dtend") - start) == dt.timedelta(minutes=120)
    assert list(cal.walk("VTIMEZONE"))


def test_three_commands_on_a_new_body(new_body: Path, run: Run, tmp_path: Path) -> None:
    repo = ["--repo", str(new_body), "--today", "2026-01-15"]
    run(*repo, "person", "add", "voorzitter", "--name", "An de Boer", "--visibility", "named",
        "--role", "voorzitter")
    run(*repo, "person", "add", "kbg-a", "--name", "Lotus", "--visibility", "role-only",
        "--role", "lid van de klankbordgroep")
    run(*repo, "meeting", "new")
    run(*repo, "propose", "Kennismaking", "--by", "kbg-a", "--under", "samenwerking")
    run(*repo, "agenda", "--public", "--format", "md", "--output", str(tmp_path / "a.md"))
    run(*repo, "calendar", "--output", str(tmp_path / "a.ics"))
    text = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert "donderdag 12 maart 2026" in text
    assert "Kennismaking" in text and "Lotus" not in text
    run(*repo, "check", "--strict")


def test_carry_over_comes_along(example: Path, run: Run) -> None:
    data = _agenda(run, repo=example)
    carried = [i for i in data["items"] if i["kind"] == "carried"]
    assert [(c["key"], c["from"]) for c in carried] == [(f"{NEXT}/p3", "2025-12-11/p3")]
    # Without the planned March file, a new meeting takes the December item along.
    (example / "meetings" / f"{NEXT}.toml").unlink()
    git(example.parent, "commit", "-qam", "remove March")
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "meeting", "new")
    data = _load(example / "meetings" / f"{NEXT}.toml")
    local = data["item"][0]["id"]
    assert re.fullmatch(new_id("p"), local)
    assert [(i["id"], i["title"], i["carried_from"]) for i in data["item"]] == [
        (local, "Betaling in 2026: de nieuwe fiscale grenzen zijn nog niet bekend",
         "2025-12-11/p3")]
    agenda = _agenda(run, repo=example)
    assert [i["from"] for i in agenda["items"] if i["kind"] == "carried"] == ["2025-12-11/p3"]
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "check", "--strict")


def test_body_template_overrides_the_shipped_one(example: Path, run: Run) -> None:
    folder = example / "templates"
    folder.mkdir()
    (folder / "agenda.md.j2").write_text("EIGEN {{ a.date_long }}\n", encoding="utf-8")
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda", "--format",
              "md").output
    # The body's own template decides the layout; an internal agenda still says it is one.
    assert out == "**Vertrouwelijk — alleen voor deelnemers**\n\nEIGEN donderdag 12 maart 2026\n"
