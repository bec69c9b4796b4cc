"""The body's meetings as an RFC 5545 calendar, built with icalendar."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from . import model as m
from .labels import labels

TIMEZONE = "Europe/Amsterdam"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "body"


def calendar(body: m.Body, lang: str, stamp: dt.date) -> bytes:
    """One event per meeting; the UID is stable, so a re-import updates instead of doubling."""
    from icalendar import Calendar, Event

    cfg = body.config
    zone = ZoneInfo(TIMEZONE)
    t = labels(lang)
    cal = Calendar()
    cal.add("prodid", "-//kwartaal//kwartaal//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", cfg.name)
    cal.add("x-wr-timezone", TIMEZONE)
    for meeting in body.meetings:
        start_text = meeting.time or cfg.cadence.time
        hours, minutes = (int(x) for x in start_text.split(":"))
        start = dt.datetime.combine(meeting.date, dt.time(hours, minutes), tzinfo=zone)
        length = meeting.length or cfg.cadence.length
        fmt = meeting.format or cfg.cadence.format
        place = meeting.place or cfg.cadence.place
        link = meeting.link or cfg.cadence.link
        event = Event()
        event.add("uid", f"{meeting.id}@{_slug(cfg.name)}.kwartaal")
        event.add("dtstamp", dt.datetime.combine(stamp, dt.time(0, 0), tzinfo=dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=length))
        event.add("summary", cfg.name)
        if fmt == "online":
            event.add("location", link or t["online"])
        elif place:
            event.add("location", place)
        description = [f"{t['format']}: {t.get(fmt, fmt)}"]
        if fmt != "in-person" and link:
            description.append(f"{t['online']}: {link}")
            event.add("url", link)
        event.add("description", "\n".join(description))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
