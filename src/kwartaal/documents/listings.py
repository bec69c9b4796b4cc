"""Actions as a person reads them: the rows of an action list, the actions of every body in a
repository, progress per theme, and one action's details with the commits that touched it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import rules
from kwartaal.core.words import status_word, tr


def action_table(actions: list[m.Action], today: dt.date,
                 lang: str) -> tuple[list[str], list[list[str]], list[str | None]]:
    """Headers, rows and a style per row: overdue red, due soon yellow (documents/actiontable.py,
    which the fast lane shares)."""
    from kwartaal.documents import actiontable

    return actiontable.action_table([rules.plain(a) for a in actions], today.toordinal(), lang)


def across_bodies(start: Path, today: dt.date, owner: str | None,
                  **filters: Any) -> list[tuple[str, m.Action]]:
    """The chosen actions of every body in the repository holding start, with the body's
    name."""
    from kwartaal.core.reports import select_actions
    from kwartaal.files.loader import load_actions
    from kwartaal.vcs.history import find_bodies

    chosen: list[tuple[str, m.Action]] = []
    for root in find_bodies(start):
        body = load_actions(root)
        chosen += [(body.config.name, a)
                   for a in select_actions(body, today, owner=owner, **filters)]
    return chosen


def across_bodies_table(chosen: list[tuple[str, m.Action]], today: dt.date,
                        lang: str) -> tuple[list[str], list[list[str]], list[str | None]]:
    return ([tr("body", lang), "id", tr("title", lang),
             tr("owners", lang), tr("due", lang),
             tr("overdue", lang), "status"],
            [[name, a.id, a.title, ", ".join(a.owners), str(a.due or ""),
              str(rules.days_overdue(a, today) or ""), status_word(a.status, lang)]
             for name, a in chosen],
            ["red" if rules.is_overdue(a, today) else None for _, a in chosen])


def progress_table(rows: list[dict[str, Any]], lang: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the progress per theme (core.reports.theme_rows)."""
    headers = [tr("theme", lang), tr("done", lang),
               tr("in progress", lang), "open", tr("overdue", lang),
               tr("dropped", lang), tr("% done", lang)]
    return headers, [[r["title"], str(r["done"]), str(r["in_progress"]), str(r["open"]),
                      str(r["overdue"]), str(r["dropped"]), f"{round(r['share_done'] * 100)}%"]
                     for r in rows]


def action_details(action: m.Action, today: dt.date) -> dict[str, Any]:
    """The JSON shape of `action show`: the list row, history, and the commits that touched
    the action's lines."""
    from kwartaal.core.lines import section_span
    from kwartaal.core.reports import action_row
    from kwartaal.vcs.gitops import commits_touching

    span = section_span(action.src.path, action.src.section)
    commits = commits_touching(action.src.path, *span) if span else []
    data = action_row(action, today)
    data.update({"closed": action.closed, "item": action.item,
                 "history": [{"date": h.date.isoformat(), "by": h.by, "what": h.what}
                             for h in action.history],
                 "commits": [{"sha": c.sha, "date": c.date, "author": c.author,
                              "subject": c.subject} for c in commits]})
    return data


def action_text(action: m.Action, details: dict[str, Any], today: dt.date, lang: str) -> str:
    nl = lang == "nl"
    late = rules.days_overdue(action, today)
    lines = [
        f"{action.id}  {action.title}",
        f"  {tr('owner', lang)}: {action.owner}"
        + (f" ({tr('with', lang)} {', '.join(action.co_owners)})"
           if action.co_owners else ""),
        f"  {tr('due', lang)}: {action.due}"
        + (f" — {late} {tr('days overdue', lang)}" if late else ""),
        f"  status: {status_word(action.status, lang)}"
        + ("  [besloten]" if action.closed and nl else "  [closed]" if action.closed else ""),
    ]
    if action.theme:
        lines.append(f"  {tr('theme', lang)}: {action.theme}")
    lines.append("")
    lines.append(tr("history:", lang))
    for entry in action.history:
        who = f" ({entry.by})" if entry.by else ""
        lines.append(f"  {entry.date}{who}: {entry.what}")
    if details["commits"]:
        lines.append("")
        lines.append("commits:")
        for c in details["commits"]:
            lines.append(f"  {c['sha'][:8]} {c['date']} {c['author']}: {c['subject']}")
    return "\n".join(lines)
