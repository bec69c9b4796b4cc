"""The finance export as an Excel workbook (.xlsx), for a finance department that works in a
spreadsheet: the rows of the CSV (documents/finance.py), with amounts as numbers in euros and
dates as dates, one sheet for the year's total and one per month.

openpyxl is imported here only, when a workbook is asked for. A text cell is always stored
as text, never as a formula; one that a spreadsheet would take for a formula (finance.
formula_like: '=HYPERLINK(…)') is also marked with Excel's own quote prefix, so that it stays
text when someone edits the cell, without an apostrophe in its value.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.payees import month_name
from kwartaal.core.words import NP_, tr
from kwartaal.documents.finance import (
    CSV_FIELDS,
    TOTAL,
    Row,
    finance_months,
    finance_rows,
    formula_like,
)

EURO = '"€" #,##0.00'  # shown with the reader's own separators: € 1.234,50 in Dutch
DATE = {"nl": "dd-mm-yyyy", "en": "yyyy-mm-dd"}
HOURS = "General"  # 3 and 2.5 as they are ("0.##" shows a whole number as "3.")

HEADERS: dict[str, tuple[str, str]] = {
    "payee": NP_("column", "payee"),
    "payee_type": NP_("column", "payee type"),
    "payee_name": NP_("column", "payee name"),
    "meeting": NP_("column", "meeting"),
    "date": NP_("column", "date"),
    "person": NP_("column", "person"),
    "name": NP_("column", "name"),
    "kind": NP_("column", "kind"),
    "hours": NP_("column", "hours"),
    "amount": NP_("column", "amount"),
    "method": NP_("column", "method"),
    "paid": NP_("column", "paid"),
    "description": NP_("column", "description"),
}


def header(field: str, lang: str) -> str:
    context, text = HEADERS[field]
    return tr(text, lang, context)


def total_sheet_name(year: int, lang: str) -> str:
    return tr("Total {year}", lang).format(year=year)


def month_sheet_name(year: int, month: int, lang: str) -> str:
    return month_name(dt.date(year, month, 1), lang)


def compensation_xlsx(body: m.Body, year: int, person: str | None, lang: str,
                      today: dt.date) -> bytes:
    """The workbook: first the year's total sheet (every row of the CSV: each payee's lines
    and their total), then one sheet per month with lines, each with the same rows for that
    month only (a payee's total there is their total of the month)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    # nothing about the body in the file's properties: it travels to a finance department
    made = dt.datetime.combine(today, dt.time(0, 0))
    book.properties.creator = "kwartaal"
    book.properties.created = made
    book.properties.modified = made
    _sheet(book.create_sheet(total_sheet_name(year, lang)),
           finance_rows(body, year, person), lang)
    for month in finance_months(body, year, person):
        _sheet(book.create_sheet(month_sheet_name(year, month, lang)),
               finance_rows(body, year, person, month), lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(sheet: Any, rows: list[Row], lang: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    widths = [len(header(field, lang)) for field in CSV_FIELDS]
    for column, field in enumerate(CSV_FIELDS, start=1):
        _put(sheet.cell(row=1, column=column), header(field, lang)).font = bold
    for number, row in enumerate(rows, start=2):
        for column, field in enumerate(CSV_FIELDS, start=1):
            cell = _put(sheet.cell(row=number, column=column), row[field])
            if isinstance(row[field], dt.date):
                cell.number_format = DATE.get(lang, DATE["en"])
            elif field == "amount":
                cell.number_format = EURO
            elif field == "hours":
                cell.number_format = HOURS
            if row["kind"] == TOTAL:
                cell.font = bold
            widths[column - 1] = max(widths[column - 1], len(_shown(row[field])))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(CSV_FIELDS))}{max(1, len(rows) + 1)}"


def _put(cell: Any, value: Any) -> Any:
    """A value in a cell as what it is: a number, a date, or text that is never a formula."""
    if value is None or value == "":
        return cell
    if isinstance(value, (Decimal, dt.date)):
        cell.value = value
        return cell
    text = str(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl takes a text starting with '=' for a formula otherwise
    if formula_like(text):
        cell.quotePrefix = True
    return cell


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return "00-00-0000"
    if isinstance(value, Decimal):
        return f"€ {value:,.2f}"
    return str(value)
