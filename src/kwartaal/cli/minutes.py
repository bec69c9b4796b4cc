"""Commands for recording a meeting, its minutes and publishing (notes and decisions:
cli/records.py; compensation: cli/payments.py)."""

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
    output_option,
    pick_meeting,
    refuse_binary_on_terminal,
    write_or_print,
)
from kwartaal.core.problems import KwartaalError, msg

MEETING = click.argument("meeting_id", metavar="MEETING", shell_complete=complete.meetings)


class DefaultGroup(click.Group):
    """A group that runs its default command when the first word is not a subcommand, so
    that `kwartaal minutes 2025-12-11 --public` and `kwartaal minutes review X` both work."""

    default_command = "show"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.command("attend")
@MEETING
@click.argument("people", nargs=-1, required=True, metavar="PERSON...",
                shell_complete=complete.people)
@click.option("--present", is_flag=True, help="Was there.")
@click.option("--excused", is_flag=True, help="Sent apologies.")
@click.option("--absent", is_flag=True, help="Did not come, without notice.")
@click.option("--online", is_flag=True, help="Joined online (with --present).")
@click.option("--expected", is_flag=True, help="Before the meeting: replied they will come.")
@click.option("--declined", is_flag=True,
              help="Before the meeting: replied they will not come (recorded as excused "
                   "when the meeting is held).")
@commit_options
def attend_cmd(meeting_id: str, people: tuple[str, ...], present: bool, excused: bool,
               absent: bool, online: bool, expected: bool, declined: bool) -> None:
    """Record attendance of one or more people, or, before the meeting, their reply.

    \b
    Example:
      kwartaal attend 2026-03-12 roos kbg-1 m-jansen --present
      kwartaal attend 2026-03-12 t-elkaddouri --present --online
      kwartaal attend 2026-03-12 w-smit --declined
    """
    from kwartaal.edit.recording import REPLIES, attend, record_reply

    chosen = [name for name, on in (("present", present), ("excused", excused),
                                    ("absent", absent), ("expected", expected),
                                    ("declined", declined)) if on]
    if len(chosen) > 1:  # each says something else of the same person: never the last one wins
        raise KwartaalError(msg("--{one} and --{other} exclude each other; choose one",
                                one=chosen[0], other=chosen[1]))
    if not chosen:
        raise KwartaalError(msg("choose --present, --excused or --absent (after the meeting), "
                                "or --expected or --declined (before it)"))
    status = chosen[0]
    if status in REPLIES:
        if online:
            raise KwartaalError(msg("--online goes with --present"))
        answer = status
        apply(lambda body: record_reply(body, meeting_id, list(people), answer))
        return
    apply(lambda body: attend(body, meeting_id, list(people), status, online))


@click.group("minutes", cls=DefaultGroup)
def minutes_group() -> None:
    """Minutes: render them (default), send a draft for review, approve.

    \b
    Examples:
      kwartaal minutes                       # the last held meeting, internal, markdown
      kwartaal minutes 2025-12-11 --public --format html --output verslag.html
      kwartaal minutes review 2026-03-12
      kwartaal minutes approve 2025-12-11
    """


@minutes_group.command("show", hidden=True)
@click.argument("meeting_id", metavar="[MEETING]", required=False,
                shell_complete=complete.meetings)
@click.option("--public/--internal", "public", default=False,
              help="Public: no closed content, hidden names or compensation. Internal "
                   "(default): everything.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", *DOCUMENT_FORMATS]),
              default="md", show_default=True,
              help="docx (Word) and pdf are files: give --output.")
@output_option()
@click.option("--with-compensation", is_flag=True,
              help="Internal only: include who was paid what (left out by default, since the "
                   "minutes go to every participant).")
