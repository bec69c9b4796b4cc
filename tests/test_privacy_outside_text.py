"""What must stay inside the group, written where no free text is: the body's name and
neutral name, a meeting's place and its link. An address or a phone number there (a line
marked --allow-private may hold one) or a hidden name turned around by a right-to-left
override never reaches public output, in whatever form a reader or a browser joins it up:
'(at)', '[at]', ' @ ', '%40', a full-width '＠', a zero-width space inside a number."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwartaal.core.dates import clock_change
from kwartaal.core.visibility import View, display_order
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run

ALLOWED = "  # kwartaal: allow-private"
ADDRESS_FORMS = ["r.vermeulen(at)voorbeeld.nl", "r.vermeulen [at] voorbeeld.nl",
                 "r.vermeulen @ voorbeeld.nl", "r.vermeulen%40voorbeeld.nl",
                 "r.vermeulen＠voorbeeld.nl", "r.vermeulen@voorbeeld.nl"]
PHONE_FORMS = ["06\u200b12345678", "06-12345678", "+31 6 1234 5678", "０６１２３４５６７８"]


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
    text = display_order(text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").lower()


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
        assert "12345678" not in re.sub(r"\D", "", text.replace("2025", " "))


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
    config = body / "kwartaal.toml"
    text = config.read_text(encoding="utf-8").replace("[privacy]\n",
                                                      "[privacy]\npublic_link = true\n", 1)
    config.write_text(re.sub(r'(?m)^link = .*$', f"link = {_toml(link)}{ALLOWED}", text),
                      encoding="utf-8")
    for meeting in (body / "meetings").glob("*.toml"):
        text = meeting.read_text(encoding="utf-8")
        meeting.write_text(re.sub(r'(?m)^link = .*\n', "", text), encoding="utf-8")
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
                    "<a href='mailto:yara.werk@voorbeeld.nl'>x</a>", "YARA.WERK (at) VOORBEELD.NL"):
        assert "the contact details of yara" in [
            leak.what.render("en") for leak in view.leaks(written)], written
    assert view.leaks("Bel 06-87654322") == []
