"""Read-only views of records for output: the rows of action lists, progress, reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import query, rules
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.core.words import tr


def action_row(action: m.Action, today: dt.date) -> dict[str, Any]:
    """The JSON shape of an action in lists: exactly these keys."""
    return query.row(rules.plain(action), today.toordinal())


SORTS = ("due", "urgency")


def select_actions(body: m.Body, today: dt.date, *, owner: str | None = None,
                   overdue: bool = False, due_within: int | None = None,
                   status: str = "active", theme: str | None = None,
                   meeting: str | None = None, sort: str = "due") -> list[m.Action]:
    """Filter and sort actions (core/query.py). status: active (open + in-progress), all, or
    one status. due_within keeps open actions due on or before today + days (overdue ones
    included)."""
    return select_rows(((rules.plain(a), a) for a in body.all_actions()), today, owner=owner,
                       overdue=overdue, due_within=due_within, status=status, theme=theme,
                       meeting=meeting, sort=sort)


def select_rows(found: Any, today: dt.date, *, owner: str | None = None,
                overdue: bool = False, due_within: int | None = None, status: str = "active",
                theme: str | None = None, meeting: str | None = None,
                sort: str = "due") -> list[Any]:
    """select_actions on (plain row, anything) pairs: what goes with each chosen row."""
    statuses = ("active", "all", *m.ACTION_STATUSES)
    if status not in statuses:
        raise KwartaalError(msg("unknown status '{value}'; choose one of: {choices}",
                                value=status, choices=", ".join(statuses)))
    if sort not in SORTS:
        raise KwartaalError(msg("unknown order '{value}'; choose one of: {choices}",
                                value=sort, choices=", ".join(SORTS)))
    return query.select(found, today.toordinal(),
                        owner=owner, overdue=overdue, within=due_within, status=status,
                        theme=theme, meeting=meeting, sort=sort)


def progress_rows(body: m.Body, today: dt.date, lang: str) -> list[dict[str, Any]]:
    return theme_rows(rules.progress(body, body.all_actions(), today), body.config, lang)


def theme_rows(found: list[Any], config: m.Config, lang: str) -> list[dict[str, Any]]:
    """Progress per theme (rules.progress's counts, or the action lane's) as rows for people:
    the theme's title in lang, the share done rounded."""
    rows = []
    for row in found:
        theme = config.themes.get(row.key)
        title = m.text_in(theme.title, lang, config.language) if theme else (
            row.key or (tr("(no theme)", lang)))
        rows.append({"theme": row.key, "title": title, "done": row.done,
                     "in_progress": row.in_progress, "open": row.open, "overdue": row.overdue,
                     "dropped": row.dropped, "total": row.total,
                     "share_done": round(row.share_done, 4)})
    return rows
