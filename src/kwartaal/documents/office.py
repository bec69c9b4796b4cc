"""The agenda, the minutes and the year report as files for the world outside the tool: Word
(.docx) for secretaries who exchange documents, PDF for archives.

Each is made from what the other formats are made from: the Word file from the same data the
templates get (built through a View, so a public one holds only what may leave the group), the
PDF from the HTML rendering. A public Word file is searched once more, every part of it (text,
document properties, comments), before it is returned.
"""

from __future__ import annotations

import datetime as dt

from kwartaal.core import model as m
from kwartaal.core.problems import Msg, msg
from kwartaal.core.visibility import View

FORMATS = ("docx", "pdf")


def _banner(lang: str, public: bool) -> str:
    """The confidentiality banner, repeated at the top of every page of an internal PDF."""
    from kwartaal.core.labels import labels

    return "" if public else labels(lang)["confidential"]


def _checked(body: m.Body, lang: str, public: bool, data: bytes, what: Msg,
             totals: tuple[str, ...] = ()) -> bytes:
    if public:
        from kwartaal.documents.docx import docx_parts_text

        View(body, lang, public=True).assert_clean(docx_parts_text(data), what, totals)
    return data


def _neutral_name(body: m.Body, lang: str, public: bool) -> str:
    """The body's neutral name in a document's properties, as the document's audience may
    read it."""
    from kwartaal.core.visibility import View

    return View(body, lang, public=public).body_name(neutral=True)


def agenda_file(body: m.Body, meeting: m.Meeting, today: dt.date, lang: str, *, public: bool,
                fmt: str) -> bytes:
    from kwartaal.documents.agenda import build_agenda, render_agenda

    if fmt == "pdf":
        from kwartaal.documents.pdf import html_to_pdf

        return html_to_pdf(render_agenda(body, meeting, today, lang, public=public, fmt="html"),
                           running_head=_banner(lang, public), today=today)
    from kwartaal.documents.docx import agenda_docx

    data = agenda_docx(build_agenda(body, meeting, today, lang, public=public), lang,
                       _neutral_name(body, lang, public))
    return _checked(body, lang, public, data, msg("the public agenda of {id}", id=meeting.id))


def minutes_file(body: m.Body, meeting: m.Meeting, lang: str, *, public: bool, fmt: str,
                 with_compensation: bool = False, today: dt.date | None = None) -> bytes:
    """today: the run's, the date of a PDF (None: the clock's)."""
    from kwartaal.documents.minutes import build_minutes, render_minutes

    if fmt == "pdf":
        from kwartaal.documents.pdf import html_to_pdf

        return html_to_pdf(render_minutes(body, meeting, lang, public=public, fmt="html",
                                          with_compensation=with_compensation),
                           running_head=_banner(lang, public), today=today)
    from kwartaal.documents.docx import minutes_docx

    data = minutes_docx(build_minutes(body, meeting, lang, public,
                                      with_compensation=with_compensation), lang,
                        _neutral_name(body, lang, public))
    return _checked(body, lang, public, data, msg("the public minutes of {id}", id=meeting.id))


def report_file(body: m.Body, year: int, today: dt.date, lang: str, *, public: bool,
                fmt: str) -> bytes:
    from kwartaal.core.yearreport import build_report, published_totals
    from kwartaal.documents.report import report_text

    data = build_report(body, year, today, lang, public=public)
    if fmt == "pdf":
        from kwartaal.documents.pdf import html_to_pdf

        return html_to_pdf(report_text(body, data, lang, "html"),
                           running_head=_banner(lang, public), today=today)
    from kwartaal.documents.docx_report import report_docx

    raw = report_docx(data, lang, _neutral_name(body, lang, public))
    return _checked(body, lang, public, raw, msg("the public year report of {year}", year=year),
                    published_totals(data))
