"""The finance export for Dutch spreadsheets: the workbook (--format xlsx) and the Dutch CSV
dialect hold the same rows as the standard CSV, with numbers as numbers and dates as dates,
and no text in any of them is taken for a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE_TODAY, Run, assert_refused, replace_in

LANGS = ("nl", "en")
FIELDS = ["payee", "payee_type", "payee_name", "meeting", "date", "person", "name", "kind",
          "hours", "amount", "method", "paid", "description"]
HEADERS = {
    "nl": ["begunstigde", "soort begunstigde", "naam begunstigde", "vergadering", "datum",
           "persoon", "naam", "soort", "uren", "bedrag", "betaalwijze", "betaald",
           "omschrijving"],
    "en": ["payee", "payee type", "payee name", "meeting", "date", "person", "name", "kind",
           "hours", "amount", "method", "paid", "description"],
}
MONTHS = {"nl": ["Totaal 2025", "maart 2025", "juni 2025", "september 2025", "december 2025"],
          "en": ["Total 2025", "March 2025", "June 2025", "September 2025", "December 2025"]}
EURO = '"€" #,##0.00'
EVIL = '=HYPERLINK("http://evil.example/?x=1","klik")'


def _k(run: Run, body: Path, *args: str, lang: str = "en", expect: int = 0) -> str:
    out = run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", lang, *args,
              expect=expect).output
    assert "Traceback" not in out, out
    return out


def _csv(run: Run, body: Path, *args: str, lang: str = "en") -> list[dict[str, str]]:
    text = _k(run, body, "compensation", "--year", "2025", "--format", "csv", *args, lang=lang)
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx(run: Run, body: Path, path: Path, lang: str) -> Any:
    import openpyxl

    out = _k(run, body, "compensation", "--year", "2025", "--format", "xlsx", "--output",
             str(path), lang=lang)
    assert str(path) in out
    return openpyxl.load_workbook(path)


def _as_csv_text(field: str, value: Any) -> str:
    """A cell of the workbook as the standard CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if field == "amount":
        return f"{Decimal(str(value)):.2f}"
    if field == "hours":
        return str(Decimal(str(value)).normalize())
    return str(value)


def _rows(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_workbook_holds_the_rows_of_the_csv(lang: str, example: Path, run: Run,
                                                tmp_path: Path) -> None:
    rows = _csv(run, example, lang=lang)
    book = _xlsx(run, example, tmp_path / "betalingen.xlsx", lang)
    assert book.sheetnames == MONTHS[lang]
    total = book[MONTHS[lang][0]]
    assert [c.value for c in total[1]] == HEADERS[lang]
    assert all(c.font.bold for c in total[1])
    cells = _rows(total)
    assert len(cells) == len(rows)
    date_format = "dd-mm-yyyy" if lang == "nl" else "yyyy-mm-dd"
    for row, line in zip(rows, cells, strict=True):
        values = {field: cell.value for field, cell in zip(FIELDS, line, strict=True)}
        assert {f: _as_csv_text(f, values[f]) for f in FIELDS} == row
        by_field = dict(zip(FIELDS, line, strict=True))
        amount = by_field["amount"]
        assert amount.data_type == "n" and amount.number_format == EURO
        assert Decimal(str(amount.value)) == Decimal(row["amount"])
        for field in ("date", "paid"):
            if row[field]:
                assert isinstance(by_field[field].value, dt.datetime)
                assert by_field[field].is_date and by_field[field].number_format == date_format
        if row["hours"]:
            assert by_field["hours"].data_type == "n"
        for field in ("payee", "payee_name", "meeting", "kind", "description"):
            if row[field]:
                assert by_field[field].data_type == "s"
        assert by_field["kind"].font.bold == (row["kind"] == "total")
        if row["payee_type"] == "organisation":  # paid to the group: no one in the row
            assert by_field["person"].value is None and by_field["name"].value is None
    # The month sheets hold every line once, each payee closed by their total of the month.
    lines = [r for r in rows if r["kind"] != "total"]
    seen: list[dict[str, str]] = []
    for name in MONTHS[lang][1:]:
        month_rows = [{f: _as_csv_text(f, c.value) for f, c in zip(FIELDS, line, strict=True)}
                      for line in _rows(book[name])]
        assert month_rows, name
        assert len({r["meeting"][:7] for r in month_rows if r["meeting"]}) == 1
        for payee in {r["payee"] for r in month_rows}:
            mine = [r for r in month_rows if r["payee"] == payee]
            assert mine[-1]["kind"] == "total"
            assert Decimal(mine[-1]["amount"]) == sum(Decimal(r["amount"]) for r in mine[:-1])
        seen += [r for r in month_rows if r["kind"] != "total"]
    key = lambda r: (r["payee"], r["meeting"], r["kind"], r["amount"])  # noqa: E731
    assert sorted(seen, key=key) == sorted(lines, key=key)


@pytest.mark.parametrize(("lang", "says"), [
    ("nl", "een Excel-werkmap is niet voor de terminal; geef een bestand: --output"),
    ("en", "an Excel workbook is not for the terminal; give a file: --output"),
])
def test_a_workbook_is_not_written_to_the_terminal(lang: str, says: str, example: Path,
                                                   run: Run) -> None:
    assert_refused(lambda: _k(run, example, "compensation", "--format", "xlsx", lang=lang,
                              expect=1), example.parent, says)


@pytest.mark.parametrize(("lang", "args", "says"), [
    ("nl", ("--format", "xlsx", "--dialect", "nl", "--output", "x.xlsx"),
     "--dialect hoort bij --format csv"),
    ("en", ("--format", "json", "--dialect", "nl"), "--dialect goes with --format csv"),
    ("nl", ("--output", "x.txt"), "--output hoort bij --format csv, json of xlsx"),
    ("en", ("--output", "x.txt"), "--output goes with --format csv, json or xlsx"),
])
def test_options_that_do_not_fit_are_refused(lang: str, args: tuple[str, ...], says: str,
                                             example: Path, run: Run) -> None:
    assert_refused(lambda: _k(run, example, "compensation", "--year", "2025", *args,
                              lang=lang, expect=1), example.parent, says)


@pytest.mark.parametrize("lang", LANGS)
def test_the_dutch_csv_has_semicolons_decimal_commas_and_a_bom(lang: str, example: Path,
                                                               run: Run, tmp_path: Path) -> None:
    # an accent that Dutch Excel reads wrong without the byte order mark
    replace_in(example / "kwartaal.toml", 'account_name = "Stichting Klankbord Voorbeeldstad"',
               'account_name = "Stichting Klankbord Voorbeeldstad Zoë"')
    standard = _csv(run, example, lang=lang)
    out = tmp_path / "betalingen.csv"
    said = _k(run, example, "compensation", "--year", "2025", "--format", "csv", "--dialect",
              "nl", "--output", str(out), lang=lang)
    assert str(out) in said
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(FIELDS)
    dutch = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(dutch) == len(standard)
    assert "Stichting Klankbord Voorbeeldstad Zoë" in {r["payee_name"] for r in dutch}
    for nl_row, row in zip(dutch, standard, strict=True):
        assert Decimal(nl_row["amount"].replace(",", ".")) == Decimal(row["amount"])
        assert "." not in nl_row["amount"] and "," in nl_row["amount"]
        if row["hours"]:
            assert Decimal(nl_row["hours"].replace(",", ".")) == Decimal(row["hours"])
        for field in FIELDS:
            if field not in ("amount", "hours"):
                assert nl_row[field] == row[field]
    # to standard output, the same bytes
    printed = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
                  "compensation", "--year", "2025", "--format", "csv", "--dialect",
                  "nl").stdout_bytes
    assert printed == raw


