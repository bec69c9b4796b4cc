"""Commands for recording a meeting, its minutes, publishing and compensation."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

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
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.core.words import status_word, tr


class DefaultGroup(click.Group):
    """A group that runs its default command when the first word is not a subcommand, so
    that `kwartaal minutes 2025-12-11 --public` and `kwartaal minutes review X` both work."""

    default_command = "show"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.command("attend")
@click.argument("meeting_id", metavar="MEETING")
@click.argument("people", nargs=-1, required=True, metavar="PERSON...")
@click.option("--present", "status", flag_value="present", help="Was there.")
@click.option("--excused", "status", flag_value="excused", help="Sent apologies.")
@click.option("--absent", "status", flag_value="absent", help="Did not come, without notice.")
@click.option("--online", is_flag=True, help="Joined online (with --present).")
@commit_options
@writes
def attend_cmd(meeting_id: str, people: tuple[str, ...], status: str | None, online: bool,
               no_commit: bool, author: str | None) -> None:
    """Record attendance of one or more people.

    \b
    Example:
      kwartaal attend 2026-03-12 roos kbg-1 m-jansen --present
      kwartaal attend 2026-03-12 t-elkaddouri --present --online
    """
    from kwartaal.edit.recording import attend

    if status is None:
        raise KwartaalError(msg("choose --present, --excused or --absent"))
    path = meeting_path(meeting_id)
    guard([path])
    done = attend(current_state().body(), meeting_id, list(people), status, online)
    finish([done.path], done.message, no_commit, author, said=done.said)


@click.command("note")
@click.argument("meeting_id", metavar="MEETING")
@click.argument("item", metavar="ITEM")
@click.argument("text")
@click.option("--closed", is_flag=True, help="Closed: in the internal minutes only.")
@commit_options
@writes
def note_cmd(meeting_id: str, item: str, text: str, closed: bool, no_commit: bool,
             author: str | None) -> None:
    """Record what was said under an agenda item (a standing key or an item id).

    \b
    Example:
      kwartaal note 2026-03-12 actueel "De Eerste Kamer stelt de behandeling uit."
    """
    from kwartaal.edit.recording import note

    guard([meeting_path(meeting_id)])
    done = note(current_state().body(), meeting_id, item, text, closed)
    finish([done.path], done.message, no_commit, author, said=done.said)


@click.command("decide")
@click.argument("meeting_id", metavar="MEETING")
@click.argument("text")
@click.option("--item", default=None, help="The agenda item it was taken under.")
@click.option("--closed", is_flag=True, help="Closed: in the internal minutes only.")
@click.option("--supersedes", default=None, metavar="DECISION",
              help="The id of a decision this one replaces.")
@commit_options
@writes
def decide_cmd(meeting_id: str, text: str, item: str | None, closed: bool,
               supersedes: str | None, no_commit: bool, author: str | None) -> None:
    """Record a decision.

    \b
    Example:
      kwartaal decide 2026-03-12 "Het overleg vraagt een gesprek met het ministerie." \\
        --item p1
    """
    from kwartaal.edit.recording import decide

    guard([meeting_path(meeting_id)])
    done = decide(current_state().body(), meeting_id, text, item, closed, supersedes)
    finish([done.path], done.message, no_commit, author, said=done.said)


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
@click.argument("meeting_id", metavar="[MEETING]", required=False)
@click.option("--public/--internal", "public", default=False,
              help="Public: no closed content, hidden names or compensation. Internal "
                   "(default): everything.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
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
@click.argument("meeting_id", metavar="MEETING")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the draft (default: minutes/<meeting>.md in the body).")
@click.option("--force", is_flag=True, help="Also when the minutes were approved already.")
@click.option("--with-compensation", is_flag=True,
              help="Include who was paid what (left out by default: the draft goes to every "
                   "participant).")
@commit_options
@writes
def minutes_review(meeting_id: str, output: Path | None, force: bool, with_compensation: bool,
                   no_commit: bool, author: str | None) -> None:
    """Mark the minutes as a draft for correction and write the internal version.

    \b
    Example:
      kwartaal minutes review 2026-03-12
    """
    from kwartaal.edit.publish import render_minutes
    from kwartaal.edit.recording import set_meeting_status
    from kwartaal.files.store import atomic_write

    state = current_state()
    path = meeting_path(meeting_id)
    guard([path])
    body = state.body()
    done = set_meeting_status(body, meeting_id, "minutes-draft", state.today(),
                              date_key="minutes_reviewed", force=force)
    from kwartaal.files.loader import load_checked

    fresh = load_checked(body.root)
    meeting = fresh.meeting(meeting_id)
    if output is None:  # the body's own drafts folder: it may not lead out of the body
        from kwartaal.files.outputs import output_file, output_folder

        target = output_file(output_folder(body.root / "minutes"), f"{meeting_id}.md")
    else:
        target = output
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, render_minutes(fresh, meeting, state.lang(), public=False, fmt="md",
                                        with_compensation=with_compensation))
    state.say("draft minutes for review: {path}",
              path=target)
    inside = target.resolve().is_relative_to(body.root.resolve())
    finish([done.path, *([target] if inside else [])], f"minutes {meeting_id}: draft for review",
            no_commit, author, said=msg("minutes of {id}: draft for review", id=meeting_id))


@minutes_group.command("approve")
@click.argument("meeting_id", metavar="MEETING")
@click.option("--date", "date_text", default=None, metavar="YYYY-MM-DD",
              help="The day they were approved (default: today).")
@click.option("--force", is_flag=True, help="Move back from 'published'.")
@commit_options
@writes
def minutes_approve(meeting_id: str, date_text: str | None, force: bool, no_commit: bool,
                    author: str | None) -> None:
    """Record that the minutes were approved (normally at the next meeting).

    \b
    Example:
      kwartaal minutes approve 2025-12-11 --date 2026-03-12
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.recording import set_meeting_status

    state = current_state()
    guard([meeting_path(meeting_id)])
    when = parse_iso(date_text, "--date") if date_text else state.today()
    done = set_meeting_status(state.body(), meeting_id, "minutes-approved", state.today(),
                              date_key="minutes_approved", when=when, force=force)
    finish([done.path], f"minutes {meeting_id}: approved {when}", no_commit, author,
           said=msg("minutes of {id} approved on {date}", id=meeting_id, date=when))


