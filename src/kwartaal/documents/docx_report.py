"""The year report as a Word document, section by section as templates/report/*.html.j2 lay
it out, from the same data (core/yearreport.py, which asked the View what may be shown)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kwartaal.core.labels import labels
from kwartaal.documents.docx import Word, tag


def _meetings(doc: Word, s: dict[str, Any], t: dict[str, str]) -> None:
    doc.heading(t["report_meetings"], 1)
    if s["held"]:
        doc.para(t["report_held"].format(count=len(s["held"])))
        for mt in s["held"]:
            doc.bullet(mt["date_long"])
    else:
        doc.para(t["report_no_meetings"])
    if s["cancelled"]:
        doc.para(t["report_cancelled"].format(count=len(s["cancelled"])))
        for mt in s["cancelled"]:
            doc.bullet(mt["date_long"])


def _attendance(doc: Word, s: dict[str, Any], t: dict[str, str]) -> None:
    doc.heading(t["attendance"], 1)
    if not s["organisations"]:
        doc.para(t["report_no_meetings"])
        return
    doc.table([t["organisation"], t["report_meetings"], t["present"], t["online"], t["excused"],
               t["absent"], t["rate"]],
              [[g["name"], str(g["meetings"]), str(g["present"]), str(g["online"]),
                str(g["excused"]), str(g["absent"]), f"{round(g['rate'] * 100)}%"]
               for g in s["organisations"]])
    doc.para(t["report_seat_filled"].format(filled=s["sex_worker_seat_filled"],
                                            count=s["meetings"]))


def _decisions(doc: Word, s: dict[str, Any], t: dict[str, str]) -> None:
    doc.heading(t["decisions"], 1)
    for d in s["decisions"]:
        level = f"; {t['level']}: {d['level_label']}" if d["level"] else ""
        doc.bullet(d["text"], ("s", f" ({d['date_long']}{level})"), tag(d["closed"], t))
    if not s["decisions"]:
        doc.para(t["report_no_decisions"])
    if s["not_yet_approved"]:
        doc.para(("i", t["report_not_yet_approved"].format(
            meetings=", ".join(s["not_yet_approved"]))))


def _actions(doc: Word, s: dict[str, Any], t: dict[str, str]) -> None:
    doc.heading(t["report_actions"], 1)
    if not s["themes"]:
        doc.para(t["no_actions"])
        return
    doc.table([t["theme"].capitalize(), t["done"].capitalize(), t["open"].capitalize(),
               t["overdue"].capitalize(), t["dropped"].capitalize(), t["total"]],
              [[row["title"] or t["no_theme"], str(row["done"]), str(row["open"]),
                str(row["overdue"]), str(row["dropped"]), str(row["total"])]
               for row in s["themes"]])


def _compensation(doc: Word, s: dict[str, Any], t: dict[str, str]) -> None:
    doc.heading(t["compensation"], 1)
    if not s["paid_anyone"]:
        doc.para(t["report_paid_nobody"])
    elif s["shown"] == "withheld":
        doc.para(t["report_paid_withheld"].format(minimum=s["minimum"]))
    elif s["shown"] == "after-year":
        doc.para(t["report_paid_after_year"])
    else:
        words = t["report_paid_totals"] if s["hours"] is not None else t["report_paid_amount"]
        doc.para(words.format(people=s["people"], hours=s["hours"], amount=s["amount_text"]))
        if "per_person" in s:
            doc.table([t["person"], t["hours"], t["amount"]],
                      [[p["name"], str(p["hours"]), p["amount_text"]] for p in s["per_person"]])


def _participation(doc: Word, s: dict[str, Any], t: dict[str, str]) -> None:
    doc.heading(t["report_participation"], 1)
    if not s["total"]:
        doc.para(t["report_nothing_handled"])
        return
    doc.para(t["report_participation_note"])
    rows = [[row["label"], str(row["count"])] for row in s["levels"]]
    if s["no_level"]:
        rows.append([t["report_no_level"], str(s["no_level"])])
    doc.table([], rows)


def _feedback(doc: Word, s: dict[str, Any], t: dict[str, str]) -> None:
    doc.heading(t["feedback_given"], 1)
    for f in s["given"]:
        doc.bullet(("b", f["title"]),
                   ("s", f" ({t['input_asked_on'].format(date=f['asked_long'])}; "
                         f"{t['feedback_of'].format(date=f['answered_long'])})"),
                   tag(f["closed"], t), f": {f['text']}")
    if not s["given"]:
        doc.para(t["report_no_feedback"])


SECTIONS: dict[str, Callable[[Word, dict[str, Any], dict[str, str]], None]] = {
    "meetings": _meetings, "attendance": _attendance, "decisions": _decisions,
    "actions": _actions, "compensation": _compensation, "participation": _participation,
    "feedback": _feedback,
}


def report_docx(r: dict[str, Any], lang: str, author: str) -> bytes:
    from kwartaal.core.problems import KwartaalError, msg

    t = labels(lang)
    title = t["report_title"].format(year=r["year"])
    doc = Word(title=f"{title} — {r['body']}", author=author, lang=lang,
               when=dt.date.fromisoformat(r["as_of"]))
    if not r["public"]:
        doc.banner(t["confidential"])
    doc.heading(title, 0)
    as_of = t["report_as_of_today"] if r["as_of_is"] == "today" else t["report_as_of_year_end"]
    doc.para(f"{r['body']} · {as_of.format(date=r['as_of_long'])}")
    if r["public"]:
        doc.para(("i", t["report_public_note"]))
    for key in r["sections"]:
        lay_out = SECTIONS.get(key)
        if lay_out is None:  # a section this version cannot lay out is not silently dropped
            raise KwartaalError(msg("the year report's part {key} has no Word layout yet; "
                                    "use --format html or pdf", key=key))
        lay_out(doc, r[key], t)
    return doc.bytes()
