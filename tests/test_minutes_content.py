"""What the minutes say: every part of the agenda with its number, never an empty heading, the
actions agreed at the meeting apart from the review of earlier ones, and counts that read right
in both languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from kwartaal.core import model as m
from kwartaal.core.outline import numbered, outline
from kwartaal.core.visibility import View
from kwartaal.core.words import Plural, ntr
from kwartaal.documents.minutes import build_minutes, counted_role
from kwartaal.documents.render import render
from kwartaal.documents.site import build_site
from kwartaal.edit.publish import render_minutes
from kwartaal.files.loader import load_checked as load
from tests.conftest import EXAMPLE, Run, replace_in

from .test_minutes import _must_be_absent

HELD = ["2025-03-13", "2025-06-12", "2025-09-11", "2025-12-11"]


def _walk(items: list[dict]) -> list[dict]:
    return [part for item in items for part in (item, *_walk(item["children"]))]


def _says_something(part: dict) -> bool:
    return bool(part["said"] or part["notes"] or part["decisions"] or part["actions"]
                or part["review"] or part["children"])


@pytest.fixture(scope="module")
def body() -> m.Body:
    return load(EXAMPLE)


@pytest.mark.parametrize("meeting_id", HELD)
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("public", [False, True])
def test_every_part_of_the_agenda_is_in_the_minutes_in_every_format(
        body: m.Body, meeting_id: str, lang: str, public: bool) -> None:
    meeting = body.meeting(meeting_id)
    assert meeting is not None
    view = View(body, lang, public=public)
    expected = numbered(outline(body, meeting, hides=view.hides))
    data = build_minutes(body, meeting, lang, public)
    parts = [p for p in _walk(data["items"]) if p["key"] != "other"]
    assert [p["number"] for p in parts] == list(expected)
    assert all(_says_something(p) for p in _walk(data["items"])), meeting_id
    md = render_minutes(body, meeting, lang, public=public, fmt="md")
    html = render_minutes(body, meeting, lang, public=public, fmt="html")
    as_json = json.loads(render_minutes(body, meeting, lang, public=public, fmt="json"))
    assert [p["number"] for p in _walk(as_json["items"]) if p["key"] != "other"] == \
        list(expected)
    for part in parts:
        top = "." not in part["number"]
        assert (f"## {part['number']}. " if top else f"### {part['number']} ") in md
        assert (f"<h2>{part['number']}. " if top else f"<h3>{part['number']} ") in html


@seed(20261123)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HELD), st.sampled_from(["nl", "en"]), st.booleans(), st.data())
def test_no_heading_stands_empty_whatever_was_recorded(
        body: m.Body, meeting_id: str, lang: str, public: bool, data: st.DataObject) -> None:
    """Any subset of the notes, decisions and actions of a meeting: every numbered part still
    says something, and in the markdown no heading is followed straight by the next part."""
    meeting = body.meeting(meeting_id)
    assert meeting is not None

    def some(records: list) -> list:
        return data.draw(st.lists(st.sampled_from(records), unique_by=id, max_size=len(records))
                         if records else st.just([]))

    changed = dataclasses.replace(meeting, notes=some(meeting.notes),
                                  decisions=some(meeting.decisions),
                                  actions=some(meeting.actions))
    trimmed = dataclasses.replace(body, meetings=[changed if mt is meeting else mt
                                                  for mt in body.meetings], _by_id=None)
    minutes = build_minutes(trimmed, changed, lang, public)
    assert all(_says_something(p) for p in _walk(minutes["items"]))
    md = render(trimmed.root, "minutes.md.j2", lang, m=minutes)
    lines = [line for line in md.splitlines() if line.strip()]
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        if re.match(r"#{2,3} \d", line):  # a part's own sub-parts may follow its heading
            sub = line.startswith("## ") and after.startswith("### ")
            assert after and (sub or not after.startswith("#")), (line, after)


def test_the_previous_minutes_say_they_were_approved_at_this_meeting(body: m.Body) -> None:
    meeting = body.meeting("2025-12-11")
    assert meeting is not None
    nl = render_minutes(body, meeting, "nl", public=True, fmt="md")
    assert "## 2. Verslag van het vorige overleg\n\n" \
           "De notulen van donderdag 11 september 2025 zijn vastgesteld." in nl
    en = render_minutes(body, meeting, "en", public=True, fmt="md")
    assert "The minutes of Thursday 11 September 2025 were approved." in en
    first = body.meeting("2025-03-13")
    assert first is not None
    en = render_minutes(body, first, "en", public=True, fmt="md")
    assert "There are no earlier minutes." in en
    assert "## 8. Closing\n\nNext meeting: Thursday 12 June 2025\n" in en


def test_empty_parts_get_a_sentence_that_fits(body: m.Body) -> None:
    meeting = body.meeting("2025-12-11")
    assert meeting is not None
    bare = dataclasses.replace(meeting, notes=[], decisions=[], actions=[])
    trimmed = dataclasses.replace(body, meetings=[bare if mt is meeting else mt
                                                  for mt in body.meetings], _by_id=None)
    data = build_minutes(trimmed, bare, "nl", public=True)
    said = {p["key"]: p["said"] for p in _walk(data["items"])}
    assert said["opening"] == ["De vergadering is geopend."]
    assert said["any-other-business"] == ["Geen punten."]
    assert said["closing"] == ["Volgend overleg: donderdag 12 maart 2026"]
    standing = [p for p in data["items"] if p["kind"] == "standing"]
    for part in standing:  # a standing item or each item under it says it was not discussed
        assert part["said"] == ["Niet besproken."] or all(
            c["said"] == ["Niet besproken."] for c in part["children"])
    md = render(trimmed.root, "minutes.md.j2", "nl", m=data)
    assert "### 4.1 " in md and "Niet besproken." in md.split("### 4.1 ", 1)[1].split("##")[0]


def test_the_actions_agreed_at_the_meeting_are_listed_apart_from_the_review(
        body: m.Body) -> None:
    meeting = body.meeting("2025-12-11")
    assert meeting is not None
    for lang, heading in (("nl", "## Acties afgesproken in deze vergadering"),
                          ("en", "## Actions agreed at this meeting")):
        md = render_minutes(body, meeting, lang, public=False, fmt="md")
        agreed = md.split(heading, 1)[1].split("\n## ", 1)[0]
        for action in meeting.actions:
            line = next(x for x in agreed.splitlines() if action.id in x)
            assert action.title in line and str(action.due) in line
            assert all(body.people[p].name in line for p in action.owners
                       if body.people[p].visibility == "named")
    review = build_minutes(body, meeting, "nl", public=False)["action_review"]
    assert review and not {a["id"] for a in review} & {a.id for a in meeting.actions}


def test_a_meeting_without_earlier_actions_says_so_and_still_lists_its_own(
        body: m.Body) -> None:
    first = body.meeting("2025-03-13")
    assert first is not None and first.actions
    md = render_minutes(body, first, "nl", public=False, fmt="md")
    actions_part = md.split("## ", 1)[1]
    assert "Er stonden geen acties van eerdere vergaderingen open." in actions_part
    assert "Geen openstaande acties" not in md
    agreed = md.split("## Acties afgesproken in deze vergadering", 1)[1]
    assert all(a.id in agreed for a in first.actions)


# -- counts -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "role", "plural", "count", "expected"), [
    ("nl", "lid van de klankbordgroep", "leden van de klankbordgroep", 2,
     "twee leden van de klankbordgroep"),
    ("nl", "lid van de klankbordgroep", "", 2, "twee deelnemers (lid van de klankbordgroep)"),
    ("nl", "lid van de klankbordgroep", "", 1, "één lid van de klankbordgroep"),
    ("en", "member of the advisory group", "", 3,
     "three participants (member of the advisory group)"),
    ("en", "member of the advisory group", "members of the advisory group", 2,
     "two members of the advisory group"),
    ("en", "", "", 1, "one participant"),
    ("nl", "", "", 14, "14 deelnemers"),
])
def test_a_count_by_role_reads_right_with_or_without_a_plural(
        lang: str, role: str, plural: str, count: int, expected: str) -> None:
    assert counted_role(role, plural, count, lang) == expected


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_public_attendance_never_makes_up_a_plural(example: Path, run: Run, lang: str) -> None:
    """Two members of the advisory group without a plural in people.toml."""
    people = example / "people.toml"
    replace_in(people, 'role_plural = "leden van de klankbordgroep"\n', "", count=3)
    replace_in(people, 'role_plural_en = "members of the advisory group"\n', "", count=3)
    meeting = example / "meetings" / "2025-12-11.toml"
    replace_in(meeting, 'excused = ["kbg-1"]', "excused = []")
    replace_in(meeting, '"roos", "kbg-2",', '"roos", "kbg-2", "kbg-1",')
    out = run("--repo", str(example), "--lang", lang, "minutes", "2025-12-11", "--public").output
    wanted = {"nl": "twee deelnemers (lid van de klankbordgroep)",
              "en": "two participants (member of the advisory group)"}[lang]
    assert wanted in out
    assert "twee lid" not in out and "two member " not in out


def test_plural_messages_take_the_form_of_their_count() -> None:
    assert ntr("{number} participant", "{number} participants", 1, "nl") == "{number} deelnemer"
    assert ntr("{number} participant", "{number} participants", 2, "nl") == \
        "{number} deelnemers"
    many = Plural("{number} participant", "{number} participants", 0, number="geen")
    assert many.render("nl") == "geen deelnemers" and many.render("en") == "geen participants"


# -- the site and publish show the same minutes --------------------------------------------

def test_the_site_numbers_every_part_like_the_minutes(body: m.Body) -> None:
    files = build_site(body, dt.date(2026, 1, 15))
    absent = _must_be_absent(EXAMPLE)
    for meeting in body.meetings:
        if meeting.status != "published":
            continue
        page = files[f"minutes/{meeting.id}.html"]
        assert isinstance(page, str)
        data = build_minutes(body, meeting, body.config.language, public=True)
        for part in _walk(data["items"]):
            top = "." not in part["number"]
            assert (f"<h2>{part['number']}. " if top else f"<h3>{part['number']} ") in page
            for line in part["said"]:
                assert line in page
        assert "<h2>2. " in page
        assert [s for s in absent if s in page] == []


def test_published_minutes_are_the_rendered_public_minutes(example: Path, run: Run) -> None:
    r = ["--repo", str(example), "--today", "2026-03-12"]
    run(*r, "minutes", "approve", "2025-12-11")
    expected = run(*r, "minutes", "2025-12-11", "--public", "--format", "html").output
    run(*r, "publish", "2025-12-11")
    published = (example / "public" / "minutes" / "2025-12-11.html").read_text(encoding="utf-8")
    assert published.rstrip("\n") == expected.rstrip("\n")
    assert [s for s in _must_be_absent(example) if s in published] == []


@pytest.mark.parametrize(("days", "lang", "expected"), [
    (1, "nl", "1 dag over tijd"), (2, "nl", "2 dagen over tijd"),
    (1, "en", "1 day overdue"), (12, "en", "12 days overdue"), (0, "en", ""),
])
def test_the_site_counts_days_overdue_in_the_right_form(days: int, lang: str,
                                                        expected: str) -> None:
    from kwartaal.documents.site import overdue_text

    assert overdue_text(days, lang) == expected
