"""The notes sheet: a Markdown page made from the internal agenda, for the secretary to fill in
during the meeting in any editor and read back with `kwartaal sheet read` (edit.sheet).

Its headings are the outline's numbers and titles; what the meeting already records stands
under them in the sheet's own form, so that reading an unchanged sheet records nothing new.
The sheet is internal (names, closed items): it says so on top.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.sheet import WORDS

LEGEND = {
    "nl": (
        "Vakjes: [x] aanwezig, [o] online, [e] afgemeld, [ ] afwezig.",
        "Onder een kop is elke gewone regel een notitie. 'Besluit: …' is een besluit.",
        "'Actie: titel — Roos, Mila — 1 maart' is een nieuwe actie (eigenaar eerst; datum ook "
        "als +6w of 2026-03-01; zonder datum: de volgende vergadering).",
        "Bij de acties: 'a3: klaar', 'a3: gestart', 'a3: vervallen', 'a3: uitgesteld tot "
        "1 mei', 'a3: naar Sanne', of 'a3: tekst' als aantekening.",
        "Namen mogen zoals mensen ze zeggen: naam, werknaam, id of voornaam. Regels met > "
        "worden niet gelezen.",
        "Teruglezen: kwartaal sheet read {meeting} BESTAND (eerst met --dry-run).",
    ),
    "en": (
        "Boxes: [x] present, [o] online, [e] excused, [ ] absent.",
        "Under a heading every plain line is a note. 'Decision: …' is a decision.",
        "'Action: title — Roos, Mila — 1 March' is a new action (lead owner first; a date "
        "also as +6w or 2026-03-01; without one: the next meeting).",
        "Under the actions: 'a3: done', 'a3: started', 'a3: dropped', 'a3: postponed to "
        "1 May', 'a3: to Sanne', or 'a3: text' as a note on it.",
        "Names as people say them: name, working name, id or first name. Lines starting "
        "with > are not read.",
        "Read it back: kwartaal sheet read {meeting} FILE (first with --dry-run).",
    ),
}


def _box(meeting: m.Meeting, pid: str) -> str:
    if pid in meeting.present:
        return "o" if pid in meeting.online else "x"
    return "e" if pid in meeting.excused else " "


def attendance_list(body: m.Body, meeting: m.Meeting) -> list[str]:
    """Who gets a box: the invited, then whoever else is recorded, then the core group."""
    people = [*meeting.invited, *meeting.present, *meeting.excused, *meeting.absent,
              *(p.id for p in body.people.values()
                if p.core and (p.left is None or p.left > meeting.date))]
    return [pid for pid in dict.fromkeys(people) if pid in body.people]


def render_sheet(body: m.Body, meeting: m.Meeting, today: dt.date, lang: str) -> str:
    """The sheet of a meeting in lang, with what is recorded already filled in."""
    from kwartaal.core.formats import long_date
    from kwartaal.core.labels import labels
    from kwartaal.core.outline import numbered, outline
    from kwartaal.documents.agenda import build_agenda

    words = WORDS.get(lang, WORDS["en"])
    agenda = build_agenda(body, meeting, today, lang, public=False)
    refs = {number: entry.refs for number, entry in numbered(outline(body, meeting)).items()}
    out = [f"**{labels(lang)['confidential']}**", "",
           f"# {words['title']} — {body.config.name} — {long_date(meeting.date, lang)}", ""]
    out += [f"> {line.format(meeting=meeting.id)}" for line in LEGEND.get(lang, LEGEND["en"])]
    out += ["", f"## {words['attendance']}", ""]
    for pid in attendance_list(body, meeting):
        person = body.people[pid]
        out.append(f"- [{_box(meeting, pid)}] {person.name} ({pid})")
    for item in agenda["items"]:
        out += _section(meeting, item, refs, "##", words)
        for child in item["children"]:
            out += _section(meeting, child, refs, "###", words)
        if item["key"] == "actions":
            out += _review(agenda["action_review"], words)
    return "\n".join(out) + "\n"


def _section(meeting: m.Meeting, item: dict[str, Any], all_refs: dict[str, frozenset[str]],
             level: str, words: dict[str, str]) -> list[str]:
    """A heading, and what is recorded under it in the sheet's form."""
    closed = f" ({words['closed']})" if item["closed"] else ""
    lines = ["", f"{level} {item['number']}. {item['title']}{closed}", ""]
    refs = all_refs.get(str(item["number"]), frozenset())
    lines += [_one_line(n.text) for n in meeting.notes if n.item in refs]
    lines += [f"{words['decision']}: {_one_line(d.text)}" for d in meeting.decisions
              if d.item in refs]
    lines += [f"{words['action']}: {_one_line(a.title)} — {', '.join(a.owners)} — {a.due}"
              for a in meeting.actions if (a.item or "actions") in refs]
    return lines if len(lines) > 3 else lines[:-1]


def _review(groups: list[dict[str, Any]], words: dict[str, str]) -> list[str]:
    """The open actions of earlier meetings, for the reader of the sheet only (> lines)."""
    actions = [a for group in groups for a in group["actions"]]
    if not actions:
        return []
    lines = ["", f"> {words['open_actions']}:"]
    for action in actions:
        owners = ", ".join(action["owners"])
        lines.append(f"> {action['id']} — {action['title']} ({owners}; {action['due']})")
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())
