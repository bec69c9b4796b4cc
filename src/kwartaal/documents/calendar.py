"""The body's meetings as an RFC 5545 calendar, built with icalendar."""

from __future__ import annotations

import datetime as dt
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


def calendar(body: m.Body, lang: str, stamp: dt.date, *, public: bool) -> bytes:
    """One event per meeting; the UID is stable, so a re-import updates instead of doubling.

    Summaries and the calendar's name are the body's neutral name: calendar entries show on
    lock screens and in shared family calendars. A public calendar has no meeting link (unless
    the body publishes it) and no internal place."""
    from icalendar import Calendar, Event

    from kwartaal.core.naming import neutral_name
    from kwartaal.core.visibility import View

    cfg = body.config
    view = View(body, lang, public=public)
    title = neutral_name(cfg)
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
    for meeting in body.meetings:
        start_text = meeting.time or cfg.cadence.time
        hours, minutes = (int(x) for x in start_text.split(":"))
        start = dt.datetime.combine(meeting.date, dt.time(hours, minutes), tzinfo=zone)
        length = meeting.length or cfg.cadence.length
        fmt = meeting.format or cfg.cadence.format
        place = view.place(meeting)
        link = view.link(meeting)
        event = Event()
        event.add("uid", f"{meeting.id}@{_body_key(cfg.name)}.kwartaal")
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
        event.add("sequence", meeting.sequence)
        event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    data = bytes(cal.to_ical())
    if public:
        view.assert_clean(data, msg("the public calendar"))
    return data
