"""The table of an action list, from plain rows (core/query.py): what `actions` and `overdue`
print, both in the full command and in the fast lane (cli/fast.py), which answers before click
and the record classes are imported. So it imports only the query and the words."""

from __future__ import annotations

import datetime as dt

from kwartaal.core import query
from kwartaal.core.words import status_word, tr

TYPE_CHECKING = False  # importing typing would cost the fast lane a tenth of its time
if TYPE_CHECKING:
    from collections.abc import Sequence


def action_table(plains: Sequence[query.Plain], today: int,
                 lang: str) -> tuple[list[str], list[list[str]], list[str | None]]:
    """Headers, rows and a style per row: overdue red, due soon yellow. today: an ordinal."""
    headers = ["id", tr("title", lang), tr("owners", lang),
               tr("due", lang), tr("overdue", lang),
               "status", tr("theme", lang)]
    rows: list[list[str]] = []
    styles: list[str | None] = []
    for plain in plains:
        status, due = plain[query.STATUS], plain[query.DUE]
        late = query.days_overdue(status, due, today)
        rows.append([plain[query.ID], plain[query.TITLE], ", ".join(plain[query.OWNERS]),
                     dt.date.fromordinal(due).isoformat() if due else "",
                     str(late) if late else "", status_word(status, lang), plain[query.THEME]])
        if late:
            styles.append("red")
        elif query.due_within(status, due, today, query.SOON_DAYS):
            styles.append("yellow")
        else:
            styles.append(None)
    return headers, rows, styles


def plain_text(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """The table as cli/output.py prints it where there is no terminal (or NO_COLOR): aligned
    columns, a line under the headers, no trailing spaces; one line break after each line."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = []
    for number, row in enumerate([headers, *rows]):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "".join(line + "\n" for line in lines)
