"""What must stay inside the group, written where no free text is: the body's name and
neutral name, a meeting's place and its link. An address or a phone number there (a line
marked --allow-private may hold one) or a hidden name turned around by a right-to-left
override never reaches public output, in whatever form a reader or a browser joins it up:
'(at)', '[at]', ' @ ', '%40', a full-width '＠', a zero-width space inside a number."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import tomllib
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwartaal.core.dates import clock_change
from kwartaal.core.readings import display_order
from kwartaal.core.visibility import View
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run

ALLOWED = "  # kwartaal: allow-private"
ADDRESS_FORMS = ["r.vermeulen(at)voorbeeld.nl", "r.vermeulen [at] voorbeeld.nl",
                 "r.vermeulen @ voorbeeld.nl", "r.vermeulen%40voorbeeld.nl",
                 "r.vermeulen＠voorbeeld.nl", "r.vermeulen&#64;voorbeeld.nl",
                 "r.vermeulen&commat;voorbeeld.nl", "r.vermeulen (at) voorbeeld (dot) nl",
                 "r.vermeulen[@]voorbeeld.nl", "r.vermeulen<at>voorbeeld.nl",
                 "r.vermeulen at voorbeeld dot nl", "r.vermeulen@voorbeeld[.]nl",
                 "r.vermeulen\\@voorbeeld.nl", "r.vermeulen%40voorbeeld%2Enl",
                 "r.vermeulen apenstaartje voorbeeld punt nl",
                 "r.vermeulen (apenstaartje) voorbeeld (punt) nl", "r.vermeulen@@voorbeeld.nl",
                 "r.vermeulen «at» voorbeeld «dot» nl",
                 "r.vermeulen (a) voorbeeld.nl", "r.vermeulen [A] voorbeeld.nl",
                 "r.vermeulen op voorbeeld punt nl", "r.vermeulen @ voorbeeld . nl",
                 "r.vermeulen (at) voorbeeld punt nl", "r.vermeulen@voorbeeld∙nl",
                 "r.vermeulen@voorbeeld。nl", "r.vermeulen@vооrbeeld.nl",
                 "r.vermeulen@voorbeeld.nl"]
PHONE_FORMS = ["06\u200b12345678", "06-12345678", "+31 6 1234 5678", "０６１２３４５６７８",
               "06_12345678", "06·1234·5678", "06~12345678",
               "06&#45;12345678", "06\\-1234\\-5678"]


@pytest.fixture
def body(tmp_path: Path) -> Path:
    root = tmp_path / "body"
    shutil.copytree(EXAMPLE, root)
    return root


def _as_read(data: str) -> str:
    """An output as a reader (or a browser) reads it: iCalendar lines unfolded, entities and
    percent-escapes decoded, compatibility forms plain, invisible characters gone, letters a
    right-to-left override turns around in the order they are shown, in lower case."""
    text = html.unescape(data.replace("\r\n ", "").replace("\\n", "\n"))
    text = unicodedata.normalize("NFKC", unquote(text))
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", display_order(text))  # Markdown's escapes
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").lower()
    return re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", text)  # a number grouped in any way


def _public_outputs(run: Run, body: Path, tmp_path: Path, *,
                    refused: str | None = None) -> list[str]:
    """The public calendar, every page of the site, and the public agenda and minutes, each
    as read. Each is written; or, with refused, may be refused instead with a message that
    holds it (and none of the output is written)."""
    base = ["--repo", str(body), "--today", EXAMPLE_TODAY]
    site = tmp_path / "site"
    outputs = []
    for args in (["calendar", "--public"], ["agenda", "--public"],
                 ["minutes", "2025-09-11", "--public"], ["site", "--output", str(site)]):
        result = run(*base, *args, expect=None if refused else 0)
        if result.exit_code:
            assert refused is not None and refused in result.output, result.output
            assert "Traceback" not in result.output
        outputs.append(result.output)
    outputs += [p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()]
    return [_as_read(text) for text in outputs]


def _body_key(body: Path, key: str, value: str) -> None:
    config = body / "kwartaal.toml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(rf'(?m)^{key} = .*$', "", text, count=1)
    config.write_text(text.replace("[body]\n", f"[body]\n{key} = {_toml(value)}{ALLOWED}\n", 1),
                      encoding="utf-8")


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _publish_link(body: Path, link: str, *, marked: bool = True) -> None:
    """[privacy] public_link = true, and link the body's one link (the meetings' own out)."""
    config = body / "kwartaal.toml"
    text = config.read_text(encoding="utf-8").replace("[privacy]\n",
                                                      "[privacy]\npublic_link = true\n", 1)
    config.write_text(re.sub(r'(?m)^link = .*$', lambda _: f"link = {_toml(link)}"
                             + (ALLOWED if marked else ""), text), encoding="utf-8")
    for meeting in (body / "meetings").glob("*.toml"):
        meeting.write_text(re.sub(r'(?m)^link = .*\n', "", meeting.read_text(
            encoding="utf-8")), encoding="utf-8")


@pytest.mark.parametrize("key", ["name", "neutral_name"])
@pytest.mark.parametrize("address", ADDRESS_FORMS[::2] + ADDRESS_FORMS[-1:])
def test_an_address_in_the_bodys_name_is_not_published(
        body: Path, run: Run, tmp_path: Path, key: str, address: str) -> None:
    """Published with the address left out, or, where it cannot be left out where it
    stands, refused with a message that names the field."""
    _body_key(body, key, f"Overleg {address}")
    for text in _public_outputs(run, body, tmp_path, refused=f"kwartaal.toml: [body] {key}"):
        assert "vermeulen" not in text


@pytest.mark.parametrize("written", ["Overleg \u202ealim", "Overleg \u202eALIM\u202c van",
                                     "Overleg &#x202e;alim"])
def test_a_hidden_name_turned_around_in_the_bodys_name_is_not_published(
        body: Path, run: Run, tmp_path: Path, written: str) -> None:
    _body_key(body, "neutral_name", html.unescape(written) if "&#" not in written else written)
    _body_key(body, "name", written)
    for text in _public_outputs(run, body, tmp_path):
        assert "mila" not in text


@pytest.mark.parametrize("place", [f"Spreekkamer, bel {p}" for p in PHONE_FORMS]
                         + [f"Kamer van {a}" for a in ADDRESS_FORMS])
def test_contact_details_in_a_place_in_any_form_are_not_published(
        body: Path, run: Run, tmp_path: Path, place: str) -> None:
    """The place is withheld where its contact details cannot be left out where they stand,
    and the rest is published."""
    for name in ("2025-09-11.toml", "2026-03-12.toml"):
        meeting = body / "meetings" / name
        text = meeting.read_text(encoding="utf-8")
        meeting.write_text(text.replace('place = "Wijkcentrum De Linde, zaal 2"',
                                        f"place = {_toml(place)}{ALLOWED}", 1),
                           encoding="utf-8")
    for text in _public_outputs(run, body, tmp_path):
        assert "vermeulen" not in text
        assert "0612345678" not in text and "31612345678" not in text


@pytest.mark.parametrize("link", [
    "https://meet.example.org/j/1?contact=r.vermeulen@voorbeeld.nl",
    "https://meet.example.org/r.vermeulen%40voorbeeld.nl",
    "https://meet.example.org/mila-overleg",
    "https://meet.example.org/\u202ealim",
    "https://meet.example.org/bel/0612345678"])
def test_a_published_link_with_contact_details_or_a_hidden_name_stays_inside(
        body: Path, run: Run, tmp_path: Path, link: str) -> None:
    """With [privacy] public_link, a link is published, but not one that holds contact
    details or a hidden name: a link cannot be rephrased, so it stays out. The internal
    calendar still has it."""
    _publish_link(body, link)
    for text in _public_outputs(run, body, tmp_path):
        assert "vermeulen" not in text and "mila" not in text
        assert "0612345678" not in text
        assert "meet.example.org" not in text
    internal = run("--repo", str(body), "--today", EXAMPLE_TODAY, "calendar").output
    assert "meet.example.org" in internal


def test_a_published_link_without_them_is_published(body: Path, run: Run,
                                                      tmp_path: Path) -> None:
    config = body / "kwartaal.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[privacy]\n", "[privacy]\npublic_link = true\n", 1), encoding="utf-8")
    assert "meet.example.org/kwartaaloverleg" in run(
        "--repo", str(body), "--today", EXAMPLE_TODAY, "calendar", "--public").output


def test_the_last_search_reads_overrides_and_lisu_letters() -> None:
    """Whatever reaches a public rendering without the view's help: a hidden name shown
    turned around by an override, or in Lisu letters that look like Latin capitals, is
    found."""
    body = load_checked(EXAMPLE)
    view = View(body, "nl", public=True)
    for written in ("Overleg \u202ealim", "Overleg &#8238;ALIM&#8236; en", "ꓟꓲꓡꓮ",
                    "Overleg met ꓟꓲꓡꓮ"):
        assert [leak.what.render("en") for leak in view.leaks(written)] == \
            ["a hidden name of kbg-1"], written
    assert view.leaks("Overleg \u202eamil") == []  # shown 'lima'
    closed = "Verkenning non-profit werkplek: locatie en subsidie"  # closed, 2025-06-12
    assert [leak.what.render("en") for leak in view.leaks("\u202e" + closed[::-1])] == \
        ["the text of closed record 2025-06-12/p2"]
    assert view.text("Vraag van ꓟꓲꓡꓮ") == "Vraag van een lid van de klankbordgroep"


def test_an_address_a_text_cannot_lose_where_it_stands_names_its_field(
        body: Path, run: Run, tmp_path: Path) -> None:
    """A refusal names the file and the field, also for a text the renderer passes without
    saying where it stands (an organisation's name)."""
    people = body / "people.toml"
    text = people.read_text(encoding="utf-8")
    start = text.index("[p-devries]")
    org = re.compile(r'(?m)^organisation = .*$').search(text, start)
    assert org is not None
    people.write_text(text[:org.start()] + 'organisation = "Praktijk r.vermeulen＠voorbeeld.nl"'
                      + ALLOWED + text[org.end():], encoding="utf-8")
    out = run("--repo", str(body), "--today", EXAMPLE_TODAY, "minutes", "2025-09-11",
              "--public", expect=None)
    assert out.exit_code != 0
    assert "people.toml [p-devries] organisation" in out.output
    assert "vermeulen" not in out.output and "Traceback" not in out.output


def test_a_calendar_without_meetings_still_holds_a_component(tmp_path: Path,
                                                             run: Run) -> None:
    """RFC 5545 3.6: a calendar holds at least one component; a new body's feed is one
    with its time zone only."""
    from icalendar import Calendar

    root = tmp_path / "new"
    run("init", str(root), "--name", "Kwartaaloverleg Proefstad")
    for public in ("--public", "--internal"):
        data = run("--repo", str(root), "--today", "2026-05-01", "calendar", public).output
        parsed = Calendar.from_ical(data)
        assert [part.name for part in parsed.subcomponents] == ["VTIMEZONE"]
        starts = [part["DTSTART"].dt.year for part in parsed.walk("STANDARD")]
        assert min(starts) == 2026  # the zone as it is from this year on
        assert data.rstrip().endswith("END:VCALENDAR")


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(day=st.dates(dt.date(1996, 1, 1), dt.date(2037, 12, 31)),
       hour=st.integers(0, 23), minute=st.integers(0, 59), near=st.booleans())
def test_a_time_the_clocks_skip_or_repeat_is_what_the_european_rule_says(
        day: dt.date, hour: int, minute: int, near: bool) -> None:
    """Since 1996 the clocks in the Netherlands go forward from 02:00 to 03:00 on the last
    Sunday of March and back from 03:00 to 02:00 on the last Sunday of October."""
    if near:  # most drawn days are far from a change: draw one of the two Sundays too
        day = _last_sunday(day.year, 3 if day.month < 7 else 10)
    expected = ""
    if hour == 2 and day == _last_sunday(day.year, 3):
        expected = "skipped"
    elif hour == 2 and day == _last_sunday(day.year, 10):
        expected = "twice"
    assert clock_change(day, f"{hour:02d}:{minute:02d}") == expected


def test_check_warns_of_a_start_the_clocks_skip_or_repeat(body: Path, run: Run) -> None:
    base = ["--repo", str(body), "--today", "2026-03-01", "--lang", "en"]
    (body / "meetings" / "2026-03-29.toml").write_text(
        'date = 2026-03-29\ntime = "02:30"\nstatus = "planned"\n', encoding="utf-8")
    (body / "meetings" / "2026-10-25.toml").write_text(
        'date = 2026-10-25\ntime = "02:15"\nstatus = "planned"\n', encoding="utf-8")
    (body / "meetings" / "2026-10-18.toml").write_text(
        'date = 2026-10-18\ntime = "02:15"\nstatus = "planned"\n', encoding="utf-8")
    out = run(*base, "check", expect=None).output
    assert "2026-03-29.toml:2: warning: meeting 2026-03-29 starts at 02:30 on 2026-03-29, " \
        "a time the clocks skip" in out
    assert "2026-10-25.toml:2: warning: meeting 2026-10-25 starts at 02:15 on 2026-10-25, " \
        "a time that comes twice" in out
    assert "2026-10-18 starts" not in out


def test_the_last_search_looks_for_the_contact_details_of_who_is_not_named(
        body: Path) -> None:
    """A working name's phone number and address (kept in people.toml on a line marked
    --allow-private) are looked for in every public rendering, grouped in any way."""
    people = body / "people.toml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace("[yara]\n", '[yara]\nphone = "06-87654321"' + ALLOWED
                                   + '\nemail = "yara.werk@voorbeeld.nl"' + ALLOWED + "\n",
                                   1), encoding="utf-8")
    view = View(load_checked(body), "nl", public=True)
    for written in ("Bel 06-87654321", "bel 0687654321 vandaag", "06 87654321",
                    "<a href='mailto:yara.werk@voorbeeld.nl'>x</a>", "YARA.WERK (at) VOORBEELD.NL",
                    "yara.werk (a) voorbeeld.nl", "yara.werk at voorbeeld.nl",
                    "yara.werk op voorbeeld punt nl", "Yara.Werk at voorbeeld dot nl"):
        assert "the contact details of yara" in [
            leak.what.render("en") for leak in view.leaks(written)], written
    assert view.leaks("Bel 06-87654322") == []


