"""Dates: a fixable 'today', the body's cadence, and due dates given as text."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re

from kwartaal.core.problems import KwartaalError, Msg, msg
from kwartaal.core.values import DATE_MAX, DATE_MIN, YEAR_MAX, YEAR_MIN, shown

TYPE_CHECKING = False  # the record classes are imported only where a cadence is read
if TYPE_CHECKING:
    from kwartaal.core import model as m


# Where the meetings are held: every time of the body is a time on this clock.
TIMEZONE = "Europe/Amsterdam"


def clock_change(day: dt.date, time_text: str) -> str:
    """Whether a time of day on this clock does not exist on that day ('skipped': the hour
    the clocks go forward) or exists twice ('twice': the hour they go back); else ''."""
    if day.month not in (3, 10) or day.day < 25 or day.weekday() != 6:  # a last Sunday
        return ""
    from zoneinfo import ZoneInfo

    try:
        hours, minutes = (int(part) for part in time_text.split(":"))
        local = dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=ZoneInfo(TIMEZONE))
    except ValueError:
        return ""  # (a malformed time is another check's)
    there = local.astimezone(dt.UTC).astimezone(local.tzinfo)
    if there.replace(tzinfo=None) != local.replace(tzinfo=None):
        return "skipped"
    later = local.replace(fold=1)
    return "twice" if later.utcoffset() != local.utcoffset() else ""


def clock_warning(meeting_id: str, day: dt.date, time_text: str) -> Msg | None:
    """What to tell of a meeting starting at a time the clocks skip or repeat that day."""
    change = clock_change(day, time_text)
    if change == "skipped":
        return msg("meeting {id} starts at {time} on {date}, a time the clocks skip that night "
                   "(summer time begins); calendars show it an hour later. Set another time "
                   "with 'kwartaal meeting move {id} --date {date} --time HH:MM'",
                   id=meeting_id, time=time_text, date=day)
    if change == "twice":
        return msg("meeting {id} starts at {time} on {date}, a time that comes twice that "
                   "night (summer time ends); calendars take the first. Set another time "
                   "with 'kwartaal meeting move {id} --date {date} --time HH:MM'",
                   id=meeting_id, time=time_text, date=day)
    return None


def parse_iso(value: str, what: str = "date") -> dt.date:
    """A date given on the command line, within the years every file date lies in."""
    try:
        found = dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise KwartaalError(msg(
            "{what}: '{value}' is not a date; write it as YYYY-MM-DD (e.g. 2026-03-12)",
            what=what, value=shown(value))) from exc
    return in_range(found, what)


def in_range(value: dt.date, what: str) -> dt.date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise KwartaalError(msg(
            "{what}: {value} lies outside the years {lo}-{hi}",
            what=what, value=value, lo=YEAR_MIN, hi=YEAR_MAX))
    return value


def today(option: str | None = None) -> dt.date:
    """--today, else KWARTAAL_TODAY, else the system date."""
    value = option or os.environ.get("KWARTAAL_TODAY")
    if value:
        return parse_iso(value, "--today / KWARTAAL_TODAY")
    return dt.date.today()


def nth_weekday(year: int, month: int, weekday: int, week: int) -> dt.date | None:
    """The week-th given weekday of a month (week -1: the last); None if it does not exist."""
    days = [d for d in calendar.Calendar().itermonthdates(year, month)
            if d.month == month and d.weekday() == weekday]
    if week == -1:
        return days[-1]
    return days[week - 1] if 1 <= week <= len(days) else None


def cadence_dates(cadence: m.Cadence, after: dt.date, count: int = 1) -> list[dt.date]:
    """The next meeting dates strictly after a date, from explicit dates or the rule."""
    found: list[dt.date] = []
    explicit = sorted(d for d in cadence.dates if after < d <= DATE_MAX)
    if explicit:
        return explicit[:count]
    months = sorted(set(cadence.months)) or [3, 6, 9, 12]
    from kwartaal.core.model import WEEKDAYS  # here only: `today` alone needs no records

    weekday = WEEKDAYS.index(cadence.weekday) if cadence.weekday in WEEKDAYS else 3
    year, month = after.year, after.month
    for _ in range(12 * 10):
        if year > YEAR_MAX:  # no date after 2999 is ever proposed, so none is ever written
            break
        if month in months:
            day = nth_weekday(year, month, weekday, cadence.week)
            if day is not None and day > after:
                found.append(day)
                if len(found) == count:
                    break
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return found


_RELATIVE = re.compile(r"^\+([0-9]{1,7})([dwm])\Z")


def relative_date(value: str, base: dt.date) -> dt.date | None:
    """'+10d', '+4w', '+2m' from base; None when value is not of that form. Refused when the
    result would lie beyond the last date a file may hold."""
    found = _RELATIVE.match(value.strip())
    if not found:
        return None
    amount, unit = int(found.group(1)), found.group(2)
    month0 = base.month - 1 + (amount if unit == "m" else 0)
    year, month = base.year + month0 // 12, month0 % 12 + 1
    days = {"d": amount, "w": 7 * amount}.get(unit, 0)
    if year > YEAR_MAX or base.toordinal() + days > DATE_MAX.toordinal():
        raise KwartaalError(msg("'{value}' gives a date after {last}",
                                value=value.strip(), last=DATE_MAX))
    if unit != "m":
        return base + dt.timedelta(days=days)
    return dt.date(year, month, min(base.day, calendar.monthrange(year, month)[1]))
