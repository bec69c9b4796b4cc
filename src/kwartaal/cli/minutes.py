"""Commands for recording a meeting, its minutes, publishing and compensation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click

from kwartaal.cli import complete
from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import (
    apply,
    commit_options,
    force_option,
    json_option,
    output_option,
    pick_meeting,
    write_or_print,
)
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.core.words import status_word, tr

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
@click.option("--present", "status", flag_value="present", help="Was there.")
@click.option("--excused", "status", flag_value="excused", help="Sent apologies.")
@click.option("--absent", "status", flag_value="absent", help="Did not come, without notice.")
@click.option("--online", is_flag=True, help="Joined online (with --present).")
@commit_options
def attend_cmd(meeting_id: str, people: tuple[str, ...], status: str | None,
               online: bool) -> None:
    """Record attendance of one or more people.

    \b
    Example:
      kwartaal attend 2026-03-12 roos kbg-1 m-jansen --present
      kwartaal attend 2026-03-12 t-elkaddouri --present --online
    """
    from kwartaal.edit.recording import attend

    if status is None:
        raise KwartaalError(msg("choose --present, --excused or --absent"))
    apply(lambda body: attend(body, meeting_id, list(people), status, online))


@click.command("note")
@MEETING
@click.argument("item", metavar="ITEM", shell_complete=complete.items)
@click.argument("text")
@click.option("--closed", is_flag=True, help="Closed: in the internal minutes only.")
@commit_options
def note_cmd(meeting_id: str, item: str, text: str, closed: bool) -> None:
    """Record what was said under an agenda item (a standing key or an item id).

    \b
    Example:
      kwartaal note 2026-03-12 actueel "De Eerste Kamer stelt de behandeling uit."
    """
    from kwartaal.edit.recording import note

    apply(lambda body: note(body, meeting_id, item, text, closed))


@click.command("decide")
@MEETING
@click.argument("text")
@click.option("--item", default=None, help="The agenda item it was taken under.",
              shell_complete=complete.items)
@click.option("--closed", is_flag=True, help="Closed: in the internal minutes only.")
@click.option("--supersedes", default=None, metavar="DECISION",
              help="The id of a decision this one replaces.")
@commit_options
def decide_cmd(meeting_id: str, text: str, item: str | None, closed: bool,
               supersedes: str | None) -> None:
    """Record a decision.

    \b
    Example:
      kwartaal decide 2026-03-12 "Het overleg vraagt een gesprek met het ministerie." \\
        --item p1
    """
    from kwartaal.edit.recording import decide

    apply(lambda body: decide(body, meeting_id, text, item, closed, supersedes))


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
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md",
              show_default=True)
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
    """
    from kwartaal.edit.publish import render_minutes

    state = current_state()
    body = state.body()
    meeting = pick_meeting(body, meeting_id, state.today(), held=True)
    if public and with_compensation:
        raise KwartaalError(msg("--with-compensation is for internal minutes only"))
    text = render_minutes(body, meeting, state.lang(), public=public, fmt=fmt,
                          with_compensation=with_compensation)
    write_or_print(text, output)
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

    \b
    Example:
      kwartaal site --output public/site
    """
    from kwartaal.documents.site import build_site, write_site

    state = current_state()
    body = state.body()
    files = build_site(body, state.today())
    folder = output or body.root / body.config.publish_folder / "site"
    write_site(files, folder)
    from kwartaal.core.words import Plural

    click.echo(Plural("built {count} file in {folder}", "built {count} files in {folder}",
                      len(files), folder=folder).render(state.lang()))


@click.command("compensate")
@MEETING
@click.argument("person", required=False, metavar="[PERSON]", shell_complete=complete.people)
@click.option("--all-present", is_flag=True,
              help="Every compensated attendee, with the policy's default amounts.")
@click.option("--hours", default=None, help="Hours for the time fee (× the hourly rate).")
@click.option("--fee", default=None, metavar="EUR", help="The time fee as an amount.")
@click.option("--travel", default=None, metavar="EUR")
@click.option("--meal", default=None, metavar="EUR")
@click.option("--voucher", default=None, metavar="EUR", help="A gift voucher.")
@click.option("--method", type=click.Choice(["bank", "cash", "voucher"]), default=None)
@click.option("--paid", "paid_text", default=None, metavar="DATE", help="Paid on this date.")
@force_option("Record even above an allowance limit.")
@commit_options
def compensate_cmd(meeting_id: str, person: str | None, all_present: bool, paid_text: str | None,
                   method: str | None, force: bool, **amounts: str | None) -> None:
    """Record what a participant is paid for a meeting; checks the allowance limits first.

    \b
    Examples:
      kwartaal compensate 2026-03-12 roos --hours 3 --travel 7.40 --meal 12.50
      kwartaal compensate 2026-03-12 --all-present
      kwartaal compensate 2026-03-12 kbg-1 --voucher 25 --paid 2026-03-12
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.recording import compensate_as_asked

    paid = parse_iso(paid_text, "--paid") if paid_text else None
    apply(lambda body: compensate_as_asked(body, meeting_id, person, all_present=all_present,
                                           amounts=amounts, method=method, paid=paid,
                                           force=force))


