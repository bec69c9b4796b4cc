"""Commands about meetings: scheduling, proposals, the agenda, the calendar."""

from __future__ import annotations

from pathlib import Path

import click

from kwartaal.cli import complete
from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import (
    DOCUMENT_FORMATS,
    apply,
    commit_options,
    force_option,
    json_option,
    level_option,
    output_option,
    pick_meeting,
    refuse_binary_on_terminal,
    write_or_print,
)
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
@click.option("--invite", multiple=True, metavar="PERSON", shell_complete=complete.people,
              help="Invite someone by topic, besides the core members; repeat for more.")
@click.option("--chair", default=None, metavar="PERSON", shell_complete=complete.people,
              help="Default: the body's chair.")
@click.option("--co-chair", default=None, metavar="PERSON", shell_complete=complete.people,
              help="Default: the body's co-chair.")
@click.option("--from-poll", "from_poll", is_flag=False, flag_value="", default=None,
              metavar="[POLL]", help="Take the date and time of a poll's best slot (or "
              "--slot N) and close the poll; POLL may be left out while one poll is open.")
@click.option("--slot", type=click.IntRange(min=1), default=None, metavar="N",
              help="With --from-poll: this slot instead of the best one.")
@force_option("Allow a date in the past or a second meeting on one day.")
@commit_options
def meeting_new(date_text: str | None, time: str | None, place: str | None, fmt: str | None,
                invite: tuple[str, ...], chair: str | None, co_chair: str | None,
                from_poll: str | None, slot: int | None, force: bool) -> None:
    """Plan the next meeting. Items the previous meeting carried over come along.

    \b
    Examples:
      kwartaal meeting new
      kwartaal meeting new --date 2026-06-11 --format online --invite f-mulder
      kwartaal meeting new --from-poll          # the open poll's best slot
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.meetings import new_meeting

    state = current_state()
    if from_poll is not None or slot is not None:
        from kwartaal.cli.polls import plan_from_poll

        if from_poll is None:
            from kwartaal.core.problems import KwartaalError, msg

            raise KwartaalError(msg("--slot goes with --from-poll"))

        plan_from_poll(from_poll or None, slot, date_text, time, place, fmt, invite, chair,
                       co_chair, force)
        return
    date = parse_iso(date_text, "--date") if date_text else None
    apply(lambda body: new_meeting(body, date=date, time=time, place=place, fmt=fmt,
                                   invite=list(invite), force=force, today=state.today(),
                                   lang=state.lang(), chair=chair, co_chair=co_chair))


@meeting_group.command("list")
@json_option()
@common
def meeting_list(as_json: bool) -> None:
    """List the meetings: id, date, status, agenda items and open actions.

    \b
    Example:
      kwartaal meeting list --json
    """
    state = current_state()
    body = state.body(public=False)
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
@click.option("--by", "by", default=None, metavar="PERSON", envvar="KWARTAAL_ME",
              help="Who proposes it (default: KWARTAAL_ME); 'anonymous' for an item put in "
                   "without a name, which shows no one's name anywhere.",
              shell_complete=complete.people)
@click.option("--by-org", default="", metavar="ORGANISATION",
              shell_complete=complete.organisations,
              help="Put it in on behalf of an organisation ([organisations.KEY]) instead.")
@click.option("--meeting", default=None, help="Default: the next planned meeting.",
              shell_complete=complete.meetings)
@click.option("--under", default="", metavar="STANDING_KEY",
              help="Place it under a standing item (e.g. beleid).")
@click.option("--theme", default="", help="Theme key.")
@click.option("--closed", is_flag=True, help="A closed item: never in public documents.")
@click.option("--minutes", type=click.IntRange(min=0), default=None, help="Time it needs.")
@click.option("--note", default="", help="Background for the agenda.")
@level_option()
@click.option("--asks-input", is_flag=True,
              help="The group asks for input on it; what was done with it is due by the next "
                   "meeting (kwartaal feedback).")
@force_option("Edit even if the file has uncommitted changes.")
@commit_options
def propose_cmd(title: str, by: str | None, by_org: str, meeting: str | None, under: str,
                theme: str, closed: bool, minutes: int | None, note: str, level: str | None,
                asks_input: bool, force: bool) -> None:
    """Propose an agenda item; anyone may. An item put in without a name (--by anonymous)
    or on behalf of an organisation (--by-org) keeps who entered it (KWARTAAL_ME, else the
    secretary) in the history only.

    \b
    Examples:
      kwartaal propose "Evaluatie inloopspreekuur" --by yara --under samenwerking \\
        --theme laagdrempelige-zorg --minutes 15 --level consult
      KWARTAAL_ME=l-demir kwartaal propose "Controles thuiswerkers" --by anonymous
      KWARTAAL_ME=l-demir kwartaal propose "Meldpunt" --by-org klankbordgroep
    """
    import os

    from kwartaal.edit.meetings import propose

    today = current_state().today()
    if by_org and click.get_current_context().get_parameter_source("by") \
            == click.core.ParameterSource.ENVIRONMENT:
        by = None  # KWARTAAL_ME is the one entering it, not a second proposer
    me = os.environ.get("KWARTAAL_ME") or ""

    apply(lambda body: propose(body, title=title, by=by or "", meeting_id=meeting,
                               under=under, theme=theme, closed=closed, minutes=minutes,
                               note=note, today=today, level=level or "", by_org=by_org,
                               entered_by=me, asks_input=asks_input), force=force,
          forceable=True)


@click.command("agenda")
@click.argument("meeting_id", metavar="[MEETING]", required=False,
                shell_complete=complete.meetings)
@click.option("--public/--internal", "public", default=False,
              help="Public: no closed items, people shown as their visibility allows. "
                   "Internal (default): everything, for the participants.")
@click.option("--format", "fmt",
              type=click.Choice(["text", "md", "html", "json", *DOCUMENT_FORMATS]),
              default="text", show_default=True,
              help="docx (Word) and pdf are files: give --output.")
@output_option("Write to this file instead of the terminal.")
@common
def agenda_cmd(meeting_id: str | None, public: bool, fmt: str, output: Path | None) -> None:
    """Draft the agenda of a meeting (default: the next planned one).

    \b
    Examples:
      kwartaal agenda
      kwartaal agenda 2026-03-12 --public --format html --output agenda.html
      kwartaal agenda 2026-03-12 --format docx --output agenda.docx
    """
    from kwartaal.documents.agenda import render_agenda

    state = current_state()
    body = state.body(public=public)
    today = state.today()
    refuse_binary_on_terminal(fmt, output)
    meeting = pick_meeting(body, meeting_id, today, held=False)
    if fmt in DOCUMENT_FORMATS:
        from kwartaal.documents.office import agenda_file

        write_or_print(agenda_file(body, meeting, today, state.lang(), public=bool(public),
                                   fmt=fmt), output)
    else:
        write_or_print(render_agenda(body, meeting, today, state.lang(), public=bool(public),
                                     fmt=fmt), output)
    if output is not None:
        state.say("wrote {path}", path=output)


@click.command("calendar")
@click.option("--public/--internal", "public", default=False,
              help="Public: no meeting link unless the body publishes it, no internal place. "
                   "Internal (default): for the participants.")
@output_option("Write the .ics file here instead of to standard output.")
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
@click.argument("meeting_id", metavar="MEETING", shell_complete=complete.meetings)
@force_option("Also for a date still to come.")
@commit_options
def meeting_held(meeting_id: str, force: bool) -> None:
    """Record that a meeting took place.

    \b
    Example:
      kwartaal meeting held 2026-03-12
    """
    from kwartaal.edit.recording import set_meeting_status

    today = current_state().today()
    apply(lambda body: set_meeting_status(body, meeting_id, "held", today, force=force))


@meeting_group.command("move")
@click.argument("meeting_id", metavar="MEETING", shell_complete=complete.meetings)
@click.option("--date", "date_text", required=True, metavar="YYYY-MM-DD")
@click.option("--time", default=None, metavar="HH:MM")
@force_option("Allow a date in the past or a second meeting on one day.")
@commit_options
def meeting_move(meeting_id: str, date_text: str, time: str | None, force: bool) -> None:
    """Give a planned meeting another date. Its id (and file name) stays, so that everything
    that refers to it still does; calendars update the event.

    \b
    Example:
      kwartaal meeting move 2026-03-12 --date 2026-03-19 --time 19:30
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.meetings import move_meeting

    state = current_state()
    date = parse_iso(date_text, "--date")
    apply(lambda body: move_meeting(body, meeting_id, date=date, time=time, force=force,
                                    today=state.today(), lang=state.lang()))


