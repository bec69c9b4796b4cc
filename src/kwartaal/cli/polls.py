"""Commands of date polls: new, answer, show, send."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from kwartaal.cli import complete
from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import apply, commit_options, force_option, json_option, output_option

POLL = click.argument("poll_id", metavar="[POLL]", required=False)


@click.group("poll")
def poll_group() -> None:
    """Date polls: pick the next meeting's date with the group. A poll is a file in the body
    (polls/<id>.toml, its id the first slot's date); POLL may be left out while one poll is
    open.

    \b
    Example:
      kwartaal poll new --slots "2026-06-09 19:30" "2026-06-11 14:00" --deadline 2026-05-20
    """


@poll_group.command("new")
@click.argument("more", nargs=-1, metavar="[SLOT]...")
@click.option("--slots", "--slot", "slots", multiple=True, metavar="'YYYY-MM-DD HH:MM'",
              help="A slot; the slots after it count too (--slots A B C), or repeat the "
                   "option.")
@click.option("--deadline", default=None, metavar="YYYY-MM-DD",
              help="Answers after this day need --force; also +2w.")
@click.option("--title", default="", help="What the poll is for, e.g. 'Overleg juni'.")
@commit_options
def poll_new(more: tuple[str, ...], slots: tuple[str, ...], deadline: str | None,
             title: str) -> None:
    """Start a date poll. Each slot is a date and a time; slots are numbered in date order.
    Warns when every slot is on a weekday between 09:00 and 17:00. A slot in the past is
    refused, today's too once its time has passed; with --today (or KWARTAAL_TODAY) given, a
    slot on that day is judged by its date only.

    \b
    Examples:
      kwartaal poll new --slots "2026-06-09 19:30" "2026-06-11 19:30" "2026-06-13 14:00"
      kwartaal poll new --slot "2026-06-09 19:30" --slot "2026-06-11 19:30" \\
        --deadline 2026-05-20 --title "Overleg juni"
    """
    from kwartaal.core.dates import parse_iso, relative_date
    from kwartaal.edit.polls import new_poll

    state = current_state()
    today = state.today()
    until = None
    if deadline:
        until = relative_date(deadline, today) or parse_iso(deadline, "--deadline")
    me = os.environ.get("KWARTAAL_ME") or ""
    # today is the real date unless given: then a slot of today is judged by its time too
    now = None if state.today_text else dt.datetime.now()
    apply(lambda body: new_poll(body, slots=[*slots, *more], deadline=until, title=title,
                                today=today, entered_by=me or body.config.secretary or "",
                                now=now))


@poll_group.command("answer")
@click.argument("person", metavar="PERSON", shell_complete=complete.people)
@POLL
@click.option("--yes", "yes", default=None, metavar="1,3", help="Slots the person can come to.")
@click.option("--maybe", default=None, metavar="2", help="Slots the person might come to.")
@click.option("--no", "no", default=None, metavar="4", help="Slots the person cannot come to.")
@force_option("Enter the answer after the deadline, or with the file's uncommitted changes.")
@commit_options
def poll_answer(person: str, poll_id: str | None, yes: str | None, maybe: str | None,
                no: str | None, force: bool) -> None:
    """Enter a person's answer, by the slot numbers of 'kwartaal poll show'; a second answer
    replaces the first. Slots left out have no answer. Who entered it is kept: KWARTAAL_ME,
    else the secretary.

    \b
    Examples:
      kwartaal poll answer roos --yes 1,3 --maybe 2 --no 4
      KWARTAAL_ME=roos kwartaal poll answer roos --yes 2 2026-06-09
    """
    from kwartaal.edit.polls import answer_poll

    state = current_state()
    me = os.environ.get("KWARTAAL_ME") or ""
    apply(lambda body: answer_poll(body, poll_id, person, yes=yes, maybe=maybe, no=no,
                                   today=state.today(), entered_by=me, force=force),
          force=force, forceable=True)


@poll_group.command("show")
@POLL
@json_option("Print the poll, its counts and the best slot as JSON.")
@common
def poll_show(poll_id: str | None, as_json: bool) -> None:
    """Who can come when: a row per person, a column per slot (✓ yes, ? maybe, ✗ no, blank:
    no answer), and the best slot. People shown by role only appear as their role.

    \b
    Examples:
      kwartaal poll show
      kwartaal poll show 2026-06-09 --json
    """
    from kwartaal.documents.polls import as_json as poll_json
    from kwartaal.documents.polls import best_line, grid
    from kwartaal.files.polls import find_poll

    state = current_state()
    body = state.body()
    today = state.today()
    lang = state.lang()
    poll = find_poll(body, poll_id)
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json(poll_json(body, poll, today, lang))
        return
    from kwartaal.cli.output import table
    from kwartaal.core.problems import msg

    title = msg("poll {id}{title}{deadline}", id=poll.id,
                title=f": {poll.title}" if poll.title else "",
                deadline=msg(", answers by {date}", date=poll.deadline)
                if poll.deadline else "").render(lang)
    headers, rows = grid(body, poll, today, lang)
    table(headers, rows, title=title, wrap=None)
    click.echo(best_line(body, poll, today).render(lang))


@poll_group.command("send")
@POLL
@click.option("--format", "fmt", type=click.Choice(["eml"]), default="eml", show_default=True)
@output_option("The folder to write the messages into.", folder=True)
@common
def poll_send(poll_id: str | None, fmt: str, output: Path | None) -> None:
    """Write the poll as one message per person who has not left, in their language and the
    way they chose (like 'kwartaal send'); nothing is sent. Each lists the slots and how to
    answer, under a neutral subject.

    \b
    Example:
      kwartaal poll send --format eml --output prikker/
    """
    from kwartaal.cli.output import table
    from kwartaal.core.words import Plural, tr
    from kwartaal.documents.polls import poll_messages, write_poll_messages
    from kwartaal.documents.send import summary_rows
    from kwartaal.files.polls import find_poll

    state = current_state()
    body = state.body()
    today = state.today()
    lang = state.lang()
    poll = find_poll(body, poll_id)
    found = poll_messages(body, poll, today, lang)
    folder = output or Path(f"poll-{poll.id}")
    write_poll_messages(found, body, poll, today, folder)
    # the same text for everyone: no internal or public version
    rows = [row[:3] + row[4:] for row in summary_rows(found, body, lang)]  # type: ignore[arg-type]
    table([tr("file", lang), tr("for", lang), tr("how", lang), tr("language", lang)], rows,
          wrap=None)
    click.echo(Plural("wrote {count} message to {folder}", "wrote {count} messages to {folder}",
                      len(found), folder=folder).render(lang))


def plan_from_poll(poll_id: str | None, slot: int | None, date_text: str | None,
                   time: str | None, place: str | None, fmt: str | None,
                   invite: tuple[str, ...], chair: str | None, co_chair: str | None,
                   force: bool) -> None:
    """`meeting new --from-poll`: the slot gives the date and time."""
    from kwartaal.core.problems import KwartaalError, msg
    from kwartaal.edit.polls import meeting_from_poll

    if date_text or time:
        raise KwartaalError(msg("--from-poll takes the date and time from the poll; leave out "
                                "--date and --time"))
    state = current_state()
    apply(lambda body: meeting_from_poll(body, poll_id, slot=slot, today=state.today(),
                                         lang=state.lang(), place=place, fmt=fmt,
                                         invite=list(invite), chair=chair, co_chair=co_chair,
                                         force=force))
