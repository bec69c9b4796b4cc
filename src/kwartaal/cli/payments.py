"""Commands for compensation: record it, the overview and export, payments, corrections
and voiding."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from kwartaal.cli import complete
from kwartaal.cli.minutes import MEETING, DefaultGroup
from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import (
    apply,
    commit_options,
    force_option,
    json_option,
    output_option,
    write_or_print,
)
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.core.words import status_word, tr


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
@click.option("--payee", default="", metavar="ORG",
              help="Pay these lines to an organisation ([organisations.KEY] with payee = "
                   "true), or with the person's own id to them, instead of as their own payee "
                   "says.")
@force_option("Record even above an allowance limit.")
@commit_options
def compensate_cmd(meeting_id: str, person: str | None, all_present: bool, paid_text: str | None,
                   method: str | None, payee: str, force: bool, **amounts: str | None) -> None:
    """Record what a participant is paid for a meeting; checks the allowance limits first.

    \b
    Examples:
      kwartaal compensate 2026-03-12 roos --hours 3 --travel 7.40 --meal 12.50
      kwartaal compensate 2026-03-12 --all-present
      kwartaal compensate 2026-03-12 kbg-1 --voucher 25 --paid 2026-03-12
      kwartaal compensate 2026-03-12 kbg-1 --hours 3 --payee klankbordgroep
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.edit.payments import compensate_as_asked

    paid = parse_iso(paid_text, "--paid") if paid_text else None
    apply(lambda body: compensate_as_asked(body, meeting_id, person, all_present=all_present,
                                           amounts=amounts, method=method, paid=paid,
                                           force=force, today=current_state().today(),
                                           payee=payee))


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
@click.option("--year", type=click.IntRange(1900, 2999), default=None, help="Default: this year.")
@click.option("--person", default=None, shell_complete=complete.people)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True,
              help="xlsx: an Excel workbook, a sheet for the year and one per month (needs "
                   "--output).")
@click.option("--dialect", type=click.Choice(["standard", "nl"]), default="standard",
              show_default=True,
              help="With --format csv: standard (comma, decimal point) for other tools; nl "
                   "(semicolon, decimal comma, byte order mark) for Excel in Dutch.")
@json_option("The same as --format json.")
@output_option("Write the export to this file (csv, json, xlsx) instead of standard output.")
@common
def compensation_report(year: int | None, person: str | None, fmt: str, dialect: str,
                        as_json: bool, output: Path | None) -> None:
    """Per person: the lines per meeting, month and year totals, unpaid, and the limit status.
    --format csv: the finance export, grouped by payee (an organisation's rows name no person),
    each payee's lines closed by a total row, with the neutral payment description;
    --format xlsx: the same rows as a workbook, amounts in euros and dates as dates, a sheet
    for the year and one per month.

    \b
    Example:
      kwartaal compensation --year 2025 --format json
      kwartaal compensation --year 2025 --format csv --dialect nl --output betalingen.csv
      kwartaal compensation --year 2025 --format xlsx --output betalingen.xlsx
    """
    from kwartaal.edit.actions import require_person

    state = current_state()
    fmt = "json" if as_json else fmt
    if dialect != "standard" and fmt != "csv":
        raise KwartaalError(msg("--dialect goes with --format csv"))
    if fmt == "xlsx" and output is None:
        raise KwartaalError(msg(
            "an Excel workbook is not for the terminal; give a file: --output "
            "payments.xlsx"))
    if fmt == "table" and output is not None:
        raise KwartaalError(msg("--output goes with --format csv, json or xlsx"))
    body = state.body()
    if person:
        require_person(body, person)
    chosen_year = year or state.today().year
    if fmt in ("csv", "xlsx"):
        _finance_export(body, chosen_year, person, fmt, dialect, output)
        return
    from kwartaal.edit.publish import compensation_overview

    data = compensation_overview(body, chosen_year, person, state.lang())
    if fmt == "json":
        from kwartaal.documents.minutes import to_json

        write_or_print(to_json(data), output)
        if output is not None:
            state.say("wrote {path}", path=output)
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


def _finance_export(body: Any, year: int, person: str | None, fmt: str, dialect: str,
                    output: Path | None) -> None:
    state = current_state()
    if fmt == "xlsx":
        from kwartaal.documents.spreadsheet import compensation_xlsx

        data = compensation_xlsx(body, year, person, state.lang(), state.today())
    else:
        from kwartaal.documents.finance import compensation_csv

        data = compensation_csv(body, year, person, dialect).encode("utf-8")
    write_or_print(data, output)
    if output is not None:
        state.say("wrote {path}", path=output)


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
    from kwartaal.edit.payments import mark_paid

    if person is None:
        if "/" not in meeting_id:
            raise KwartaalError(msg("give PERSON, or the id of one line (MEETING/LINE)"))
        meeting_id, person = meeting_id.split("/", 1)
    when = parse_iso(date_text, "--date")
    today = current_state().today()
    apply(lambda body: mark_paid(body, meeting_id, person, when, today))


LINE = click.argument("line_id", metavar="LINE", shell_complete=complete.lines)


@compensation_group.command("set")
@MEETING
@LINE
@click.option("--hours", default=None, help="Hours of a fee (without --amount: × the hourly "
                                            "rate, as compensate does).")
@click.option("--amount", default=None, metavar="EUR")
@click.option("--kind", type=click.Choice(["fee", "travel", "meal", "voucher", "other"]),
              default=None)
@click.option("--method", type=click.Choice(["bank", "cash", "voucher"]), default=None)
@click.option("--payee", default=None, metavar="ORG",
              help="Pay the line to this organisation, or with the person's id to them; '' to "
                   "pay as the person's own payee says.")
@click.option("--note", default=None, help="Why; on a paid line, the only thing that changes.")
@force_option("Record even above an allowance limit.")
@commit_options
def compensation_set(meeting_id: str, line_id: str, hours: str | None, amount: str | None,
                     kind: str | None, method: str | None, payee: str | None,
                     note: str | None, force: bool) -> None:
    """Correct a line that is not paid yet (LINE: c3, 2025-12-11/c3 or a prefix like c-7k);
    checks the rules and allowance limits again. Of a paid line only the note changes.

    \b
    Example:
      kwartaal compensation set 2025-12-11 c3 --hours 2 --note "left after the break"
      kwartaal compensation set 2025-12-11 c3 --payee klankbordgroep
    """
    from kwartaal.edit.payments import parse_amount, set_line

    parsed_hours = parse_amount(hours, "--hours")
    parsed_amount = parse_amount(amount, "--amount")
    apply(lambda body: set_line(body, meeting_id, line_id, hours=parsed_hours,
                                amount=parsed_amount, kind=kind, method=method, note=note,
                                force=force, payee=payee))


@compensation_group.command("void")
@MEETING
@LINE
@click.option("--reason", required=True, help="Why the line is void; kept with it.")
@commit_options
def compensation_void(meeting_id: str, line_id: str, reason: str) -> None:
    """Void a line that was recorded wrongly and not paid: it stays in the file with the
    reason and today's date, and counts in no total, limit or export.

    \b
    Example:
      kwartaal compensation void 2025-12-11 c4 --reason "twice recorded"
    """
    from kwartaal.edit.payments import void_line

    today = current_state().today()
    apply(lambda body: void_line(body, meeting_id, line_id, reason=reason, today=today))
