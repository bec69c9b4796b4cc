"""The body's meetings as an RFC 5545 calendar: its head made with icalendar, its events
written line by line."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from kwartaal.core import model as m
from kwartaal.core.dates import TIMEZONE
from kwartaal.core.labels import labels
from kwartaal.core.problems import msg


def _body_key(name: str) -> str:
    """A stable, unreadable key of the body for event UIDs: a UID travels with every copy of
    an event, so it must not spell out what the meeting is about."""
    import hashlib

    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


# A reply before the meeting as the participation status of an ATTENDEE (RFC 5545 3.2.12).
PARTSTAT = {"expected": "ACCEPTED", "declined": "DECLINED"}
# An address as a calendar can use it: one @, a dot in the domain, nothing that means
# something else on an iCalendar line.
_ADDRESS = re.compile(r'[^@\s;:,<>"]+@[^@\s;:,<>"]+\.[^@\s;:,<>"]+')


def attendees(body: m.Body, meeting: m.Meeting) -> list[tuple[m.Person, str]]:
    """Who the event lists as ATTENDEE, with their PARTSTAT: the people invited or who
    replied, only those shown by name (never role-only or working-name people) who chose
    e-mail and whose address the body keeps, and who had not left by the meeting's date."""
    from kwartaal.core.distribution import DIRECT, route

    out = []
    for pid in dict.fromkeys([*meeting.invited, *meeting.expected, *meeting.declined]):
        person = body.people.get(pid)
        if person is None or not person.is_named or not _ADDRESS.fullmatch(person.email.strip()):
            continue
        if person.left is not None and person.left <= meeting.date:
            continue
        found = route(body, person, meeting.date)
        if found.way != DIRECT or found.address != person.email:
            continue
        answer = "declined" if pid in meeting.declined else (
            "expected" if pid in meeting.expected else "")
        out.append((person, PARTSTAT.get(answer, "NEEDS-ACTION")))
    return out


def calendar(body: m.Body, lang: str, stamp: dt.date, *, public: bool,
             view: Any = None, inputs: tuple[Any, ...] | None = None) -> bytes:
    """One event per meeting; the UID is stable, so a re-import updates instead of doubling.

    Summaries and the calendar's name are the body's neutral name: calendar entries show on
    lock screens and in shared family calendars. A public calendar has no meeting link (unless
    the body publishes it), no internal place and no attendees; the internal one lists the
    attendees `attendees` allows, with their reply. view: View(body, lang, public=public)
    made already (the site's, which has gathered what it searches for); inputs: what
    calendar_inputs gave for this body, language and view. A public calendar is searched for
    what must not be published before it is returned."""
    from kwartaal.core.visibility import View

    if view is None or view.body is not body or (view.lang, view.public) != (lang, public):
        view = View(body, lang, public=public)
    if inputs is None:
        inputs = calendar_inputs(body, lang, public=public, view=view)
    data = _calendar_of(inputs, lang, stamp)
    if public:
        view.assert_clean(data, msg("the public calendar"))
    return data


def calendar_inputs(body: m.Body, lang: str, *, public: bool, view: Any) -> tuple[Any, ...]:
    """Everything a calendar is made of but its language and day, as plain values (the site
    keeps its calendar under them, files/pages.py): its name, the key of the body in every
    UID, and of each meeting its id, day, start, length in minutes, format, place and link as
    the view shows them, sequence, whether it was cancelled, and its attendees (address,
    name, reply)."""
    cfg = body.config
    events = []
    for meeting in body.meetings:
        events.append((
            meeting.id, meeting.date, meeting.time or cfg.cadence.time,
            meeting.length or cfg.cadence.length, meeting.format or cfg.cadence.format,
            view.place(meeting), view.link(meeting), meeting.sequence,
            meeting.status == "cancelled",
            [] if public else [(person.email.strip(), person.name, partstat)
                               for person, partstat in attendees(body, meeting)]))
    return (view.body_name(neutral=True), _body_key(cfg.name), events)


