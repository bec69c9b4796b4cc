"""Commands about actions: lists, overdue, edits, reminders, progress."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import writes
from kwartaal.core.problems import msg
from kwartaal.core.words import status_word, tr

STATUS_CHOICES = ["open", "in-progress", "done", "dropped", "all"]


def _me() -> str | None:
    return os.environ.get("KWARTAAL_ME") or None


def _print_actions(actions: list[Any], today: Any, lang: str) -> None:
    from kwartaal.cli.output import table
    from kwartaal.core import rules

    headers = ["id", tr("title", lang), tr("owners", lang), tr("due", lang),
               tr("overdue", lang), "status", tr("theme", lang)]
    rows, styles = [], []
    for action in actions:
        late = rules.days_overdue(action, today)
        rows.append([action.id, action.title, ", ".join(action.owners),
                     action.due.isoformat() if action.due else "", str(late) if late else "",
                     status_word(action.status, lang), action.theme])
        if late:
            styles.append("red")
        elif rules.is_due_within(action, today, rules.SOON_DAYS):
            styles.append("yellow")
        else:
            styles.append(None)
    if not rows:
        click.echo(tr("no actions", lang))
        return
    table(headers, rows, styles, narrow_drop=(6,))


@click.command("actions")
@click.option("--owner", help="Only actions this person leads or shares (default: KWARTAAL_ME).")
@click.option("--everyone", is_flag=True, help="Ignore KWARTAAL_ME: everyone's actions.")
@click.option("--overdue", is_flag=True, help="Only overdue actions.")
@click.option("--due-within", type=click.IntRange(min=0, max=400_000), metavar="DAYS",
              help="Only open actions due within DAYS from today (overdue ones included).")
@click.option("--status", type=click.Choice(STATUS_CHOICES), default=None,
              help="Default: open and in-progress.")
@click.option("--theme", help="Only this theme.")
@click.option("--meeting", help="Only actions created at this meeting.")
@click.option("--sort", type=click.Choice(["due", "urgency"]), default="due", show_default=True)
@click.option("--all-bodies", is_flag=True,
              help="Every body (kwartaal.toml) in this repository, not just this one.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
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
    from kwartaal.core.reports import action_row, select_actions
    from kwartaal.edit.actions import require_meeting, require_person, require_theme

    state = current_state()
    today = state.today()
    who = None if everyone else (owner or _me())
    if all_bodies:
        _across_bodies(who, as_json, overdue=overdue, due_within=due_within,
                       status=status or "active", theme=theme, sort=sort)
        return
    body = state.actions_body()
    if who:
        require_person(body, who)
    if theme:
        require_theme(body, theme)
    if meeting:
        require_meeting(body, meeting)
    chosen = select_actions(body, today, owner=who, overdue=overdue, due_within=due_within,
                            status=status or "active", theme=theme, meeting=meeting, sort=sort)
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json([action_row(a, today) for a in chosen])
        return
    _print_actions(chosen, today, state.lang())


def _across_bodies(owner: str | None, as_json: bool, **filters: Any) -> int:
    """Actions of every body in the repository; returns how many were listed."""
    from kwartaal.core.reports import action_row, select_actions
    from kwartaal.files.loader import load_actions
    from kwartaal.vcs.history import find_bodies

    state = current_state()
    today = state.today()
    start = Path(state.repo) if state.repo else Path.cwd()
    rows: list[dict[str, Any]] = []
    chosen: list[Any] = []
    for root in find_bodies(start):
        body = load_actions(root)
        found = select_actions(body, today, owner=owner, **filters)
        name = body.config.name
        rows += [{**action_row(a, today), "body": name} for a in found]
        chosen += [(name, a) for a in found]
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json(rows)
    elif chosen:
        from kwartaal.cli.output import table
        from kwartaal.core import rules

        lang = state.lang()
        table([tr("body", lang), "id", tr("title", lang),
               tr("owners", lang), tr("due", lang),
               tr("overdue", lang), "status"],
              [[name, a.id, a.title, ", ".join(a.owners), str(a.due or ""),
                str(rules.days_overdue(a, today) or ""), status_word(a.status, lang)]
               for name, a in chosen],
              ["red" if rules.is_overdue(a, today) else None for _, a in chosen], wrap=2)
    else:
        click.echo(tr("no actions", state.lang()))
    return len(rows)


@click.command("overdue")
@click.option("--owner", help="Only this person's actions.")
@click.option("--all-bodies", is_flag=True,
              help="Every body (kwartaal.toml) in this repository.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@common
def overdue_cmd(owner: str | None, all_bodies: bool, as_json: bool) -> None:
    """List overdue actions. Exit 0 when there are none, 3 when there are.

    \b
    Example (a weekly cron job):
      kwartaal --repo /srv/overleg overdue || mail -s "Acties over tijd" secretaris < /dev/null
    """
    from kwartaal.core.reports import action_row, select_actions
    from kwartaal.edit.actions import require_person

    state = current_state()
    if all_bodies:
        if _across_bodies(owner, as_json, overdue=True):
            sys.exit(3)
        return
    body = state.actions_body()
    today = state.today()
    if owner:
        require_person(body, owner)
    chosen = select_actions(body, today, owner=owner, overdue=True)
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json([action_row(a, today) for a in chosen])
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
    func = click.option("--author", default=None, help="Commit author, 'Name <email>'.")(func)
    func = click.option("--force", is_flag=True,
                        help="Edit even if the file has uncommitted changes (they are "
                             "committed with it).")(func)
    func = click.option("--no-commit", is_flag=True, help="Leave the change uncommitted.")(func)
    func = click.option("--by", default=None,
                        help="Who records this (a person id; default KWARTAAL_ME).")(func)
    return common(func)


def _apply(change_fn: Any, path_of: Any, *, force: bool, no_commit: bool,
           author: str | None, action_id: str | None = None) -> None:
    """Guard the file, make the change, commit just that file, report.

    An edit of one existing action reads only its own meeting's file (plus settings and
    people), so its cost does not grow with the number of meetings."""
    from kwartaal.vcs.gitops import commit, refuse_dirty

    state = current_state()
    if action_id and "/" in action_id and not state.has_body():
        from kwartaal.files.loader import load_meetings

        body = load_meetings(state.root(), [action_id.split("/", 1)[0]])
        if any(a.id.startswith(action_id) for a in body.all_actions()):  # id or prefix
            state.use(body)  # the write check needs people and settings, not every meeting
        else:
            body = state.body()  # unknown id: the full body gives the best did-you-mean
    else:
        body = state.body()
    refuse_dirty(body.root, [path_of(body)], force)
    change = change_fn(body)
    result = commit(body.root, [change.path], change.message, no_commit=no_commit, author=author)
    state.committed(result, change.said or change.message)


def _path_of_action(action_id: str) -> Any:
    def path_of(body: Any) -> Path:
        from kwartaal.edit.actions import find_action

        return Path(find_action(body, action_id).src.path)

    return path_of


@action_group.command("add")
@click.argument("title")
@click.option("--owner", required=True, help="The lead owner (person id).")
@click.option("--with", "co_owners", multiple=True, help="A co-owner; repeat for more.")
@click.option("--due", required=True, metavar="DATE|+4w|next-meeting",
              help="YYYY-MM-DD, +10d / +4w / +2m from today, or next-meeting.")
@click.option("--theme", default="", help="Theme key.")
@click.option("--meeting", default=None,
              help="The meeting it belongs to (default: the last held meeting).")
@click.option("--item", default="", help="The agenda item it came from.")
@click.option("--closed", is_flag=True, help="Closed: never in public documents.")
@_edit_options
@writes
def action_add(title: str, owner: str, co_owners: tuple[str, ...], due: str, theme: str,
               meeting: str | None, item: str, closed: bool, by: str | None, no_commit: bool,
               force: bool, author: str | None) -> None:
    """Add an action.

    \b
    Example:
      kwartaal action add "Flyer voor buren" --owner h-visser --with kbg-1 \\
        --due +6w --theme destigmatisering
    """
    from kwartaal.core.rules import home_meeting
    from kwartaal.edit.actions import add_action, require_meeting

    state = current_state()
    today = state.today()

    def path_of(body: Any) -> Path:
        found = require_meeting(body, meeting) if meeting else home_meeting(body, today)
        return Path(found.src.path) if found else body.root

    def change(body: Any) -> Any:
        return add_action(body, title=title, owner=owner, co_owners=list(co_owners), due=due,
                          theme=theme, meeting_id=meeting, closed=closed, by=by or _me() or "",
                          today=today, lang=body.config.language, item=item)

    _apply(change, path_of, force=force, no_commit=no_commit, author=author)


def _status_command(name: str, status: str, help_text: str, example: str,
                    note_option: str | None) -> None:
    def command(action_id: str, by: str | None, no_commit: bool, force: bool,
                author: str | None, **extra: Any) -> None:
        from kwartaal.edit.actions import set_status

        state = current_state()
        note = extra.get("note") or extra.get("reason") or ""

        def change(body: Any) -> Any:
            return set_status(body, action_id, status, by=by or _me() or "",
                              today=state.today(), lang=body.config.language, note=note)

        _apply(change, _path_of_action(action_id), force=force, no_commit=no_commit,
               author=author, action_id=action_id)

    command.__doc__ = f"{help_text}\n\n    \\b\n    Example:\n      {example}\n    "
    decorated: Any = _edit_options(writes(command))
    if note_option == "note":
        decorated = click.option("--note", default="", help="What was done.")(decorated)
    elif note_option == "reason":
        decorated = click.option("--reason", required=True, help="Why it is dropped.")(decorated)
    decorated = click.argument("action_id", metavar="ID")(decorated)
    action_group.command(name)(decorated)


_status_command("start", "in-progress", "Mark an action as in progress.",
                "kwartaal action start 2025-09-11/a1", None)
_status_command("done", "done", "Mark an action as done.",
                'kwartaal action done 2025-09-11/a1 --note "gedragslijn vastgesteld"', "note")
_status_command("drop", "dropped", "Drop an action, with the reason.",
                'kwartaal action drop 2025-06-12/a5 --reason "landelijke wet regelt het"',
                "reason")


@action_group.command("update")
@click.argument("action_id", metavar="ID")
@click.option("--due", default=None, metavar="DATE|+4w|next-meeting", help="A new due date.")
@click.option("--note", default="", help="Progress to record.")
@_edit_options
@writes
def action_update(action_id: str, due: str | None, note: str, by: str | None, no_commit: bool,
                  force: bool, author: str | None) -> None:
    """Move an action's due date and/or record progress.

    \b
    Example:
      kwartaal action update 2025-09-11/a5 --due 2026-03-12 --note "eerste versie besproken"
    """
    from kwartaal.edit.actions import update_action

    state = current_state()

    def change(body: Any) -> Any:
        return update_action(body, action_id, due=due, note=note, by=by or _me() or "",
                             today=state.today(), lang=body.config.language)

    partial = action_id if due is None or due.strip() != "next-meeting" else None
    _apply(change, _path_of_action(action_id), force=force, no_commit=no_commit, author=author,
           action_id=partial)


@action_group.command("handover")
@click.argument("action_id", metavar="ID")
@click.option("--to", "to", required=True, help="The new lead owner (person id).")
@click.option("--note", default="", help="Why, or what the new owner should know.")
@_edit_options
@writes
def action_handover(action_id: str, to: str, note: str, by: str | None, no_commit: bool,
                    force: bool, author: str | None) -> None:
    """Hand an action over to another owner (e.g. when someone changes jobs).

    \b
    Example:
      kwartaal action handover 2025-06-12/a3 --to s-bakker --note "Hanneke gaat weg"
    """
    from kwartaal.edit.actions import handover

    state = current_state()

    def change(body: Any) -> Any:
        return handover(body, action_id, to=to, note=note, by=by or _me() or "",
                        today=state.today(), lang=body.config.language)

    _apply(change, _path_of_action(action_id), force=force, no_commit=no_commit, author=author,
           action_id=action_id)


@action_group.command("show")
@click.argument("action_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@common
def action_show(action_id: str, as_json: bool) -> None:
    """Show an action, its history and the git commits that touched it.

    \b
    Example:
      kwartaal action show 2025-06-12/a3
    """
    from kwartaal.core import rules
    from kwartaal.core.lines import section_span
    from kwartaal.core.reports import action_row
    from kwartaal.edit.actions import find_action
    from kwartaal.vcs.gitops import commits_touching

    state = current_state()
    body = state.body()
    today = state.today()
    action = find_action(body, action_id)
    span = section_span(action.src.path, action.src.section)
    commits = commits_touching(action.src.path, *span) if span else []
    if as_json:
        from kwartaal.cli.output import emit_json

        data = action_row(action, today)
        data.update({"closed": action.closed, "item": action.item,
                     "history": [{"date": h.date.isoformat(), "by": h.by, "what": h.what}
                                 for h in action.history],
                     "commits": [{"sha": c.sha, "date": c.date, "author": c.author,
                                  "subject": c.subject} for c in commits]})
        emit_json(data)
        return
    lang = state.lang()
    late = rules.days_overdue(action, today)
    lines = [
        f"{action.id}  {action.title}",
        f"  {tr('owner', lang)}: {action.owner}"
        + (f" ({tr('with', lang)} {', '.join(action.co_owners)})"
           if action.co_owners else ""),
        f"  {tr('due', lang)}: {action.due}"
        + (f" — {late} {tr('days overdue', lang)}" if late else ""),
        f"  status: {status_word(action.status, lang)}"
        + (f"  [{tr('closed', lang)}]" if action.closed else ""),
    ]
    if action.theme:
        lines.append(f"  {tr('theme', lang)}: {action.theme}")
    lines.append("")
    lines.append(tr("history:", lang))
    for entry in action.history:
        who = f" ({entry.by})" if entry.by else ""
        lines.append(f"  {entry.date}{who}: {entry.what}")
    if commits:
        lines.append("")
        lines.append("commits:")
        for c in commits:
            lines.append(f"  {c.sha[:8]} {c.date} {c.author}: {c.subject}")
    click.echo("\n".join(lines))


@click.command("remind")
@click.option("--owner", help="Only this person's reminder.")
@click.option("--within", type=click.IntRange(min=0), default=14, show_default=True,
              metavar="DAYS", help="Include actions due within DAYS.")
@click.option("--format", "fmt", type=click.Choice(["text", "eml"]), default="text",
              show_default=True)
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the .eml files (default: ./reminders).")
@common
def remind_cmd(owner: str | None, within: int, fmt: str, output: Path | None) -> None:
    """Write one reminder per owner of overdue and soon-due actions; kwartaal sends nothing.

    Each message is in its owner's language. Other people appear as public documents show them,
    so no one's hidden name is in anyone's message.

    \b
    Examples:
      kwartaal remind --within 14
      kwartaal remind --format eml --output herinneringen/
    """
    from kwartaal.documents.remind import as_email, reminders
    from kwartaal.edit.actions import require_person

    state = current_state()
    body = state.actions_body()
    today = state.today()
    if owner:
        require_person(body, owner)
    found = reminders(body, today, within=within, owner=owner, lang_override=state.lang_option)
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
    from kwartaal.files.outputs import output_file, output_folder
    from kwartaal.files.store import atomic_write_bytes

    folder = output_folder(output or Path("reminders"))
    # every path first: a person id never holds '/' or '..', and none may lead elsewhere
    targets = [(output_file(folder, f"{r.person}.eml"), r) for r in found]
    folder.mkdir(parents=True, exist_ok=True)
    for target, reminder in targets:
        atomic_write_bytes(target, as_email(reminder, body, today))
    click.echo(msg("wrote {n} message(s) to {folder}",
                   n=len(found), folder=folder).render(state.lang()))


@click.command("progress")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@common
def progress_cmd(as_json: bool) -> None:
    """Progress per theme: done, in progress, open, overdue, dropped, and the share done.

    The share done counts done actions among those not dropped.

    \b
    Example:
      kwartaal progress
    """
    from kwartaal.core.reports import progress_rows

    state = current_state()
    body = state.actions_body()
    rows = progress_rows(body, state.today(), state.lang())
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json(rows)
        return
    from kwartaal.cli.output import table

    lang = state.lang()
    headers = [tr("theme", lang), tr("done", lang),
               tr("in progress", lang), "open", tr("overdue", lang),
               tr("dropped", lang), tr("% done", lang)]
    table(headers, [[r["title"], str(r["done"]), str(r["in_progress"]), str(r["open"]),
                     str(r["overdue"]), str(r["dropped"]), f"{round(r['share_done'] * 100)}%"]
                    for r in rows])
