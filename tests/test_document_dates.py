"""Word and PDF files are dated by the run (--today) and the document, never by the clock, and
name no application but kwartaal (documents/pdf.py, documents/docx.py)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwartaal.documents.pdf import dated

from .conftest import Run
from .test_documents_office import engine_missing

TODAY = "2026-01-15"
DOCUMENTS = [(["agenda", "2026-03-12"], dt.date(2026, 3, 12)),
             (["minutes", "2025-12-11"], dt.date(2025, 12, 11)),
             (["report", "--year", "2025"], dt.date(2025, 12, 31))]  # the year as of its end


def _made(run: Run, example: Path, tmp_path: Path, lang: str, args: list[str], fmt: str) -> bytes:
    out = tmp_path / f"{args[0]}-{lang}.{fmt}"
    run("--repo", str(example), "--today", TODAY, "--lang", lang, *args, "--format", fmt,
        "--output", str(out))
    return out.read_bytes()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("args", "when"), DOCUMENTS)
def test_a_word_file_names_kwartaal_and_the_documents_date(example: Path, run: Run,
                                                           tmp_path: Path, lang: str,
                                                           args: list[str], when: dt.date) -> None:
    data = _made(run, example, tmp_path, lang, args, "docx")
    parts = zipfile.ZipFile(io.BytesIO(data))
    app = parts.read("docProps/app.xml").decode("utf-8")
    assert "<Application>kwartaal</Application>" in app
    assert not re.search(r"Microsoft|Macintosh|docx|AppVersion", app)
    assert {info.date_time for info in parts.infolist()} == {(when.year, when.month, when.day,
                                                              0, 0, 0)}
    import docx

    props = docx.Document(io.BytesIO(data)).core_properties
    assert props.created.date() == when and props.modified.date() == when


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
def test_a_pdf_is_dated_by_the_runs_today(example: Path, run: Run, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    missing = engine_missing(engine)
    if missing:
        pytest.skip(missing)
    import pypdf

    monkeypatch.setenv("KWARTAAL_PDF", engine)
    for lang, (args, _) in zip(["nl", "en", "nl"], DOCUMENTS, strict=True):
        data = _made(run, example, tmp_path, lang, args, "pdf")
        info = pypdf.PdfReader(io.BytesIO(data)).metadata
        assert info is not None
        for when in (info.creation_date, info.modification_date):
            assert when is not None and when.date() == dt.date(2026, 1, 15), (args, when)


def test_the_dates_chromium_writes_keep_their_length() -> None:
    raw = (b"1 0 obj\n<</Title (T)\n/CreationDate (D:20991231235959+01'00')\n"
           b"/ModDate (D:20991231235959Z)\n/Other (D:20991231235959)>>\nendobj\n")
    out = dated(raw, dt.date(2026, 1, 15))
    assert len(out) == len(raw)
    assert b"/CreationDate (D:20260115000000+00'00')" in out
    assert b"/ModDate (D:20260115000000Z)" in out
    assert b"/Other (D:20991231235959)" in out


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.dates(), st.sampled_from(["nl", "en", "fr"]))
def test_a_long_date_is_what_babel_writes(day: dt.date, lang: str) -> None:
    """long_date, which looks Babel's names up once, writes what Babel's format_date writes
    with the same pattern, on any day of years 1 to 9999, in each language (and English for
    any other)."""
    from babel.dates import format_date

    from kwartaal.core.formats import LONG_DATE, locale_of, long_date

    assert long_date(day, lang) == format_date(day, LONG_DATE, locale=locale_of(lang))


def test_long_dates_of_two_whole_years() -> None:
    from babel.dates import format_date

    from kwartaal.core.formats import LONG_DATE, long_date

    day = dt.date(2027, 1, 1)
    while day.year < 2029:  # a year and a leap year, every weekday in every month
        assert long_date(day, "nl") == format_date(day, LONG_DATE, locale="nl_NL")
        assert long_date(day.isoformat(), "en") == format_date(day, LONG_DATE, locale="en_GB")
        day += dt.timedelta(days=1)
