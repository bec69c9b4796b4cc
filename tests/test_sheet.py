"""The notes sheet: written from the agenda, filled in, read back in one commit, on the shipped
example in a real git repository."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE, Run, commit_count, git, line_with, replace_in

MEETING = "2026-03-12"
TODAY = "2026-03-12"


def _load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _snapshot(body: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in body.rglob("*.toml")}


def _sheet(example: Path, run: Run, lang: str = "nl") -> Path:
    sheet = example.parent / "notes.md"
    run("--repo", str(example), "--today", TODAY, "--lang", lang, "sheet", MEETING,
        "--output", str(sheet))
    return sheet


def _fill(sheet: Path, words: dict[str, str]) -> None:
    """Attendance, a note under the closed item, a decision, an action for two owners by
    display name, one action done and one handed over."""
    replace_in(sheet, "- [ ] Marieke Jansen", "- [x] Marieke Jansen")
    replace_in(sheet, "- [ ] Roos", "- [x] Roos")
    replace_in(sheet, "- [ ] Mila", "- [o] Mila")
    replace_in(sheet, "- [ ] Wim Smit", "- [e] Wim Smit")
    text = sheet.read_text(encoding="utf-8")
    closed = re.search(r"^## 6\. .*$", text, re.MULTILINE)
    law = re.search(r"^### 4\.1\. .*$", text, re.MULTILINE)
    review = re.search(r"^## 8\. .*$", text, re.MULTILINE)
    assert closed and law and review
    replace_in(sheet, closed.group(0), closed.group(0) + "\n\nDe woonstichting biedt een pand aan.")
    replace_in(sheet, law.group(0), law.group(0) + (
        "\n\nDe Eerste Kamer stelt de behandeling uit.\n"
        f"{words['decision']}: We schrijven samen een brief.\n"
        f"{words['action']}: Flyer voor buren — Roos, Marieke Jansen — {words['due']}"))
    replace_in(sheet, review.group(0), review.group(0) + (
        f"\n\n2025-12-11/a3: {words['done']}\n2025-09-11/a1: {words['to']} sander"))


NL = {"decision": "Besluit", "action": "Actie", "due": "1 mei", "done": "klaar", "to": "naar"}
EN = {"decision": "Decision", "action": "Action", "due": "1 May", "done": "done", "to": "to"}


@pytest.mark.parametrize("lang,words", [("nl", NL), ("en", EN)])
def test_a_filled_in_sheet_is_recorded_in_one_commit(example: Path, run: Run, lang: str,
                                                      words: dict[str, str]) -> None:
    sheet = _sheet(example, run, lang)
    _fill(sheet, words)
    path = example / "meetings" / f"{MEETING}.toml"
    before, commits = _snapshot(example), commit_count(example.parent)
    dry = run("--repo", str(example), "--today", TODAY, "--lang", lang, "sheet", "read",
              MEETING, str(sheet), "--dry-run").output
    assert _snapshot(example) == before and commit_count(example.parent) == commits
    for shown in ("Flyer voor buren", "roos, m-jansen", "2026-05-01", "2025-12-11/a3",
                  "s-bakker", "kbg-1", "De woonstichting biedt een pand aan."):
        assert shown in dry

    run("--repo", str(example), "--today", TODAY, "--lang", lang, "sheet", "read", MEETING,
        str(sheet))
    assert commit_count(example.parent) == commits + 1
    assert git(example.parent, "log", "-1", "--format=%s").strip() == \
        f"meeting {MEETING}: recorded from the sheet"
    changed = git(example.parent, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == ["meetings/meetings/2025-09-11.toml",
                               "meetings/meetings/2025-12-11.toml",
                               f"meetings/meetings/{MEETING}.toml"]
    assert path.read_text(encoding="utf-8").startswith("# Kwartaaloverleg 12 maart 2026")
    data = _load(path)
    assert data["present"] == ["m-jansen", "roos", "kbg-1"] and data["online"] == ["kbg-1"]
    assert data["excused"] == ["w-smit"]
    closed_note = next(n for n in data["note"] if n["text"].startswith("De woonstichting"))
    assert closed_note["item"] == "p4" and closed_note["closed"] is True
    assert [d["text"] for d in data["decision"]] == ["We schrijven samen een brief."]
    action = data["action"][0]
    assert (action["title"], action["owner"], action["with"], str(action["due"]),
            action["item"]) == ("Flyer voor buren", "roos", ["m-jansen"], "2026-05-01", "p1")
    done = next(a for a in _load(example / "meetings" / "2025-12-11.toml")["action"]
                if a["id"] == "a3")
    assert done["status"] == "done" and done["history"][-1]["by"] == "l-demir"
    handed = next(a for a in _load(example / "meetings" / "2025-09-11.toml")["action"]
                  if a["id"] == "a1")
    assert handed["owner"] == "s-bakker"

    internal = run("--repo", str(example), "--lang", lang, "minutes", MEETING).output
    for text in ("De Eerste Kamer stelt de behandeling uit.", "De woonstichting biedt",
                 "We schrijven samen een brief.", "Flyer voor buren"):
        assert text in internal
    public = run("--repo", str(example), "--lang", lang, "minutes", MEETING, "--public").output
    assert "Flyer voor buren" in public
    for hidden in ("De woonstichting biedt", "Mila", "Non-profit werkplek", "16.80"):
        assert hidden not in public

    after = _snapshot(example)
    again = run("--repo", str(example), "--today", TODAY, "--lang", lang, "sheet", "read",
                MEETING, str(sheet)).output
    assert "nothing new" in again or "niets nieuws" in again
    assert _snapshot(example) == after and commit_count(example.parent) == commits + 1


def test_an_edited_sheet_records_only_the_difference(example: Path, run: Run) -> None:
    sheet = _sheet(example, run)
    _fill(sheet, NL)
    run("--repo", str(example), "--today", TODAY, "sheet", "read", MEETING, str(sheet))
    replace_in(sheet, "De Eerste Kamer stelt de behandeling uit.",
               "De Eerste Kamer stelt de behandeling uit.\nEen tweede notitie.")
    run("--repo", str(example), "--today", TODAY, "sheet", "read", MEETING, str(sheet))
    notes = _load(example / "meetings" / f"{MEETING}.toml")["note"]
    assert [n["text"] for n in notes].count("De Eerste Kamer stelt de behandeling uit.") == 1
    assert "Een tweede notitie." in [n["text"] for n in notes]


def test_a_regenerated_sheet_reads_back_as_nothing_new(example: Path, run: Run) -> None:
    sheet = _sheet(example, run)
    _fill(sheet, NL)
    run("--repo", str(example), "--today", TODAY, "sheet", "read", MEETING, str(sheet))
    fresh = _sheet(example, run)
    assert "De Eerste Kamer stelt de behandeling uit." in fresh.read_text(encoding="utf-8")
    assert "(besloten)" in fresh.read_text(encoding="utf-8")
    result = run("--repo", str(example), "--today", TODAY, "sheet", "read", MEETING, str(fresh))
    assert "nothing new" in result.output or "niets nieuws" in result.output


def test_the_shipped_sheet_matches_its_meeting(example: Path, run: Run) -> None:
    shipped = EXAMPLE / "sheets" / "2025-12-11.md"
    assert shipped.is_file()
    before, commits = _snapshot(example), commit_count(example.parent)
    result = run("--repo", str(example), "sheet", "read", "2025-12-11", str(shipped))
    assert "nothing new" in result.output or "niets nieuws" in result.output
    assert _snapshot(example) == before and commit_count(example.parent) == commits


def _refused(example: Path, run: Run, sheet: Path, *needles: str,
             meeting: str = MEETING) -> str:
    before, commits = _snapshot(example), commit_count(example.parent)
    result = run("--repo", str(example), "--today", TODAY, "sheet", "read", meeting, str(sheet),
                 expect=1)
    assert _snapshot(example) == before and commit_count(example.parent) == commits
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, (needle, result.output)
    return result.output


def test_unknown_names_impossible_dates_and_stray_headings_are_refused_with_their_lines(
        example: Path, run: Run) -> None:
    sheet = _sheet(example, run)
    _fill(sheet, NL)
    replace_in(sheet, "Roos, Marieke Jansen — 1 mei", "Roos, Marieke Jansen — 31 februari")
    replace_in(sheet, "- [e] Wim Smit", "- [e] Wim Smit\n- [x] Bertus")
    replace_in(sheet, "## 9. ", "## 42. Iets anders\n\nEen notitie.\n\n## 9. ")
    lines = [line_with(sheet, "31 februari"), line_with(sheet, "Bertus"),
             line_with(sheet, "## 42.")]
    _refused(example, run, sheet, *(f"{sheet}:{n}" for n in lines))


def test_an_ambiguous_name_and_an_unreadable_date_are_refused(example: Path, run: Run) -> None:
    replace_in(example / "people.toml", 'name = "Jade"', 'name = "Jade"\naliases = ["Roos"]')
    git(example.parent, "commit", "-qam", "alias")
    sheet = _sheet(example, run)
    _fill(sheet, NL)
    replace_in(sheet, "— 1 mei", "— 1/5")
    output = _refused(example, run, sheet, f"{sheet}:{line_with(sheet, '1/5')}")
    assert "kbg-2" in output and "roos" in output


def test_contact_details_in_the_sheet_are_refused_before_anything_is_written(
        example: Path, run: Run) -> None:
    sheet = _sheet(example, run)
    _fill(sheet, NL)
    replace_in(sheet, "De Eerste Kamer stelt", "Bel 06-12345678 of mail iemand@example.com; "
               "De Eerste Kamer stelt")
    _refused(example, run, sheet, f"{sheet}:{line_with(sheet, '06-12345678')}")


def test_a_sheet_cannot_change_approved_minutes(example: Path, run: Run) -> None:
    sheet = example.parent / "old.md"
    run("--repo", str(example), "sheet", "2025-09-11", "--output", str(sheet))
    text = sheet.read_text(encoding="utf-8")
    first_note = next(line for line in text.splitlines()[text.splitlines().index("## 1. Opening"):]
                      if line and not line.startswith(("#", ">", "-", "Besluit", "Actie")))
    sheet.write_text(text.replace(first_note + "\n", ""), encoding="utf-8")
    output = _refused(example, run, sheet, "2025-09-11", meeting="2025-09-11")
    assert "approved" in output or "goedgekeurd" in output


def test_the_sheet_is_internal_and_numbered_like_the_agenda(example: Path, run: Run) -> None:
    text = _sheet(example, run).read_text(encoding="utf-8")
    agenda = run("--repo", str(example), "--today", TODAY, "agenda", MEETING).output
    assert text.startswith("**Vertrouwelijk")
    assert "(besloten)" in text and "Mila (kbg-1)" in text
    for number in re.findall(r"^#{2,3} (\d+(?:\.\d+)*)\.", text, re.MULTILINE):
        assert number in agenda


def test_a_hidden_name_in_an_open_note_is_refused_at_its_line(example: Path, run: Run) -> None:
    sheet = _sheet(example, run)
    _fill(sheet, NL)
    replace_in(sheet, "De Eerste Kamer stelt de behandeling uit.",
               "Mila vertelt over de controles.")
    replace_in(sheet, "De woonstichting biedt een pand aan.",
               "Mila kent het pand.")  # under the closed item: allowed
    output = _refused(example, run, sheet, f"{sheet}:{line_with(sheet, 'Mila vertelt')}")
    assert f"{sheet}:{line_with(sheet, 'Mila kent')}" not in output


def test_a_sheet_written_before_the_agenda_changed_is_refused(example: Path, run: Run) -> None:
    """Item 6 was closed when the sheet was written; after a new item and a reordering, 6 is
    an open one. A line meant for the closed item must not land in the public minutes."""
    sheet = _sheet(example, run)
    closed = re.search(r"^## 6\. .*$", sheet.read_text(encoding="utf-8"), re.MULTILINE)
    assert closed and "(besloten)" in closed.group(0)
    base = ("--repo", str(example), "--today", TODAY)
    run(*base, "propose", "Spreekuur", "--by", "l-demir", "--meeting", MEETING,
        "--under", "beleid")
    run(*base, "item", "set", MEETING, "p2", "--top")
    replace_in(sheet, closed.group(0), closed.group(0) + "\n\nHet pand kost 400.000 euro.")
    line = line_with(sheet, "## 6.")
    output = _refused(example, run, sheet, f"notes.md:{line}", "kwartaal sheet 2026-03-12")
    assert "400.000" not in run(*base, "minutes", MEETING, "--public", expect=None).output
    english = run(*base, "--lang", "en", "sheet", "read", MEETING, str(sheet), expect=1).output
    assert "the agenda changed after the sheet was written" in english
    assert "agenda" in output


def test_a_heading_marked_closed_records_its_lines_closed(example: Path, run: Run) -> None:
    sheet = _sheet(example, run)
    law = re.search(r"^### 4\.1\. .*$", sheet.read_text(encoding="utf-8"), re.MULTILINE)
    assert law and "(besloten)" not in law.group(0)
    replace_in(sheet, law.group(0), law.group(0) + " (besloten)\n\nDe verhuurder noemde een "
               "adres.\nBesluit: Alleen intern bespreken.")
    run("--repo", str(example), "--today", TODAY, "sheet", "read", MEETING, str(sheet))
    recorded = _load(example / "meetings" / f"{MEETING}.toml")
    note = next(n for n in recorded["note"] if n["text"].startswith("De verhuurder"))
    decision = next(d for d in recorded["decision"] if d["text"].startswith("Alleen intern"))
    assert note["closed"] is True and decision["closed"] is True
    public = run("--repo", str(example), "--today", TODAY, "minutes", MEETING, "--public",
                 expect=None).output
    assert "verhuurder" not in public and "Alleen intern" not in public


def test_another_meetings_sheet_is_refused(example: Path, run: Run) -> None:
    sheet = example.parent / "old.md"
    shipped = (example / "sheets" / "2025-12-11.md").read_text(encoding="utf-8")
    sheet.write_text(re.sub(r"(?m)^Actie:.*\n", "", shipped), encoding="utf-8")
    line = line_with(sheet, "# Aantekeningen")
    _refused(example, run, sheet, f"old.md:{line}", "11 december 2025", "kwartaal sheet")
