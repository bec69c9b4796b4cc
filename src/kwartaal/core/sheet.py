"""The notes sheet as text: its words in either language, and its lines read into typed lines
with their line numbers. No I/O and no body here: resolving names, dates and items is
edit.sheet's work.

The format (docs/sheet.md): everything before the first `##` heading is the sheet's title and
legend; `## Aanwezig` / `## Attendance` holds one `- [x] Name (id)` line per person; every other
`##`/`###` heading starts with an agenda number. Under a heading a plain line is a note,
`Besluit:`/`Decision:` a decision, `Actie:`/`Action:` a new action (`title — owners — due`), and
`a3: klaar` an update of an action. Lines starting with `>` and HTML comments are for the reader
of the sheet and are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kwartaal.core.problems import KwartaalError, Msg, msg

# The sheet's own words, per language; reading accepts both, so a sheet may mix them.
WORDS: dict[str, dict[str, str]] = {
    "nl": {"attendance": "Aanwezig", "decision": "Besluit", "action": "Actie",
           "done": "klaar", "started": "gestart", "dropped": "vervallen",
           "postponed": "uitgesteld tot", "handover": "naar", "closed": "besloten",
           "title": "Aantekeningen", "open_actions": "Open acties"},
    "en": {"attendance": "Attendance", "decision": "Decision", "action": "Action",
           "done": "done", "started": "started", "dropped": "dropped",
           "postponed": "postponed to", "handover": "to", "closed": "closed",
           "title": "Notes", "open_actions": "Open actions"},
}
BOXES = {"x": ("present", False), "o": ("present", True), "e": ("excused", False),
         "": ("absent", False)}
VERBS = {
    "done": ("klaar", "afgerond", "gedaan", "done", "finished"),
    "started": ("gestart", "bezig", "started", "in progress"),
    "dropped": ("vervallen", "geschrapt", "dropped"),
}
POSTPONE = re.compile(r"^(?:uitgesteld tot|uitgesteld naar|verschoven naar|nieuwe datum|"
                      r"postponed to|moved to|postponed until|due)\s+(.+)$", re.IGNORECASE)
HANDOVER = re.compile(r"^(?:naar|overgedragen aan|to|handed over to|handed to)\s+(.+)$",
                      re.IGNORECASE)
_HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?(?:\s+(.*))?$")
_BOX = re.compile(r"^[-*+]?\s*\[(.?)\]\s*(.*)$")
_KEYWORD = re.compile(r"^(besluit|decision|actie|action)\s*:\s*(.*)$", re.IGNORECASE)
_UPDATE = re.compile(r"^((?:\d{4}-\d{2}-\d{2}/)?a(?:\d+|-[a-z0-9]+))\s*:\s*(.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^[-*+]\s+")
_SEPARATOR = re.compile(r"\s+(?:—|–|--)\s+")
_ID_SUFFIX = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the sheet that records something. kind: attend, note, decision, action or
    update. section: the heading's number ("" under the attendance heading)."""

    number: int
    kind: str
    section: str
    text: str = ""
    box: str = ""
    owners: tuple[str, ...] = ()
    due: str = ""
    ref: str = ""


class SheetError(KwartaalError):
    """A line of the sheet that cannot be read; line: its number."""

    def __init__(self, line: int, message: Msg) -> None:
        super().__init__(message)
        self.line = line


@dataclass(slots=True)
class Sheet:
    """The sheet read: its lines in order, and every numbered heading with its line."""

    lines: list[Line] = field(default_factory=list)
    headings: dict[str, int] = field(default_factory=dict)
    errors: list[SheetError] = field(default_factory=list)
    # what each numbered heading says after its number, without a closed mark; and the
    # headings marked closed, whose lines are recorded closed whatever the agenda says
    titles: dict[str, str] = field(default_factory=dict)
    marked_closed: set[str] = field(default_factory=set)
    title: tuple[int, str] | None = None  # the sheet's '# ' title line, which names the day


def _plain(text: str) -> str:
    return " ".join(text.split())


def _is_attendance(title: str) -> bool:
    folded = title.strip().rstrip(":").casefold()
    return folded in {w["attendance"].casefold() for w in WORDS.values()} | {
        "aanwezigheid", "present", "presence"}


def closed_mark(title: str) -> bool:
    """A heading marked closed on the sheet: '(besloten)' or '(closed)' at its end."""
    return bool(re.search(r"\((?:besloten|closed)\)\s*$", title, re.IGNORECASE))


