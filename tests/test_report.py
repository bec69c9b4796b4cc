"""The year report for the council: public unless asked otherwise, totals only in public."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kwartaal.core.visibility import MIN_PAID_FOR_TOTALS
from tests.conftest import EXAMPLE_TODAY, Run, replace_in

CLOSED_DECISION = "De gemeente onderzoekt beide panden"
PER_PERSON = ["73,60", "58,60", "95,00", "115,40", "73.60", "58.60", "95.00", "115.40"]


def _report(run: Run, example: Path, *args: str, lang: str = "nl",
            today: str = EXAMPLE_TODAY) -> str:
    return run("--repo", str(example), "--today", today, "--lang", lang, "report",
               *args).output


@pytest.mark.parametrize(("lang", "title", "total"), [
    ("nl", "Jaarverslag 2025",
     "4 mensen kregen een vergoeding voor 39 uur, in totaal €\xa0342,60."),
    ("en", "Year report 2025", "4 people received compensation for 39 hours, €342.60 in total."),
])
def test_the_public_report_of_the_example(example: Path, run: Run, lang: str, title: str,
                                          total: str) -> None:
    out = _report(run, example, "--year", "2025", lang=lang)
    assert out == _report(run, example, "--year", "2025", "--public", lang=lang)  # the default
    assert title in out and total in out
    assert "Politie, team mensenhandel | 3 | 2 | 1 | 1 | 0 | 67%" in out
    # decisions of approved minutes; the closed one and the draft minutes' ones are not there
    assert "De verhalenworkshop met het team mensenhandel" in out
    assert CLOSED_DECISION not in out
    assert "Toezichthouders dragen voortaan" not in out  # closed, September
    assert "Het concept-beleid gaat in februari" not in out  # December: minutes in draft
    assert "2025-12-11" in out
    for figure in PER_PERSON:
        assert figure not in out
    for name in ("Mila", "Jade"):
        assert name not in out
    assert ("eind van het jaar" if lang == "nl" else "end of the year") in out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_internal_report_must_be_asked_for(example: Path, run: Run, lang: str) -> None:
    out = _report(run, example, "--year", "2025", "--internal", lang=lang)
    banner = "Vertrouwelijk" if lang == "nl" else "Confidential"
    assert banner in out
    assert CLOSED_DECISION in out and "Het concept-beleid gaat in februari" in out
    # per person, by the internal naming
    assert "| Mila | 9 |" in out and "| Yara | 12 |" in out
    assert ("€\xa073,60" if lang == "nl" else "€73.60") in out


def test_the_json_has_stable_keys(example: Path, run: Run) -> None:
    data = json.loads(_report(run, example, "--year", "2025", "--format", "json"))
    assert set(data) == {"body", "year", "public", "as_of", "as_of_long", "as_of_is",
                         "sections", "meetings", "attendance", "decisions", "participation",
                         "feedback", "actions", "compensation"}
    assert data["sections"] == ["meetings", "attendance", "decisions", "participation",
                                "feedback", "actions", "compensation"]
    assert (data["public"], data["as_of"], data["as_of_is"]) == (True, "2025-12-31",
                                                                 "year-end")
    assert [m["id"] for m in data["meetings"]["held"]] == [
        "2025-03-13", "2025-06-12", "2025-09-11", "2025-12-11"]
    assert data["compensation"] == {
        "shown": "totals", "minimum": MIN_PAID_FOR_TOTALS, "paid_anyone": True, "people": 4,
        "lines": 25, "hours": "39", "amount": "342.60", "amount_text": "€\xa0342,60"}
    assert data["decisions"]["not_yet_approved"] == ["2025-12-11"]
    assert all(not d["closed"] for d in data["decisions"]["decisions"])
    internal = json.loads(_report(run, example, "--year", "2025", "--format", "json",
                                  "--internal"))
    assert internal["compensation"]["shown"] == "per-person"
    assert [p["id"] for p in internal["compensation"]["per_person"]] == [
        "kbg-1", "kbg-2", "roos", "yara"]
    assert any(d["closed"] for d in internal["decisions"]["decisions"])


@pytest.mark.parametrize(("lang", "words"), [("nl", ("Participatie", "in de lead van "
                                                    "sekswerkers", "Terugkoppeling")),
                                              ("en", ("Participation", "led by sex workers",
                                                      "Feedback given on input"))])
def test_levels_and_feedback_are_counted_per_year(example: Path, run: Run, lang: str,
                                                   words: tuple[str, ...]) -> None:
    data = json.loads(_report(run, example, "--year", "2026", "--format", "json", "--internal",
                              today="2026-03-13"))
    levels = {row["level"]: row["count"] for row in data["participation"]["levels"]}
    assert list(levels) == ["inform", "consult", "advise", "co-decide", "sex-worker-led"]
    # items count in the year they were first proposed: p3 (inform) was carried over from 2025
    assert sum(1 for count in levels.values() if count) >= 4
    assert sum(levels.values()) + data["participation"]["no_level"] == \
        data["participation"]["total"]
    public = json.loads(_report(run, example, "--year", "2026", "--format", "json",
                                today="2026-03-13"))
    assert public["participation"]["total"] < data["participation"]["total"]  # a closed one
    given = json.loads(_report(run, example, "--year", "2025", "--format", "json"))
    assert [f["record"] for f in given["feedback"]["given"]] == ["2025-09-11/p2"]
    text = _report(run, example, "--year", "2025", lang=lang)
    for word in words:
        assert word in text, word
    # closed feedback stays internal
    replace_in(example / "meetings" / "2025-09-11.toml", 'id = "p2"', 'id = "p2"\nclosed = true')
    public = json.loads(_report(run, example, "--year", "2025", "--format", "json"))
    assert public["feedback"]["given"] == []
    internal = json.loads(_report(run, example, "--year", "2025", "--format", "json",
                                  "--internal"))
    assert internal["feedback"]["given"][0]["closed"] is True


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_html_is_a_whole_page(example: Path, run: Run, lang: str) -> None:
    out = _report(run, example, "--year", "2025", "--format", "html", lang=lang)
    assert out.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in out
    assert "<h2>" in out and "Politie, team mensenhandel" in out
    assert CLOSED_DECISION not in out


def test_a_report_written_to_a_file(example: Path, run: Run, tmp_path: Path) -> None:
    target = tmp_path / "jaarverslag.html"
    out = _report(run, example, "--year", "2025", "--format", "html", "--output", str(target))
    assert str(target) in out
    assert "Jaarverslag 2025" in target.read_text(encoding="utf-8")


def test_the_current_year_counts_to_today(example: Path, run: Run) -> None:
    data = json.loads(_report(run, example, "--year", "2026", "--format", "json"))
    assert (data["as_of"], data["as_of_is"]) == ("2026-01-15", "today")
    assert data["meetings"] == {"held": [], "cancelled": []}
    assert data["compensation"] == {"shown": "withheld", "minimum": MIN_PAID_FOR_TOTALS,
                                    "paid_anyone": False}
    out = _report(run, example, "--year", "2026", lang="en")
    assert "as they stand today" in out and "No one received compensation this year." in out


def test_an_action_finished_after_the_year_counts_as_open_in_it(example: Path,
                                                              run: Run) -> None:
    def row(year: str) -> dict:
        data = json.loads(_report(run, example, "--year", year, "--format", "json",
                                  today="2026-01-20"))
        return {r["theme"]: r for r in data["actions"]["themes"]}["samenwerking"]

    before_2025, before_2026 = row("2025"), row("2026")
    run("--repo", str(example), "--today", "2026-01-20", "action", "done", "2025-09-11/a5",
        "--by", "l-demir")
    after_2025, after_2026 = row("2025"), row("2026")
    assert after_2025 == before_2025  # at the end of 2025 it was still open
    assert after_2026["done"] == before_2026["done"] + 1
    assert after_2026["open"] == before_2026["open"] - 1


def test_an_action_finished_before_the_year_is_left_out(example: Path, run: Run) -> None:
    data = json.loads(_report(run, example, "--year", "2026", "--format", "json"))
    done = sum(r["done"] + r["dropped"] for r in data["actions"]["themes"])
    assert done == 0  # everything done or dropped was finished in 2025


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_cancelled_meetings_are_listed(example: Path, run: Run, lang: str) -> None:
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "meeting", "cancel", "2026-03-12",
        "--reason", "te weinig aanmeldingen")
    out = _report(run, example, "--year", "2026", lang=lang)
    assert ("Vergaderingen afgelast: 1" if lang == "nl" else "Meetings cancelled: 1") in out
    assert "te weinig aanmeldingen" not in out


def test_fewer_people_paid_than_the_minimum_gives_no_totals(example: Path, run: Run) -> None:
    for path in (example / "meetings").glob("2025-*.toml"):  # one person paid, not four
        text = path.read_text(encoding="utf-8")
        for pid in ("roos", "yara", "kbg-2"):
            text = text.replace(f'person = "{pid}"', 'person = "kbg-1"')
        path.write_text(text, encoding="utf-8")
    data = json.loads(_report(run, example, "--year", "2025", "--format", "json"))
    assert data["compensation"] == {"shown": "withheld", "minimum": MIN_PAID_FOR_TOTALS,
                                    "paid_anyone": True}
    out = _report(run, example, "--year", "2025", lang="en")
    assert "Fewer than 3 people received compensation" in out and "342" not in out
    internal = _report(run, example, "--year", "2025", "--internal", lang="en")
    assert "€342.60" in internal


def test_a_total_that_equals_some_line_is_still_published(example: Path, run: Run) -> None:
    """The leak check refuses amounts of compensation lines; a total over enough people is
    not one person's amount, even when a (voided) line happens to have the same figure."""
    meeting = example / "meetings" / "2025-12-11.toml"
    with meeting.open("a", encoding="utf-8") as handle:
        handle.write('\n[[compensation]]\nid = "c-v9q2"\nperson = "roos"\nkind = "other"\n'
                     'amount = 342.60\nmethod = "cash"\nvoid = 2025-12-12\n'
                     'void_reason = "dubbel ingevoerd"\n')
    out = _report(run, example, "--year", "2025")
    assert "€\xa0342,60" in out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_site_has_a_page_per_year(example: Path, run: Run, tmp_path: Path,
                                      lang: str) -> None:
    site = tmp_path / "site"
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang, "site",
        "--output", str(site))
    for prefix, title in (("", "Jaarverslag 2025"), ("en/", "Year report 2025")):
        page = (site / f"{prefix}report-2025.html").read_text(encoding="utf-8")
        assert title in page and CLOSED_DECISION not in page
        assert 'href="report-2025.html"' in (site / f"{prefix}index.html").read_text(
            encoding="utf-8")
    assert not (site / "report-2026.html").exists()  # no meeting held in 2026 yet


