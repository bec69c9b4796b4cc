"""Feedback on input: marking input asked, recording what was done with it, the open feedback
on the next agenda, the late warning of check, the minutes, the reminders of authors, the log
and the year's list; in Dutch and English, and never a closed record in public."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core.feedback import asked, feedback_in_year, is_late, open_at
from kwartaal.documents.remind import reminders
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run, commit_count, git, line_with
from .test_meeting_edits import NEXT, k, meeting_file, read, refuses

DECEMBER = "2025-12-11"
OPEN_TITLE = "Registratieplannen in het wetsvoorstel: zorgen van de klankbordgroep"
GIVEN_TEXT = "De training wordt gegeven door twee trainers uit de klankbordgroep"


def record(body: Path, meeting_id: str, kind: str, local: str) -> dict:
    return next(r for r in read(body, meeting_id)[kind] if r["id"] == local)


def nl(run: Run, body: Path, *args: str, expect: int = 0, today: str = EXAMPLE_TODAY) -> str:
    return run("--repo", str(body), "--today", today, "--lang", "nl", *args,
               expect=expect).output


def test_feedback_is_recorded_corrected_and_cleared_one_commit_each(example: Path,
                                                                    run: Run) -> None:
    commits = commit_count(example.parent)
    # 4.1 on the internal agenda of 11 December is p1, which asked for input
    out = k(run, example, "feedback", DECEMBER, "4.1", "Sent to the ministry with our letter.",
            "--by", "l-demir", today="2026-01-20")
    assert "recorded the feedback on 2025-12-11/p1" in out
    found = record(example, DECEMBER, "item", "p1")
    assert found["feedback"] == "Sent to the ministry with our letter."
    assert found["feedback_date"] == dt.date(2026, 1, 20) and found["feedback_by"] == "l-demir"
    assert commit_count(example.parent) == commits + 1
    message = git(example.parent, "log", "-1", "--format=%an%n%B")
    assert message.startswith("Secretaris Test\nfeedback 2025-12-11/p1: given")
    assert "Kwartaal-Event: feedback-given 2025-12-11/p1" in message
    assert "# de terugkoppeling volgt" in meeting_file(example, DECEMBER).read_text("utf-8")

    # correcting: the new text and today's date, by whoever is KWARTAAL_ME
    out = nl(run, example, "feedback", DECEMBER, "p1", "Verstuurd op 20 januari.",
             today="2026-01-22")
    assert "terugkoppeling bij 2025-12-11/p1 vastgelegd" in out
    found = record(example, DECEMBER, "item", "p1")
    assert (found["feedback"], found["feedback_date"]) == ("Verstuurd op 20 januari.",
                                                           dt.date(2026, 1, 22))
    assert "feedback_by" not in found
    assert "corrected" in git(example.parent, "log", "-1", "--format=%s")
    log = k(run, example, "log")
    assert re.search(r"2026-01-22\s+feedback-given\s+2025-12-11/p1", log)

    assert "terugkoppeling bij 2025-12-11/p1 gewist" in nl(run, example, "feedback", DECEMBER,
                                                           "p1", "--clear")
    found = record(example, DECEMBER, "item", "p1")
    assert found["asks_input"] is True
    assert not {"feedback", "feedback_date", "feedback_by"} & set(found)
    assert commit_count(example.parent) == commits + 3
    k(run, example, "check", "--strict")


def test_a_note_asks_for_input_and_gets_feedback(example: Path, run: Run) -> None:
    out = k(run, example, "note", NEXT, "actueel", "Wat vindt de klankbordgroep?",
            "--asks-input")
    local = re.search(r"n-\w{4}", out).group(0)  # type: ignore[union-attr]
    assert record(example, NEXT, "note", local)["asks_input"] is True
    k(run, example, "note", "set", DECEMBER, "n3", "--asks-input")
    assert record(example, DECEMBER, "note", "n3")["asks_input"] is True
    k(run, example, "feedback", DECEMBER, "n3", "A flyer for home workers is being made.",
      "--by", "t-elkaddouri")
    assert record(example, DECEMBER, "note", "n3")["feedback_by"] == "t-elkaddouri"
    minutes = k(run, example, "minutes", DECEMBER, "--public")
    assert "A flyer for home workers is being made." in minutes
    refuses(run, example, "note", "set", DECEMBER, "n3", "--no-asks-input",
            says="clear that first: kwartaal feedback 2025-12-11 n3 --clear")
    k(run, example, "feedback", DECEMBER, "n3", "--clear")
    k(run, example, "note", "set", DECEMBER, "n3", "--no-asks-input")
    assert "asks_input" not in record(example, DECEMBER, "note", "n3")
    k(run, example, "check", "--strict")


def test_propose_and_item_set_mark_input_asked(example: Path, run: Run) -> None:
    out = k(run, example, "propose", "Werktijden van het inloopspreekuur", "--by", "yara",
            "--asks-input")
    local = re.search(r"p-\w{4}", out).group(0)  # type: ignore[union-attr]
    assert record(example, NEXT, "item", local)["asks_input"] is True
    k(run, example, "item", "set", NEXT, local, "--no-asks-input")
    assert "asks_input" not in record(example, NEXT, "item", local)
    nl(run, example, "item", "set", NEXT, "p2", "--asks-input")
    assert record(example, NEXT, "item", "p2")["asks_input"] is True


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_refusals_say_what_to_do_and_touch_nothing(example: Path, run: Run,
                                                   lang: str) -> None:
    def refused(*args: str, says: str) -> None:
        from .conftest import assert_refused

        assert_refused(lambda: run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang",
                                   lang, *args, expect=1).output, example.parent, says)

    refused("feedback", DECEMBER, "p2", "done",
            says="kwartaal item set 2025-12-11 p2 --asks-input")
    refused("feedback", DECEMBER, "n1", "done",
            says="kwartaal note set 2025-12-11 n1 --asks-input")
    refused("feedback", DECEMBER, "p1", " ",
            says="de terugkoppeling is leeg" if lang == "nl" else "the feedback is empty")
    refused("feedback", DECEMBER, "p1", "--clear",
            says="heeft geen terugkoppeling" if lang == "nl" else "has no feedback to clear")
    refused("feedback", DECEMBER, "p1", "x", "--clear", says="--clear")
    refused("feedback", DECEMBER, "p1", "x", "--by", "niemand", says="niemand")
    refused("feedback", DECEMBER, "p9", "x", says="p9")
    refused("feedback", "2025-09-11", "p2", record(example, "2025-09-11", "item",
                                                   "p2")["feedback"], says="2025-09-11/p2")
    refused("feedback", "2025-09-11", "p2", "Mila geeft de training", says="kbg-1")
    refused("item", "set", "2025-09-11", "p2", "--no-asks-input", says="(--closed)")
    # a meeting not held yet has asked for nothing
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "item", "set", NEXT, "p1",
        "--asks-input")
    refused("feedback", NEXT, "p1", "x", says="2026-03-12")


def test_the_next_agenda_lists_open_feedback_in_every_format(example: Path, run: Run) -> None:
    for lang in ("en", "nl"):
        heading = "Feedback due on input asked" if lang == "en" else \
            "Terugkoppeling op gevraagde inbreng"
        for public in ("--internal", "--public"):
            for fmt in ("text", "md", "html"):
                out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
                          "agenda", NEXT, public, "--format", fmt).output
                assert heading in out and OPEN_TITLE in out, (lang, public, fmt)
                assert ("2025-12-11/p1" in out) == (public == "--internal")
    data = json.loads(k(run, example, "agenda", NEXT, "--format", "json"))
    [entry] = data["open_feedback"]
    assert entry["ref"] == "2025-12-11/p1" and entry["meeting"] == DECEMBER
    assert not entry["late"] and not entry["closed"]
    # answered: off the next agenda
    k(run, example, "feedback", DECEMBER, "p1", "Verstuurd.")
    assert json.loads(k(run, example, "agenda", NEXT, "--format", "json"))["open_feedback"] == []


def test_closed_input_never_reaches_public_output(example: Path, run: Run) -> None:
    k(run, example, "item", "set", DECEMBER, "p1", "--closed")
    internal = k(run, example, "agenda", NEXT)
    assert OPEN_TITLE in internal
    for fmt in ("text", "md", "html", "json"):
        assert OPEN_TITLE not in k(run, example, "agenda", NEXT, "--public", "--format", fmt)
    secret = "Het ministerie kreeg de brief van de klankbordgroep op 20 januari"
    k(run, example, "feedback", DECEMBER, "p1", secret)
    assert secret in k(run, example, "minutes", DECEMBER)
    for fmt in ("md", "html", "json"):
        assert secret not in k(run, example, "minutes", DECEMBER, "--public", "--format", fmt)
    [given_feedback] = feedback_in_year(load_checked(example), 2026)
    assert given_feedback.closed and given_feedback.text == secret
    # a closed note under an open item: internal only
    k(run, example, "note", "set", DECEMBER, "n3", "--asks-input", "--closed")
    assert "wijkagent Centrum" in k(run, example, "agenda", NEXT)
    assert "wijkagent Centrum" not in k(run, example, "agenda", NEXT, "--public")


def test_check_warns_when_feedback_is_late(example: Path, run: Run) -> None:
    path = meeting_file(example, DECEMBER)
    k(run, example, "check", "--strict")  # due by 12 March: not late in January
    out = run("--repo", str(example), "--today", "2026-03-13", "--lang", "en", "check",
              expect=0).output
    line = line_with(path, "asks_input = true")
    assert f"2025-12-11.toml:{line}: warning: 2025-12-11/p1 asked for input at 2025-12-11, " \
           "and the feedback was due by 2026-03-12" in out
    assert 'kwartaal feedback 2025-12-11 p1 "..."' in out
    assert "de terugkoppeling had er uiterlijk 2026-03-12 moeten zijn" in nl(
        run, example, "check", today="2026-03-13")
    # the next meeting held on its day counts as well
    run("--repo", str(example), "--today", NEXT, "meeting", "held", NEXT)
    assert "2025-12-11/p1 asked for input" in k(run, example, "check", today=NEXT)
    k(run, example, "feedback", DECEMBER, "p1", "Verstuurd.", today=NEXT)
    assert "asked for input" not in k(run, example, "check", today=NEXT)


def test_feedback_without_input_asked_is_a_warning(example: Path, run: Run) -> None:
    path = meeting_file(example, DECEMBER)
    text = path.read_text("utf-8").replace('theme = "samenwerking"\nminutes = 25',
                                           'theme = "samenwerking"\nminutes = 25\n'
                                           'feedback = "Gedaan."', 1)
    path.write_text(text, "utf-8")
    out = k(run, example, "check")
    line = line_with(path, 'feedback = "Gedaan."')
    assert f"2025-12-11.toml:{line}: warning: 2025-12-11/p2 has feedback but did not ask" in out


def test_minutes_show_feedback_where_asked_and_where_given(example: Path, run: Run) -> None:
    for lang, word in (("en", "Feedback"), ("nl", "Terugkoppeling")):
        for public in ("--internal", "--public"):
            asked_at = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
                           "minutes", "2025-09-11", public).output
            assert f"**{word}**" in asked_at and GIVEN_TEXT in asked_at
            given_at = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
                           "minutes", DECEMBER, public, "--format", "html").output
            review = given_at.split('id="punt-7"')[1].split("</section>")[0]
            assert GIVEN_TEXT in review
            pending = "feedback still to come" if lang == "en" else "terugkoppeling volgt nog"
            assert pending in run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang",
                                  lang, "minutes", DECEMBER, public).output
    data = json.loads(k(run, example, "minutes", DECEMBER, "--public", "--format", "json"))
    review = next(i for i in data["items"] if i["key"] == "actions")
    assert [f["ref"] for f in review["feedback_given"]] == [""]  # no record ids in public


def test_authors_get_the_feedback_in_their_reminder(example: Path, run: Run,
                                                    tmp_path: Path) -> None:
    # Mila (kbg-1, English) has no action due, but feedback since the last meeting
    out = k(run, example, "remind", "--owner", "kbg-1")
    assert "[kbg-1] Feedback on your input for" in out and GIVEN_TEXT in out
    k(run, example, "feedback", DECEMBER, "p1", "De brief is verstuurd.", today="2026-01-20")
    text = nl(run, example, "remind", "--owner", "roos", today="2026-01-20")
    assert "[roos] Herinnering: 3 acties" in text
    assert "Wat er is gedaan met de inbreng op je agendapunten:" in text
    assert "De brief is verstuurd." in text
    mail = tmp_path / "mail"
    k(run, example, "remind", "--format", "eml", "--output", str(mail), today="2026-01-20")
    message = email.message_from_bytes((mail / "kbg-1.eml").read_bytes(),
                                       policy=email.policy.default)
    assert GIVEN_TEXT in message.get_content()
    assert "Mila" not in message["Subject"]


def test_proposals_without_a_person_as_author_are_skipped_quietly() -> None:
    body = load_checked(EXAMPLE)
    for meeting in body.meetings:
        meeting.items[:] = [dataclasses.replace(i, by="anonymous") if i.feedback else i
                            for i in meeting.items]
    today = dt.date.fromisoformat(EXAMPLE_TODAY)
    found = reminders(body, today, within=14)
    assert "anonymous" not in {r.person for r in found}
    assert "kbg-1" not in {r.person for r in found}  # her only news was that feedback


def test_feedback_in_year_lists_what_was_given() -> None:
    body = load_checked(EXAMPLE)
    [given_feedback] = feedback_in_year(body, 2025)
    assert (given_feedback.meeting, given_feedback.record, given_feedback.kind) == (
        "2025-09-11", "2025-09-11/p2", "item")
    assert given_feedback.title == "Weerbaarheidstraining voor sekswerkers"
    assert (given_feedback.asked, given_feedback.answered) == (dt.date(2025, 9, 11),
                                                               dt.date(2025, 12, 11))
    assert given_feedback.text.startswith(GIVEN_TEXT) and not given_feedback.closed
    assert feedback_in_year(body, 2026) == [] and feedback_in_year(body, 2024) == []


@settings(derandomize=True, max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
       st.one_of(st.none(), st.dates(dt.date(2025, 12, 11), dt.date(2027, 12, 31))))
def test_open_late_and_answered_agree(today: dt.date, answered: dt.date | None) -> None:
    """Whatever today and the day of the answer: answered feedback is never late, late
    feedback is open on the next agenda, and late means the next meeting's date has passed."""
    body = load_checked(EXAMPLE)
    if answered is not None:
        for meeting in body.meetings:
            meeting.items[:] = [dataclasses.replace(i, feedback="Gedaan.", feedback_date=answered)
                                if i.asks_input and not i.feedback else i
                                for i in meeting.items]
    entry = next(e for e in asked(body) if e.id == "2025-12-11/p1")
    assert entry.due == dt.date(2026, 3, 12)
    late = is_late(entry, today)
    assert late == (answered is None and today > entry.due)
    upcoming = body.meeting(NEXT)
    assert (entry.id in {e.id for e in open_at(body, upcoming)}) == (
        answered is None or answered >= upcoming.date)