def parse(text: str) -> Sheet:
    """The sheet's lines that record something, and a SheetError for each line it cannot
    read (every one, so that the person fixes them in one go)."""
    sheet = Sheet()
    section: str | None = None
    in_comment = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_comment:
            in_comment = "-->" not in line
            continue
        if line.startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if not line or line.startswith(">"):
            continue
        if line.startswith("# ") and sheet.title is None and section is None:
            sheet.title = (number, line[2:].strip())
            continue
        heading = _HEADING.match(line)
        if heading:
            title = heading.group(2)
            if _is_attendance(title):
                section = ""
                continue
            numbered = _NUMBERED.match(title)
            if not numbered:
                sheet.errors.append(SheetError(number, msg(
                    "the heading '{heading}' has no agenda number; start it with the item's "
                    "number on the agenda, like '## 3.1 …'", heading=title)))
                section = None
                continue
            section = numbered.group(1)
            sheet.headings[section] = number
            rest = numbered.group(2) or ""
            if closed_mark(rest):
                sheet.marked_closed.add(section)
                rest = re.sub(r"\((?:besloten|closed)\)\s*$", "", rest, flags=re.IGNORECASE)
            sheet.titles[section] = rest.strip()
            continue
        if line.startswith("#") or section is None:
            continue  # the title and legend above the first heading
        try:
            sheet.lines.append(_attendance_line(number, line) if section == "" else
                               _record_line(number, section, _BULLET.sub("", line)))
        except SheetError as exc:
            sheet.errors.append(exc)
    return sheet


def _attendance_line(number: int, line: str) -> Line:
    found = _BOX.match(line)
    box = found.group(1).strip().casefold() if found else None
    if found is None or box not in BOXES:
        raise SheetError(number, msg(
            "'{line}' is not an attendance line; write '- [x] Name' (present), '[o]' (online), "
            "'[e]' (excused) or '[ ]' (absent)", line=line))
    name = found.group(2).strip()
    if not name:
        raise SheetError(number, msg("the attendance line has no name"))
    return Line(number, "attend", "", text=name, box=box)


def _record_line(number: int, section: str, line: str) -> Line:
    keyword = _KEYWORD.match(line)
    if keyword:
        word, rest = keyword.group(1).casefold(), _plain(keyword.group(2))
        if not rest:
            raise SheetError(number, msg("'{word}:' is followed by nothing", word=keyword.group(1)))
        if word in ("besluit", "decision"):
            return Line(number, "decision", section, text=rest)
        parts = _SEPARATOR.split(rest)
        if len(parts) > 3 or len(parts) < 2 or not parts[0].strip():
            raise SheetError(number, msg(
                "write an action as 'Action: title — owner, co-owner — due date' (the due date "
                "may be left out)"))
        owners = tuple(o.strip() for o in parts[1].split(",") if o.strip())
        if not owners:
            raise SheetError(number, msg("the action has no owner"))
        return Line(number, "action", section, text=parts[0].strip(), owners=owners,
                    due=parts[2].strip() if len(parts) == 3 else "")
    update = _UPDATE.match(line)
    if update:
        what = _plain(update.group(2))
        if not what:
            raise SheetError(number, msg("'{ref}:' is followed by nothing", ref=update.group(1)))
        return Line(number, "update", section, text=what, ref=update.group(1).lower())
    return Line(number, "note", section, text=_plain(line))


def attendance_name(text: str) -> tuple[str, str]:
    """The name as written and the id in brackets after it, if any: 'Roos (roos)'."""
    found = _ID_SUFFIX.match(text)
    if found:
        return found.group(1).strip(), found.group(2).strip()
    return text.strip(), ""


def update_verb(text: str) -> tuple[str, str]:
    """What an update line asks: (done|started|dropped, ''), (postpone, date),
    (handover, name) or (note, text)."""
    folded = text.strip().rstrip(".").casefold()
    for verb, words in VERBS.items():
        if folded in words:
            return verb, ""
    found = POSTPONE.match(text.strip())
    if found:
        return "postpone", found.group(1).strip().rstrip(".")
    found = HANDOVER.match(text.strip())
    if found:
        return "handover", found.group(1).strip().rstrip(".")
    return "note", text.strip()


MONTHS = {name: number for number, names in enumerate((
    ("januari", "january", "jan"), ("februari", "february", "feb"), ("maart", "march", "mrt",
                                                                      "mar"),
    ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
    ("augustus", "august", "aug"), ("september", "sept", "sep"),
    ("oktober", "october", "okt", "oct"), ("november", "nov"), ("december", "dec")),
    start=1) for name in names}
_DAY_MONTH = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NEXT_MEETING = ("next-meeting", "next meeting", "volgende vergadering", "volgend overleg")


def day_month(text: str, base: dt.date) -> dt.date | None:
    """'1 maart', '1 March 2026': without a year, the first such day on or after base (the
    meeting's date: a due date lies ahead). None when text is not of that form; refused when
    it names a day that does not exist ('31 februari')."""
    found = _DAY_MONTH.match(" ".join(text.casefold().split()))
    if not found or found.group(2) not in MONTHS:
        return None
    day, month = int(found.group(1)), MONTHS[found.group(2)]
    years = [int(found.group(3))] if found.group(3) else [base.year, base.year + 1]
    for year in years:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            if found.group(3) or not (month == 2 and day == 29):
                raise KwartaalError(msg("'{date}' is not a date: that month has no day {day}",
                                        date=text.strip(), day=day)) from None
            continue
        if found.group(3) or date >= base:
            return date
    raise KwartaalError(msg("'{date}' is not a date: that month has no day {day}",
                            date=text.strip(), day=day))


def is_iso(text: str) -> bool:
    return bool(_ISO.match(text.strip()))