def test_a_body_template_cannot_print_what_the_view_left_out(example: Path, run: Run) -> None:
    (example / "templates").mkdir()
    (example / "templates" / "report.md.j2").write_text("{{ r }}\n", encoding="utf-8")
    out = _report(run, example, "--year", "2025")
    assert CLOSED_DECISION not in out and "per_person" not in out
    for figure in PER_PERSON:
        assert figure not in out


def test_hours_are_a_total_over_enough_people_too(example: Path) -> None:
    """Four people paid, but only two of them for hours: the hours would be theirs."""
    import datetime as dt

    from kwartaal.core.yearreport import build_report
    from kwartaal.documents.report import report_text
    from kwartaal.files.loader import load_checked

    body = load_checked(example)
    for meeting in body.meetings:
        for line in meeting.compensation:
            if line.person in ("roos", "yara"):
                line.hours = None
    today = dt.date(2026, 1, 15)
    public = build_report(body, 2025, today, "en", public=True)["compensation"]
    assert (public["people"], public["hours"]) == (4, None)
    text = report_text(body, build_report(body, 2025, today, "en", public=True), "en", "md")
    assert "4 people received compensation, €" in text
    assert "hours" not in text.split("## Compensation")[1]
    internal = build_report(body, 2025, today, "en", public=False)["compensation"]
    assert internal["hours"] == "15"


