"""Moving, cancelling and changing meetings: in place, one commit each, and every refusal
leaves every file as it was. The calendar keeps a meeting's UID and raises its SEQUENCE."""

from __future__ import annotations

import datetime as dt
import random
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE_TODAY, Run, commit_count, git, replace_in

NEXT = "2026-03-12"


def k(run: Run, body: Path, *args: str, expect: int = 0, today: str = EXAMPLE_TODAY) -> str:
    return run("--repo", str(body), "--today", today, "--lang", "en", *args,
               expect=expect).output


def snapshot(body: Path) -> dict[str, bytes]:
    return {str(p.relative_to(body)): p.read_bytes() for p in sorted(body.rglob("*.toml"))}


def meeting_file(body: Path, meeting_id: str = NEXT) -> Path:
    return body / "meetings" / f"{meeting_id}.toml"


def read(body: Path, meeting_id: str = NEXT) -> dict[str, Any]:
    return tomllib.loads(meeting_file(body, meeting_id).read_text(encoding="utf-8"))


def events(data: bytes) -> dict[str, Any]:
    from icalendar import Calendar

    cal = Calendar.from_ical(data)
    return {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def calendar(run: Run, body: Path, tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    from icalendar import Calendar

    out = tmp_path / "cal.ics"
    k(run, body, "calendar", "--output", str(out))
    data = out.read_bytes()
    return Calendar.from_ical(data), events(data)


def refuses(run: Run, body: Path, *args: str, says: str, today: str = EXAMPLE_TODAY) -> None:
    before, commits = snapshot(body), commit_count(body.parent)
    out = k(run, body, *args, expect=1, today=today)
    assert says in out, out
    assert "Traceback" not in out
    assert snapshot(body) == before
    assert commit_count(body.parent) == commits


def with_comment(body: Path) -> None:
    replace_in(meeting_file(body), 'place = "', '# the big hall is booked\nplace = "')
    git(body.parent, "commit", "-qam", "a comment")


def test_move_changes_the_date_in_place_and_keeps_every_reference(example: Path, run: Run,
                                                                   tmp_path: Path) -> None:
    with_comment(example)
    _, before = calendar(run, example, tmp_path)
    commits = commit_count(example.parent)
    out = k(run, example, "meeting", "move", NEXT, "--date", "2026-03-19", "--time", "19:30")
    assert "moved to 2026-03-19 19:30" in out
    assert commit_count(example.parent) == commits + 1
    text = meeting_file(example).read_text(encoding="utf-8")
    assert "# the big hall is booked" in text
    data = read(example)
    assert (data["date"], data["time"], data["sequence"]) == (dt.date(2026, 3, 19), "19:30", 1)
    # the id stays: the file keeps its name and carried_from, action references resolve
    assert not meeting_file(example, "2026-03-19").exists()
    k(run, example, "check", "--strict")
    message = git(example.parent, "log", "-1", "--format=%an|%s")
    assert message.strip() == "Secretaris Test|meeting 2026-03-12: moved from 2026-03-12 to " \
        "2026-03-19 19:30"
    cal, after = calendar(run, example, tmp_path)
    assert set(after) == set(before)
    moved = after[NEXT]
    assert moved["sequence"] == before[NEXT].get("sequence", 0) + 1
    assert moved.decoded("dtstart").date() == dt.date(2026, 3, 19)
    assert str(moved["status"]) == "CONFIRMED"
    assert str(cal["method"]) == "PUBLISH"
    agenda = k(run, example, "agenda")
    assert "19 March 2026" in agenda and "19:30" in agenda


def test_move_refusals_touch_nothing(example: Path, run: Run) -> None:
    k(run, example, "meeting", "new", "--date", "2026-06-11")
    cases = [
        (("meeting", "move", "2025-12-11", "--date", "2026-04-01"), "was held"),
        (("meeting", "move", NEXT, "--date", "2026-01-01"), "in the past"),
        (("meeting", "move", NEXT, "--date", "2025-12-01", "--force"), "already held"),
        (("meeting", "move", NEXT, "--date", "2026-06-11"), "already a meeting on"),
        (("meeting", "move", NEXT, "--date", "2026-03-19", "--time", "7pm"), "HH:MM"),
        (("meeting", "move", NEXT, "--date", NEXT), "nothing to move"),
        (("meeting", "move", "2026-13-01", "--date", "2026-03-19"), "no meeting"),
        (("meeting", "move", NEXT, "--date", "19-03-2026"), "--date"),
    ]
    for args, says in cases:
        refuses(run, example, *args, says=says)


def test_cancel_keeps_the_file_and_sends_its_items_on(example: Path, run: Run,
                                                      tmp_path: Path) -> None:
    with_comment(example)
    commits = commit_count(example.parent)
    out = k(run, example, "meeting", "cancel", NEXT, "--reason", "too few could come")
    assert "cancelled" in out and "item withdraw 2026-03-12 p1" in out
    assert "item withdraw 2025-12-11 p3" in out  # p3 was carried from December
    assert commit_count(example.parent) == commits + 1
    data = read(example)
    assert (data["status"], data["cancel_reason"], data["sequence"]) == (
        "cancelled", "too few could come", 1)
    assert "# the big hall is booked" in meeting_file(example).read_text(encoding="utf-8")
    k(run, example, "check", "--strict")
    # the agenda says so; it is not "next"; the calendar marks it cancelled
    agenda = k(run, example, "agenda", NEXT)
    assert "CANCELLED: too few could come" in agenda
    public = k(run, example, "agenda", NEXT, "--public")
    assert "CANCELLED" in public and "too few could come" not in public
    k(run, example, "agenda", expect=1)  # no planned meeting left
    _, found = calendar(run, example, tmp_path)
    assert str(found[NEXT]["status"]) == "CANCELLED" and found[NEXT]["sequence"] == 1
    from kwartaal.core.rules import next_planned
    from kwartaal.files.loader import load_checked

    assert next_planned(load_checked(example), dt.date(2026, 1, 15)) is None
    # the next meeting takes its items along, and says so with the way back
    out = k(run, example, "meeting", "new", "--date", "2026-06-11")
    titles = [i["title"] for i in read(example, "2026-06-11").get("item", [])]
    old = read(example)["item"]
    assert sorted(titles) == sorted(i["title"] for i in old)
    assert "carried over from earlier meetings" in out
    assert f"kwartaal item withdraw {NEXT} p1" in out
    numbers = re.findall(r"^\s+(\d+)\s", out, re.M)
    assert len(numbers) == len(old)
    # a carried copy points at the first meeting that had it, not at the cancelled one
    froms = {i["title"]: i["carried_from"] for i in read(example, "2026-06-11")["item"]}
    assert froms["Betaling in 2026: de nieuwe fiscale grenzen zijn nog niet bekend"] == \
        "2025-12-11/p3"
    k(run, example, "check", "--strict")
    agenda = k(run, example, "agenda", "2026-06-11", "--format", "json")
    assert agenda.count("Betaling in 2026") == 1


def test_cancel_refusals_touch_nothing(example: Path, run: Run) -> None:
    refuses(run, example, "meeting", "cancel", "2025-12-11", "--reason", "x", says="was held")
    refuses(run, example, "meeting", "cancel", NEXT, "--reason", "  ", says="--reason")
    k(run, example, "meeting", "cancel", NEXT, "--reason", "x")
    refuses(run, example, "meeting", "cancel", NEXT, "--reason", "x", says="was cancelled")
    refuses(run, example, "meeting", "move", NEXT, "--date", "2026-04-02",
            says="was cancelled")
    refuses(run, example, "meeting", "set", NEXT, "--chair", "nobody", says="unknown")
    refuses(run, example, "propose", "Iets", "--by", "roos", "--meeting", NEXT,
            says="was cancelled")


def test_set_changes_details_in_place(example: Path, run: Run, tmp_path: Path) -> None:
    with_comment(example)
    commits = commit_count(example.parent)
    k(run, example, "meeting", "set", NEXT, "--place", "Wijkcentrum De Eik", "--format",
      "online", "--link", "https://meet.example.org/other", "--chair", "l-demir",
      "--time", "20:00")
    assert commit_count(example.parent) == commits + 1
    data = read(example)
    assert (data["place"], data["format"], data["link"], data["chair"], data["time"],
            data["sequence"]) == ("Wijkcentrum De Eik", "online",
                                  "https://meet.example.org/other", "l-demir", "20:00", 1)
    assert "# the big hall is booked" in meeting_file(example).read_text(encoding="utf-8")
    _, found = calendar(run, example, tmp_path)
    assert found[NEXT]["sequence"] == 1
    k(run, example, "check", "--strict")


def test_set_refusals_touch_nothing(example: Path, run: Run) -> None:
    cases = [
        (("--chair", "nobody"), "unknown"),
        (("--secretary", "nobody"), "unknown"),
        (("--link", "meet.example.org/x"), "web link"),
        (("--time", "8 uur"), "HH:MM"),
        ((), "nothing to change"),
        (("--place", "Wijkcentrum De Linde, zaal 2"), "nothing to change"),
        (("--place", "bel 06-12345678"), "phone"),
    ]
    for args, says in cases:
        refuses(run, example, "meeting", "set", NEXT, *args, says=says)


def test_every_change_raises_the_sequence_and_keeps_the_uid(example: Path, run: Run,
                                                            tmp_path: Path) -> None:
    """Any run of moves and changes: SEQUENCE rises by one each time, the UID never moves."""
    rng = random.Random(11)
    _, first = calendar(run, example, tmp_path)
    uid = str(first[NEXT]["uid"])
    day = dt.date(2026, 3, 12)
    for step in range(1, 6):
        if rng.random() < 0.5:
            day += dt.timedelta(days=rng.randint(1, 9))
            k(run, example, "meeting", "move", NEXT, "--date", day.isoformat())
        else:
            k(run, example, "meeting", "set", NEXT, "--time", f"{18 + step % 3}:{step}5")
        _, found = calendar(run, example, tmp_path)
        assert str(found[NEXT]["uid"]) == uid
        assert found[NEXT]["sequence"] == step
        assert found[NEXT].decoded("dtstart").date() == day
    k(run, example, "check", "--strict")


@pytest.mark.parametrize("public", [True, False])
def test_calendar_of_a_cancelled_meeting_parses(example: Path, run: Run, tmp_path: Path,
                                                public: bool) -> None:
    k(run, example, "meeting", "cancel", NEXT, "--reason", "ziek")
    out = tmp_path / "c.ics"
    k(run, example, "calendar", *(["--public"] if public else []), "--output", str(out))
    found = events(out.read_bytes())
    assert [u for u, e in found.items() if str(e["status"]) == "CANCELLED"] == [NEXT]
    assert b"ziek" not in out.read_bytes()


def test_the_meeting_before_a_cancelled_one_names_the_next_real_date(example: Path,
                                                                     run: Run) -> None:
    import json

    k(run, example, "meeting", "new", "--date", "2026-06-11")
    k(run, example, "meeting", "cancel", NEXT, "--reason", "x")
    data = json.loads(k(run, example, "agenda", "2025-12-11", "--format", "json"))
    assert data["next_meeting"] == "2026-06-11"
    k(run, example, "meeting", "cancel", "2026-06-11", "--reason", "x")
    data = json.loads(k(run, example, "agenda", "2025-12-11", "--format", "json"))
    assert data["next_meeting"] > "2026-06-11"
    # a new meeting may take the day of a cancelled one
    k(run, example, "meeting", "new", "--date", "2026-06-11")
    assert meeting_file(example, "2026-06-11-2").exists()


def test_a_cancelled_meeting_is_not_on_the_site_as_upcoming(example: Path, run: Run,
                                                            tmp_path: Path) -> None:
    k(run, example, "meeting", "cancel", NEXT, "--reason", "x")
    folder = tmp_path / "site"
    k(run, example, "site", "--output", str(folder))
    agenda = "".join(p.read_text("utf-8") for p in folder.rglob("agenda.html"))
    assert "12 maart 2026" not in agenda and "12 March 2026" not in agenda
    assert "Uitkomst van het gesprek" not in agenda
