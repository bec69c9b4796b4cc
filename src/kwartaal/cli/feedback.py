"""The command that records what was done with input the group asked for."""

from __future__ import annotations

import click

from kwartaal.cli import complete
from kwartaal.cli.options import current_state
from kwartaal.cli.shared import apply, commit_options, force_option


@click.command("feedback")
@click.argument("meeting_id", metavar="MEETING", shell_complete=complete.meetings)
@click.argument("item", metavar="ITEM", shell_complete=complete.meeting_items)
@click.argument("text", required=False)
@click.option("--clear", is_flag=True, help="Take the feedback off again.")
@click.option("--by", default=None, envvar="KWARTAAL_ME", metavar="PERSON",
              shell_complete=complete.people,
              help="Who records it (a person id; default KWARTAAL_ME).")
@force_option("Edit even if the file has uncommitted changes.")
@commit_options
def feedback_cmd(meeting_id: str, item: str, text: str | None, clear: bool, by: str | None,
                 force: bool) -> None:
    """Record what was done with the input asked for at a meeting (dated today).

    ITEM is the item that asked for input, as on the meeting's internal agenda (5.1, p-7kq2),
    or a note's id (n-7kq2). Giving it again corrects it; --clear takes it off. Mark a
    record first with 'item set --asks-input' or 'note set --asks-input'.

    \b
    Examples:
      kwartaal feedback 2025-12-11 3.1 "De reactie is op 20 januari naar het ministerie gestuurd."
      kwartaal feedback 2025-12-11 n3 --clear
    """
    from kwartaal.edit.feedback import give_feedback

    today = current_state().today()
    apply(lambda body: give_feedback(body, meeting_id, item, text, clear=clear, by=by or "",
                                     today=today), force=force, forceable=True)
