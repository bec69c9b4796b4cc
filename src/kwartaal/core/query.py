"""The action query behind `actions` and `overdue`: which actions, in which order, and the JSON
row of each.

One definition for both ways of answering: core/reports.py calls it on loaded records, and the
fast lane (cli/fast.py) on plain values read straight from the action index, before click or
the record classes are imported. So it works on plain values and imports only datetime, which
the lane needs anyway: no typing, no dataclasses.

An action is seen as a tuple (id, title, owners, due, status, theme, meeting), due being a
day ordinal (date.toordinal()) or 0 for none; today is an ordinal too.
"""

from __future__ import annotations

import datetime as dt

TYPE_CHECKING = False  # importing typing would cost the fast lane a tenth of its time
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    Plain = tuple[str, str, tuple[str, ...] | list[str], int, str, str, str]

ID, TITLE, OWNERS, DUE, STATUS, THEME, MEETING = range(7)

OPEN_STATUSES = ("open", "in-progress")  # the same as core/model.py's (a test holds them equal)
STATUS_CHOICES = ("open", "in-progress", "done", "dropped", "all")
SORT_CHOICES = ("due", "urgency")
DUE_WITHIN_MAX = 400_000
SOON_DAYS = 14
NO_DUE = dt.date.max.toordinal()  # sorts after every real due date

# The years any date of the tool lies in (core/values.py; a test holds them equal).
YEAR_MIN, YEAR_MAX = 1900, 2999


def today_from(text: str | None, environ_value: str | None) -> dt.date | None:
    """--today, else KWARTAAL_TODAY, else the system date, as core/dates.py reads them; None
    where that refuses the text (the caller then lets the full command say why)."""
    value = text or environ_value
    if not value:
        return dt.date.today()
    try:
        found = dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
    return found if YEAR_MIN <= found.year <= YEAR_MAX else None


def days_overdue(status: str, due: int, today: int) -> int:
    """Days past due of an open action; due today is not overdue, and done ones never are."""
    return today - due if due and due < today and status in OPEN_STATUSES else 0


def due_within(status: str, due: int, today: int, days: int) -> bool:
    """Open, not overdue, and due between today and today + days (inclusive)."""
    return status in OPEN_STATUSES and bool(due) and today <= due <= today + days


def urgency_key(plain: Plain, today: int) -> tuple[int, int, int, str]:
    """Overdue first (longest overdue first), then due soon, then the rest; not started before
    started within each group."""
    status, due = plain[STATUS], plain[DUE]
    if days_overdue(status, due, today):
        group = 0
    elif due_within(status, due, today, SOON_DAYS):
        group = 1
    else:
        group = 2
    return (group, due or NO_DUE, 0 if status == "open" else 1, plain[ID])


def wanted(plain: Plain, today: int, owner: str | None, overdue: bool, within: int | None,
           status: str, theme: str | None, meeting: str | None) -> bool:
    state = plain[STATUS]
    if status == "active" and state not in OPEN_STATUSES:
        return False
    if status not in ("active", "all") and state != status:
        return False
    if owner and owner not in plain[OWNERS]:
        return False
    if overdue and not days_overdue(state, plain[DUE], today):
        return False
    if within is not None and not (
            state in OPEN_STATUSES and plain[DUE] and plain[DUE] <= today + within):
        return False
    if theme and plain[THEME] != theme:
        return False
    return not (meeting and plain[MEETING] != meeting)


def select(found: Iterable[tuple[Plain, Any]], today: int, *, owner: str | None = None,
           overdue: bool = False, within: int | None = None, status: str = "active",
           theme: str | None = None, meeting: str | None = None,
           sort: str = "due") -> list[Any]:
    """What goes with each chosen action, in order. status: active (open + in-progress), all,
    or one status. within keeps open actions due on or before today + days (overdue ones
    included)."""
    chosen = [(plain, what) for plain, what in found
              if wanted(plain, today, owner, overdue, within, status, theme, meeting)]
    if sort == "urgency":
        chosen.sort(key=lambda pair: urgency_key(pair[0], today))
    else:
        chosen.sort(key=lambda pair: (pair[0][DUE] or NO_DUE, pair[0][ID]))
    return [what for _, what in chosen]


def row(plain: Plain, today: int) -> dict[str, Any]:
    """The JSON shape of an action in lists: exactly these keys."""
    due, status = plain[DUE], plain[STATUS]
    late = days_overdue(status, due, today)
    return {
        "id": plain[ID],
        "title": plain[TITLE],
        "owners": list(plain[OWNERS]),
        "due": dt.date.fromordinal(due).isoformat() if due else None,
        "status": status,
        "theme": plain[THEME],
        "meeting": plain[MEETING],
        "overdue": late > 0,
        "days_overdue": late,
    }


def json_text(rows: list[dict[str, Any]]) -> str:
    """The printed list, as both ways print it."""
    import json

    return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
