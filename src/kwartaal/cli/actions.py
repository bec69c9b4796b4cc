"""Commands about actions: lists, overdue, edits, reminders, progress."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kwartaal.cli import complete
from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import apply, commit_options, force_option, json_option, output_option
from kwartaal.core.words import tr

STATUS_CHOICES = ["open", "in-progress", "done", "dropped", "all"]


def _me() -> str | None:
    return os.environ.get("KWARTAAL_ME") or None


def _lane() -> Any:
    """The body as the action lane reads it (files/actionlane.py): settings, people and the
    action index, with records built only for what is shown."""
    from kwartaal.core import model as m
    from kwartaal.files.actionlane import read_lane

    state = current_state()
    lane = read_lane(state.root())
    # people and settings, for the checks of what was asked and the language
    state.use(m.Body(root=lane.root, config=lane.config, people=lane.people, meetings=[]))
    return lane


def _print_actions(chosen: list[Any], today: Any, lang: str) -> None:
    """A list of plain rows (core/query.py) as a table, or the words for none."""
    from kwartaal.cli.output import table
    from kwartaal.documents.actiontable import action_table

    if not chosen:
        click.echo(tr("no actions", lang))
        return
    table(*action_table(chosen, today.toordinal(), lang), narrow_drop=(6,))


def _emit_rows(chosen: list[Any], today: Any) -> None:
    from kwartaal.cli.output import emit_json
    from kwartaal.core.query import row

    emit_json([row(plain, today.toordinal()) for plain in chosen])


@click.command("actions")
@click.option("--owner", help="Only actions this person leads or shares (default: KWARTAAL_ME).",
              shell_complete=complete.people)
@click.option("--everyone", is_flag=True, help="Ignore KWARTAAL_ME: everyone's actions.")
@click.option("--overdue", is_flag=True, help="Only overdue actions.")
@click.option("--due-within", type=click.IntRange(min=0, max=400_000), metavar="DAYS",
              help="Only open actions due within DAYS from today (overdue ones included).")
@click.option("--status", type=click.Choice(STATUS_CHOICES), default=None,
              help="Default: open and in-progress.")
@click.option("--theme", help="Only this theme.")
@click.option("--meeting", help="Only actions created at this meeting.",
              shell_complete=complete.meetings)
@click.option("--sort", type=click.Choice(["due", "urgency"]), default="due", show_default=True)
@click.option("--all-bodies", is_flag=True,
              help="Every body (kwartaal.toml) in this repository, not just this one.")
@json_option()
@common
def actions_cmd(owner: str | None, everyone: bool, overdue: bool, due_within: int | None,
                status: str | None, theme: str | None, meeting: str | None, sort: str,
                all_bodies: bool, as_json: bool) -> None:
    """List actions: by default the open and in-progress ones, by due date.

    Overdue actions are red and those due within 14 days yellow on a terminal.

    \b
    Examples:
      kwartaal actions --owner roos
      KWARTAAL_ME=roos kwartaal actions --sort urgency
      kwartaal actions --overdue --json
    """
    from kwartaal.core.reports import select_rows
    from kwartaal.edit.actions import require_meeting, require_person, require_theme

    state = current_state()
    today = state.today()
    who = None if everyone else (owner or _me())
    if all_bodies:
        _across_bodies(who, as_json, overdue=overdue, due_within=due_within,
                       status=status or "active", theme=theme, sort=sort)
        return
    lane = _lane()
    body = state.loaded()
    if who:
        require_person(body, who)
    if theme:
        require_theme(body, theme)
    if meeting:
        require_meeting(lane.body(), meeting)
    rows = lane.plain(closed=(status or "active") not in ("active", "open", "in-progress"))
    chosen = select_rows(((plain, plain) for plain in rows), today, owner=who, overdue=overdue,
                         due_within=due_within, status=status or "active", theme=theme,
                         meeting=meeting, sort=sort)
    if as_json:
        _emit_rows(chosen, today)
        return
    _print_actions(chosen, today, state.lang())


def _across_bodies(owner: str | None, as_json: bool, **filters: Any) -> int:
    """Actions of every body in the repository; returns how many were listed."""
    from kwartaal.core.reports import action_row
    from kwartaal.documents.listings import across_bodies, across_bodies_table

    state = current_state()
    today = state.today()
    chosen = across_bodies(Path(state.repo) if state.repo else Path.cwd(), today, owner,
                           **filters)
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json([{**action_row(a, today), "body": name} for name, a in chosen])
    elif chosen:
        from kwartaal.cli.output import table

        table(*across_bodies_table(chosen, today, state.lang()), wrap=2)
    else:
        click.echo(tr("no actions", state.lang()))
    return len(chosen)


@click.command("overdue")
@click.option("--owner", help="Only this person's actions.", shell_complete=complete.people)
@click.option("--all-bodies", is_flag=True,
              help="Every body (kwartaal.toml) in this repository.")
@json_option()
@common
def overdue_cmd(owner: str | None, all_bodies: bool, as_json: bool) -> None:
    """List overdue actions. Exit 0 when there are none, 3 when there are.

    \b
    Example (a weekly cron job):
      kwartaal --repo /srv/overleg overdue || mail -s "Acties over tijd" secretaris < /dev/null
    """
    from kwartaal.core.reports import select_rows
    from kwartaal.edit.actions import require_person

    state = current_state()
    if all_bodies:
        if _across_bodies(owner, as_json, overdue=True):
            sys.exit(3)
        return
    lane = _lane()
    today = state.today()
    if owner:
        require_person(state.loaded(), owner)
    chosen = select_rows(((plain, plain) for plain in lane.plain(closed=False)), today,
                         owner=owner, overdue=True)
    if as_json:
        _emit_rows(chosen, today)
    elif chosen:
        _print_actions(chosen, today, state.lang())
    else:
        state.say("no overdue actions")
    if chosen:
        sys.exit(3)


@click.group("action")
def action_group() -> None:
    """Add and change actions; every change is dated in the action's history.

    \b
    Example:
      kwartaal action done 2025-06-12/a3 --note "flyer gedrukt"
    """


def _edit_options(func: Any) -> Any:
    func = force_option("Edit even if the file has uncommitted changes (they are committed "
                        "with it).")(func)
    func = click.option("--by", default=None, shell_complete=complete.people,
                        help="Who records this (a person id; default KWARTAAL_ME).")(func)
    return commit_options(func)


def _edit_action(change: Any, action_id: str | None, force: bool) -> None:
    """An edit of one existing action reads only its own meeting's file (plus settings and
    people), so that its cost does not grow with the number of meetings."""
    from kwartaal.edit.actions import load_for_action

    apply(change, force=force, forceable=True,
          load=(lambda root: load_for_action(root, action_id)) if action_id else None)


ACTION_ID = click.argument("action_id", metavar="ID", shell_complete=complete.actions)


@action_group.command("add")
@click.argument("title")
@click.option("--owner", required=True, help="The lead owner (person id).",
              shell_complete=complete.people)
@click.option("--with", "co_owners", multiple=True, help="A co-owner; repeat for more.",
              shell_complete=complete.people)
@click.option("--due", required=True, metavar="DATE|+4w|next-meeting",
              help="YYYY-MM-DD, +10d / +4w / +2m from today, or next-meeting.")
@click.option("--theme", default="", help="Theme key.")
@click.option("--meeting", default=None, shell_complete=complete.meetings,
              help="The meeting it belongs to (default: the last held meeting).")
@click.option("--item", default="", help="The agenda item it came from.",
              shell_complete=complete.items)
@click.option("--closed", is_flag=True, help="Closed: never in public documents.")
@_edit_options
def action_add(title: str, owner: str, co_owners: tuple[str, ...], due: str, theme: str,
               meeting: str | None, item: str, closed: bool, by: str | None,
               force: bool) -> None:
    """Add an action.

    \b
    Example:
      kwartaal action add "Flyer voor buren" --owner h-visser --with kbg-1 \\
        --due +6w --theme destigmatisering
    """
    from kwartaal.edit.actions import add_action

    today = current_state().today()
    _edit_action(lambda body: add_action(
        body, title=title, owner=owner, co_owners=list(co_owners), due=due, theme=theme,
        meeting_id=meeting, closed=closed, by=by or _me() or "", today=today,
        lang=body.config.language, item=item), None, force)


def _status_command(name: str, status: str, help_text: str, example: str,
                    note_option: str | None) -> None:
    def command(action_id: str, by: str | None, force: bool, **extra: Any) -> None:
        from kwartaal.edit.actions import set_status

        today = current_state().today()
        note = extra.get("note") or extra.get("reason") or ""
        _edit_action(lambda body: set_status(body, action_id, status, by=by or _me() or "",
                                             today=today, lang=body.config.language, note=note),
                     action_id, force)

    command.__doc__ = f"{help_text}\n\n    \b\n    Example:\n      {example}\n    "
    decorated: Any = _edit_options(command)
    if note_option == "note":
        decorated = click.option("--note", default="", help="What was done.")(decorated)
    elif note_option == "reason":
        decorated = click.option("--reason", required=True, help="Why it is dropped.")(decorated)
    action_group.command(name)(ACTION_ID(decorated))


_status_command("start", "in-progress", "Mark an action as in progress.",
                "kwartaal action start 2025-09-11/a1", None)
_status_command("done", "done", "Mark an action as done.",
                'kwartaal action done 2025-09-11/a1 --note "gedragslijn vastgesteld"', "note")
_status_command("drop", "dropped", "Drop an action, with the reason.",
                'kwartaal action drop 2025-06-12/a5 --reason "landelijke wet regelt het"',
                "reason")


@action_group.command("update")
@ACTION_ID
@click.option("--due", default=None, metavar="DATE|+4w|next-meeting", help="A new due date.")
@click.option("--note", default="", help="Progress to record.")
@_edit_options
def action_update(action_id: str, due: str | None, note: str, by: str | None,
                  force: bool) -> None:
    """Move an action's due date and/or record progress.

    \b
    Example:
      kwartaal action update 2025-09-11/a5 --due 2026-03-12 --note "eerste versie besproken"
    """
    from kwartaal.edit.actions import update_action

    today = current_state().today()
    # next-meeting needs every meeting, to find the next one
    partial = action_id if due is None or due.strip() != "next-meeting" else None
    _edit_action(lambda body: update_action(body, action_id, due=due, note=note,
                                            by=by or _me() or "", today=today,
                                            lang=body.config.language), partial, force)


@action_group.command("handover")
@ACTION_ID
@click.option("--to", "to", required=True, help="The new lead owner (person id).",
              shell_complete=complete.people)
@click.option("--note", default="", help="Why, or what the new owner should know.")
@_edit_options
def action_handover(action_id: str, to: str, note: str, by: str | None, force: bool) -> None:
    """Hand an action over to another owner (e.g. when someone changes jobs).

    \b
    Example:
      kwartaal action handover 2025-06-12/a3 --to s-bakker --note "Hanneke gaat weg"
    """
    from kwartaal.edit.actions import handover

    today = current_state().today()
    _edit_action(lambda body: handover(body, action_id, to=to, note=note, by=by or _me() or "",
                                       today=today, lang=body.config.language), action_id, force)


@action_group.command("show")
@ACTION_ID
@json_option("Print JSON.")
@common
def action_show(action_id: str, as_json: bool) -> None:
    """Show an action, its history and the git commits that touched it.

    \b
    Example:
      kwartaal action show 2025-06-12/a3
    """
    from kwartaal.documents.listings import action_details, action_text
    from kwartaal.edit.actions import find_action

    state = current_state()
    today = state.today()
    action = find_action(state.body(), action_id)
    details = action_details(action, today)
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json(details)
        return
    click.echo(action_text(action, details, today, state.lang()))


@click.command("remind")
@click.option("--owner", help="Only this person's reminder.", shell_complete=complete.people)
@click.option("--within", type=click.IntRange(min=0), default=14, show_default=True,
              metavar="DAYS", help="Include actions due within DAYS.")
@click.option("--format", "fmt", type=click.Choice(["text", "eml"]), default="text",
              show_default=True)
@output_option("Folder for the .eml files (default: ./reminders).", folder=True)
@json_option()
@common
def remind_cmd(owner: str | None, within: int, fmt: str, output: Path | None,
               as_json: bool) -> None:
    """Write one reminder per owner of overdue and soon-due actions; kwartaal sends nothing.

    Each message is in its owner's language. Other people appear as public documents show them,
    so no one's hidden name is in anyone's message.

    \b
    Examples:
      kwartaal remind --within 14
      kwartaal remind --format eml --output herinneringen/
      kwartaal remind --json
    """
    from kwartaal.documents.remind import reminder_body, reminders, write_messages
    from kwartaal.edit.actions import require_person

    state = current_state()
    today = state.today()
    body = reminder_body(_lane(), today)
    state.use(body)
    if owner:
        require_person(body, owner)
    found = reminders(body, today, within=within, owner=owner, lang_override=state.lang_option)
    if as_json:
        from dataclasses import asdict

        from kwartaal.cli.output import emit_json

        emit_json([asdict(reminder) for reminder in found])
        return
    if not found:
        state.say("nothing to remind anyone of")
        return
    if fmt == "text":
        for number, reminder in enumerate(found):
            if number:
                click.echo("\n" + "-" * 72 + "\n")
            click.echo(f"[{reminder.person}] {reminder.subject}\n")
            click.echo(reminder.text.rstrip())
        return
    folder = write_messages(found, body, today, output or Path("reminders"))
    from kwartaal.core.words import Plural

    click.echo(Plural("wrote {count} message to {folder}", "wrote {count} messages to {folder}",
                      len(found), folder=folder).render(state.lang()))


@click.command("progress")
@json_option()
@common
def progress_cmd(as_json: bool) -> None:
    """Progress per theme: done, in progress, open, overdue, dropped, and the share done.

    The share done counts done actions among those not dropped.

    \b
    Example:
      kwartaal progress
    """
    from kwartaal.core.reports import theme_rows

    state = current_state()
    lane = _lane()
    rows = theme_rows(lane.progress(state.today().toordinal()), lane.config, state.lang())
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json(rows)
        return
    from kwartaal.cli.output import table
    from kwartaal.documents.listings import progress_table

    table(*progress_table(rows, state.lang()))
