"""The body's meetings as an RFC 5545 calendar, built with icalendar."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from kwartaal.core import model as m
from kwartaal.core.labels import labels
from kwartaal.core.problems import msg

TIMEZONE = "Europe/Amsterdam"


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
    from kwartaal.core.naming import neutral_name

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
    return (neutral_name(cfg), _body_key(cfg.name), events)


def _calendar_of(inputs: tuple[Any, ...], lang: str, stamp: dt.date) -> bytes:
    """The calendar of calendar_inputs, built with icalendar from those values alone."""
    from icalendar import Calendar, Event, vCalAddress, vText

    title, body_key, meetings = inputs
    zone = ZoneInfo(TIMEZONE)
    t = labels(lang)
    cal = Calendar()
    cal.add("prodid", "-//kwartaal//kwartaal//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # a published feed: a cancelled meeting stays in it as a cancelled event (RFC 5546 allows
    # STATUS:CANCELLED under PUBLISH), so that calendars that imported it take it off
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", TIMEZONE)
    # Each event is written as it is made (a calendar of 4,000 events held as objects is
    # tens of megabytes); what the calendar writes is its own lines, its time zones, each
    # event's lines and its end (icalendar writes every component's lines in that order).
    events: list[bytes] = []
    for (meeting_id, day, start_text, length, fmt, place, link, sequence, cancelled,
         people) in meetings:
        hours, minutes = (int(x) for x in start_text.split(":"))
        start = dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=zone)
        event = Event()
        event.add("uid", f"{meeting_id}@{body_key}.kwartaal")
        event.add("dtstamp", dt.datetime.combine(stamp, dt.time(0, 0), tzinfo=dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=length))
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
        # the UID never changes (the meeting's id stays when it moves); a higher SEQUENCE tells
        # a calendar that this copy replaces the one it has
        event.add("sequence", sequence)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        for email, name, partstat in people:
            address = vCalAddress(f"mailto:{email}")
            address.params["cn"] = vText(name)
            address.params["partstat"] = vText(partstat)
            address.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", address, encode=0)
        if not events:  # every event names the same time zones: each starts in TIMEZONE
            cal.add_component(event)
            cal.add_missing_timezones()
            cal.subcomponents = [part for part in cal.subcomponents if part is not event]
        events.append(bytes(event.to_ical()))
    head = bytes(cal.to_ical())
    end = b"END:VCALENDAR\r\n"
    if not head.endswith(end):
        raise ValueError("a calendar that does not end as icalendar ends one")
    data = b"".join([head[:-len(end)], *events, end])
    del events
    return data