@click.command("publish")
@click.argument("meeting_id", metavar="MEETING")
@click.option("--force", is_flag=True, help="Publish minutes that are not approved yet.")
@commit_options
@writes
def publish_cmd(meeting_id: str, force: bool, no_commit: bool, author: str | None) -> None:
    """Write the public minutes (md and html) to the body's public folder, commit, and tag
    minutes/<meeting>. Refuses unapproved minutes unless --force, and refuses anything that
    would leak closed content, hidden names or compensation.

    \b
    Example:
      kwartaal publish 2025-12-11
    """
    from kwartaal.edit.publish import publish

    state = current_state()
    path = meeting_path(meeting_id)
    guard([path])
    written, meeting_file = publish(state.body(), meeting_id, state.today(), force=force)
    for file in written:
        state.say("wrote {path}", path=file)
    finish([meeting_file, *written], f"minutes {meeting_id}: published", no_commit, author,
            tag=f"minutes/{meeting_id}", said=msg("minutes of {id} published", id=meeting_id))


@click.command("site")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the site (default: public/site in the body).")
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
    state.say("built {n} files in {folder}",
              n=len(files), folder=folder)


def _amount(value: str | None, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value.replace(",", ".").replace("€", "").strip())
    except InvalidOperation as exc:
        raise KwartaalError(msg("{name}: '{value}' is not an amount (e.g. 12.50)",
                                name=name, value=value)) from exc
    if not amount.is_finite():
        raise KwartaalError(msg("{name}: '{value}' is not an amount (e.g. 12.50)",
                                name=name, value=value))
    if amount < 0:
        raise KwartaalError(msg("{name}: '{value}' must be zero or more",
                                name=name, value=value))
    from kwartaal.core.values import AMOUNT_MAX

    if amount >= AMOUNT_MAX:
        raise KwartaalError(msg("{name}: '{value}' is far above any payment; check the amount",
                                name=name, value=value))
    return amount