@pytest.mark.parametrize("written", ["Mail r.vermeulen&#64;voorbeeld.nl of bel 06&#45;12345678",
                                     "Mail r.vermeulen&#x40;voorbeeld.nl.",
                                     "Mail r.vermeulen (at) voorbeeld (dot) nl"])
def test_contact_details_behind_an_entity_in_free_text_are_left_out(
        body: Path, run: Run, tmp_path: Path, written: str) -> None:
    """A free text is read as its reader reads it before its contact details are looked
    for: '&#64;' is an '@' (check finds it too)."""
    meeting = body / "meetings" / "2025-09-11.toml"
    text = meeting.read_text(encoding="utf-8")
    start = text.index("text = ", text.index('id = "d2"'))
    end = text.index("\n", start)
    line = f"text = {_toml('Aanmelden bij de GGD. ' + written)}"
    meeting.write_text(text[:start] + line + text[end:], encoding="utf-8")
    checked = run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
                  expect=None)
    assert checked.exit_code != 0 and "an e-mail address" in checked.output
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace(line, line + ALLOWED), encoding="utf-8")
    for text in _public_outputs(run, body, tmp_path, refused="d2"):
        assert "vermeulen" not in text and "0612345678" not in text
    if "&" in written:  # decoded where it stands, it is left out where it stands
        minutes = run("--repo", str(body), "--today", EXAMPLE_TODAY, "minutes", "2025-09-11",
                      "--public").output
        assert "Mail \\[contactgegevens weggelaten\\]" in minutes