def _calendar_of(inputs: tuple[Any, ...], lang: str, stamp: dt.date) -> bytes:
    """The calendar of calendar_inputs, from those values alone: its lines are written here
    as RFC 5545 has them, but for the time zone's definition, which icalendar makes (for
    4,000 events icalendar's writing, an object per property, every line folded a character
    at a time, took most of a site's calendar). tests/test_calendar_lines.py reads them back
    with icalendar and compares them with what it writes."""
    from icalendar import Calendar, Event

    title, body_key, meetings = inputs
    t = labels(lang)
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kwartaal//kwartaal//NL",
             "CALSCALE:GREGORIAN",
             # a published feed: a cancelled meeting stays in it as a cancelled event (RFC
             # 5546 allows STATUS:CANCELLED under PUBLISH), so that calendars that imported
             # it take it off
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_text(title)}", f"X-WR-TIMEZONE:{TIMEZONE}"]
    # Every event starts in TIMEZONE: the calendar defines it once, for every year from the
    # first meeting's to the one after the last's (icalendar's own range, 1970 to 2037, would
    # give a meeting outside it the wrong offset in a calendar that reads the definition
    # rather than the zone's name). A body without meetings still has it: a calendar holds at
    # least one component (RFC 5545 3.6), and a subscribed feed that is empty for now is one.
    tz, cal, event = ZoneInfo(TIMEZONE), Calendar(), Event()
    first = dt.datetime.combine(meetings[0][1], _start(meetings[0][2])) if meetings else \
        dt.datetime.combine(stamp, dt.time(0, 0))
    event.add("dtstart", first.replace(tzinfo=tz))
    cal.add_component(event)
    years = [meeting[1].year for meeting in meetings] or [stamp.year]
    cal.add_missing_timezones(first_date=dt.date(min(years), 1, 1),
                              last_date=dt.date(min(max(years) + 2, dt.MAXYEAR), 1, 1))
    definition = b"".join(bytes(part.to_ical()) for part in cal.walk("VTIMEZONE"))
    stamped = _utc(dt.datetime.combine(stamp, dt.time(0, 0)))
    summary = _text(title)
    events = []  # each event's lines, folded, as bytes: not 40,000 lines held at once
    for (meeting_id, day, start_text, length, fmt, place, link, sequence, cancelled,
         people) in meetings:
        start = dt.datetime.combine(day, _start(start_text), tzinfo=tz)
        # it ends when its length has passed, also across a change of the clocks
        end = (start.astimezone(dt.UTC) + dt.timedelta(minutes=length)).astimezone(tz)
        online = link if fmt != "in-person" else ""  # the link, where one joins by it
        description = [f"{t['format']}: {t.get(fmt, fmt)}"]
        if online:
            description.append(f"{t['online']}: {online}")
        location = (link or t["online"]) if fmt == "online" else place
        # icalendar's order: its canonical properties, then the others by name
        lines = ["BEGIN:VEVENT", f"SUMMARY:{summary}",
                  f"DTSTART;TZID={TIMEZONE}:{_local(start)}",
                  # (an end in the hour the clocks go back, which a local time cannot
                  # tell from the hour before, in UTC)
                  f"DTEND:{_utc(end.astimezone(dt.UTC))}" if end.fold else
                  f"DTEND;TZID={TIMEZONE}:{_local(end)}",
                  f"DTSTAMP:{stamped}", f"UID:{_text(f'{meeting_id}@{body_key}.kwartaal')}",
                  # the UID never changes (the meeting's id stays when it moves); a higher
                  # SEQUENCE tells a calendar that this copy replaces the one it has
                  f"SEQUENCE:{int(sequence)}"]
        lines += [f'ATTENDEE;CN="{_param(name)}";PARTSTAT={partstat};ROLE=REQ-PARTICIPANT:'
                  f"mailto:{_uri(email)}" for email, name, partstat in people]
        lines.append(f"DESCRIPTION:{_text(chr(10).join(description))}")
        if location:
            lines.append(f"LOCATION:{_text(location)}")
        lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
        if online:
            lines.append(f"URL:{_uri(online)}")
        lines.append("END:VEVENT")
        events.append(b"".join(_folded(line) for line in lines))
    return b"".join([*map(_folded, head), definition, *events, b"END:VCALENDAR\r\n"])


def _start(text: str) -> dt.time:
    hours, minutes = (int(x) for x in text.split(":"))
    return dt.time(hours, minutes)


def _local(when: dt.datetime) -> str:
    """A DATE-TIME in local time (RFC 5545 3.3.5, form 3: with a TZID)."""
    return (f"{when.year:04d}{when.month:02d}{when.day:02d}T"
            f"{when.hour:02d}{when.minute:02d}{when.second:02d}")


def _utc(when: dt.datetime) -> str:
    return _local(when) + "Z"


# TEXT (RFC 5545 3.3.11): backslash, semicolon and comma escaped, each line break as \n
_TEXT = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": "\\n"})
# a parameter value in quotes (RFC 6868): ^ as ^^, a line break as ^n, a quote as ^';
# what else may not stand in quotes (a control character) is left out
_PARAM = str.maketrans({**{code: None for code in (*range(0x20), 0x7f) if code != 0x09},
                        "^": "^^", "\n": "^n", "\r": "^n", '"': "^'"})
# a URI is written as it is (3.3.13), but what a URI may not hold (what would end or part
# its line, and what is not ASCII), which is percent-encoded
_URI_KEPT = "".join(map(chr, range(0x21, 0x7f)))


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").translate(_TEXT)


def _param(value: str) -> str:
    return value.replace("\r\n", "\n").translate(_PARAM)


def _uri(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe=_URI_KEPT, errors="surrogatepass")


FOLD_AT = 75  # octets of a line, its line break not counted (RFC 5545 3.1)


def _folded(line: str) -> bytes:
    """A content line and its line break, folded into lines of at most FOLD_AT octets (the
    space that continues a line counted), never inside a character's UTF-8 bytes, nor
    between a backslash or caret and the character it escapes."""
    data = line.encode("utf-8", "surrogatepass")
    if len(data) <= FOLD_AT:
        return data + b"\r\n"
    parts, part, size, room = [], [], 0, FOLD_AT
    for char in line:
        width = len(char.encode("utf-8", "surrogatepass"))
        if size + width > room:
            carried = part.pop() if len(part) > 1 and part[-1] in "\\^" else ""
            parts.append("".join(part))
            part, size, room = [carried] if carried else [], len(carried), FOLD_AT - 1
        part.append(char)
        size += width
    parts.append("".join(part))
    return "\r\n ".join(parts).encode("utf-8", "surrogatepass") + b"\r\n"
