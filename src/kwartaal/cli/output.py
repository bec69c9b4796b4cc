"""Terminal output: a rich table on a terminal, plain aligned text elsewhere or with NO_COLOR."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import click


def use_rich() -> bool:
    return on_terminal() and "NO_COLOR" not in os.environ


def on_terminal() -> bool:
    """Whether standard output is a terminal (not when it was closed: `kwartaal actions >&-`)."""
    return sys.stdout is not None and sys.stdout.isatty()


def table(headers: Sequence[str], rows: Sequence[Sequence[str]],
          styles: Sequence[str | None] | None = None, title: str | None = None,
          wrap: int | None = 1, narrow_drop: Sequence[int] = ()) -> None:
    """Print rows; styles gives an optional rich style per row (e.g. 'red'). Only the column
    numbered wrap (the title, usually) wraps on a narrow terminal; ids and dates stay whole."""
    if use_rich():
        from rich import box
        from rich.console import Console
        from rich.table import Table

        console = Console()
        if console.width < 110 and narrow_drop:
            keep = [i for i in range(len(headers)) if i not in narrow_drop]
            headers = [headers[i] for i in keep]
            rows = [[row[i] for i in keep] for row in rows]
            wrap = keep.index(wrap) if wrap in keep else None
        grid = Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False,
                     collapse_padding=True, padding=(0, 1, 0, 0))
        for index, header in enumerate(headers):
            widest = max([0, *(len(row[index]) for row in rows)])
            if index == wrap:
                grid.add_column(header, overflow="fold", min_width=min(16, widest))
            else:
                # ids, dates and statuses stay whole; headers and long values may wrap
                short = widest <= 13
                grid.add_column(header, overflow="fold", no_wrap=short,
                                min_width=max(widest, len(header)) if short else None)
        for index, row in enumerate(rows):
            style = styles[index] if styles else None
            grid.add_row(*row, style=style)
        console.print(grid)
        return
    if title:
        click.echo(title)
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = [headers, *rows]
    for number, row in enumerate(lines):
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if number == 0:
            click.echo("  ".join("-" * w for w in widths))


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
