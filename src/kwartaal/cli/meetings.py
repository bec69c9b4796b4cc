"""Commands about meetings: scheduling, proposals, the agenda, the calendar."""

from __future__ import annotations

from pathlib import Path

import click

from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import (
    commit_options,
    finish,
    guard,
    meeting_path,
    pick_meeting,
    write_or_print,
    writes,
)
from kwartaal.core.events import with_event
from kwartaal.core.problems import msg
from kwartaal.core.words import status_word, tr


@click.group("meeting")
def meeting_group() -> None:
    """Plan meetings and list them.

    \b
    Example:
      kwartaal meeting new --invite w-smit
    """


@meeting_group.command("new")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="Default: the next date of the body's cadence after the last meeting.")
@click.option("--time", default=None, metavar="HH:MM", help="Default: the cadence's time.")
@click.option("--place", default=None, help="Default: the cadence's place.")
@click.option("--format", "fmt", type=click.Choice(["in-person", "online", "hybrid"]),
              default=None)
@click.option("--invite", multiple=True, metavar="PERSON",
              help="Invite someone by topic, besides the core members; repeat for more.")
@click.option("--force", is_flag=True, help="Allow a date in the past or a second meeting "
                                            "on one day.")
@click.option("--no-commit", is_flag=True, help="Leave the new file uncommitted.")
@click.option("--author", default=None, help="Commit author, 'Name <email>'.")
@common
@writes
def meeting_new(date_text: str | None, time: str | None, place: str | None, fmt: str | None,
                invite: tuple[str, ...], force: bool, no_commit: bool,
                author: str | None) -> None:
    """Plan the next meeting. Items the previous meeting carried over come along.

    \b
    Examples:
      kwartaal meeting new
      kwartaal meeting new --date 2026-06-11 --format online --invite f-mulder
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.meetings import new_meeting
    from kwartaal.vcs.gitops import commit

    state = current_state()
    body = state.body()
    date = parse_iso(date_text, "--date") if date_text else None
    path, meeting_id = new_meeting(body, date=date, time=time, place=place, fmt=fmt,
                                   invite=list(invite), force=force, today=state.today(),
                                   lang=state.lang())
    result = commit(body.root, [path], f"meeting {meeting_id}: planned", no_commit=no_commit,
                    author=author)
    state.committed(result, msg("planned meeting {id}",
                                id=meeting_id).render(state.lang()))


@meeting_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@common
def meeting_list(as_json: bool) -> None:
    """List the meetings: id, date, status, agenda items and open actions.

    \b
    Example:
      kwartaal meeting list --json
    """
    state = current_state()
    body = state.body()
    rows = [{"id": mt.id, "date": mt.date.isoformat(), "status": mt.status,
             "items": len(mt.items), "open_actions": sum(1 for a in mt.actions if a.is_open)}
            for mt in body.meetings]
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json(rows)
        return
    from kwartaal.cli.output import table

    lang = state.lang()
    table(["id", tr("date", lang), "status", tr("items", lang),
           tr("open actions", lang)],
          [[r["id"], r["date"], status_word(r["status"], lang), str(r["items"]),
            str(r["open_actions"])]
           for r in rows], wrap=None)


@click.command("propose")
@click.argument("title")
@click.option("--by", "by", required=True, metavar="PERSON", help="Who proposes it.")
@click.option("--meeting", default=None, help="Default: the next planned meeting.")
@click.option("--under", default="", metavar="STANDING_KEY",
              help="Place it under a standing item (e.g. beleid).")
@click.option("--theme", default="", help="Theme key.")
@click.option("--closed", is_flag=True, help="A closed item: never in public documents.")
@click.option("--minutes", type=click.IntRange(min=0), default=None, help="Time it needs.")
@click.option("--note", default="", help="Background for the agenda.")
@click.option("--no-commit", is_flag=True, help="Leave the change uncommitted.")
@click.option("--force", is_flag=True, help="Edit even if the file has uncommitted changes.")
@click.option("--author", default=None, help="Commit author, 'Name <email>'.")
@common
@writes
def propose_cmd(title: str, by: str, meeting: str | None, under: str, theme: str, closed: bool,
                minutes: int | None, note: str, no_commit: bool, force: bool,
                author: str | None) -> None:
    """Propose an agenda item; anyone may.

    \b
    Example:
      kwartaal propose "Evaluatie inloopspreekuur" --by yara --under samenwerking \\
        --theme laagdrempelige-zorg --minutes 15
    """
    from kwartaal.edit.actions import require_meeting
    from kwartaal.edit.meetings import default_meeting, propose
    from kwartaal.vcs.gitops import commit, refuse_dirty

    state = current_state()
    body = state.body()
    today = state.today()
    target = require_meeting(body, meeting) if meeting else default_meeting(body, today)
    refuse_dirty(body.root, [target.src.path], force)
    path, item_id = propose(body, title=title, by=by, meeting_id=target.id, under=under,
                            theme=theme, closed=closed, minutes=minutes, note=note, today=today)
    result = commit(body.root, [path], with_event(f"item {item_id}: proposed — {title.strip()}",
                                                  "item-proposed", item_id),
                    no_commit=no_commit, author=author)
    state.committed(result, msg("proposed {id}", id=item_id)
                    .render(state.lang()))


@click.command("agenda")
@click.argument("meeting_id", metavar="[MEETING]", required=False)
@click.option("--public/--internal", "public", default=False,
              help="Public: no closed items, people shown as their visibility allows. "
                   "Internal (default): everything, for the participants.")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "json"]),
              default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of the terminal.")
@common
def agenda_cmd(meeting_id: str | None, public: bool, fmt: str, output: Path | None) -> None:
    """Draft the agenda of a meeting (default: the next planned one).

    \b
    Examples:
      kwartaal agenda
      kwartaal agenda 2026-03-12 --public --format html --output agenda.html
    """
    from kwartaal.documents.agenda import render_agenda

    state = current_state()
    body = state.body()
    today = state.today()
    meeting = pick_meeting(body, meeting_id, today, held=False)
    text = render_agenda(body, meeting, today, state.lang(), public=bool(public), fmt=fmt)
    write_or_print(text, output)
    if output is not None:
        state.say("wrote {path}", path=output)


@click.command("calendar")
@click.option("--public/--internal", "public", default=False,
              help="Public: no meeting link unless the body publishes it, no internal place. "
                   "Internal (default): for the participants.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the .ics file here instead of to standard output.")
@common
def calendar_cmd(public: bool, output: Path | None) -> None:
    """Every meeting as a calendar event (.ics) to import or subscribe to.

    Events carry the body's neutral name, so that a lock screen does not out anyone.

    \b
    Example:
      kwartaal calendar --output overleg.ics
    """
    from kwartaal.documents.calendar import calendar

    state = current_state()
    body = state.body()
    data = calendar(body, state.lang(), state.today(), public=public)
    write_or_print(data, output)
    if output is not None:
        state.say("wrote {path}", path=output)


@meeting_group.command("held")
@click.argument("meeting_id", metavar="MEETING")
@click.option("--force", is_flag=True, help="Also for a date still to come.")
@commit_options
@writes
def meeting_held(meeting_id: str, force: bool, no_commit: bool, author: str | None) -> None:
    """Record that a meeting took place.

    \b
    Example:
      kwartaal meeting held 2026-03-12
    """
    from kwartaal.edit.recording import set_meeting_status

    state = current_state()
    guard([meeting_path(meeting_id)])
    done = set_meeting_status(state.body(), meeting_id, "held", state.today(), force=force)
    finish([done.path], done.message, no_commit, author, said=done.said)
