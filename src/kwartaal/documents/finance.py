"""The finance export: the compensation lines of a year as CSV, grouped by who is paid.

It goes to whoever pays (a municipality's finance department) and from there to a bank, so:
- a line paid to an organisation (core/payees.py) names the organisation and not the person:
  no id, no name, no working name; the organisation passes the money on;
- a line paid to a person carries the person's id, and their name only when they are named;
- every row's payment description is the body's neutral pattern, its month filled in;
- each payee's lines are followed by one row with their total (kind "total").

`finance_rows` makes the rows once, with typed values (amounts as Decimal, dates as dates);
the CSV (comma and decimal point, or the Dutch dialect: semicolon, decimal comma, a BOM) and
the workbook (documents/spreadsheet.py) only write them down.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.compensation import cents, year_lines
from kwartaal.core.payees import payee_of, payment_description

CSV_FIELDS = ["payee", "payee_type", "payee_name", "meeting", "date", "person", "name", "kind",
              "hours", "amount", "method", "paid", "description"]
TOTAL = "total"  # the kind of a payee's total row
DIALECTS = ("standard", "nl")  # comma and decimal point; semicolon and decimal comma

# A cell starting with one of these is a formula to Excel and LibreOffice (=HYPERLINK(…),
# +cmd|' /C calc'!A0, @SUM(…)); OWASP's remedy is a leading single quote, which shows the text
# as written. Amounts are never negative in this format, so every cell is treated alike.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, Any]  # a field of CSV_FIELDS: str, Decimal, dt.date or None


def formula_like(value: str) -> bool:
    """Whether a spreadsheet would take this text for a formula: the one rule of every
    export (the CSVs quote such a text, the workbook stores it as text)."""
    return value.startswith(FORMULA_START)


def safe_cell(value: str) -> str:
    """A CSV cell no spreadsheet takes for a formula. Excel in a Dutch locale splits a line
    on ';' as well, so every part after a ';' is made safe too."""
    return ";".join("'" + part if formula_like(part) else part for part in value.split(";"))


Payee = tuple[int, str, str, str]  # (order, key, type, name): organisations before people


def _payee(body: m.Body, line: m.CompensationLine) -> Payee:
    organisation = payee_of(body, line)
    if organisation is not None:
        return (0, organisation.key, "organisation",
                organisation.account_name or organisation.name)
    who = body.people.get(line.person)
    return (1, line.person, "person", who.name if who is not None and who.is_named else "")


def finance_months(body: m.Body, year: int, person: str | None) -> list[int]:
    """The months of the year that have lines that count, in order."""
    return sorted({meeting.date.month for meeting, _ in year_lines(body, year, person)})


def finance_rows(body: m.Body, year: int, person: str | None,
                 month: int | None = None) -> list[Row]:
    """One row per line that counts (not void) of the year's meetings (of one month when
    given), grouped by payee, each group closed by its total; person: only that person's
    lines. Every field of CSV_FIELDS is in every row: "" or None where it says nothing."""
    groups: dict[Payee, list[tuple[m.Meeting, m.CompensationLine]]] = defaultdict(list)
    for meeting, line in year_lines(body, year, person):
        if month is None or meeting.date.month == month:
            groups[_payee(body, line)].append((meeting, line))
    out: list[Row] = []
    for payee in sorted(groups):
        _, key, kind, name = payee
        to_person = kind == "person"
        total = Decimal(0)
        for meeting, line in groups[payee]:
            total += line.amount
            out.append({
                "payee": key, "payee_type": kind, "payee_name": name,
                "meeting": meeting.id, "date": meeting.date,
                "person": line.person if to_person else "", "name": name if to_person else "",
                "kind": line.kind, "hours": line.hours, "amount": cents(line.amount),
                "method": line.method, "paid": line.paid,
                "description": payment_description(body.config, [meeting.date])})
        out.append({
            "payee": key, "payee_type": kind, "payee_name": name, "meeting": "", "date": None,
            "person": "", "name": "", "kind": TOTAL, "hours": None, "amount": cents(total),
            "method": "", "paid": None,
            "description": payment_description(
                body.config, [meeting.date for meeting, _ in groups[payee]])})
    return out


def _text(field: str, value: Any, comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        written = f"{value:.2f}" if field == "amount" else str(value)
        return written.replace(".", ",") if comma else written
    return safe_cell(str(value))


def compensation_csv(body: m.Body, year: int, person: str | None,
                     dialect: str = "standard") -> str:
    """The finance export as CSV. "standard": comma-separated, decimal point, for other
    tools. "nl": for Excel in a Dutch locale: semicolon-separated, decimal comma, CRLF line
    ends, and a byte order mark first so that accents read right. Dates are ISO (2025-12-11)
    in both: unambiguous, and Dutch Excel reads them as dates."""
    if dialect not in DIALECTS:
        raise ValueError(f"dialect {dialect!r}")
    dutch = dialect == "nl"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, delimiter=";" if dutch else ",",
                            lineterminator="\r\n" if dutch else "\n")
    writer.writeheader()
    for row in finance_rows(body, year, person):
        writer.writerow({field: _text(field, row[field], dutch) for field in CSV_FIELDS})
    return ("\ufeff" if dutch else "") + out.getvalue()