@meeting_group.command("cancel")
@click.argument("meeting_id", metavar="MEETING", shell_complete=complete.meetings)
@click.option("--reason", required=True, help="Why; the agenda shows it.")
@commit_options
def meeting_cancel(meeting_id: str, reason: str) -> None:
    """Cancel a planned meeting. Its items go to the next meeting.

    \b
    Example:
      kwartaal meeting cancel 2026-03-12 --reason "te weinig aanmeldingen"
    """
    from kwartaal.edit.meetings import cancel_meeting

    apply(lambda body: cancel_meeting(body, meeting_id, reason=reason))


@meeting_group.command("set")
@click.argument("meeting_id", metavar="MEETING", shell_complete=complete.meetings)
@click.option("--place", default=None, help="Where; '' removes it.")
@click.option("--link", default=None, help="The video link (https://…); '' removes it.")
@click.option("--chair", default=None, metavar="PERSON", shell_complete=complete.people,
              help="Who chairs it; '' leaves it to the body's chair.")
@click.option("--co-chair", default=None, metavar="PERSON", shell_complete=complete.people,
              help="Who chairs it together with the chair; '' leaves it to the body's.")
@click.option("--secretary", default=None, metavar="PERSON", shell_complete=complete.people)
@click.option("--time", default=None, metavar="HH:MM")
@click.option("--format", "fmt", type=click.Choice(["in-person", "online", "hybrid"]),
              default=None)
@force_option("Edit even if the file has uncommitted changes.")
@commit_options
def meeting_set(meeting_id: str, place: str | None, link: str | None, chair: str | None,
                co_chair: str | None, secretary: str | None, time: str | None,
                fmt: str | None, force: bool) -> None:
    """Change a meeting's place, link, chair, co-chair, secretary, time or format in place.

    \b
    Example:
      kwartaal meeting set 2026-03-12 --format hybrid --link https://meet.example.org/kw
    """
    from kwartaal.edit.meetings import set_meeting

    values = {"place": place, "link": link, "chair": chair, "co_chair": co_chair,
              "secretary": secretary, "time": time, "format": fmt}
    apply(lambda body: set_meeting(body, meeting_id, values), force=force, forceable=True)
