"""The calendar's events are written line by line (documents/calendar.py): read back with
icalendar they are the events icalendar itself writes from the same values, every value comes
back as it went in, and every line is a valid folded RFC 5545 line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from kwartaal.core.dates import TIMEZONE
from kwartaal.core.labels import labels
from kwartaal.core.visibility import View
from kwartaal.documents.calendar import (
    FOLD_AT,
    _calendar_of,
    _folded,
    calendar,
    calendar_inputs,
)
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE

STAMP = dt.date(2026, 12, 7)


def reference(inputs: tuple[Any, ...], lang: str, stamp: dt.date) -> bytes:
    """The calendar as icalendar writes it, an object per event and property."""
    title, body_key, meetings = inputs
    zone, t = ZoneInfo(TIMEZONE), labels(lang)
    cal = Calendar()
    for name, value in (("prodid", "-//kwartaal//kwartaal//NL"), ("version", "2.0"),
                        ("calscale", "GREGORIAN"), ("method", "PUBLISH"),
                        ("x-wr-calname", title), ("x-wr-timezone", TIMEZONE)):
        cal.add(name, value)
    for (meeting_id, day, start_text, length, fmt, place, link, sequence, cancelled,
         people) in meetings:
        hours, minutes = (int(x) for x in start_text.split(":"))
        start = dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=zone)
        event = Event()
        event.add("uid", f"{meeting_id}@{body_key}.kwartaal")
        event.add("dtstamp", dt.datetime.combine(stamp, dt.time(0, 0), tzinfo=dt.UTC))
        event.add("dtstart", start)
        end = (start.astimezone(dt.UTC) + dt.timedelta(minutes=length)).astimezone(zone)
        event.add("dtend", end.astimezone(dt.UTC) if end.fold else end)
        event.add("summary", title)
        if fmt == "online":
            event.add("location", link or t["online"])
        elif place:
            event.add("location", place)
        description = [f"{t['format']}: {t.get(fmt, fmt)}"]
        if fmt != "in-person" and link:
            description.append(f"{t['online']}: {link}")
            event.add("url", link)
        event.add("description", "\n".join(description))
        event.add("sequence", sequence)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        for email, name, partstat in people:
            address = vCalAddress(f"mailto:{email}")
            address.params["cn"] = vText(name)
            address.params["partstat"] = vText(partstat)
            address.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", address, encode=0)
        cal.add_component(event)
    if meetings:
        years = [meeting[1].year for meeting in meetings]
        cal.add_missing_timezones(first_date=dt.date(min(years), 1, 1),
                                  last_date=dt.date(max(years) + 2, 1, 1))
    else:  # a calendar holds a component (RFC 5545 3.6): the zone, for the stamp's year
        timezone = Timezone.from_tzinfo(zone, first_date=dt.date(stamp.year, 1, 1),
                                        last_date=dt.date(stamp.year + 2, 1, 1))
        cal.add_component(timezone)
    return bytes(cal.to_ical())


def read_back(data: bytes) -> list[list[tuple[str, dict[str, str], Any]]]:
    """Every component of a calendar as icalendar reads it: each property's name,
    parameters and value (a date-time as one, a text as the text)."""
    out = []
    for component in Calendar.from_ical(data).walk():
        props = []
        for name, value in component.property_items(recursive=False):
            if name == "X-WR-CALNAME":  # written as TEXT, RFC 5545's default for X- names,
                continue  # which icalendar writes as it is and reads without unescaping
            params = {key: str(v) for key, v in getattr(value, "params", {}).items()}
            plain = value.dt if hasattr(value, "dt") else (
                value if isinstance(value, int) else str(value))
            props.append((name, params, plain))
        out.append(props)
    return out


def assert_lines(data: bytes) -> None:
    """Every line ends in CRLF, holds at most FOLD_AT octets and whole characters; a
    continuation starts with a space."""
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for number, line in enumerate(lines):
        assert len(line) <= FOLD_AT, line
        line.decode("utf-8")  # no character cut in two
        assert b"\n" not in line and b"\r" not in line
        if number == 0:
            assert not line.startswith(b" ")


@pytest.mark.parametrize("public", [True, False])
def test_the_calendar_of_the_example_and_a_generated_body_is_icalendars(
        generated: tuple[Path, dt.date], public: bool) -> None:
    for root in (EXAMPLE, generated[0]):
        body = load_checked(root)
        for lang in ("nl", "en"):
            view = View(body, lang, public=public)
            inputs = calendar_inputs(body, lang, public=public, view=view)
            data = calendar(body, lang, generated[1], public=public)
            assert data == _calendar_of(inputs, lang, generated[1])
            assert read_back(data) == read_back(reference(inputs, lang, generated[1]))
            assert data.count(b"BEGIN:VEVENT") == len(body.meetings)
            assert_lines(data)


# what escapes, quotes and folds turn on, often enough to meet it together
TRICKY = st.sampled_from(list("\\^n'\";,:N \t\r\né€😀a"))
texts = st.text(st.one_of(TRICKY, st.characters(codec="utf-8", exclude_categories=("Cs",))),
                max_size=120)
# what the loader lets through to a calendar: no control character in a single-line text
line_texts = st.text(st.one_of(TRICKY.filter(str.isprintable),
                               st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))),
                     max_size=120)
# (icalendar reads a backslash in a link as an escape, which a link has none of)
links = st.one_of(st.just(""), st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e,
                                                     exclude_characters="\\"),
                                       max_size=90).map(lambda rest: "https://" + rest))
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
times = st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda hm: f"{hm[0]:02d}:{hm[1]:02d}")
formats = st.sampled_from(["in-person", "online", "hybrid"])
partstats = st.sampled_from(["ACCEPTED", "DECLINED", "NEEDS-ACTION"])
emails = st.from_regex(r"[a-z0-9.+_-]{1,20}@[a-z0-9-]{1,20}\.[a-z]{2,6}", fullmatch=True)


def meetings(text: st.SearchStrategy[str]) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    return st.lists(st.tuples(
        st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(-[0-9])?", fullmatch=True), days, times,
        st.integers(0, 24 * 60), formats, text, links, st.integers(0, 10**6), st.booleans(),
        st.lists(st.tuples(emails, text, partstats), max_size=3)), max_size=6)


def unescaped(text: str) -> str:
    """A TEXT value as RFC 5545 3.3.11 reads it."""
    return re.sub(r"\\([\\;,nN])", lambda found: "\n" if found[1] in "nN" else found[1],
                  text)


def expected_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


@settings(derandomize=True, max_examples=200, deadline=None)
@given(line_texts, meetings(line_texts), st.sampled_from(["nl", "en"]))
def test_events_read_back_as_icalendar_writes_them(title: str, events: list[Any],
                                                   lang: str) -> None:
    """On what the loader lets through, the events are icalendar's, property by property
    (but for its reading of a written '\\N' as a line break, and for a name with a
    backslash, which icalendar writes without quotes, so that one at its end escapes the ';'
    after it: test_every_value_comes_back_as_it_went_in holds those)."""
    assume("\\N" not in repr((title, events)))
    assume(not any("\\" in name for *_, people in events for _, name, _ in people))
    inputs = (title, "0123456789abcdef", events)
    data = _calendar_of(inputs, lang, STAMP)
    assert_lines(data)
    assert read_back(data) == read_back(reference(inputs, lang, STAMP))


@settings(derandomize=True, max_examples=200, deadline=None)
@given(texts, meetings(texts), st.sampled_from(["nl", "en"]))
def test_every_value_comes_back_as_it_went_in(title: str, events: list[Any],
                                              lang: str) -> None:
    """Any text, control characters, escapes and line breaks included, is read back as
    written (a line break as a line break; in a name, the control characters that may not
    stand in a parameter left out)."""
    data = _calendar_of((title, "0123456789abcdef", events), lang, STAMP)
    assert_lines(data)
    read = Calendar.from_ical(data)
    assert unescaped(str(read["X-WR-CALNAME"])) == expected_text(title)
    found = read.walk("VEVENT")
    assert len(found) == len(events)
    zone = ZoneInfo(TIMEZONE)
    for event, (meeting_id, day, start, length, fmt, place, link, sequence, cancelled,
                people) in zip(found, events, strict=True):
        begin = dt.datetime.combine(day, dt.time(*map(int, start.split(":"))), tzinfo=zone)
        assert str(event["UID"]).startswith(f"{meeting_id}@")
        assert event["DTSTART"].dt == begin
        # (an aware date-time minus one of the same zone is a difference of clock times)
        assert event["DTEND"].dt.astimezone(dt.UTC) - begin.astimezone(dt.UTC) == \
            dt.timedelta(minutes=length)
        assert event["DTSTAMP"].dt == dt.datetime.combine(STAMP, dt.time(0), tzinfo=dt.UTC)
        assert event["SUMMARY"] == expected_text(title)
        assert event["SEQUENCE"] == sequence
        assert event["STATUS"] == ("CANCELLED" if cancelled else "CONFIRMED")
        location = (link or labels(lang)["online"]) if fmt == "online" else place
        assert str(event.get("LOCATION", "")) == expected_text(location)
        assert str(event.get("URL", "")) == (link if fmt != "in-person" else "")
        attendees = event.get("ATTENDEE", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [(str(a), str(a.params["CN"]), a.params["PARTSTAT"]) for a in attendees] == [
            (f"mailto:{email}", "".join(ch for ch in expected_text(name)
                                        if ch in "\t\n" or " " <= ch != "\x7f"),
             partstat) for email, name, partstat in people]


@pytest.mark.parametrize(("day", "start", "minutes", "end"), [
    ("2026-03-29", "01:30", 120, "DTEND;TZID=Europe/Amsterdam:20260329T043000"),  # clocks on
    ("2026-10-25", "01:30", 120, "DTEND:20261025T013000Z"),  # back: the second 02:30
    ("2026-10-25", "00:30", 120, "DTEND;TZID=Europe/Amsterdam:20261025T023000"),
    ("2040-07-12", "19:00", 90, "DTEND;TZID=Europe/Amsterdam:20400712T203000")])
def test_a_meeting_lasts_its_length_and_has_its_offset_in_any_year(
        day: str, start: str, minutes: int, end: str) -> None:
    """Across a change of the clocks a meeting still lasts its length, and the time zone is
    defined for every year of the calendar, not only icalendar's 1970 to 2037."""
    meeting = ("m", dt.date.fromisoformat(day), start, minutes, "in-person", "", "", 0, False,
               [])
    data = _calendar_of(("t", "k", [meeting]), "nl", STAMP)
    assert end.encode() in data.split(b"\r\n")
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert event["DTEND"].dt - event["DTSTART"].dt.astimezone(dt.UTC) == dt.timedelta(
        minutes=minutes)
    # the offset the calendar's own definition gives the start is the zone's
    begin = dt.datetime.fromisoformat(f"{day}T{start}")
    assert defined_offset(data, begin) == ZoneInfo(TIMEZONE).utcoffset(begin)