def _evil_body(example: Path) -> None:
    """Yara named, with a name that is a formula; the payment description one too."""
    people = example / "people.toml"
    replace_in(people, 'name = "Yara"                 # werknaam\nvisibility = "working-name"',
               f"name = '{EVIL}'\nvisibility = \"named\"")
    replace_in(example / "kwartaal.toml", 'description = "vergoeding overleg {month}"',
               'description = "+vergoeding overleg {month}"')


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_becomes_a_formula(lang: str, example: Path, run: Run, tmp_path: Path) -> None:
    _evil_body(example)
    rows = _csv(run, example, lang=lang)
    yara = [r for r in rows if r["payee"] == "yara"]
    assert yara and all(r["payee_name"] == "'" + EVIL for r in yara)
    assert all(r["name"] == "'" + EVIL for r in yara if r["kind"] != "total")
    assert all(r["description"].startswith("'+vergoeding overleg") for r in rows)
    out = tmp_path / "nl.csv"
    _k(run, example, "compensation", "--year", "2025", "--format", "csv", "--dialect", "nl",
       "--output", str(out), lang=lang)
    dutch = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""),
                                delimiter=";"))
    assert all(r["payee_name"] == "'" + EVIL for r in dutch if r["payee"] == "yara")
    book = _xlsx(run, example, tmp_path / "b.xlsx", lang)
    for sheet in book:
        for line in _rows(sheet):
            cells = dict(zip(FIELDS, line, strict=True))
            if cells["payee"].value == "yara":
                assert cells["payee_name"].value == EVIL  # as written, no apostrophe added
                assert cells["payee_name"].data_type == "s"
                assert cells["payee_name"].quotePrefix
            assert cells["description"].value.startswith("+vergoeding overleg")
            assert cells["description"].data_type == "s" and cells["description"].quotePrefix
            assert cells["kind"].quotePrefix is False
    with zipfile.ZipFile(tmp_path / "b.xlsx") as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_the_workbook_of_one_person_and_of_an_empty_year(example: Path, run: Run,
                                                         tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "roos.xlsx"
    _k(run, example, "compensation", "--year", "2025", "--person", "roos", "--format", "xlsx",
       "--output", str(path))
    book = openpyxl.load_workbook(path)
    assert {c.value for row in _rows(book["Total 2025"]) for c in row[:1]} == {"roos"}
    assert _rows(book["Total 2025"])[-1][9].value == 95
    empty = tmp_path / "leeg.xlsx"
    _k(run, example, "compensation", "--year", "2030", "--format", "xlsx", "--output",
       str(empty), lang="nl")
    book = openpyxl.load_workbook(empty)
    assert book.sheetnames == ["Totaal 2030"] and _rows(book["Totaal 2030"]) == []
    # nothing about the body in the file's properties
    assert book.properties.creator == "kwartaal" and not book.properties.title
