"""Who takes part: attendance per organisation and per role, and the warnings about it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core.attendance import Group, attendance, missed_in_a_row
from kwartaal.files.loader import load
from tests.conftest import EXAMPLE, EXAMPLE_TODAY, Run, replace_in


def _json(run: Run, example: Path, *args: str, lang: str = "en") -> dict:
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang, "attendance",
              "--json", *args).output
    return json.loads(out)


def _by_key(rows: list[dict]) -> dict[str, dict]:
    return {row["key"]: row for row in rows}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_example_gives_sensible_numbers(example: Path, run: Run, lang: str) -> None:
    data = _json(run, example, lang=lang)
    assert [mt["id"] for mt in data["meetings"]] == [
        "2025-03-13", "2025-06-12", "2025-09-11", "2025-12-11"]  # the planned one is not held
    orgs = _by_key(data["organisations"])
    assert orgs["gemeente"] == {
        "key": "gemeente", "kind": "organisation", "name": "Gemeente Voorbeeldstad",
        "organisation_kind": "municipality", "meetings": 4, "present": 4, "online": 0,
        "excused": 0, "absent": 0, "rate": 1.0, "missed": []}
    # the trafficking team: present in March, excused in June, not invited in September,
    # present (online) in December
    police = orgs["politie-mensenhandel"]
    assert (police["meetings"], police["present"], police["excused"], police["online"],
            police["rate"], police["missed"]) == (3, 2, 1, 1, 0.6667, ["2025-06-12"])
    assert orgs["politie-wijkteam"]["absent"] == 1
    assert orgs["kennisplatform"]["online"] == 1
    assert data["sex_worker_seat_filled"] == 4
    assert data["warnings"] == []
    roles = _by_key(data["roles"])
    # a role is counted as one group: kbg-2 was excused twice, but kbg-1 was there
    assert roles["lid van de klankbordgroep"]["present"] == 4
    assert roles["coördinator mensenhandel"]["excused"] == 1
    expected_label = "experience expert" if lang == "en" else "ervaringsdeskundige"
    assert roles["ervaringsdeskundige"]["name"] == expected_label
    for row in [*data["organisations"], *data["roles"]]:
        assert row["present"] + row["excused"] + row["absent"] == row["meetings"]


@pytest.mark.parametrize(("lang", "title", "header"), [
    ("nl", "Aanwezigheid per organisatie", "opkomst"),
    ("en", "Attendance per organisation", "rate"),
])
def test_the_table_in_each_language(example: Path, run: Run, lang: str, title: str,
                                    header: str) -> None:
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
              "attendance", "--year", "2025").output
    assert title in out and header in out
    assert "Politie, team mensenhandel" in out and "67%" in out
    assert "Mila" not in out and "Jade" not in out  # groups, never people


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_organisation_that_missed_two_meetings_in_a_row(example: Path, run: Run,
                                                         lang: str) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang]
    run(*base, "attend", "2025-12-11", "t-elkaddouri", "--excused")
    data = _json(run, example, lang=lang)
    # June excused, September not invited (neither counts nor breaks the row), December
    # excused: two in a row
    found = [w for w in data["warnings"] if w["kind"] == "missed-in-a-row"]
    assert found == [{"kind": "missed-in-a-row", "meetings": ["2025-06-12", "2025-12-11"],
                      "group": "politie-mensenhandel", "message": found[0]["message"]}]
    word = "op rij" if lang == "nl" else "in a row"
    assert word in found[0]["message"] and "Politie, team mensenhandel" in found[0]["message"]
    out = run(*base, "attendance").output
    assert word in out
    # a role is not an organisation: no warning about the role of the same person
    assert {w["group"] for w in data["warnings"]} == {"politie-mensenhandel"}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_meeting_without_a_sex_workers_seat(example: Path, run: Run, lang: str) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang]
    # by hand: attend refuses to record as excused people the meeting paid
    replace_in(example / "meetings" / "2025-12-11.toml",
               '"l-demir", "yara", "roos", "kbg-2", "p-devries"', '"l-demir", "p-devries"')
    replace_in(example / "meetings" / "2025-12-11.toml", 'excused = ["kbg-1"]',
               'excused = ["kbg-1", "yara", "roos", "kbg-2"]')
    data = _json(run, example, lang=lang)
    seats = [w for w in data["warnings"] if w["kind"] == "no-sex-worker-seat"]
    assert [w["meetings"] for w in seats] == [["2025-12-11"]]
    assert data["sex_worker_seat_filled"] == 3
    out = run(*base, "attendance").output
    assert ("sekswerker" if lang == "nl" else "sex worker") in out
    assert run(*base, "attendance").exit_code == 0


def test_a_body_that_marks_no_seat_is_told_how(example: Path, run: Run) -> None:
    replace_in(example / "kwartaal.toml", 'kind = "sex-worker-org"', 'kind = "other"')
    replace_in(example / "people.toml", "sex_worker = true\n", "")
    data = _json(run, example)
    assert [w["kind"] for w in data["warnings"]] == ["no-seats-declared"]
    assert "sex_worker = true" in data["warnings"][0]["message"]


def test_cancelled_and_planned_meetings_do_not_count(example: Path, run: Run) -> None:
    replace_in(example / "meetings" / "2025-12-11.toml", 'status = "minutes-draft"',
               'status = "cancelled"')
    data = _json(run, example, "--year", "2025")
    assert [mt["id"] for mt in data["meetings"]] == ["2025-03-13", "2025-06-12", "2025-09-11"]
    assert _by_key(data["organisations"])["politie-wijkteam"]["absent"] == 0


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_year_without_held_meetings(example: Path, run: Run, lang: str) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang]
    out = run(*base, "attendance", "--year", "2026").output
    assert "2026" in out and ("geen gehouden" if lang == "nl" else "no held") in out
    data = _json(run, example, "--year", "2026", lang=lang)
    assert data == {"year": 2026, "meetings": [], "sex_worker_seat_filled": 0,
                    "organisations": [], "roles": [], "warnings": []}


def test_people_without_an_organisation_are_under_their_role(example: Path, run: Run) -> None:
    replace_in(example / "people.toml", 'organisation = "Vergunde werkplek De Ster"\n', "")
    replace_in(example / "people.toml", 'organisation = "Woonstichting Voorbeeldstad"',
               'organisation = "Stichting Wonen Elders"')
    orgs = _by_key(_json(run, example)["organisations"])
    assert orgs["exploitant"]["kind"] == "role" and orgs["exploitant"]["present"] == 1
    # a name that matches no declared organisation is an organisation of its own
    assert orgs["Stichting Wonen Elders"]["kind"] == "organisation"


statuses = st.sampled_from(["present", "excused", "absent"])


@settings(max_examples=200, derandomize=True)
@given(st.lists(statuses, max_size=12))
def test_runs_are_the_missed_meetings_in_a_row(seq: list[str]) -> None:
    group = Group("x", "organisation", "X", at={f"m{i}": s for i, s in enumerate(seq)})
    runs = missed_in_a_row(group)
    flat = [mid for run in runs for mid in run]
    assert len(flat) == len(set(flat))
    for run in runs:
        assert len(run) >= 2
        assert all(group.at[mid] != "present" for mid in run)
    # every meeting missed with a missed neighbour is in a run, and only those
    ids = list(group.at)
    in_streak = {mid for i, mid in enumerate(ids) if group.at[mid] != "present" and (
        (i > 0 and group.at[ids[i - 1]] != "present")
        or (i + 1 < len(ids) and group.at[ids[i + 1]] != "present"))}
    assert set(flat) == in_streak


@pytest.fixture(scope="module")
def example_body():  # type: ignore[no-untyped-def]
    return load(EXAMPLE).body


people_ids = ["m-jansen", "s-bakker", "l-demir", "yara", "roos", "kbg-1", "kbg-2",
              "t-elkaddouri", "w-smit", "f-mulder"]


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.sampled_from(people_ids),
                                st.sampled_from(["present", "online", "excused", "absent",
                                                 "invited"])),
                min_size=4, max_size=4))
def test_every_group_is_present_excused_or_absent_once_per_meeting(
        example_body, marks: list[dict[str, str]]) -> None:  # type: ignore[no-untyped-def]
    held = [mt for mt in example_body.meetings if mt.status not in ("planned", "cancelled")]
    saved = [(mt.invited, mt.present, mt.online, mt.excused, mt.absent) for mt in held]
    try:
        for meeting, mark in zip(held, marks, strict=True):
            meeting.invited = list(mark)
            meeting.present = [p for p, s in mark.items() if s in ("present", "online")]
            meeting.online = [p for p, s in mark.items() if s == "online"]
            meeting.excused = [p for p, s in mark.items() if s == "excused"]
            meeting.absent = [p for p, s in mark.items() if s == "absent"]
        found = attendance(example_body, 2025, "nl")
        for group in [*found.organisations, *found.roles]:
            assert sum(group.count(s) for s in ("present", "excused", "absent")) \
                == group.expected
            assert 0 <= group.online <= group.count("present")
            assert 0.0 <= group.rate <= 1.0
        for meeting, mark in zip(held, marks, strict=True):
            came = {p for p, s in mark.items() if s in ("present", "online")}
            for group in found.organisations:
                if meeting.id in group.at:
                    members = {p for p in mark
                               if _org_key(example_body, p) == group.key}
                    assert (group.at[meeting.id] == "present") == bool(members & came)
        seats = sum(1 for mark in marks if {"yara", "roos", "kbg-1", "kbg-2"} & {
            p for p, s in mark.items() if s in ("present", "online")})
        assert found.seat_filled == seats
    finally:
        for meeting, lists in zip(held, saved, strict=True):
            (meeting.invited, meeting.present, meeting.online, meeting.excused,
             meeting.absent) = lists


def _org_key(body, pid: str) -> str:  # type: ignore[no-untyped-def]
    from kwartaal.core.organisations import organisation_of

    found = organisation_of(body.config, body.people[pid])
    assert found is not None
    return found.key


def test_an_organisation_and_a_role_of_the_same_name_stay_apart(example: Path,
                                                                run: Run) -> None:
    replace_in(example / "people.toml", 'organisation = "Vergunde werkplek De Ster"\n'
               'role = "exploitant"', 'role = "gemeente"')
    orgs = _json(run, example)["organisations"]
    found = [(row["kind"], row["key"], row["meetings"]) for row in orgs
             if row["key"] == "gemeente"]
    assert found == [("organisation", "gemeente", 4), ("role", "gemeente", 1)]


LISTS = ("invited", "present", "online", "excused", "absent", "expected", "declined")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.fixed_dictionaries({name: st.lists(st.sampled_from(["a", "b", "c", "d", "e"]),
                                             max_size=4) for name in LISTS}))
def test_a_person_on_several_lists_has_one_status(lists: dict[str, list[str]]) -> None:
    """Whoever is on the lists of a meeting, twice or on several: present (or online)
    before excused (or declined) before absent (or invited, or expected), in the order they
    are first named."""
    from kwartaal.core.attendance import expected, statuses

    meeting: Any = SimpleNamespace(id="2025-06-12", date=dt.date(2025, 6, 12), **lists)
    named = list(dict.fromkeys(pid for name in LISTS for pid in lists[name]))
    found = statuses(meeting)
    assert list(found) == expected(meeting) == named
    for pid in named:
        rule = ("present" if pid in lists["present"] + lists["online"] else
                "excused" if pid in lists["excused"] + lists["declined"] else "absent")
        assert found[pid] == rule
    assert "z" not in found