def test_public_totals_wait_for_the_year_to_end(example: Path, run: Run) -> None:
    """A total published in June and again in September would show, by the difference, what
    those paid in between received: the public report gives totals only for a finished year."""
    during = json.loads(_report(run, example, "--year", "2025", "--format", "json",
                                today="2025-12-12"))
    assert during["compensation"] == {"shown": "after-year", "minimum": MIN_PAID_FOR_TOTALS,
                                      "paid_anyone": True}
    text = _report(run, example, "--year", "2025", lang="en", today="2025-12-12")
    assert "once the year is over" in text and "342" not in text
    internal = json.loads(_report(run, example, "--year", "2025", "--format", "json",
                                  "--internal", today="2025-12-12"))
    assert internal["compensation"]["shown"] == "per-person"


def test_public_levels_count_decisions_of_approved_minutes_only(example: Path,
                                                                 run: Run) -> None:
    public = json.loads(_report(run, example, "--year", "2025", "--format", "json"))
    internal = json.loads(_report(run, example, "--year", "2025", "--format", "json",
                                  "--internal"))
    assert public["decisions"]["not_yet_approved"] == ["2025-12-11"]
    counted = {r["level"]: r["count"] for r in public["participation"]["levels"]}
    inside = {r["level"]: r["count"] for r in internal["participation"]["levels"]}
    assert counted["sex-worker-led"] == inside["sex-worker-led"] - 1  # 2025-12-11 d1