@click.command("compensate")
@click.argument("meeting_id", metavar="MEETING")
@click.argument("person", required=False, metavar="[PERSON]")
@click.option("--all-present", is_flag=True,
              help="Every compensated attendee, with the policy's default amounts.")
@click.option("--hours", default=None, help="Hours for the time fee (× the hourly rate).")
@click.option("--fee", default=None, metavar="EUR", help="The time fee as an amount.")
@click.option("--travel", default=None, metavar="EUR")
@click.option("--meal", default=None, metavar="EUR")
@click.option("--voucher", default=None, metavar="EUR", help="A gift voucher.")
@click.option("--method", type=click.Choice(["bank", "cash", "voucher"]), default=None)
@click.option("--paid", "paid_text", default=None, metavar="DATE", help="Paid on this date.")
@click.option("--force", is_flag=True, help="Record even above an allowance limit.")
@commit_options
@writes
def compensate_cmd(meeting_id: str, person: str | None, all_present: bool, hours: str | None,
                   fee: str | None, travel: str | None, meal: str | None, voucher: str | None,
                   method: str | None, paid_text: str | None, force: bool, no_commit: bool,
                   author: str | None) -> None:
    """Record what a participant is paid for a meeting; checks the allowance limits first.

    \b
    Examples:
      kwartaal compensate 2026-03-12 roos --hours 3 --travel 7.40 --meal 12.50
      kwartaal compensate 2026-03-12 --all-present
      kwartaal compensate 2026-03-12 kbg-1 --voucher 25 --paid 2026-03-12
    """
    from kwartaal.core.compensation import default_lines
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.actions import require_meeting
    from kwartaal.edit.recording import compensate

    state = current_state()
    body = state.body()
    meeting = require_meeting(body, meeting_id)
    paid = parse_iso(paid_text, "--paid") if paid_text else None
    if all_present == (person is not None):
        raise KwartaalError(msg("give either PERSON or --all-present"))
    amounts = {"hours": _amount(hours, "--hours"), "fee": _amount(fee, "--fee"),
               "travel": _amount(travel, "--travel"), "meal": _amount(meal, "--meal"),
               "voucher": _amount(voucher, "--voucher")}
    people = [person] if person else [
        pid for pid in meeting.present if body.people.get(pid) and body.people[pid].compensated]
    lines = []
    notes: list[Any] = []
    for pid in people:
        found, notices = default_lines(body, pid, method=method, paid=paid,
                                       use_policy=all_present or not any(
                                           v is not None for v in amounts.values()),
                                       **amounts)
        lines += found
        notes += notices
    guard([meeting.src.path])
    done = compensate(body, meeting_id, lines, force=force)
    finish([done.path], done.message, no_commit, author, notes + done.notes,
           said=done.said)


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
@click.option("--person", default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@common
def compensation_report(year: int | None, person: str | None, fmt: str) -> None:
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
@click.argument("meeting_id", metavar="MEETING")
@click.argument("person", metavar="PERSON|LINE", required=False)
@click.option("--date", "date_text", required=True, metavar="YYYY-MM-DD")
@commit_options
@writes
def compensation_paid(meeting_id: str, person: str | None, date_text: str, no_commit: bool,
                      author: str | None) -> None:
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
    state = current_state()
    guard([meeting_path(meeting_id)])
    done = mark_paid(state.body(), meeting_id, person, parse_iso(date_text, "--date"))
    finish([done.path], done.message, no_commit, author, said=done.said)
