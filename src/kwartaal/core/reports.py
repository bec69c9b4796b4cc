"""Read-only views of records for output: the rows of action lists, progress, reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import rules
from kwartaal.core.words import tr


def action_row(action: m.Action, today: dt.date) -> dict[str, Any]:
    """The JSON shape of an action in lists: exactly these keys."""
    return {
        "id": action.id,
        "title": action.title,
        "owners": action.owners,
        "due": action.due.isoformat() if action.due else None,
        "status": action.status,
        "theme": action.theme,
        "meeting": action.meeting,
        "overdue": rules.is_overdue(action, today),
        "days_overdue": rules.days_overdue(action, today),
    }


def select_actions(body: m.Body, today: dt.date, *, owner: str | None = None,
                   overdue: bool = False, due_within: int | None = None,
                   status: str = "active", theme: str | None = None,
                   meeting: str | None = None, sort: str = "due") -> list[m.Action]:
    """Filter and sort actions. status: active (open + in-progress), all, or one status.
    due_within keeps open actions due on or before today + days (overdue ones included)."""
    chosen: list[m.Action] = []
    for action in body.all_actions():
        if status == "active" and not action.is_open:
            continue
        if status not in ("active", "all") and action.status != status:
            continue
        if owner and owner not in action.owners:
            continue
        if overdue and not rules.is_overdue(action, today):
            continue
        if due_within is not None and not (
                action.is_open and action.due is not None
                and action.due <= today + dt.timedelta(days=due_within)):
            continue
        if theme and action.theme != theme:
            continue
        if meeting and action.meeting != meeting:
            continue
        chosen.append(action)
    if sort == "urgency":
        chosen.sort(key=lambda a: rules.urgency_key(a, today))
    else:
        chosen.sort(key=lambda a: (a.due or dt.date.max, a.id))
    return chosen


def progress_rows(body: m.Body, today: dt.date, lang: str) -> list[dict[str, Any]]:
    rows = []
    for row in rules.progress(body, body.all_actions(), today):
        theme = body.config.themes.get(row.key)
        title = m.text_in(theme.title, lang, body.config.language) if theme else (
            row.key or (tr("(no theme)", lang)))
        rows.append({"theme": row.key, "title": title, "done": row.done,
                     "in_progress": row.in_progress, "open": row.open, "overdue": row.overdue,
                     "dropped": row.dropped, "total": row.total,
                     "share_done": round(row.share_done, 4)})
    return rows