@click.group("compensation", cls=DefaultGroup)
def compensation_group() -> None:
    """The compensation overview (default) and recording payments.

    \b
    Examples:
      kwartaal compensation --year 2025
      kwartaal compensation --format csv > betalingen.csv
      kwartaal compensation paid 2025-12-11 roos --date 2026-01-05
    """


compensation_group.default_command = "report"  # type: ignore[attr-defined]


@compensation_group.command("report", hidden=True)
@click.option("--year", type=int, default=None, help="Default: this year.")
@click.option("--person", default=None, shell_complete=complete.people)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@json_option("The same as --format json.")
@common
def compensation_report(year: int | None, person: str | None, fmt: str, as_json: bool) -> None:
    """Per person: the lines per meeting, month and year totals, unpaid, and the limit status.

    \b
    Example:
      kwartaal compensation --year 2025 --format json
    """
    from kwartaal.edit.actions import require_person
    from kwartaal.edit.publish import compensation_csv, compensation_overview

    state = current_state()
    body = state.body()
    if person:
        require_person(body, person)
    chosen_year = year or state.today().year
    fmt = "json" if as_json else fmt
    data = compensation_overview(body, chosen_year, person, state.lang())
    if fmt == "json":
        from kwartaal.documents.minutes import to_json

        click.echo(to_json(data), nl=False)
        return
    if fmt == "csv":
        click.echo(compensation_csv(body, chosen_year, person), nl=False)
        return
    from kwartaal.cli.output import table
    from kwartaal.core.formats import money

    lang = state.lang()
    rows = []
    for p in data["people"]:
        rows.append([p["id"], money(Decimal(p["total"]), lang), money(Decimal(p["unpaid"]), lang),
                     status_word(p["limit"]["status"], lang), "; ".join(p["limit"]["messages"])])
    if not rows:
        state.say("no compensation in {year}", year=chosen_year)
        return
    table(["id", tr("total", lang), tr("unpaid", lang),
           tr("limits", lang), ""], rows, wrap=4)


@compensation_group.command("paid")
@MEETING
@click.argument("person", metavar="PERSON|LINE", required=False, shell_complete=complete.people)
@click.option("--date", "date_text", required=True, metavar="YYYY-MM-DD")
@commit_options
def compensation_paid(meeting_id: str, person: str | None, date_text: str) -> None:
    """Record that a person's lines of a meeting were paid, or one line (by id or prefix).

    \b
    Examples:
      kwartaal compensation paid 2025-12-11 roos --date 2026-01-05
      kwartaal compensation paid 2025-12-11/c-7kq2 --date 2026-01-05
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.recording import mark_paid

    if person is None:
        if "/" not in meeting_id:
            raise KwartaalError(msg("give PERSON, or the id of one line (MEETING/LINE)"))
        meeting_id, person = meeting_id.split("/", 1)
    when = parse_iso(date_text, "--date")
    apply(lambda body: mark_paid(body, meeting_id, person, when))
