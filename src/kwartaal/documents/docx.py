"""Word documents (.docx) of the agenda and the minutes, laid out from the same data the
templates get (the year report: documents/docx_report.py).

Like a template, this module decides nothing: the data it is handed was built from a View
(core/visibility.py), so a public document can only hold what a public template could print.
It only lays it out: real headings, the agenda's numbers, tables for attendance and actions,
the confidentiality banner of internal documents (the data's own `confidential` label, the
words the HTML and Markdown print). python-docx is imported only here, when a Word file is
asked for.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from kwartaal.core.labels import labels

# Characters XML 1.0 cannot hold; a text with one would make python-docx fail.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    return _NOT_XML.sub("", str(text))


class Word:
    """One Word document being written: headings, paragraphs, lists and tables."""

    def __init__(self, *, title: str, author: str, lang: str, when: dt.date) -> None:
        from docx import Document

        self.doc = Document()
        props = self.doc.core_properties
        # Every property is set: python-docx's own template names itself as the author and
        # in the comments, and a reader's Word shows these to whoever opens the file.
        stamp = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
        props.title = clean(title)
        props.author = clean(author)
        props.last_modified_by = clean(author)
        props.comments = ""
        props.subject = ""
        props.keywords = ""
        props.category = ""
        props.identifier = ""
        props.content_status = ""
        props.version = ""
        props.language = lang
        props.revision = 1
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp
        self.when = when

    def banner(self, text: str) -> None:
        """On top of the document and in the page header, so that every printed page says
        who it is for, also a loose one."""
        if text:
            self.doc.add_paragraph().add_run(clean(text)).bold = True
            for section in self.doc.sections:
                section.header.paragraphs[0].add_run(clean(text)).bold = True

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(clean(text), level=level)

    def para(self, *parts: str | tuple[str, str], style: str | None = None) -> None:
        """A paragraph of runs: a plain string, or (kind, text) with kind 'b' (bold), 'i'
        (italic) or 's' (small)."""
        paragraph = self.doc.add_paragraph(style=style)
        for part in parts:
            kind, text = part if isinstance(part, tuple) else ("", part)
            if not text:
                continue
            run = paragraph.add_run(clean(text))
            if kind == "b":
                run.bold = True
            elif kind == "i":
                run.italic = True
            elif kind == "s":
                from docx.shared import Pt

                run.font.size = Pt(8)

    def bullet(self, *parts: str | tuple[str, str]) -> None:
        self.para(*parts, style="List Bullet")

    def meta(self, rows: Sequence[tuple[str, str]]) -> None:
        """Label and value pairs, as the HTML's definition lists."""
        for label, value in rows:
            if value:
                self.para(("b", f"{label}: "), value)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        table = self.doc.add_table(rows=0, cols=len(headers) or len(rows[0]))
        table.style = "Table Grid"
        if headers:
            cells = table.add_row().cells
            for cell, text in zip(cells, headers, strict=True):
                cell.paragraphs[0].add_run(clean(text)).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = clean(text)
        self.doc.add_paragraph()

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return _finished(out.getvalue(), self.when)


APPLICATION = b"<Application>kwartaal</Application>"


