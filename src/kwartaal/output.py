"""Terminal output: a rich table on a terminal, plain aligned text elsewhere or with NO_COLOR."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import click


def use_rich() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def table(headers: Sequence[str], rows: Sequence[Sequence[str]],
          styles: Sequence[str | None] | None = None, title: str | None = None) -> None:
    """Print rows; styles gives an optional rich style per row (e.g. 'red')."""
    if use_rich():
        from rich.console import Console
        from rich.table import Table

        grid = Table(title=title, header_style="bold")
        for header in headers:
            grid.add_column(header)
        for index, row in enumerate(rows):
            style = styles[index] if styles else None
            grid.add_row(*row, style=style)
        Console().print(grid)
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