@pytest.mark.parametrize("pid", ["roos", "m-jansen"])
def test_contact_details_in_a_persons_name_are_not_published(
        body: Path, run: Run, tmp_path: Path, pid: str) -> None:
    people = body / "people.toml"
    text = people.read_text(encoding="utf-8")
    start = text.index(f"[{pid}]\n")
    end = text.index("\n", text.index("name = ", start))
    name = re.search(r'name = "([^"]*)"', text[start:end])
    assert name is not None
    people.write_text(text[:text.index("name = ", start)]
                      + f'name = "{name.group(1)} 06-12345678"{ALLOWED}' + text[end:],
                      encoding="utf-8")
    for text in _public_outputs(run, body, tmp_path):
        assert "0612345678" not in text
    assert name.group(1).lower() in _public_outputs(run, body, tmp_path)[1]  # (the agenda)


@pytest.mark.parametrize("disguise", ["🅼🅸🅻🅰", "🅜🅘🅛🅐", "ᗰIᒪᗩ", "MiƖa"])
def test_a_hidden_name_in_letters_that_pass_for_latin_is_found(
        body: Path, run: Run, tmp_path: Path, disguise: str) -> None:
    """check finds it, and public output shows the role in its place."""
    meeting = body / "meetings" / "2026-03-12.toml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace('place = "Wijkcentrum De Linde, zaal 2"',
                                    f'place = "Bij {disguise} thuis"', 1), encoding="utf-8")
    checked = run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
                  expect=None)
    assert checked.exit_code != 0 and "kbg-1" in checked.output
    site = tmp_path / "site"
    run("--repo", str(body), "--today", EXAMPLE_TODAY, "site", "--output", str(site))
    calendar = run("--repo", str(body), "--today", EXAMPLE_TODAY, "calendar", "--public")
    for text in [calendar.output] + [p.read_text(encoding="utf-8") for p in site.rglob("*")
                                     if p.is_file()]:
        assert disguise not in text and "mila" not in _as_read(text)


