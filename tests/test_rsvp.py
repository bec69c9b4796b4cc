"""Replies before a meeting (attend --expected / --declined): recorded on the meeting, refused
once it was held, turned into apologies when it is held; the agenda says who declined (the
public one only as the naming rules allow), and the calendar lists as attendees only named
people who chose e-mail and whose address the body keeps."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run, assert_refused, commit_count, replace_in

NEXT = "2026-03-12"  # planned; the example has replies: expected m-jansen, roos, p-devries;
HELD = "2025-12-11"  # declined w-smit, kbg-1
LANGS = ("nl", "en")
FORMATS = ("text", "md", "html", "json")


def _k(run: Run, body: Path, *args: str, lang: str = "en", expect: int = 0,
       today: str = EXAMPLE_TODAY) -> str:
    out = run("--repo", str(body), "--today", today, "--lang", lang, *args,
              expect=expect).output
    assert "Traceback" not in out, out
    return out


def _meeting(body: Path, meeting: str = NEXT) -> dict[str, Any]:
    with (body / "meetings" / f"{meeting}.toml").open("rb") as handle:
        return tomllib.load(handle)


# -- recording replies -------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "says"), [
    ("nl", "vergadering 2026-03-12: antwoord 'afgezegd' vastgelegd voor s-bakker, kbg-2"),
    ("en", "meeting 2026-03-12: reply 'declined' recorded for s-bakker, kbg-2"),
])
def test_a_reply_is_recorded_and_a_new_one_replaces_it(lang: str, says: str, example: Path,
                                                       run: Run) -> None:
    commits = commit_count(example.parent)
    out = _k(run, example, "attend", NEXT, "s-bakker", "kbg-2", "--declined", lang=lang)
    assert says in out
    assert commit_count(example.parent) == commits + 1
    data = _meeting(example)
    assert data["declined"] == ["w-smit", "kbg-1", "s-bakker", "kbg-2"]
    assert data["expected"] == ["m-jansen", "roos", "p-devries"]
    # changing one's mind moves the reply; nothing else in the file changes
    before = (example / "meetings" / f"{NEXT}.toml").read_text(encoding="utf-8")
    _k(run, example, "attend", NEXT, "kbg-1", "--expected", lang=lang)
    data = _meeting(example)
    assert data["declined"] == ["w-smit", "s-bakker", "kbg-2"]
    assert data["expected"] == ["m-jansen", "roos", "p-devries", "kbg-1"]
    after = (example / "meetings" / f"{NEXT}.toml").read_text(encoding="utf-8")
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert [line.split(" =")[0] for line in changed] == ["expected", "declined"]
    assert "# antwoorden vooraf" in after  # comments stay
    _k(run, example, "check", "--strict")


@pytest.mark.parametrize(("lang", "meeting", "args", "says"), [
    ("nl", HELD, ("roos", "--declined"),
     "vergadering 2025-12-11 is gehouden; een antwoord is voor een vergadering die nog komt. "
     "Leg vast wie er was met 'kwartaal attend 2025-12-11 PERSOON --present'"),
    ("en", HELD, ("roos", "--expected"),
     "meeting 2025-12-11 was held; a reply is for a meeting still to come. Record who came "
     "with 'kwartaal attend 2025-12-11 PERSON --present'"),
    ("en", NEXT, ("nobody", "--declined"), "unknown person 'nobody'"),
    ("nl", NEXT, ("roos", "--declined", "--online"), "--online hoort bij --present"),
    ("en", NEXT, ("roos",), "choose --present, --excused or --absent (after the meeting), or "
                           "--expected or --declined (before it)"),
    ("nl", NEXT, ("roos",), "kies --present, --excused of --absent (na de vergadering), of "
                           "--expected of --declined (ervoor)"),
])
def test_a_reply_that_does_not_fit_is_refused(lang: str, meeting: str, args: tuple[str, ...],
                                              says: str, example: Path, run: Run) -> None:
    assert_refused(lambda: _k(run, example, "attend", meeting, *args, lang=lang, expect=1),
                   example.parent, says)


@pytest.mark.parametrize(("lang", "says"), [
    ("nl", "vergadering 2026-03-12 is afgelast; er valt niets op te antwoorden"),
    ("en", "meeting 2026-03-12 is cancelled; there is nothing to reply to"),
])
def test_no_reply_to_a_cancelled_meeting(lang: str, says: str, example: Path, run: Run) -> None:
    _k(run, example, "meeting", "cancel", NEXT, "--reason", "zaal niet beschikbaar")
    assert_refused(lambda: _k(run, example, "attend", NEXT, "roos", "--expected", lang=lang,
                              expect=1), example.parent, says)


@pytest.mark.parametrize(("lang", "says"), [
    ("nl", "als afgemeld vastgelegd, omdat ze hadden afgezegd: kbg-1"),
    ("en", "recorded as excused, since they declined: kbg-1"),
])
def test_held_turns_a_declined_reply_into_apologies(lang: str, says: str, example: Path,
                                                     run: Run) -> None:
    # w-smit declined but came after all, and was recorded so on the day
    _k(run, example, "attend", NEXT, "w-smit", "--present", lang=lang, today=NEXT)
    out = _k(run, example, "meeting", "held", NEXT, lang=lang, today=NEXT)
    assert says in out
    data = _meeting(example)
    assert data["status"] == "held"
    assert data["excused"] == ["kbg-1"] and data["present"] == ["w-smit"]
    assert data["declined"] == ["w-smit", "kbg-1"]  # the replies stay as they were given
    assert "0 errors" in _k(run, example, "check", today=NEXT)  # (a feedback warning)
    # and then a reply is refused: what counts now is who came
    _k(run, example, "attend", NEXT, "roos", "--declined", lang=lang, today=NEXT, expect=1)
    # the attendance report counts the apologies
    report = json.loads(_k(run, example, "attendance", "--year", "2026", "--json", today=NEXT))
    roles = {row["key"]: row for row in report["roles"]}
    assert roles["lid van de klankbordgroep"]["present"] == 0
    assert roles["teamchef"]["present"] == 1


def test_check_reports_two_replies_and_unknown_people(example: Path, run: Run) -> None:
    path = example / "meetings" / f"{NEXT}.toml"
    replace_in(path, 'declined = ["w-smit", "kbg-1"]', 'declined = ["w-smit", "roos", "nemand"]')
    out = _k(run, example, "check", lang="en", expect=1)
    assert "'roos' is both expected and declined; keep one reply with 'kwartaal attend " \
           "2026-03-12 roos --expected' (or --declined)" in out
    assert "declined: unknown person 'nemand'" in out
    out = _k(run, example, "check", lang="nl", expect=1)
    assert "'roos' staat zowel bij verwacht als bij afgezegd" in out


# -- the agenda --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_agenda_says_who_declined(lang: str, fmt: str, run: Run) -> None:
    label = {"nl": "Afgezegd", "en": "Declined"}[lang]
    counted = {"nl": "één lid van de klankbordgroep",
               "en": "one member of the advisory group"}[lang]
    internal = _k(run, EXAMPLE, "agenda", NEXT, "--format", fmt, lang=lang)
    public = _k(run, EXAMPLE, "agenda", NEXT, "--format", fmt, "--public", lang=lang)
    if fmt == "json":
        inside, outside = json.loads(internal), json.loads(public)
        assert inside["declined"] == ["Wim Smit (Politie, wijkteam Centrum)", "Mila"]
        assert inside["declined_counted"] == []
        assert outside["declined"] == ["Wim Smit (Politie, wijkteam Centrum)"]
        assert outside["declined_counted"] == [counted]
        assert outside["expected"] == ["Marieke Jansen (Gemeente Voorbeeldstad)", "Roos",
                                       "Petra de Vries (GGD Voorbeeldregio)"]
        assert "Mila" not in public
        return
    line = next(x for x in internal.splitlines() if label in x)
    assert "Wim Smit (Politie, wijkteam Centrum)" in line and "Mila" in line
    line = next(x for x in public.splitlines() if label in x)
    assert "Wim Smit (Politie, wijkteam Centrum)" in line and counted in line
    assert "Mila" not in public


def test_an_agenda_without_replies_says_nothing_about_them(example: Path, run: Run) -> None:
    path = example / "meetings" / f"{NEXT}.toml"
    replace_in(path, 'declined = ["w-smit", "kbg-1"]\n', "")
    for lang, label in (("nl", "Afgezegd"), ("en", "Declined")):
        assert label not in _k(run, example, "agenda", NEXT, "--format", "md", lang=lang)


# -- the calendar ------------------------------------------------------------------------------

def _attendees(ics: bytes, meeting: str) -> dict[str, tuple[str, str]]:
    from icalendar import Calendar

    event = next(e for e in Calendar.from_ical(ics).walk("VEVENT")
                 if str(e["uid"]).startswith(meeting + "@"))
    found = event.get("attendee", [])
    found = found if isinstance(found, list) else [found]
    return {str(a): (str(a.params["CN"]), str(a.params["PARTSTAT"])) for a in found}


@pytest.mark.parametrize("lang", LANGS)
def test_the_calendar_lists_named_people_who_chose_email(lang: str, example: Path, run: Run,
                                                         tmp_path: Path) -> None:
    people = example / "people.toml"
    for name, address in (("Marieke Jansen", "m.jansen@voorbeeldstad.example"),
                          ("Wim Smit", "w.smit@politie.example"),
                          ("Sander Bakker", "s.bakker@voorbeeldstad.example"),
                          ("Frank Mulder", "f.mulder@woonstichting.example"),
                          ("Petra de Vries", "p.devries@ggd.example")):
        replace_in(people, f'name = "{name}"', f'name = "{name}"\nemail = "{address}"')
    # Petra keeps her address but wants documents by Signal: not an attendee
    replace_in(people, 'role = "verpleegkundige seksuele gezondheid"\ncore = true\n'
               'channel = "email"', 'role = "verpleegkundige seksuele gezondheid"\n'
               'core = true\nchannel = "signal"')
    # Frank has left before the meeting
    replace_in(people, 'role = "beleidsmedewerker wonen"',
               'role = "beleidsmedewerker wonen"\nleft = 2026-02-01')
    _k(run, example, "check", "--strict")
    out = tmp_path / "overleg.ics"
    _k(run, example, "calendar", "--output", str(out), lang=lang)
    raw = out.read_bytes()
    assert _attendees(raw, NEXT) == {
        "mailto:m.jansen@voorbeeldstad.example": ("Marieke Jansen", "ACCEPTED"),
        "mailto:w.smit@politie.example": ("Wim Smit", "DECLINED"),
        "mailto:s.bakker@voorbeeldstad.example": ("Sander Bakker", "NEEDS-ACTION"),
    }
    unfolded = re.sub(rb"\r\n[ \t]", b"", raw)
    assert b"p.devries@ggd.example" not in unfolded
    for hidden in (b"Mila", b"Jade", b"Roos", b"Yara"):
        assert hidden not in unfolded
    public = tmp_path / "openbaar.ics"
    _k(run, example, "calendar", "--public", "--output", str(public), lang=lang)
    assert b"ATTENDEE" not in public.read_bytes() and b"@voorbeeldstad" not in public.read_bytes()


# -- privacy, on generated bodies -------------------------------------------------------------

PEOPLE = ["m-jansen", "s-bakker", "h-visser", "l-demir", "yara", "roos", "kbg-1", "kbg-2",
          "p-devries", "t-elkaddouri", "w-smit", "a-verhoeven", "f-mulder", "n-hendriks"]
TODAY = dt.date(2026, 1, 15)

person_choices = st.tuples(
    st.sampled_from(["named", "working-name", "role-only"]),
    st.sampled_from(["email", "", "signal", "via-organisation"]),
    st.booleans(),  # an address kept
    st.sampled_from([None, "expected", "declined"]),
    st.booleans(),  # an alias
)


def _name(i: int) -> str:
    return f"Qz{chr(97 + i)}naam"


def _alias(i: int) -> str:
    return f"Qz{chr(97 + i)}bijnaam"


def _address(i: int) -> str:
    return f"post{i}x@example.org"


def _generated_body(root: Path, choices: list[tuple[str, str, bool, str | None, bool]]) -> None:
    shutil.copytree(EXAMPLE, root)
    with (root / "people.toml").open("rb") as handle:
        people = tomllib.load(handle)
    replies: dict[str, list[str]] = {"expected": [], "declined": []}
    for i, (pid, (visibility, channel, kept, answer, alias)) in enumerate(
            zip(PEOPLE, choices, strict=True)):
        person = people[pid]
        person.update(name=_name(i), visibility=visibility, channel=channel)
        person.pop("email", None)
        if kept:  # also on people who may not have one: check refuses it, rendering ignores it
            person["email"] = _address(i)
        if alias:
            person["aliases"] = [_alias(i)]
        if answer:
            replies[answer].append(pid)
    (root / "people.toml").write_text(tomlkit.dumps(people), encoding="utf-8")
    path = root / "meetings" / f"{NEXT}.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('expected = ["m-jansen", "roos", "p-devries"]',
                        f"expected = {json.dumps(replies['expected'])}")
    text = text.replace('declined = ["w-smit", "kbg-1"]',
                        f"declined = {json.dumps(replies['declined'])}")
    path.write_text(text, encoding="utf-8")


@settings(max_examples=25, deadline=None, derandomize=True)
@given(choices=st.lists(person_choices, min_size=len(PEOPLE), max_size=len(PEOPLE)),
       lang=st.sampled_from(LANGS))
def test_no_hidden_name_or_address_leaves_through_replies(
        choices: list[tuple[str, str, bool, str | None, bool]], lang: str) -> None:
    from kwartaal.documents.agenda import render_agenda
    from kwartaal.documents.calendar import calendar
    from kwartaal.files.loader import load

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "meetings"
        _generated_body(root, choices)
        body = load(root).body
        meeting = body.meeting(NEXT)
        assert meeting is not None
        hidden = [_name(i) for i, c in enumerate(choices) if c[0] == "role-only"]
        hidden += [_alias(i) for i, c in enumerate(choices) if c[4] and c[0] != "named"]
        not_named = [_name(i) for i, c in enumerate(choices) if c[0] != "named"]
        may_attend = {i for i, c in enumerate(choices)
                      if c[0] == "named" and c[1] in ("email", "") and c[2]}
        addresses = [_address(i) for i, c in enumerate(choices) if c[2]]
        for public in (False, True):
            ics = calendar(body, lang, TODAY, public=public)
            plain = re.sub(r"\r\n[ \t]", "", ics.decode("utf-8"))
            for word in hidden + not_named:
                assert word.casefold() not in plain.casefold(), (word, public)
            for i, address in enumerate(_address(i) for i in range(len(PEOPLE))):
                if public or i not in may_attend:
                    assert address not in plain, (address, public)
        found = _attendees(calendar(body, lang, TODAY, public=False), NEXT)
        invited = {*meeting.invited, *meeting.expected, *meeting.declined}
        wanted = {}
        for i in may_attend:
            pid = PEOPLE[i]
            if pid in invited:
                status = {"expected": "ACCEPTED", "declined": "DECLINED"}.get(
                    choices[i][3] or "", "NEEDS-ACTION")
                wanted[f"mailto:{_address(i)}"] = (_name(i), status)
        assert found == wanted
        for fmt in FORMATS:
            text = render_agenda(body, meeting, TODAY, lang, public=True, fmt=fmt)
            for word in hidden:
                assert word.casefold() not in text.casefold(), (word, fmt)
            for address in addresses:
                assert address not in text, (address, fmt)
            if fmt == "md":  # what may be shown is shown: the test would see a leak
                label = {"nl": "Afgezegd", "en": "Declined"}[lang]
                shown = [_name(i) for i, c in enumerate(choices)
                         if c[3] == "declined" and c[0] != "role-only"]
                for name in shown:
                    assert name in text
                if any(c[3] == "declined" for c in choices):
                    assert label in text
