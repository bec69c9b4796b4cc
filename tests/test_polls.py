"""Date polls: poll new, poll answer, poll show, poll send, meeting new --from-poll, and check
of poll files; the best-slot rule as properties.

Everything runs through the command line on real git repositories (the shipped example, whose
polls/2026-06-09.toml has answers from several people, two of them shown by role only)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import json
from email import policy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwartaal.core import polls as pl
from kwartaal.files.loader import load_checked

from .conftest import (
    EXAMPLE,
    EXAMPLE_TODAY,
    Run,
    assert_refused,
    commit_count,
    git,
    line_with,
    replace_in,
)

HIDDEN = ["Mila", "Jade"]  # the names of the two people shown by role only
POLL = "2026-06-09"


def cli(run: Run, example: Path, *args: str, lang: str = "nl", today: str = EXAMPLE_TODAY,
        expect: int | None = 0) -> str:
    return run("--repo", str(example), "--today", today, "--lang", lang, *args,
               expect=expect).output


def poll_file(example: Path, poll_id: str = POLL) -> str:
    return (example / "polls" / f"{poll_id}.toml").read_text(encoding="utf-8")


# -- poll new ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_poll_new_writes_one_file_in_one_commit_with_slots_in_date_order(
        example: Path, run: Run, lang: str) -> None:
    repo = example.parent
    before = commit_count(repo)
    out = cli(run, example, "poll", "new", "--slots", "2026-09-15 19:30", "2026-09-08 19:00",
              "--slot", "2026-09-12 14:00", "--deadline", "2026-08-01", "--title",
              "Overleg september", lang=lang)
    assert commit_count(repo) == before + 1
    text = poll_file(example, "2026-09-08")
    assert text.index("2026-09-08") < text.index("2026-09-12") < text.index("2026-09-15")
    assert 'title = "Overleg september"' in text and "deadline = 2026-08-01" in text
    assert "created_by = \"l-demir\"" in text  # no KWARTAAL_ME: the secretary
    assert ("peiling 2026-09-08 gestart" if lang == "nl" else "started poll 2026-09-08") in out
    assert "polls/2026-09-08.toml" in git(repo, "show", "--stat", "HEAD")
    # a second poll that starts on the same day gets its own file
    cli(run, example, "poll", "new", "2026-09-08 19:30", lang=lang)
    assert (example / "polls" / "2026-09-08-2.toml").is_file()


@pytest.mark.parametrize(("slots", "says_nl", "says_en"), [
    (("2026-06-09 7pm",), "is geen moment; schrijf een datum en een tijd als JJJJ-MM-DD UU:MM",
     "is not a slot; write a date and a time as YYYY-MM-DD HH:MM"),
    (("2026-02-30 19:00",), "is geen moment", "is not a slot"),
    (("2026-01-10 19:00",), "ligt in het verleden", "is in the past"),
    (("2026-06-09 19:00", "2026-06-09  19:00"), "twee keer", "given twice"),
    ((), "geef minstens één moment", "give at least one slot"),
])
def test_poll_new_refuses_what_is_no_slot(example: Path, run: Run, slots: tuple[str, ...],
                                          says_nl: str, says_en: str) -> None:
    for lang, says in (("nl", says_nl), ("en", says_en)):
        assert_refused(lambda lang=lang: cli(run, example, "poll", "new", *slots, lang=lang,
                                             expect=1),
                       example.parent, says)


def test_poll_new_refuses_a_deadline_after_the_first_slot(example: Path, run: Run) -> None:
    assert_refused(lambda: cli(run, example, "poll", "new", "2026-06-20 19:00", "--deadline",
                               "2026-07-01", lang="en", expect=1),
                   example.parent, "falls after the first slot")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_office_hours_are_warned_about_when_made_and_by_check(example: Path, run: Run,
                                                             lang: str) -> None:
    out = cli(run, example, "poll", "new", "2026-09-08 10:00", "2026-09-09 14:30", lang=lang)
    assert ("tussen 09:00 en 17:00" if lang == "nl" else "between 09:00 and 17:00") in out
    checked = cli(run, example, "check", lang=lang)
    assert "polls/2026-09-08.toml:1:" in checked
    assert ("0 fouten, 1 waarschuwing" if lang == "nl" else "0 errors, 1 warning") in checked
    # one evening slot is enough: nothing to warn about
    quiet = cli(run, example, "poll", "new", "2026-10-06 10:00", "2026-10-07 19:30", lang=lang)
    assert "17:00" not in quiet


# -- poll answer ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_answer_is_entered_and_a_second_one_replaces_it(example: Path, run: Run,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           lang: str) -> None:
    repo = example.parent
    before = commit_count(repo)
    cli(run, example, "poll", "answer", "t-elkaddouri", "--yes", "1,3", "--maybe", "2",
        "--no", "4", lang=lang)
    assert commit_count(repo) == before + 1
    text = poll_file(example)
    entry = text[text.index('person = "t-elkaddouri"'):]
    assert "yes = [1, 3]" in entry and "maybe = [2]" in entry and "no = [4]" in entry
    assert 'entered_by = "l-demir"' in entry  # no KWARTAAL_ME: the secretary
    monkeypatch.setenv("KWARTAAL_ME", "t-elkaddouri")
    out = cli(run, example, "poll", "answer", "t-elkaddouri", "--no", "1,2,3,4", POLL,
              lang=lang)
    assert ("vervangt het antwoord" if lang == "nl" else "replaces the answer") in out
    text = poll_file(example)
    assert text.count('person = "t-elkaddouri"') == 1
    entry = text[text.index('person = "t-elkaddouri"'):]
    assert "no = [1, 2, 3, 4]" in entry and "yes" not in entry.split("[[")[0]
    assert 'entered_by = "t-elkaddouri"' in entry
    assert "0 errors, 0 warnings" in cli(run, example, "check", lang="en")


@pytest.mark.parametrize(("args", "says_nl", "says_en"), [
    (("nobody", "--yes", "1"), "onbekende persoon 'nobody'", "unknown person 'nobody'"),
    (("roos", "--yes", "5"), "'5' is geen nummer van een moment",
     "'5' is not a slot number"),
    (("roos", "--yes", "0"), "'0' is geen nummer", "'0' is not a slot number"),
    (("roos", "--yes", "1,2", "--no", "2"), "moment 2 staat zowel bij --yes als bij --no",
     "slot 2 is in both --yes and --no"),
    (("roos",), "geef de nummers van de momenten", "give the slot numbers"),
    (("roos", "--yes", "1", "2099-01-01"), "geen peiling '2099-01-01'", "no poll '2099-01-01'"),
])
def test_an_answer_that_cannot_be_right_is_refused(example: Path, run: Run,
                                                   args: tuple[str, ...], says_nl: str,
                                                   says_en: str) -> None:
    for lang, says in (("nl", says_nl), ("en", says_en)):
        assert_refused(lambda lang=lang: cli(run, example, "poll", "answer", *args, lang=lang,
                                             expect=1),
                       example.parent, says)


def test_a_person_who_left_cannot_answer(example: Path, run: Run) -> None:
    replace_in(example / "people.toml", "[w-smit]\n", "[w-smit]\nleft = 2026-01-01\n")
    git(example.parent, "commit", "-qam", "w-smit left")
    assert_refused(lambda: cli(run, example, "poll", "answer", "w-smit", "--yes", "1",
                               lang="en", expect=1), example.parent, "w-smit left on 2026-01-01")
    # the grid keeps their earlier answer, but it no longer counts
    shown = cli(run, example, "poll", "show", lang="en")
    assert "Wim Smit" in shown
    counted = json.loads(cli(run, example, "poll", "show", "--json", lang="en"))
    assert counted["slots"][0]["maybe"] == 0  # his maybe no longer counts


def test_answers_after_the_deadline_need_force(example: Path, run: Run) -> None:
    late = "2026-03-13"
    for lang, says in (("nl", "geef --force"), ("en", "pass --force")):
        assert_refused(lambda lang=lang: cli(run, example, "poll", "answer", "n-hendriks",
                                             "--yes", "2", lang=lang, today=late, expect=1),
                       example.parent, says)
    cli(run, example, "poll", "answer", "n-hendriks", "--yes", "2", "--force", today=late)
    assert 'person = "n-hendriks"' in poll_file(example)


# -- poll show -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_grid_shows_who_can_come_when_and_the_best_slot(example: Path, run: Run,
                                                            lang: str) -> None:
    out = cli(run, example, "poll", "show", lang=lang)
    row = next(line for line in out.splitlines() if line.startswith("Marieke Jansen"))
    assert row.split()[2:] == ["✓", "✓", "✗", "✓"]
    yara = next(line for line in out.splitlines() if line.startswith("Yara"))
    assert yara.split()[1:] == ["✓", "✓", "✓"]  # slot 4 unanswered: blank
    role = "lid van de klankbordgroep" if lang == "nl" else "member of the advisory group"
    assert f"{role} (kbg-1)" in out and f"{role} (kbg-2)" in out
    for name in HIDDEN:
        assert name not in out
    # slot 1 has the most yes, but one seat cannot come; slot 2 all seats and core
    # organisations can
    assert ("beste moment: 2, 2026-06-11 19:00" if lang == "nl"
            else "best slot: 2, 2026-06-11 19:00") in out


def test_the_json_names_no_one_by_a_hidden_name(example: Path, run: Run) -> None:
    out = cli(run, example, "poll", "show", "--json", lang="en")
    for name in HIDDEN:
        assert name not in out
    data = json.loads(out)
    assert data["best"] == 2 and data["open"] and data["chosen"] is None
    first, second = data["slots"][:2]
    assert (first["yes"], first["everyone_needed"]) == (8, False)
    assert (second["yes"], second["maybe"], second["everyone_needed"]) == (7, 2, True)
    names = [p["name"] for p in data["people"]]
    assert "member of the advisory group (kbg-1)" in names and "Roos" in names
    roos = next(p for p in data["people"] if p["name"] == "Roos")
    assert roos["answers"] == {"1": "yes", "2": "yes", "3": "yes", "4": "yes"}


def test_a_role_only_id_that_holds_a_hidden_name_is_not_shown(example: Path, run: Run) -> None:
    for old in ("kbg-1", "kbg-2"):
        new = "mila" if old == "kbg-1" else old
        for name in ("people.toml", "kwartaal.toml", "polls/2026-06-09.toml",
                     *[f"meetings/{p.name}" for p in (example / "meetings").iterdir()]):
            path = example / name
            path.write_text(path.read_text(encoding="utf-8").replace(f'"{old}"', f'"{new}"')
                            .replace(f"[{old}]", f"[{new}]"), encoding="utf-8")
    out = cli(run, example, "poll", "show", "--json", lang="en")
    assert "mila" not in out.lower()
    assert "member of the advisory group (1)" in out


# -- meeting new --from-poll ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_meeting_is_planned_from_the_best_slot_and_the_poll_closed_in_one_commit(
        example: Path, run: Run, lang: str) -> None:
    repo = example.parent
    before = commit_count(repo)
    out = cli(run, example, "meeting", "new", "--from-poll", lang=lang)
    assert commit_count(repo) == before + 1
    assert "2026-06-11" in out
    meeting = (example / "meetings" / "2026-06-11.toml").read_text(encoding="utf-8")
    assert 'time = "19:00"' in meeting
    text = poll_file(example)
    assert "chosen = 2" in text and 'meeting = "2026-06-11"' in text
    assert f"closed = {EXAMPLE_TODAY}" in text
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == ["meetings/meetings/2026-06-11.toml",
                               "meetings/polls/2026-06-09.toml"]
    assert "0 errors, 0 warnings" in cli(run, example, "check", lang="en")
    # a closed poll is no longer the open one, nor can a meeting be made from it again
    assert_refused(lambda: cli(run, example, "meeting", "new", "--from-poll", POLL, lang=lang,
                               expect=1), repo, "2026-06-11")
    shown = cli(run, example, "poll", "show", POLL, lang="en")
    assert "chosen: slot 2, 2026-06-11 19:00 (meeting 2026-06-11)" in shown


def test_a_chosen_slot_gives_its_place_and_format(example: Path, run: Run) -> None:
    replace_in(example / "polls" / f"{POLL}.toml", 'format = "in-person"',
               'format = "in-person"\nplace = "Buurthuis De Brug"')
    git(example.parent, "commit", "-qam", "place")
    cli(run, example, "meeting", "new", "--from-poll", POLL, "--slot", "3", lang="en")
    meeting = (example / "meetings" / "2026-06-13.toml").read_text(encoding="utf-8")
    assert 'place = "Buurthuis De Brug"' in meeting and 'format = "in-person"' in meeting
    assert 'time = "14:00"' in meeting


def test_from_poll_refuses_what_does_not_fit(example: Path, run: Run) -> None:
    repo = example.parent
    assert_refused(lambda: cli(run, example, "meeting", "new", "--from-poll", "--slot", "9",
                               lang="en", expect=1), repo, "the poll has slots 1-4")
    assert_refused(lambda: cli(run, example, "meeting", "new", "--from-poll", "--date",
                               "2026-06-11", lang="nl", expect=1), repo,
                   "laat --date en --time weg")
    assert_refused(lambda: cli(run, example, "meeting", "new", "--slot", "2", lang="en",
                               expect=1), repo, "--slot goes with --from-poll")
    cli(run, example, "poll", "new", "2026-09-08 19:30", lang="en")
    assert_refused(lambda: cli(run, example, "poll", "show", lang="en", expect=1), repo,
                   "several polls are open (2026-06-09, 2026-09-08)")


# -- poll send -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_poll_is_written_as_one_message_per_person(example: Path, run: Run, tmp_path: Path,
                                                       lang: str) -> None:
    folder = tmp_path / "prikker"
    out = cli(run, example, "poll", "send", "--format", "eml", "--output", str(folder),
              lang=lang)
    files = sorted(p.name for p in folder.iterdir())
    pass_on = "doorgeven" if lang == "nl" else "pass-on"
    assert f"kbg-1.{pass_on}.eml" in files and "roos.txt" in files and "yara.eml" in files
    assert len(files) == 14
    assert ("14 berichten geschreven" if lang == "nl" else "wrote 14 messages") in out
    for path in folder.iterdir():
        data = path.read_bytes()
        if path.suffix == ".txt":
            subject, _, text = data.decode().partition("\n\n")
        else:
            message = email.message_from_bytes(data, policy=policy.default)
            subject, text = str(message["Subject"]), message.get_content()
        assert "sekswerk" not in subject.lower() and "Kwartaaloverleg Voorbeeldstad" in subject
        for name in HIDDEN:
            assert name not in subject and name not in text
        assert "1." in text and "4." in text
    yara = email.message_from_bytes((folder / "yara.eml").read_bytes(), policy=policy.default)
    body = yara.get_content()
    assert "Dear Yara" in body and "Thursday 11 June 2026, 19:00" in body  # her language
    assert "Beste Leyla Demir" in body  # the note for the contact who passes it on
    dutch = email.message_from_bytes((folder / "m-jansen.eml").read_bytes(),
                                     policy=policy.default).get_content()
    assert "donderdag 11 juni 2026, 19:00 uur" in dutch and "Graag uiterlijk" in dutch


def test_a_closed_poll_is_not_sent(example: Path, run: Run, tmp_path: Path) -> None:
    cli(run, example, "meeting", "new", "--from-poll", lang="en")
    cli(run, example, "poll", "send", POLL, "--output", str(tmp_path / "x"), lang="en",
        expect=1)
    assert not (tmp_path / "x").exists()


# -- check ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "key", "says"), [
    ('person = "kbg-2"', 'person = "kbg-9"', "kbg-9", "unknown person 'kbg-9'"),
    ("yes = [2, 3]\nno = [1, 4]", "yes = [2, 7]\nno = [1, 4]", "yes = [2, 7]",
     "names slot 7, but the poll has 4 slots"),
    ("yes = [2, 3]\nno = [1, 4]", "yes = [2, 3]\nno = [3, 4]", "no = [3, 4]",
     "slot 3 is in both 'no' and 'yes'"),
    ('time = "14:00"', 'time = "2 uur"', '"2 uur"', "'time' must be"),
    ('title = "Overleg juni 2026"', 'titel = "Overleg juni 2026"', "titel",
     "unknown key 'titel'"),
])
def test_check_names_file_line_and_what_to_do(example: Path, run: Run, old: str, new: str,
                                               key: str, says: str) -> None:
    path = example / "polls" / f"{POLL}.toml"
    replace_in(path, old, new)
    out = cli(run, example, "check", lang="en", expect=1)
    line = line_with(path, key)
    assert any(f"polls/{POLL}.toml:{line}: error:" in row and says in row
               for row in out.splitlines()), out
    # commands that read polls refuse with the same place
    shown = cli(run, example, "poll", "show", lang="en", expect=1)
    assert f"{POLL}.toml" in shown


# -- the best-slot rule --------------------------------------------------------------------------

BODY = load_checked(EXAMPLE)
TODAY = dt.date(2026, 1, 15)
PEOPLE = list(BODY.people)
SLOTS = [pl.Slot(date=dt.date(2026, 6, d), time="19:30", src=BODY.config.src)
         for d in (2, 4, 9, 11)]
WORDS = st.sampled_from(["yes", "maybe", "no", ""])


def make_poll(answers: dict[str, list[str]]) -> pl.Poll:
    rows = []
    for pid, said in answers.items():
        lists: dict[str, list[int]] = {"yes": [], "maybe": [], "no": []}
        for number, word in enumerate(said, start=1):
            if word:
                lists[word].append(number)
        rows.append(pl.Answer(person=pid, entered_by=pid, entered=TODAY, src=BODY.config.src,
                              **lists))
    return pl.Poll(id="2026-06-02", slots=SLOTS, answers=rows, src=BODY.config.src)


answer_sets = st.dictionaries(st.sampled_from(PEOPLE), st.lists(WORDS, min_size=4, max_size=4),
                              max_size=len(PEOPLE))


@settings(derandomize=True, max_examples=60, deadline=None)
@given(answer_sets, st.sampled_from(PEOPLE), st.integers(1, 4))
def test_adding_a_yes_never_makes_a_slot_worse(answers: dict[str, list[str]], pid: str,
                                               number: int) -> None:
    before = pl.tally(BODY, make_poll(answers), TODAY)
    said = list(answers.get(pid, ["", "", "", ""]))
    said[number - 1] = "yes"
    after = pl.tally(BODY, make_poll({**answers, pid: said}), TODAY)
    counts = (len(before.seats), len(before.organisations))
    assert after.of(number).key(*counts) >= before.of(number).key(*counts)
    if before.best == number:
        assert after.best == number


@settings(derandomize=True, max_examples=60, deadline=None)
@given(answer_sets)
def test_a_slot_everyone_needed_can_come_to_beats_an_equal_one(
        answers: dict[str, list[str]]) -> None:
    needed = set(pl.seats(BODY, TODAY)) | {members[0] for members in
                                           pl.core_organisations(BODY, TODAY).values()}
    # slot 1: everyone needed says yes; slot 2: as many yes, but one seat says no
    said = {pid: list(answers.get(pid, ["", "", "", ""])) for pid in PEOPLE}
    for pid in PEOPLE:
        said[pid][0] = "yes" if pid in needed else said[pid][0]
    yes_count = sum(1 for pid in PEOPLE if said[pid][0] == "yes")
    seat = pl.seats(BODY, TODAY)[0]
    others = [pid for pid in PEOPLE if pid != seat]
    for index, pid in enumerate(others):
        said[pid][1] = "yes" if index < yes_count else "no"
    said[seat][1] = "no"
    for pid in PEOPLE:
        if said[pid][0] == "maybe":
            said[pid][0] = "no"
        said[pid][2] = said[pid][3] = "no"
    result = pl.tally(BODY, make_poll(said), TODAY)
    assert result.of(1).everyone_needed and not result.of(2).everyone_needed
    assert len(result.of(2).yes) >= len(result.of(1).yes) - 1
    assert result.best == 1


def test_the_rule_is_spelled_out_the_same_in_the_docs() -> None:
    docs = " ".join((EXAMPLE.parent / "docs" / "format.md").read_text(encoding="utf-8").split())
    assert "every person who holds a sex worker's seat" in docs
    assert "a maybe counts half" in docs
    assert dataclasses.is_dataclass(pl.Poll)


def test_what_check_would_reject_is_not_written(example: Path) -> None:
    """A write that would put an error into a poll file is refused by the write check, as one
    into a meeting file is; nothing is written or committed."""
    from kwartaal.core.problems import KwartaalError
    from kwartaal.edit.change import Change
    from kwartaal.edit.pipeline import run_change
    from kwartaal.files import store

    path = example / "polls" / f"{POLL}.toml"
    before, commits = path.read_text(encoding="utf-8"), commit_count(example.parent)

    def edit(body: object) -> Change:
        store.write_body_file(path, before.replace('time = "14:00"', 'time = "2 uur"'), before)
        return Change([path], "poll: a wrong time")

    with pytest.raises(KwartaalError) as refused:
        run_change(example, edit)
    assert "nothing was written" in refused.value.render("en")
    assert "'time' must be" in refused.value.render("en")
    assert path.read_text(encoding="utf-8") == before
    assert commit_count(example.parent) == commits


def test_a_meeting_is_not_made_from_a_poll_no_one_answered(example: Path, run: Run) -> None:
    cli(run, example, "poll", "new", "2026-09-08 19:30", "2026-09-10 19:30", lang="en")
    assert_refused(lambda: cli(run, example, "meeting", "new", "--from-poll", "2026-09-08",
                               lang="nl", expect=1), example.parent, "heeft nog niemand")
    cli(run, example, "meeting", "new", "--from-poll", "2026-09-08", "--slot", "2", lang="en")
    assert (example / "meetings" / "2026-09-10.toml").is_file()


# -- two clones answering at once ----------------------------------------------------------------

def test_answers_entered_in_two_clones_merge_by_person() -> None:
    """Two secretaries (or a person and the secretary) enter different people's answers in
    their own clones: the merge driver keeps both; one person's answer changed differently on
    both sides is a conflict for a person to settle."""
    import tomllib

    from kwartaal.vcs.merge import Conflict, merge_texts
    from kwartaal.vcs.sync import ATTRIBUTES

    assert "polls/*.toml merge=kwartaal" in ATTRIBUTES.splitlines()
    assert "polls/*.toml merge=kwartaal" in (EXAMPLE / ".gitattributes").read_text().split("\n")
    base = (EXAMPLE / "polls" / f"{POLL}.toml").read_text(encoding="utf-8")
    one = '\n[[answer]]\nperson = "{p}"\nyes = [{n}]\nentered_by = "l-demir"\n'
    ours = base + one.format(p="t-elkaddouri", n=1)
    theirs = base + one.format(p="a-verhoeven", n=2)
    merged = tomllib.loads(merge_texts(base, ours, theirs).text)
    people = [a["person"] for a in merged["answer"]]
    assert people.count("t-elkaddouri") == 1 and people.count("a-verhoeven") == 1
    assert len(people) == 12 and len(merged["slot"]) == 4
    with pytest.raises(Conflict):
        merge_texts(base, base.replace("yes = [2, 3]\nno = [1, 4]", "yes = [2]\nno = [1, 3, 4]"),
                    base.replace("yes = [2, 3]\nno = [1, 4]", "yes = [3]\nno = [1, 2, 4]"))


def _real_date_poll(run: Run, example: Path, slot: str, lang: str, today: str | None,
                    expect: int) -> str:
    given = ["--today", today] if today else []
    return run("--repo", str(example), *given, "--lang", lang, "poll", "new", slot,
               expect=expect).output


@pytest.mark.parametrize(("lang", "says"), [("nl", "maar dat tijdstip is al voorbij"),
                                            ("en", "but that time has passed")])
def test_poll_new_refuses_a_slot_earlier_today_when_today_is_the_real_date(
        example: Path, run: Run, lang: str, says: str) -> None:
    import datetime as dt

    today = dt.date.today().isoformat()
    assert_refused(lambda: _real_date_poll(run, example, f"{today} 00:00", lang, None, 1),
                   example.parent, says)
    # with today given, a slot on that day is judged by its date only
    _real_date_poll(run, example, f"{today} 00:00", lang, today, 0)
    assert (example / "polls" / f"{today}.toml").is_file()


def test_parse_slots_judges_the_time_only_with_the_clock() -> None:
    import datetime as dt

    from kwartaal.core.problems import KwartaalError
    from kwartaal.edit.polls import parse_slots

    day = dt.date(2026, 6, 9)
    now = dt.datetime(2026, 6, 9, 19, 30)
    assert parse_slots(["2026-06-09 19:31", "2026-06-10 08:00"], day, now) == [
        (day, "19:31"), (dt.date(2026, 6, 10), "08:00")]
    for passed in ("2026-06-09 19:30", "2026-06-09 09:00"):
        with pytest.raises(KwartaalError, match="that time has passed"):
            parse_slots([passed], day, now)
    assert parse_slots(["2026-06-09 09:00"], day) == [(day, "09:00")]