@pytest.mark.parametrize("link", ["https://meet.jit.si/OverlegMetMila",
                                  "https://meet.example.org/Mila2026",
                                  "https://meet.jit.si/overlegmetmila",
                                  "https://meet.jit.si/OVERLEGMETMILA",
                                  "https://meet.jit.si/MILAoverleg",
                                  "https://meet.jit.si/Overleg-%4Dila",
                                  "https://meet.jit.si/Overleg-%4D%69%6C%61",
                                  "https://meet.example.org/jan%40example%2Eorg"])
def test_a_link_with_a_name_run_into_a_word_or_an_escaped_address_stays_inside(
        body: Path, run: Run, tmp_path: Path, link: str) -> None:
    _publish_link(body, link)
    public = run("--repo", str(body), "--today", EXAMPLE_TODAY, "calendar", "--public")
    assert "meet." not in public.output


@pytest.mark.parametrize("name", ["Kwartaaloverleg S3kswerk Voorbeeldstad",
                                  "Kwartaaloverleg 🆂🅴🅺🆂🆆🅴🆁🅺 Voorbeeldstad",
                                  "Kwartaaloverleg \u202ekrewskes Voorbeeldstad"])
def test_the_neutral_name_leaves_out_a_disguised_sensitive_word(
        body: Path, run: Run, name: str) -> None:
    """On a lock screen the internal calendar is seen as much as the public one."""
    _body_key(body, "name", name)
    for audience in ("--internal", "--public"):
        data = run("--repo", str(body), "--today", EXAMPLE_TODAY, "calendar",
                   audience).output
        summaries = [line for line in _as_read(data).splitlines()
                     if line.startswith(("summary:", "x-wr-calname:"))]
        assert summaries and not any("sekswerk" in line or "3kswerk" in line
                                     for line in summaries), summaries


