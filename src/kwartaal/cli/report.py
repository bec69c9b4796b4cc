"""Who takes part, and the year report for the council."""

from __future__ import annotations

from pathlib import Path

import click

from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import (
    DOCUMENT_FORMATS,
    json_option,
    output_option,
    refuse_binary_on_terminal,
    write_or_print,
)
from kwartaal.core.words import tr


@click.command("attendance")
@click.option("--year", type=click.IntRange(1900, 2999), default=None,
              help="Only the meetings held in this year (default: every held meeting).")
@json_option("Print JSON (docs/format.md describes its keys).")
@common
def attendance_cmd(year: int | None, as_json: bool) -> None:
    """Who takes part: per organisation and per role, the held meetings present, excused and
    absent, and the rate. Warns when no sex worker's seat was filled at a meeting, and when
    an organisation missed two held meetings in a row.

    \b
    Examples:
      kwartaal attendance --year 2025
      kwartaal attendance --json
    """
    from kwartaal.core.attendance import attendance, to_json

    state = current_state()
    lang = state.lang()
    found = attendance(state.body(), year, lang)
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json(to_json(found, lang))
        return
    if not found.meetings:
        if year:
            state.say("no held meetings in {year}", year=year)
        else:
            state.say("no held meetings yet")
        return
    from kwartaal.cli.output import table
    from kwartaal.documents.attendance import attendance_tables

    for title, headers, rows in attendance_tables(found, lang):
        table(headers, rows, title=title, wrap=0)
    for finding in found.warnings:
        click.secho(f"{tr('warning', lang)}: {finding.message.render(lang)}", fg="yellow")


@click.command("report")
@click.option("--year", type=click.IntRange(1900, 2999), required=True,
              help="The year the report is about.")
@click.option("--public/--internal", "public", default=True,
              help="Public (default): totals only, no closed decisions, no hidden names. "
                   "Internal: also closed decisions and compensation per person.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", *DOCUMENT_FORMATS]),
              default="md", show_default=True,
              help="docx (Word) and pdf are files: give --output.")
@output_option()
@common
def report_cmd(year: int, public: bool, fmt: str, output: Path | None) -> None:
    """The year report for the council: meetings held and cancelled, attendance per
    organisation, decisions, actions per theme and compensation as totals. Public unless
    --internal is given: what is meant to stay inside the group has to be asked for.

    \b
    Examples:
      kwartaal report --year 2025 --format html --output jaarverslag-2025.html
      kwartaal report --year 2025 --internal
      kwartaal report --year 2025 --format docx --output jaarverslag-2025.docx
    """
    from kwartaal.documents.report import render_report

    state = current_state()
    refuse_binary_on_terminal(fmt, output)
    if fmt in DOCUMENT_FORMATS:
        from kwartaal.documents.office import report_file

        write_or_print(report_file(state.body(), year, state.today(), state.lang(),
                                   public=public, fmt=fmt), output)
    else:
        write_or_print(render_report(state.body(), year, state.today(), state.lang(),
                                     public=public, fmt=fmt), output)
    if output is not None:
        state.say("wrote {path}", path=output)
