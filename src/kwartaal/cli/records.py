"""Commands for the notes and decisions of a meeting: record them (the default of each
group), and correct or remove them while the minutes are not approved."""

from __future__ import annotations

import click

from kwartaal.cli import complete
from kwartaal.cli.minutes import MEETING, DefaultGroup
from kwartaal.cli.shared import apply, commit_options, level_option

NOTE_ID = click.argument("note_id", metavar="NOTE", shell_complete=complete.notes)
DECISION_ID = click.argument("decision_id", metavar="DECISION",
                             shell_complete=complete.decisions)


def _corrections(func: click.decorators.FC) -> click.decorators.FC:
    """--text, --item and --closed/--open: what a correction may change."""
    for option in reversed((
        click.option("--text", default=None, help="The corrected text."),
        click.option("--item", default=None, help="The agenda item it belongs under.",
                     shell_complete=complete.items),
        click.option("--closed/--open", "closed", default=None,
                     help="Closed: in the internal minutes only; open: public too."),
    )):
        func = option(func)
    return func


class RecordGroup(DefaultGroup):
    default_command = "record"


@click.group("note", cls=RecordGroup)
def note_group() -> None:
    """Record what was said under an agenda item (default), correct or remove a note.

    \b
    Examples:
      kwartaal note 2026-03-12 actueel "De Eerste Kamer stelt de behandeling uit."
      kwartaal note set 2026-03-12 n-7kq2 --text "De Eerste Kamer stelt het uit tot mei."
      kwartaal note remove 2026-03-12 n-7kq2
    """


@note_group.command("record", hidden=True)
@MEETING
@click.argument("item", metavar="ITEM", shell_complete=complete.items)
@click.argument("text")
@click.option("--closed", is_flag=True, help="Closed: in the internal minutes only.")
@click.option("--asks-input", is_flag=True,
              help="The group asks for input here; feedback is due by the next meeting.")
@commit_options
def note_record(meeting_id: str, item: str, text: str, closed: bool, asks_input: bool) -> None:
    """Record what was said under an agenda item (a standing key or an item id).

    \b
    Example:
      kwartaal note 2026-03-12 actueel "De Eerste Kamer stelt de behandeling uit."
    """
    from kwartaal.edit.notes import note

    apply(lambda body: note(body, meeting_id, item, text, closed, asks_input))


@note_group.command("set")
@MEETING
@NOTE_ID
@_corrections
@click.option("--asks-input/--no-asks-input", "asks_input", default=None,
              help="Whether the group asks for input here.")
@commit_options
def note_set(meeting_id: str, note_id: str, text: str | None, item: str | None,
             closed: bool | None, asks_input: bool | None) -> None:
    """Correct a note while the minutes are not approved (NOTE: n2, 2025-12-11/n2 or a
    prefix like n-7k).

    \b
    Example:
      kwartaal note set 2025-12-11 n2 --text "..." --item p2 --open
    """
    from kwartaal.edit.notes import set_record

    apply(lambda body: set_record(body, meeting_id, "note", note_id, text=text, item=item,
                                  closed=closed, asks_input=asks_input))


@note_group.command("remove")
@MEETING
@NOTE_ID
@commit_options
def note_remove(meeting_id: str, note_id: str) -> None:
    """Remove a note while the minutes are not approved.

    \b
    Example:
      kwartaal note remove 2025-12-11 n4
    """
    from kwartaal.edit.notes import remove_record

    apply(lambda body: remove_record(body, meeting_id, "note", note_id))


@click.group("decide", cls=RecordGroup)
def decide_group() -> None:
    """Record a decision (default), correct or remove one. After approval of the minutes a
    decision is corrected by a new one that supersedes it (--supersedes).

    \b
    Examples:
      kwartaal decide 2026-03-12 "Het overleg vraagt een gesprek met het ministerie." \\
        --item p1
      kwartaal decide set 2026-03-12 d-7kq2 --text "..."
      kwartaal decide remove 2026-03-12 d-7kq2
    """


@decide_group.command("record", hidden=True)
@MEETING
@click.argument("text")
@click.option("--item", default=None, help="The agenda item it was taken under.",
              shell_complete=complete.items)
@click.option("--closed", is_flag=True, help="Closed: in the internal minutes only.")
@click.option("--supersedes", default=None, metavar="DECISION",
              help="The id of a decision this one replaces.")
@level_option()
@commit_options
def decide_record(meeting_id: str, text: str, item: str | None, closed: bool,
                  supersedes: str | None, level: str | None) -> None:
    """Record a decision.

    \b
    Example:
      kwartaal decide 2026-03-12 "Het overleg vraagt een gesprek met het ministerie." \\
        --item p1 --level co-decide
    """
    from kwartaal.edit.notes import decide

    apply(lambda body: decide(body, meeting_id, text, item, closed, supersedes,
                              level=level or ""))


@decide_group.command("set")
@MEETING
@DECISION_ID
@_corrections
@level_option("The participation level: inform, consult, advise, co-decide or "
              "sex-worker-led; '' removes it.")
@commit_options
def decide_set(meeting_id: str, decision_id: str, text: str | None, item: str | None,
               closed: bool | None, level: str | None) -> None:
    """Correct a decision while the minutes are not approved (DECISION: d2,
    2025-12-11/d2 or a prefix like d-7k).

    \b
    Example:
      kwartaal decide set 2025-12-11 d2 --text "..." --closed
    """
    from kwartaal.edit.notes import set_record

    apply(lambda body: set_record(body, meeting_id, "decision", decision_id, text=text,
                                  item=item, closed=closed, level=level))


@decide_group.command("remove")
@MEETING
@DECISION_ID
@commit_options
def decide_remove(meeting_id: str, decision_id: str) -> None:
    """Remove a decision while the minutes are not approved; refused while a later decision
    supersedes it.

    \b
    Example:
      kwartaal decide remove 2025-12-11 d2
    """
    from kwartaal.edit.notes import remove_record

    apply(lambda body: remove_record(body, meeting_id, "decision", decision_id))
