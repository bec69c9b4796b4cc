"""Is this sheet still the sheet of this meeting's agenda? Its title names the day, and each
heading the item under its number; a sheet written before the agenda changed, or for another
meeting, would put its lines under the wrong items (an open one where it meant a closed one)."""

from __future__ import annotations

from typing import Any

from kwartaal.core import model as m
from kwartaal.core import sheet as s
from kwartaal.core.problems import Msg, msg


def other_meeting(meeting: m.Meeting, sheet: s.Sheet, lang: str) -> list[tuple[int, Msg]]:
    """A sheet whose title names another day than the meeting's is another meeting's sheet."""
    import re

    from kwartaal.core.folding import fold
    from kwartaal.core.formats import long_date

    if sheet.title is None or not re.search(r"\d{4}", sheet.title[1]):
        return []  # a hand-written title without a date says nothing about the day
    written = fold(sheet.title[1])
    days = [meeting.id, meeting.date.isoformat(),
            *(long_date(meeting.date, lang) for lang in s.WORDS)]
    if any(fold(day) in written for day in days):
        return []
    return [(sheet.title[0], msg(
        "this sheet's title ('{title}') names another day than meeting {meeting} "
        "({date}): it is another meeting's sheet. Read it back into that meeting, or write "
        "this meeting's sheet with 'kwartaal sheet {meeting}'",
        title=sheet.title[1], meeting=meeting.id, date=long_date(meeting.date, lang)))]


def changed_headings(body: m.Body, meeting: m.Meeting, sheet: s.Sheet,
                      entries: dict[str, Any]) -> dict[str, tuple[int, Msg]]:
    """Headings whose title is not the title of the item that has their number now: the agenda
    changed after the sheet was written, and the lines under them would land under another
    item (an open one, perhaps, where the sheet meant a closed one)."""
    from kwartaal.core.folding import fold
    from kwartaal.documents.agenda import build_agenda

    titles: dict[str, set[str]] = {}
    for lang in s.WORDS:
        agenda = build_agenda(body, meeting, meeting.date, lang, public=False)
        for item in agenda["items"]:
            for entry in (item, *item["children"]):
                titles.setdefault(str(entry["number"]), set()).add(
                    " ".join(fold(entry["title"]).split()))
    changed: dict[str, tuple[int, Msg]] = {}
    for number, written in sheet.titles.items():
        if not written or number not in entries:
            continue  # a bare number, written by hand; an unknown number is reported apart
        if " ".join(fold(written).split()).rstrip(" .:") not in {
                t.rstrip(" .:") for t in titles.get(number, set())}:
            now = sorted(titles.get(number, {""}))[0]
            changed[number] = (sheet.headings[number], msg(
                "the heading {number} says '{written}', but item {number} on the agenda of "
                "{meeting} is now '{title}': the agenda changed after the sheet was written. "
                "Put the lines under the heading of the right item, or write a new sheet with "
                "'kwartaal sheet {meeting}'", number=number, written=written,
                meeting=meeting.id, title=now))
    return changed