@common
def minutes_show(meeting_id: str | None, public: bool, fmt: str, output: Path | None,
                 with_compensation: bool) -> None:
    """Render the minutes of a meeting (default: the last held one).

    \b
    Example:
      kwartaal minutes 2025-12-11 --public --format html
      kwartaal minutes 2025-12-11 --public --format pdf --output verslag.pdf
    """
    from kwartaal.edit.publish import render_minutes

    state = current_state()
    body = state.body(public=public)
    meeting = pick_meeting(body, meeting_id, state.today(), held=True)
    if public and with_compensation:
        raise KwartaalError(msg("--with-compensation is for internal minutes only"))
    refuse_binary_on_terminal(fmt, output)
    if fmt in DOCUMENT_FORMATS:
        from kwartaal.documents.office import minutes_file

        write_or_print(minutes_file(body, meeting, state.lang(), public=public, fmt=fmt,
                                    with_compensation=with_compensation,
                                    today=state.today()), output)
    else:
        write_or_print(render_minutes(body, meeting, state.lang(), public=public, fmt=fmt,
                                      with_compensation=with_compensation), output)
    if output is not None:
        state.say("wrote {path}", path=output)


@minutes_group.command("review")
@MEETING
@output_option("Where to write the draft (default: minutes/<meeting>.md in the body).")
@force_option("Also when the minutes were approved already.")
@click.option("--with-compensation", is_flag=True,
              help="Include who was paid what (left out by default: the draft goes to every "
                   "participant).")
@commit_options
def minutes_review(meeting_id: str, output: Path | None, force: bool,
                   with_compensation: bool) -> None:
    """Mark the minutes as a draft for correction and write the internal version.

    \b
    Example:
      kwartaal minutes review 2026-03-12
    """
    from kwartaal.edit.publish import review_minutes

    state = current_state()
    apply(lambda body: review_minutes(body, meeting_id, state.today(), state.lang(),
                                      output=output, force=force,
                                      with_compensation=with_compensation))


@minutes_group.command("approve")
@MEETING
@click.option("--date", "date_text", default=None, metavar="YYYY-MM-DD",
              help="The day they were approved (default: today).")
@force_option("Approve again (also when published): the minutes are frozen anew, as they "
              "are now.")
@commit_options
def minutes_approve(meeting_id: str, date_text: str | None, force: bool) -> None:
    """Record that the minutes were approved (normally at the next meeting) and freeze them:
    what they say now (the actions with their owners, due dates and statuses, the review of
    earlier actions, the attendance) is stored with the meeting, and later changes to those
    actions no longer change these minutes.

    \b
    Example:
      kwartaal minutes approve 2025-12-11 --date 2026-03-12
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.approval import approve_minutes

    state = current_state()
    when = parse_iso(date_text, "--date") if date_text else None
    apply(lambda body: approve_minutes(body, meeting_id, state.today(), when=when, force=force))


@click.command("publish")
@MEETING
@force_option("Publish minutes that are not approved yet.")
@commit_options
def publish_cmd(meeting_id: str, force: bool) -> None:
    """Write the public minutes (md and html) to the body's public folder, commit, and tag
    minutes/<meeting>. Refuses unapproved minutes unless --force, and refuses anything that
    would leak closed content, hidden names or compensation.

    \b
    Example:
      kwartaal publish 2025-12-11
    """
    from kwartaal.edit.publish import publish

    today = current_state().today()
    apply(lambda body: publish(body, meeting_id, today, force=force))


@click.command("site")
@output_option("Folder of the site (default: public/site in the body).", folder=True)
@common
def site_cmd(output: Path | None) -> None:
    """Build the public website: published minutes, the next meeting's public agenda, the
    decision register, progress per theme, open actions and the calendar. Only public
    content; the build fails if any page would contain what must stay hidden.

    The folder is the site's own: its .kwartaal-site file lists the pages a build wrote,
    and the next build removes only those it no longer makes, nothing else. A folder that
    holds the body or its published minutes is refused.

    \b
    Example:
      kwartaal site --output public/site
    """
    from kwartaal.documents.site import site_files, write_site
    from kwartaal.files.paths import published_minutes

    state = current_state()
    root = state.root()
    files, publish_folder, language = site_files(root, state.today(), state.body)
    folder = output or root / publish_folder / "site"
    # (a build removes the pages it wrote before: never the body's files or the minutes
    # `publish` wrote)
    write_site(files, folder, kept_clear=[root, root / published_minutes(publish_folder)])
    from kwartaal.core.words import Plural

    click.echo(Plural("built {count} file in {folder}", "built {count} files in {folder}",
                      len(files), folder=folder).render(state.lang_option or language))
