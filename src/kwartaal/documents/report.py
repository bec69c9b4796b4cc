"""The year report rendered: Markdown or HTML from templates, or JSON of the same data.

The data comes from core/yearreport.py, which asks core/visibility.py what may be shown; this
module only lays it out. A public report is searched for what must not leave the group before
it is returned; an internal one says that it is internal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.problems import msg
from kwartaal.core.visibility import View
from kwartaal.core.yearreport import build_report, published_totals
from kwartaal.documents.render import json_text, mark_confidential, render


def to_json(data: dict[str, Any]) -> str:
    return json_text(data)


def report_text(body: m.Body, data: dict[str, Any], lang: str, fmt: str,
                template: str = "") -> str:
    """One report in one format; template: another template (the site's page)."""
    if fmt == "json":
        text = to_json(data)
    else:
        text = render(body.root, template or f"report.{fmt}.j2", lang, r=data)
    if data["public"]:
        View(body, lang, public=True).assert_clean(text, msg(
            "the public year report of {year}", year=data["year"]), published_totals(data))
        return text
    return mark_confidential(text, fmt, lang)


def render_report(body: m.Body, year: int, today: dt.date, lang: str, *, public: bool,
                  fmt: str) -> str:
    data = build_report(body, year, today, lang, public=public)
    return report_text(body, data, lang, fmt)


def report_years(body: m.Body) -> list[int]:
    """The years with held meetings, newest first: the site has a report page for each."""
    return sorted({mt.date.year for mt in body.meetings if mt.status not in m.NOT_HELD},
                  reverse=True)
