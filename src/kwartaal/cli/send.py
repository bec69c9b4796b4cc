"""Distribution: the agenda or the minutes of a meeting as one message file per participant."""

from __future__ import annotations

from pathlib import Path

import click

from kwartaal.cli import complete
from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import output_option


@click.command("send")
@click.argument("what", type=click.Choice(["agenda", "minutes"]), metavar="agenda|minutes")
@click.argument("meeting_id", metavar="MEETING", shell_complete=complete.meetings)
@click.option("--format", "fmt", type=click.Choice(["eml"]), default="eml", show_default=True,
              help="Message files (.eml; a plain .txt for channels other than e-mail).")
@output_option("Folder for the message files (default: ./MEETING-agenda or "
               "./MEETING-minutes).", folder=True)
@click.option("--attach", type=click.Choice(["html", "md"]), default="html", show_default=True,
              help="The document's format as an attachment.")
@common
def send_cmd(what: str, meeting_id: str, fmt: str, output: Path | None, attach: str) -> None:
    """Write the agenda or the minutes of a meeting as one message per participant; kwartaal
    sends nothing.

    Every person of the body who has not left gets one, absentees and those excused
    included; draft minutes (in review) go to those present, for correction. Each message is in
    the person's language and goes the way they chose (channel in people.toml): to their own
    address, to their organisation's contact (contact in [organisations.KEY]), to the secretary
    to pass on (a .pass-on.eml with no addressee), or as a plain text to pass on by hand.
    Core members get the internal version, everyone else the public one. Subjects and file
    names carry the body's neutral name and no one's name.

    \b
    Examples:
      kwartaal send agenda 2026-03-12 --format eml --output agenda-maart/
      kwartaal send minutes 2025-12-11 --output verslag-december/ --attach md
    """
    from kwartaal.cli.output import table
    from kwartaal.core.rules import require_meeting
    from kwartaal.core.words import Plural, tr
    from kwartaal.documents.send import is_draft, messages, summary_rows, write_messages

    state = current_state()
    body = state.body()
    today = state.today()
    lang = state.lang()
    meeting = require_meeting(body, meeting_id)
    found = messages(body, meeting, what, today, attach=attach, lang=lang)
    if not found:
        state.say("nobody to send it to")
        return
    folder = output or Path(f"{meeting.id}-{what}")
    write_messages(found, body, meeting, what, today, folder)
    click.echo(Plural("wrote {count} message to {folder}", "wrote {count} messages to {folder}",
                      len(found), folder=folder).render(lang))
    table([tr("file", lang), tr("for", lang), tr("how", lang), tr("version", lang),
           tr("language", lang)], summary_rows(found, body, lang))
    if is_draft(meeting, what):
        state.say("draft minutes: only those present get them, for correction; everyone gets "
                  "the minutes once they are approved")