def test_the_site_agenda_lists_open_feedback_but_not_closed(example: Path, run: Run,
                                                            tmp_path: Path) -> None:
    k(run, example, "site", "--output", str(tmp_path / "site"))
    page = (tmp_path / "site" / "agenda.html").read_text("utf-8")
    assert "Terugkoppeling op gevraagde inbreng" in page and OPEN_TITLE in page
    k(run, example, "item", "set", DECEMBER, "p1", "--closed")
    k(run, example, "site", "--output", str(tmp_path / "again"))
    assert OPEN_TITLE not in (tmp_path / "again" / "agenda.html").read_text("utf-8")


def test_closed_feedback_reaches_only_core_authors() -> None:
    """A reminder to someone outside the core group is, like every document they are sent,
    the public version: no feedback on a closed record."""
    body = load_checked(EXAMPLE)
    for meeting in body.meetings:
        meeting.items[:] = [dataclasses.replace(i, closed=True) if i.feedback else i
                            for i in meeting.items]
    today = dt.date.fromisoformat(EXAMPLE_TODAY)
    author = next(i.by for mt in body.meetings for i in mt.items if i.feedback)
    body.people[author] = dataclasses.replace(body.people[author], core=False)
    found = reminders(body, today, within=14)
    assert all(GIVEN_TEXT not in r.text for r in found if r.person == author)
    body.people[author] = dataclasses.replace(body.people[author], core=True)
    found = reminders(body, today, within=14)
    assert any(GIVEN_TEXT in r.text for r in found if r.person == author)
