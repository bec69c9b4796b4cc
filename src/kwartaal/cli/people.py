"""Commands for the people of a body: add, list, correct, record that someone left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from kwartaal.cli import complete
from kwartaal.cli.options import common, common_but_lang, current_state
from kwartaal.cli.shared import (
    ALLOW_PRIVATE,
    AUTHOR,
    NO_COMMIT,
    apply,
    commit_options,
    into_state,
    json_option,
)
from kwartaal.core.words import tr

PERSON = click.argument("person_id", metavar="ID", shell_complete=complete.people)


def person_fields(*, adding: bool) -> Callable[[Any], Any]:
    """The options of what is recorded about a person, once for `add` and `set`: adding, name
    and visibility are required and the rest has its default; setting, every option is None
    unless given (a text given as '' is cleared)."""
    from kwartaal.core.model import AGE_BANDS, VISIBILITIES
    from kwartaal.core.values import LANGUAGES

    def text(default: str) -> str | None:
        return default if adding else None

    options = [
        click.option("--name", required=adding, default=None,
                     help="Display name: a legal name only for 'named' people."),
        click.option("--visibility", required=adding, default=None,
                     type=click.Choice(VISIBILITIES),
                     help="How public documents show this person" +
                          ("." if adding else ", from the next rendering on.")),
        click.option("--org", "organisation", default=text(""),
                     help="Organisation." if adding else "Organisation ('' to clear)."),
        click.option("--role", default=text(""),
                     help="Role, e.g. 'lid van de klankbordgroep'" +
                          ("." if adding else " ('' to clear).")),
        click.option("--role-plural", default=text(""),
                     help="The role for several people, e.g. 'leden van de klankbordgroep': "
                          "public minutes count people shown by role."),
        click.option("--role-en", default=text(""), help="The role in English documents."),
        click.option("--role-plural-en", default=text(""),
                     help="The plural of the role in English."),
        click.option("--core/--invited", "core", default=True if adding else None,
                     help="Core member" + (" (default)" if adding else "") +
                          " or invited by topic."),
        click.option("--sex-worker/--no-sex-worker", "sex_worker",
                     default=False if adding else None,
                     help="Takes a sex worker's seat (the attendance report watches them)."),
        click.option("--compensated/--not-compensated", default=False if adding else None,
                     help="Paid for their time."),
        click.option("--payee", default=None, metavar="ORG",
                     help="Pay their compensation to this organisation ([organisations.KEY] "
                          "with payee = true)" + ("." if adding else "; '' to pay them.")),
        click.option("--age-band", type=click.Choice(AGE_BANDS), default=None),
        click.option("--lang", "person_lang", type=click.Choice(LANGUAGES), default=None,
                     help="Preferred language of documents."),
        click.option("--channel", default=None,
                     help="How they want documents, e.g. 'email', 'via-organisation' (no "
                          "addresses)."),
    ]

    def decorate(func: Any) -> Any:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate

# -- people -------------------------------------------------------------------------------------

@click.group()
def person() -> None:
    """People of the body: add, list, correct, record that someone left.

    \b
    Example:
      kwartaal person list
    """


@person.command("add")
@click.argument("person_id", metavar="ID")
@person_fields(adding=True)
@common_but_lang
@into_state(NO_COMMIT, AUTHOR, ALLOW_PRIVATE)
def person_add(person_id: str, person_lang: str | None, **given: Any) -> None:
    """Add a person to people.toml.

    \b
    Example:
      kwartaal person add roos --name Roos --visibility working-name \\
        --org Klankbordgroep --role "lid van de klankbordgroep" --compensated
    """
    from kwartaal.edit.admin import PersonInput, add_person

    apply(lambda body: add_person(body, PersonInput(id=person_id, lang=person_lang, **given)))


@person.command("list")
@json_option()
@common
def person_list(as_json: bool) -> None:
    """List the people of the body.

    \b
    Example:
      kwartaal person list --json
    """
    state = current_state()
    body = state.body()
    people = list(body.people.values())
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json([{"id": p.id, "name": p.name, "visibility": p.visibility,
                    "organisation": p.organisation, "role": p.role, "core": p.core,
                    "compensated": p.compensated} for p in people])
        return
    from kwartaal.cli.output import table

    lang = state.lang()
    headers = ["id", tr("name", lang), tr("visibility", lang),
               tr("organisation", lang), tr("role", lang),
               tr("core", lang), tr("compensated", lang)]
    yes, no = (tr("yes", lang), tr("no", lang))
    table(headers, [[p.id, p.name, p.visibility, p.organisation, p.role,
                     yes if p.core else no, yes if p.compensated else no] for p in people])



@person.command("set")
@PERSON
@person_fields(adding=False)
@common_but_lang
@into_state(NO_COMMIT, AUTHOR, ALLOW_PRIVATE)
def person_set(person_id: str, person_lang: str | None, **given: object) -> None:
    """Change what is recorded about a person; only the options given change.

    \b
    Examples:
      kwartaal person set roos --visibility role-only --role "lid van de klankbordgroep"
      kwartaal person set kbg-1 --compensated
      kwartaal person set h-visser --org "GGD Voorbeeldregio" --role ""
    """
    from kwartaal.edit.people import set_person

    changes = {key: value for key, value in given.items() if value is not None}
    if person_lang is not None:
        changes["lang"] = person_lang
    apply(lambda body: set_person(body, person_id, changes))


@person.command("leave")
@PERSON
@click.option("--date", "date_text", required=True, metavar="YYYY-MM-DD",
              help="The day they left.")
@click.option("--handover-to", default=None, metavar="PERSON", shell_complete=complete.people,
              help="Who takes over their open actions (in the same commit).")
@click.option("--by", default="", metavar="PERSON", shell_complete=complete.people,
              help="Who records it (for the actions' history).")
@commit_options
def person_leave(person_id: str, date_text: str, handover_to: str | None, by: str) -> None:
    """Record that a person left; hand their open actions over, or list them.

    \b
    Examples:
      kwartaal person leave s-bakker --date 2026-04-01 --handover-to m-jansen
      kwartaal person leave kbg-2 --date 2026-04-01
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.people import leave

    state = current_state()
    when = parse_iso(date_text, "--date")
    apply(lambda body: leave(body, person_id, when, handover_to=handover_to, by=by,
                             today=state.today(), lang=state.lang()))
