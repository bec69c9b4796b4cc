"""Commands that correct agenda items: set, withdraw, defer, done."""

from __future__ import annotations

import click

from kwartaal.cli import complete
from kwartaal.cli.shared import apply, commit_options, force_option, level_option

MEETING = click.argument("meeting_id", metavar="MEETING", shell_complete=complete.meetings)
ITEM = click.argument("item", metavar="ITEM", shell_complete=complete.meeting_items)


@click.group("item")
def item_group() -> None:
    """Correct agenda items. ITEM is the number on the meeting's internal agenda (5.1, 7) or
    the item's id (p-7kq2, shown in brackets on the internal agenda).

    \b
    Example:
      kwartaal item set 2026-03-12 5.1 --minutes 20
    """


@item_group.command("set")
@MEETING
@ITEM
@click.option("--title", default=None, help="The title, in the body's language.")
@click.option("--title-en", default=None, help="The title in English documents.")
@click.option("--minutes", type=click.IntRange(min=0), default=None, help="Time it needs.")
@click.option("--under", default=None, metavar="STANDING_KEY",
              help="Place it under a standing item (e.g. beleid).")
@click.option("--top", is_flag=True, help="Take it from under its standing item.")
@click.option("--theme", default=None, help="Theme key; '' removes the theme.")
@click.option("--closed/--open", "closed", default=None,
              help="Closed: never in public documents.")
@level_option("The participation level: inform, consult, advise, co-decide or "
              "sex-worker-led; '' removes it.")
@click.option("--asks-input/--no-asks-input", "asks_input", default=None,
              help="The group asks for input on it; feedback is due by the next meeting.")
@force_option("Edit even if the file has uncommitted changes.")
@commit_options
def item_set(meeting_id: str, item: str, title: str | None, title_en: str | None,
             minutes: int | None, under: str | None, top: bool, theme: str | None,
             closed: bool | None, level: str | None, asks_input: bool | None,
             force: bool) -> None:
    """Change an agenda item in place: title, time, place on the agenda, theme, closed,
    participation level, whether input is asked.

    \b
    Examples:
      kwartaal item set 2026-03-12 5.1 --title "Evaluatie spreekuur" --minutes 20
      kwartaal item set 2026-03-12 p-7kq2 --top --closed
      kwartaal item set 2026-03-12 5.1 --level co-decide
    """
    from kwartaal.core.problems import KwartaalError, msg
    from kwartaal.edit.items import set_item

    if top and under is not None:
        raise KwartaalError(msg("give --under or --top, not both"))
    apply(lambda body: set_item(body, meeting_id, item, title=title, title_en=title_en,
                                minutes=minutes, under="" if top else under, theme=theme,
                                closed=closed, level=level, asks_input=asks_input),
          force=force, forceable=True)


@item_group.command("withdraw")
@MEETING
@ITEM
@click.option("--reason", required=True, help="Why it comes off the agenda; kept with it.")
@force_option("Edit even if the file has uncommitted changes.")
@commit_options
def item_withdraw(meeting_id: str, item: str, reason: str, force: bool) -> None:
    """Take an item off the agenda. It stays in the file with the reason and is not carried
    over.

    \b
    Example:
      kwartaal item withdraw 2026-03-12 5.1 --reason "voorsteller trekt het in"
    """
    from kwartaal.edit.items import withdraw_item

    apply(lambda body: withdraw_item(body, meeting_id, item, reason=reason), force=force,
          forceable=True)


@item_group.command("defer")
@MEETING
@ITEM
@force_option("Edit even if the files have uncommitted changes.")
@commit_options
def item_defer(meeting_id: str, item: str, force: bool) -> None:
    """Move an item to the next planned meeting, in one commit.

    \b
    Example:
      kwartaal item defer 2026-03-12 6
    """
    from kwartaal.edit.items import defer_item

    apply(lambda body: defer_item(body, meeting_id, item), force=force, forceable=True)


@item_group.command("done")
@MEETING
@ITEM
@force_option("Edit even if the file has uncommitted changes.")
@commit_options
def item_done(meeting_id: str, item: str, force: bool) -> None:
    """Mark an item handled: it is not carried over to the next meeting.

    \b
    Example:
      kwartaal item done 2026-03-12 5.1
    """
    from kwartaal.edit.items import done_item

    apply(lambda body: done_item(body, meeting_id, item), force=force, forceable=True)