def test_a_meeting_id_that_passes_the_bsn_test_is_a_link_like_any_other(
        body: Path, run: Run) -> None:
    """A nine-digit meeting id in a link that happens to pass the eleven test is no citizen
    service number: check passes it and a published link is published."""
    from kwartaal.core.detect import valid_bsn

    assert valid_bsn("123456782")
    link = "https://zoom.us/j/123456782"
    _publish_link(body, link, marked=False)
    checked = run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
                  expect=None)
    assert "BSN" not in checked.output
    assert link in run("--repo", str(body), "--today", EXAMPLE_TODAY, "calendar",
                       "--public").output


def test_a_place_internal_at_one_meeting_and_shown_by_others_is_an_error_of_check(
        body: Path, run: Run, tmp_path: Path) -> None:
    """Public output would show it with the others, so it is refused; check says why, at
    the line that makes it internal, with the punctuation of the other places aside."""
    meeting = body / "meetings" / "2026-03-12.toml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace('place = "Wijkcentrum De Linde, zaal 2"',
                                    'place = "WIJKCENTRUM DE LINDE zaal 2"\n'
                                    'public_place = false', 1), encoding="utf-8")
    base = ["--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", "en"]
    checked = run(*base, "check", expect=None).output
    assert "2026-03-12.toml:5: error: meeting 2026-03-12 keeps its place inside the group, " \
        "but 4 other meeting(s) show the same place (2025-03-13 first)" in checked
    refused = run(*base, "calendar", "--public", expect=None)
    assert refused.exit_code != 0
    assert "the place of meeting 2026-03-12, which is internal" in refused.output
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace('public_place = false', 'public_place = true'),
                       encoding="utf-8")
    assert "keeps its place" not in run(*base, "check", expect=None).output