def defined_offset(data: bytes, when: dt.datetime) -> dt.timedelta:
    """The offset a calendar's VTIMEZONE gives a local time: that of the last observance
    (its DTSTART or an RDATE) that began before it."""
    began = []
    for observance in Calendar.from_ical(data).walk("VTIMEZONE")[0].subcomponents:
        rdates = observance.get("RDATE", [])
        rdates = rdates if isinstance(rdates, list) else [rdates]
        starts = [observance["DTSTART"].dt, *(d.dt for rdate in rdates for d in rdate.dts)]
        began += [(start, observance["TZOFFSETTO"].td) for start in starts if start <= when]
    return max(began)[1]


def test_a_link_is_written_as_a_uri() -> None:
    meeting = ("m", dt.date(2026, 1, 1), "19:00", 60, "online", "", "https://x.nl/€ a", 0,
               False, [])
    data = _calendar_of(("t", "k", [meeting]), "nl", STAMP)
    assert b"URL:https://x.nl/%E2%82%AC%20a\r\n" in data


@settings(derandomize=True, max_examples=1000, deadline=None)
@given(st.text(st.one_of(TRICKY, st.characters(codec="utf-8", exclude_categories=("Cs",))
                        ).filter(lambda ch: ch not in "\r\n"), max_size=400))
def test_a_line_is_folded_whole(line: str) -> None:
    """Folded, a line is the same line unfolded; no part longer than FOLD_AT octets, none
    cut inside a character, none parted from the escape before it unless it stands alone."""
    line = "X:" + line
    data = _folded(line)
    assert_lines(data)
    assert data[:-2].replace(b"\r\n ", b"") == line.encode("utf-8")
    parts = data[:-2].decode("utf-8").split("\r\n")
    for number, part in enumerate(parts[:-1]):
        chars = part[1:] if number else part
        assert len(chars) == 1 or not chars.endswith(("\\", "^"))