def _finished(data: bytes, when: dt.date) -> bytes:
    """The file as it leaves kwartaal: without python-docx's template thumbnail (a picture of
    another document); naming kwartaal as the application that made it, and no version of
    any (the template names an application that did not make it); each part dated when, the
    document's own date, not the clock's, so that the same document gives the same file."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)  # zip dates start in 1980
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "docProps/thumbnail.jpeg":
                continue
            content = source.read(info.filename)
            if info.filename in ("_rels/.rels", "[Content_Types].xml"):
                content = re.sub(rb'<Relationship [^>]*thumbnail\.jpeg"\s*/>', b"", content)
                content = re.sub(rb'<Default Extension="jpeg"[^>]*/>', b"", content)
            elif info.filename == "docProps/app.xml":
                content = re.sub(rb"<Application>[^<]*</Application>|<Application/>",
                                 APPLICATION, content)
                content = re.sub(rb"\s*<AppVersion>[^<]*</AppVersion>", b"", content)
            dated = zipfile.ZipInfo(info.filename, stamp)
            dated.compress_type = zipfile.ZIP_DEFLATED
            dated.external_attr = info.external_attr
            target.writestr(dated, content)
    return out.getvalue()


def tag(closed: bool, t: dict[str, str]) -> tuple[str, str]:
    return ("i", f" ({t['closed']})") if closed else ("", "")


def late_text(x: dict[str, Any], t: dict[str, str]) -> str:
    if x["overdue"]:
        return t["overdue_day"] if x["days_overdue"] == 1 else \
            t["overdue_days"].format(days=x["days_overdue"])
    return t["due_by_meeting"] if x.get("due_by_meeting") else ""


def action_rows(actions: list[dict[str, Any]], t: dict[str, str], *, late: bool = False,
                status: bool = False) -> list[list[str]]:
    rows = []
    for x in actions:
        title = x["title"] + (f" ({t['closed']})" if x["closed"] else "") + f"\n{x['id']}"
        due = f"{t['due']} {x['due'] or ''}".strip()
        if late and late_text(x, t):
            due += "\n" + late_text(x, t)
        row = [title, ", ".join(x["owners"]), due]
        if status:
            row.append(x["status_label"])
        rows.append(row)
    return rows


def action_headers(t: dict[str, str], status: bool = False) -> list[str]:
    return [t["action"], t["owners"], t["due"], *([t["review"]] if status else [])]


# -- the agenda ---------------------------------------------------------------------------------

def agenda_docx(a: dict[str, Any], lang: str, author: str) -> bytes:
    t = labels(lang)
    doc = Word(title=f"{t['agenda']} {a['body']} — {a['date_long']}", author=author, lang=lang,
               when=dt.date.fromisoformat(a["date"]))
    doc.banner(a["confidential"])
    doc.heading(f"{t['agenda']} {a['body']}", 0)
    sub = f"{a['date_long']}, {a['time']}–{a['end_time']}"
    if a["status"] == "planned":
        sub += f" · {t['draft']}" + (f", {t['public']}" if a["visibility"] == "public" else "")
    doc.para(sub)
    if a["cancelled"]:
        doc.para(("b", t["cancelled"]), f": {a['cancel_reason']}" if a["cancel_reason"] else "")
    doc.meta([(t["place"], a["place"] if a["format"] != "online" else ""),
              (t["online"], a["link"] if a["format"] != "in-person" else ""),
              (t["chair"], a["chair"]), (t["co_chair"], a["co_chair"]),
              (t["secretary"], a["secretary"]),
              (t["invited"], ", ".join(a["organisations"])),
              (t["declined"], ", ".join(a["declined"] + a["declined_counted"]))])
    for item in a["items"]:
        _agenda_item(doc, item, t, 1)
        for child in item["children"]:
            _agenda_item(doc, child, t, 2, top=False)
        if item["key"] == "actions":
            for group in a["action_review"]:
                doc.heading(group["title"], 3)
                doc.table(action_headers(t), action_rows(group["actions"], t, late=True))
            if not a["action_review"]:
                doc.para(("i", t["no_actions"]))
            if a["open_feedback"]:
                doc.heading(t["open_feedback"], 3)
                for f in a["open_feedback"]:
                    doc.bullet(f["title"], tag(f["closed"], t),
                               ("s", f" {f['ref']}") if f["ref"] else "",
                               " — " + t["input_asked_on"].format(date=f["asked_long"]),
                               ("b", f" {t['feedback_late']}") if f["late"] else "")
    over = t["over_by"].format(over=a["over_by"], length=a["length"]) if a["over_by"] else \
        t["fits"].format(length=a["length"])
    doc.para(("b", f"{t['total']}: {a['total_minutes']} {t['minutes_short']}"), f" — {over}")
    if a["withdrawn"]:
        doc.heading(t["withdrawn"], 1)
        for w in a["withdrawn"]:
            doc.bullet(("s", f"[{w['ref']}] "), w["title"], f" — {w['reason']}")
    return doc.bytes()


def _agenda_item(doc: Word, item: dict[str, Any], t: dict[str, str], level: int, *,
                 top: bool = True) -> None:
    """One item; a sub-item shows what the HTML shows of it (no note, no origin)."""
    ref = f"[{item['ref']}] " if item["ref"] else ""
    closed = f" ({t['closed']})" if item["closed"] else ""
    doc.heading(f"{item['number']}. {ref}{item['title']}{closed} "
                f"({item['minutes']} {t['minutes_short']})", level)
    theme = f" · {t['theme']}: {item['theme_title']}" if item["theme_title"] else ""
    if top and item["kind"] == "carried":
        doc.para(("i", f"{t['carried_from']} {item['from']}"))
    if item["proposer"]:
        doc.para(("i", f"{t['proposed_by']} {item['proposer']}{theme}"))
    if item["submitted"]:
        doc.para(("i", f"{item['submitted']}{theme}"))
    if item["level"]:
        doc.para(("i", f"{t['level']}: {item['level_label']}"))
    if top and item["note"]:
        doc.para(item["note"])


# -- the minutes --------------------------------------------------------------------------------

def minutes_docx(m: dict[str, Any], lang: str, author: str) -> bytes:
    from kwartaal.core.formats import long_date, money

    t = labels(lang)
    doc = Word(title=f"{t['minutes']} {m['body']} — {m['date_long']}", author=author,
               lang=lang, when=dt.date.fromisoformat(m["date"]))
    doc.banner(m["confidential"])
    doc.heading(f"{t['minutes']} {m['body']}", 0)
    sub = f"{m['date_long']}, {m['time']}"
    if m["place"] and m["format"] != "online":
        sub += f" · {m['place']}"
    if m["status"] in ("held", "minutes-draft"):
        sub += f" · {t['minutes_draft']}"
    if m["approved"]:
        sub += " · " + t["approved_on"].format(
            date=long_date(dt.date.fromisoformat(m["approved"]), lang))
    doc.para(sub)
    doc.meta([(t["chair"], m["chair"]), (t["co_chair"], m["co_chair"]),
              (t["secretary"], m["secretary"])])
    doc.heading(t["attendance"], 1)
    att = m["attendance"]
    rows = [[t["present"], ", ".join(att["present"] + att["present_counted"]) or "–"]]
    if att["guests"] or att["guests_counted"]:
        rows.append([t["guests"], ", ".join(att["guests"] + att["guests_counted"])])
    rows.append([t["excused"], ", ".join(att["excused"] + att["excused_counted"]) or "–"])
    rows.append([t["absent"], ", ".join(att["absent"] + att["absent_counted"]) or "–"])
    doc.table([], rows)
    for item in m["items"]:
        _minutes_part(doc, item, t, 1)
    doc.heading(t["actions_agreed"], 1)
    if m["new_actions"]:
        doc.table(action_headers(t), action_rows(m["new_actions"], t))
    else:
        doc.para(t["no_actions_agreed"])
    doc.heading(t["register"], 1)
    for d in m["decisions"]:
        doc.bullet(("b", d["id"]), f" {d['text']}",
                   ("s", f" ({t['level']}: {d['level_label']})") if d["level"] else "",
                   tag(d["closed"], t),
                   ("s", f" ({t['supersedes']} {d['supersedes']})") if d["supersedes"] else "",
                   ("s", f" ({t['superseded_by']} {d['superseded_by']})")
                   if d["superseded_by"] else "")
    if not m["decisions"]:
        doc.para(t["nothing_recorded"])
    if "compensation" in m:
        pay = m["compensation"]
        doc.heading(t["compensation_heading"], 1)
        doc.table([t["person"], t["kind"], t["hours"], t["amount"], t["method"], t["paid"]],
                  [[c["name"], c["kind_label"], c["hours"], money(c["amount"], lang),
                    c["method_label"], c["paid"] or t["not_paid"]] for c in pay["lines"]])
        doc.para(("b", f"{t['total']}: {money(pay['total'], lang)} · {t['paid']}: "
                       f"{money(pay['paid'], lang)} · {t['unpaid']}: "
                       f"{money(pay['unpaid'], lang)}"))
    elif "compensation_left_out" in m:
        doc.para(("i", m["compensation_left_out"]))
    return doc.bytes()


def _feedback_line(doc: Word, given: dict[str, Any], t: dict[str, str]) -> None:
    if given["feedback"]:
        doc.para(("i", f"{t['input_asked']} — "), ("b", t["feedback"]),
                 f" ({given['date_long']}): {given['feedback']}")
    else:
        doc.para(("i", f"{t['input_asked']} — {t['feedback_pending']}"))


def _minutes_part(doc: Word, item: dict[str, Any], t: dict[str, str], level: int) -> None:
    closed = f" ({t['closed']})" if item["closed"] else ""
    doc.heading(f"{item['number']}. {item['title']}{closed}", min(level, 9))
    if item["proposer"]:
        doc.para(("i", f"{t['proposed_by']} {item['proposer']}"))
    if item["submitted"]:
        doc.para(("i", item["submitted"]))
    if item["level"]:
        doc.para(("i", f"{t['level']}: {item['level_label']}"))
    if item["input"]:
        _feedback_line(doc, item["input"], t)
    for line in item["said"]:
        doc.para(line)
    for n in item["notes"]:
        doc.para(n["text"], tag(n["closed"], t))
        if n["input"]:
            _feedback_line(doc, n["input"], t)
    for d in item["decisions"]:
        doc.bullet(("b", f"{t['decision']} {d['id']}: "), d["text"],
                   ("s", f" ({t['level']}: {d['level_label']})") if d["level"] else "",
                   tag(d["closed"], t))
    for x in item["actions"]:
        doc.bullet(x["title"], ("s", f" {x['id']}"),
                   f" — {', '.join(x['owners'])}; {t['due']} {x['due'] or ''}",
                   tag(x["closed"], t))
    if item["review"]:
        doc.table(action_headers(t, status=True), action_rows(item["review"], t, status=True))
    if item["feedback_given"]:
        doc.heading(t["feedback_given"], min(level + 1, 9))
        for f in item["feedback_given"]:
            doc.bullet(f["title"], tag(f["closed"], t),
                       ("s", f" {f['ref']}") if f["ref"] else "",
                       f" ({t['input_asked_on'].format(date=f['asked_long'])}): {f['text']}",
                       ("s", f" ({t['feedback_of'].format(date=f['date_long'])})"))
    for child in item["children"]:
        _minutes_part(doc, child, t, level + 1)


# -- reading a document back --------------------------------------------------------------------

# The parts a document's words can be in; the others (styles, theme, fonts, settings) are
# python-docx's template as it ships, the same in every file.
_WORDED = re.compile(r"word/(document|comments\w*|header\d*|footer\d*|footnotes|endnotes)\.xml"
                     r"|docProps/\w+\.xml|customXml/item\d+\.xml")


def docx_parts_text(data: bytes) -> str:
    """Every XML part of a .docx that can hold words (the text, the properties, comments,
    headers and footers), with the text of each paragraph also joined up: what the privacy
    search of a public document reads."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = []
    for name in source.namelist():
        if _WORDED.fullmatch(name):
            xml = source.read(name).decode("utf-8", errors="replace")
            # The text between the tags (kwartaal writes no text into attributes); the search
            # decodes entities, as it does for HTML.
            parts.append(re.sub(r"<[^>]*>", " ", xml))
            # Runs split a paragraph's text over several <w:t> elements.
            for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.DOTALL):
                parts.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph)))
    return "\n".join(parts)