def test_planning_or_moving_a_meeting_to_such_a_time_says_so(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", "2026-03-01", "--lang", "en"]
    planned = run(*base, "meeting", "new", "--date", "2026-03-29", "--time", "02:30").output
    assert "note: meeting 2026-03-29 starts at 02:30 on 2026-03-29, a time the clocks skip" \
        in planned
    moved = run(*base, "meeting", "move", "2026-03-29", "--date", "2026-10-25").output
    assert "starts at 02:30 on 2026-10-25, a time that comes twice" in moved
    again = run(*base, "meeting", "move", "2026-03-29", "--date", "2026-10-25", "--time",
                "19:00").output
    assert "note:" not in again


def test_an_empty_body_name_is_an_error(body: Path, run: Run) -> None:
    """Public output would stand the folder's name in for it."""
    config = body / "kwartaal.toml"
    config.write_text(re.sub(r'(?m)^name = "Kwartaaloverleg Sekswerk Voorbeeldstad"',
                             'name = "  "', config.read_text(encoding="utf-8"), count=1),
                      encoding="utf-8")
    out = run("--repo", str(body), "--lang", "en", "check", expect=None).output
    assert "kwartaal.toml:6: error: [body] name is empty" in out
    for written in ('""', '"\\u200b"'):
        config.write_text(re.sub(r'(?m)^name = .*$', lambda _, line=f"name = {written}": line,
                                 config.read_text(encoding="utf-8"), count=1),
                          encoding="utf-8")
        out = run("--repo", str(body), "--lang", "en", "check", expect=None).output
        assert "kwartaal.toml:6: error: [body] name is empty" in out, written


@pytest.mark.parametrize("written", ["Marieke loopt met At elk punt apart door.",
                                     "Zij kijkt at random punt voor punt.",
                                     "De agenda&notulen en Politie&regio, 3&times per jaar.",
                                     "Zie &lt;img src=x&gt; &amp; meer."])
def test_ordinary_text_is_neither_an_address_nor_changed(
        body: Path, run: Run, written: str) -> None:
    """A name like 'At' before 'punt' is no address, and an '&' that begins no entity is an
    '&': check passes the text and public minutes show it as written (an entity, too: what a
    reader of the JSON makes of it is the JSON's, as inside the group)."""
    meeting = body / "meetings" / "2025-09-11.toml"
    text = meeting.read_text(encoding="utf-8")
    start = text.index("text = ", text.index('id = "d2"'))
    meeting.write_text(text[:start] + f"text = {_toml(written)}" + text[text.index("\n", start):],
                       encoding="utf-8")
    base = ["--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", "en"]
    assert "e-mail" not in run(*base, "check", expect=None).output
    shown = run(*base, "minutes", "2025-09-11", "--public", "--format", "json").output
    assert json.loads(shown) and written in shown


def test_a_refusal_for_a_theme_title_names_it(body: Path, run: Run) -> None:
    """A text the renderer passes without saying where it stands is found in kwartaal.toml
    too."""
    config = body / "kwartaal.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("[themes.destigmatisering]")
    end = text.index("\n", text.index("title = ", start))
    config.write_text(text[:text.index("title = ", start)] + 'title = { nl = "Zorg jan (at) '
                      'voorbeeld (dot) nl", en = "Care" }' + ALLOWED + text[end:],
                      encoding="utf-8")
    out = run("--repo", str(body), "--today", EXAMPLE_TODAY, "report", "--year", "2025",
              expect=None)
    assert out.exit_code != 0, out.output
    assert "kwartaal.toml [themes.destigmatisering] title" in out.output


@pytest.mark.parametrize("written", ["Mail r.vermeulen\\u0040voorbeeld.nl",
                                     "Mail r.vermeulen\\\\@voorbeeld.nl",
                                     "Mail r.vermeulen\\\\(at\\\\)voorbeeld.nl",
                                     "Bel 06\\u002d12345678", "Bel \\U00000030612345678",
                                     "Mail r.vermeulen&amp;#64;voorbeeld.nl"])
def test_contact_details_behind_a_toml_escape_are_found_by_check(
        body: Path, run: Run, tmp_path: Path, written: str) -> None:
    """A TOML string's escapes write what its value holds ('\\u0040' is an '@', '\\\\@' is
    Markdown's '\\@', which shows an '@'): check reads the file as its value reads, and the
    public minutes leave the detail out."""
    meeting = body / "meetings" / "2025-09-11.toml"
    text = meeting.read_text(encoding="utf-8")
    start = text.index("text = ", text.index('id = "d2"'))
    end = text.index("\n", start)
    meeting.write_text(text[:start] + f'text = "{written}"' + text[end:], encoding="utf-8")
    value = tomllib.loads(meeting.read_text(encoding="utf-8"))
    assert any("vermeulen" in d.get("text", "") or "1234" in d.get("text", "")
               for d in value["decision"])
    out = run("--repo", str(body), "--today", EXAMPLE_TODAY, "check", expect=1).output
    assert "2025-09-11.toml:" in out and ("e-mail" in out or "telefoon" in out), out
    # left out where it stands, or, where a Markdown escape is part of it, refused
    minutes = run("--repo", str(body), "--today", EXAMPLE_TODAY, "minutes", "2025-09-11",
                  "--public", expect=None)
    if minutes.exit_code:
        assert "[[decision]] d2: " in minutes.output and "Formuleer de tekst anders" in \
            minutes.output, minutes.output
    else:
        assert "[contactgegevens weggelaten]" in minutes.output.replace("\\", "")
    shown = _as_read(minutes.output)
    assert "vermeulen" not in shown and "0612345678" not in shown


def test_an_address_parted_by_a_line_break_is_not_published(body: Path, run: Run) -> None:
    """A page shows a line break inside a free text as a space: 'r.vermeulen@' and
    'voorbeeld.nl' on two lines of a multi-line string read as one address, and the public
    minutes refuse it."""
    meeting = body / "meetings" / "2025-09-11.toml"
    text = meeting.read_text(encoding="utf-8")
    start = text.index("text = ", text.index('id = "d2"'))
    end = text.index("\n", start)
    meeting.write_text(text[:start] + 'text = """Mail r.vermeulen@\nvoorbeeld.nl"""' + ALLOWED
                       + text[end:], encoding="utf-8")
    minutes = run("--repo", str(body), "--today", EXAMPLE_TODAY, "minutes", "2025-09-11",
                  "--public", expect=None)
    assert minutes.exit_code == 1 and "[[decision]] d2" in minutes.output, minutes.output
    assert "vermeulen" not in _as_read(minutes.output)


ORDINARY = [
    "Bel de GGD op 06-12345678.\nDe volgende keer meer.",  # marked: a placeholder
    "Spreekuur van de GGD op maandag 09.00\n12.00 uur: inloop zonder afspraak.",
    "Stand:\n0\n612\n345\n678", "Artikel 12\n34 deelnemers",
    "Actie voor @roos punt de notulen nakijken.",
    "We komen op dit punt de volgende vergadering terug.", "Op dit punt nu even niet.",
    "Slides are available at www.soa.nl after the meeting.",
    "More information at rijksoverheid.nl.", "The report is at soa.nl.",
    "Zie bijlage (a) begroting-2026.pdf en (b) jaarverslag.pdf.", "Bijlage 2(a) notulen.docx",
    "Mail info@soa.nl. De volgende keer meer.", "Meer informatie op soa.nl.",
    "Bel 06-12345678 of nogmaals 06-12345678.",  # marked: the same number twice
    "Spreekuur ma 09.00-12.00 en do 13.30 - 16.00.",
    "Thanks @roos · de notulen komen vrijdag.", "Ze reageerde op het punt info-avond.",
    "Hij wees op het punt EU-regelgeving.", "Volgende vergadering: 06-10-2025 19.00 uur.",
    "Op 6/10/2025 19.30 of 06.10.2025 19.00.",
]


@pytest.mark.parametrize("written", ORDINARY)
def test_ordinary_texts_are_published_as_written(
        body: Path, run: Run, written: str) -> None:
    """What a secretary writes in ordinary minutes is no contact detail: check passes and the
    public minutes show it (a marked line's own number as a placeholder, not refused)."""
    meeting = body / "meetings" / "2025-09-11.toml"
    text = meeting.read_text(encoding="utf-8")
    start = text.index("text = ", text.index('id = "d2"'))
    end = text.index("\n", start)
    marked = "06-12345678" in written
    # (a marked text on one line: its line breaks escaped, '\\n')
    value = '"' + written.replace("\n", "\\n") + '"' + ALLOWED if marked else \
        f'"""{written}"""'
    meeting.write_text(text[:start] + f"text = {value}" + text[end:], encoding="utf-8")
    config = body / "kwartaal.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "allow = []", 'allow = ["info@soa.nl"]'), encoding="utf-8")
    run("--repo", str(body), "--today", EXAMPLE_TODAY, "check")
    minutes = run("--repo", str(body), "--today", EXAMPLE_TODAY, "minutes", "2025-09-11",
                  "--public").output
    shown = minutes.replace("\\", "")
    if marked:
        assert "[contactgegevens weggelaten]" in shown and "12345678" not in shown
    else:
        first = written.split("\n")[0].split("(")[0].split("@")[0][:12]
        assert first in shown, (first, minutes)


@pytest.mark.parametrize(("written", "shown"), [
    ("Pay to nl91abna0417164300 please", "Pay to - please"),
    ("IBAN NL91 ABNA 0417 1643 00 t.n.v. Roos", "IBAN - t.n.v. Roos"),
    ("NL91-ABNA-0417-1643-00.", "-.")])
def test_an_account_number_is_left_out_without_the_words_after_it(
        written: str, shown: str) -> None:
    from kwartaal.core.detect import without_contact_details

    assert without_contact_details(written, (set(), set()), "-") == shown


@pytest.mark.parametrize("address", [
    *ADDRESS_FORMS, *(form.upper() for form in ADDRESS_FORMS if "&" not in form),
    *(form.replace("(", open_).replace(")", close)
      for form in ADDRESS_FORMS if "(" in form
      for open_, close in (("[", "]"), ("{", "}"), ("<", ">"), ("«", "»"))),
    "r.vermeulen AT voorbeeld DOT nl", "r.vermeulen Op voorbeeld PUNT nl"])
def test_an_address_in_running_text_is_left_out_in_any_form(address: str) -> None:
    """Each way of writing an address, in capitals and between every kind of bracket, is
    left out of a public text, or the text is refused (None), never published as it is.
    (Entities in capitals are none: '&COMMAT;' shows as written.)"""
    from kwartaal.core.detect import without_contact_details

    for text in (address, f"Mail {address} voor de stukken."):
        found = without_contact_details(text, (set(), set()), "-")
        assert found is None or "vermeulen" not in found.lower(), text


# Disguises a reader's eye joins up: a look-alike or invisible letter, a compatibility form,
# inside the words that spell an address
DISGUISED = ["jan at example dоt org", "jan at example ᵈᵒᵗ org", "jan at example d\u00adot org",
             "jan op example рunt nl", "jan op example pu\u00adnt nl",
             "Mail jan аt example dot org voor info", "jan(a\u00adt)example.org",
             "jan(ªt)example.org", "jan (ᵃᵗ) example.org", "jan ᴀt example dot org",
             "jan apеnstaartje example punt nl", "jan at example dot оrg"]


@pytest.mark.parametrize("written", DISGUISED)
def test_an_address_spelled_with_disguised_letters_is_not_published(written: str) -> None:
    from kwartaal.core.detect import without_contact_details

    found = without_contact_details(written, (set(), set()), "-")
    assert found is None or "jan" not in found


def test_the_first_look_for_contact_details_misses_none() -> None:
    """A text passed at once (detect._may_hold_details false) holds nothing contact_details
    finds: each character up to U+2000 put into an address spelled out, a number and a
    bracketed '@'."""
    from kwartaal.core import detect

    templates = ["jan at example d{}ot org", "jan {}t example dot org",
                 "jan op voorbeeld pu{}nt nl", "jan ({}t) example.org", "jan at example {}ot org",
                 "jan{}example.org", "bel {}{}{}{}{}{}{}{}{}{}"]
    for code in range(0x2001):
        for template in templates:
            text = template.format(*[chr(code)] * template.count("{}"))
            if not detect._may_hold_details(text):
                assert detect.contact_details(text) == [], (hex(code), text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("%%%0123456789abcdefABCDEFgxyz é€\u202e\n")
                               + ["%C3%A9", "%e2%82", "%zz", "%%41"]), max_size=30).map("".join))
def test_a_text_is_percent_decoded_exactly_when_unquote_changes_it(text: str) -> None:
    """percent_decoded searches for an escape before it decodes: the same decoding as
    unquote, and None exactly where unquote gives the text back."""
    from kwartaal.core.readings import percent_decoded

    decoded = text
    for _ in range(4):  # decoded again while that changes it ('%2567' is '%67', then 'g')
        if unquote(decoded) == decoded:
            break
        decoded = unquote(decoded)
    assert percent_decoded(text) == (decoded if decoded != text else None)
