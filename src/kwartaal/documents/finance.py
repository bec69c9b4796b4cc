"""The finance export: the compensation lines of a year as CSV, grouped by who is paid.

It goes to whoever pays (a municipality's finance department) and from there to a bank, so:
- a line paid to an organisation (core/payees.py) names the organisation and not the person:
  no id, no name, no working name; the organisation passes the money on;
- a line paid to a person carries the person's id, and their name only when they are named;
- every row's payment description is the body's neutral pattern, its month filled in;
- each payee's lines are followed by one row with their total (kind "total").
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

from kwartaal.core import model as m
from kwartaal.core.compensation import cents, year_lines
from kwartaal.core.payees import payee_of, payment_description

CSV_FIELDS = ["payee", "payee_type", "payee_name", "meeting", "date", "person", "name", "kind",
              "hours", "amount", "method", "paid", "description"]
TOTAL = "total"  # the kind of a payee's total row

# A cell starting with one of these is a formula to Excel and LibreOffice (=HYPERLINK(…),
# +cmd|' /C calc'!A0, @SUM(…)); OWASP's remedy is a leading single quote, which shows the text
# as written. Amounts are never negative in this format, so every cell is treated alike.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A cell no spreadsheet takes for a formula. Excel in a Dutch locale splits a line on ';'
    as well, so every part after a ';' is made safe too."""
    return ";".join("'" + part if part.startswith(_FORMULA_START) else part
                    for part in value.split(";"))


Payee = tuple[int, str, str, str]  # (order, key, type, name): organisations before people


def _payee(body: m.Body, line: m.CompensationLine) -> Payee:
    organisation = payee_of(body, line)
    if organisation is not None:
        return (0, organisation.key, "organisation",
                organisation.account_name or organisation.name)
    who = body.people.get(line.person)
    return (1, line.person, "person", who.name if who is not None and who.is_named else "")


def compensation_csv(body: m.Body, year: int, person: str | None) -> str:
    """One row per line that counts (not void) of the year's meetings, grouped by payee, each
    group closed by its total; person: only that person's lines."""
    groups: dict[Payee, list[tuple[m.Meeting, m.CompensationLine]]] = defaultdict(list)
    for meeting, line in year_lines(body, year, person):
        groups[_payee(body, line)].append((meeting, line))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for payee in sorted(groups):
        _, key, kind, name = payee
        to_person = kind == "person"
        rows: list[dict[str, str]] = []
        total = Decimal(0)
        for meeting, line in groups[payee]:
            total += line.amount
            rows.append({
                "meeting": meeting.id, "date": meeting.date.isoformat(),
                "person": line.person if to_person else "", "name": name if to_person else "",
                "kind": line.kind, "hours": "" if line.hours is None else str(line.hours),
                "amount": f"{cents(line.amount):.2f}", "method": line.method,
                "paid": line.paid.isoformat() if line.paid else "",
                "description": payment_description(body.config, [meeting.date])})
        rows.append({"kind": TOTAL, "amount": f"{cents(total):.2f}",
                     "description": payment_description(
                         body.config, [meeting.date for meeting, _ in groups[payee]])})
        for row in rows:
            row.update(payee=key, payee_type=kind, payee_name=name)
            writer.writerow({field: _cell(row.get(field, "")) for field in CSV_FIELDS})
    return out.getvalue()
