"""`kwartaal sheet`: write the notes sheet of a meeting (default), and read a filled-in one
back as attendance, notes, decisions and actions in one commit."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from kwartaal.cli import complete
from kwartaal.cli.minutes import DefaultGroup
from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import apply, commit_options, output_option, pick_meeting, write_or_print
from kwartaal.core.problems import KwartaalError, msg, pmsg


class SheetGroup(DefaultGroup):
    default_command = "write"


@click.group("sheet", cls=SheetGroup)
def sheet_group() -> None:
    """The notes sheet: write it from the agenda (default), fill it in during the meeting in any
    editor, read it back.

    \b
    Examples:
      kwartaal sheet 2026-03-12 --output notes.md
      kwartaal sheet read 2026-03-12 notes.md --dry-run
      kwartaal sheet read 2026-03-12 notes.md
    """


@sheet_group.command("write", hidden=True)
@click.argument("meeting_id", metavar="[MEETING]", required=False,
                shell_complete=complete.meetings)
@output_option("Write the sheet to this file (default: print it).")
@common
def sheet_write(meeting_id: str | None, output: Path | None) -> None:
    """Write the notes sheet of a meeting (default: the next planned one), in the body's
    language: attendance boxes, every agenda item as a heading, the open actions.

    \b
    Example:
      kwartaal sheet 2026-03-12 --output notes.md
    """
    from kwartaal.documents.sheet import render_sheet

    state = current_state()
    body = state.body()
    meeting = pick_meeting(body, meeting_id, state.today(), held=False)
    write_or_print(render_sheet(body, meeting, state.today(), state.lang()), output)
    if output is not None:
        state.say("wrote {path}", path=output)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise KwartaalError(msg("cannot read the sheet {path}: {reason}", path=path,
                                reason=str(exc))) from exc


def _by(body: Any, meeting_id: str) -> str:
    """Who records: the person running the command (KWARTAAL_ME), else the secretary."""
    me = os.environ.get("KWARTAAL_ME")
    if me:
        return me
    meeting = body.meeting(meeting_id)
    return (meeting.secretary if meeting is not None else "") or body.config.secretary or ""


def _show(made: Any, lang: str) -> None:
    from kwartaal.cli.output import table

    kinds = {"attendance": msg("attendance"), "note": pmsg("record", "note"),
             "decision": msg("decision"), "action": msg("new action"),
             "update": msg("action update")}
    rows = [(kinds[step.kind].render(lang), step.where,
             step.what.render(lang) if hasattr(step.what, "render") else step.what)
            for step in made.steps]
    table([msg("what").render(lang), msg("where").render(lang),
           msg("recorded").render(lang)], rows, wrap=2)


@sheet_group.command("read")
@click.argument("meeting_id", metavar="MEETING", shell_complete=complete.meetings)
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be recorded; write nothing.")
@commit_options
def sheet_read(meeting_id: str, path: Path, dry_run: bool) -> None:
    """Read a filled-in notes sheet back: attendance, notes, decisions, new actions and action
    updates, all in one commit. Nothing is recorded until every line resolves; what is
    recorded already is left as it is, so reading a sheet again records only what changed.

    \b
    Example:
      kwartaal sheet read 2026-03-12 notes.md --dry-run
    """
    from kwartaal.edit.sheet import plan, record

    state = current_state()
    lang = state.lang()
    text = _read_text(path)
    body = state.body()
    today = state.today()

    def made(loaded: Any) -> Any:
        return plan(loaded, meeting_id, text, path, by=_by(loaded, meeting_id), today=today,
                    lang=loaded.config.language)

    first = made(body)
    if not first.steps:
        for note in first.notes:
            click.echo(note.render(lang))
        state.say("the sheet records nothing new for {meeting}", meeting=first.meeting)
        return
    _show(first, lang)
    if dry_run:
        for note in first.notes:
            click.echo(note.render(lang))
        state.say("dry run: nothing was recorded")
        return
    apply(lambda loaded: record(loaded, made(loaded)))
