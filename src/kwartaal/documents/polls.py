"""A date poll shown: the grid of people and slots, its JSON, and the poll as one message per
person (nothing is sent).

The poll stays within the group, but it names no one by a hidden name: people appear as public
documents show them (core/visibility.py), a person shown by role only by their role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import polls as pl
from kwartaal.core.distribution import BY_HAND, CONTACT, DIRECT, PASS_ON, Route, route
from kwartaal.core.formats import locale_of, long_date
from kwartaal.core.naming import outs_people
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.core.visibility import View
from kwartaal.core.words import tr
from kwartaal.documents.render import render

MARKS = {"yes": "✓", "maybe": "?", "no": "✗", "": ""}


def shown_names(body: m.Body, pids: list[str], lang: str) -> dict[str, str]:
    """How each person appears in a poll: by name where public documents name them, else by
    role; people who share a role are told apart by their id (when the id names no one) or a
    number."""
    view = View(body, lang, public=True)
    base = {pid: view.person(pid) for pid in pids}
    names = dict(base)
    for pid in pids:
        if view.listed_by_name(pid):
            continue
        same = [p for p in pids if base[p] == base[pid] and not view.listed_by_name(p)]
        if len(same) > 1:
            tag = pid if view.hidden_person_in(pid) is None else str(same.index(pid) + 1)
            names[pid] = f"{names[pid]} ({tag})"
    return names


def rows_of(body: m.Body, poll: pl.Poll, today: dt.date) -> list[str]:
    """The people of the grid: everyone who has not left, then anyone else who answered."""
    asked = [p.id for p in pl.staying(body, today)]
    return asked + [a.person for a in poll.answers if a.person not in asked]


def slot_label(slot: pl.Slot, lang: str) -> str:
    from babel.dates import format_date

    day = format_date(slot.date, "EEE", locale=locale_of(lang))
    return f"{day} {slot.date.isoformat()} {slot.time}"


def grid(body: m.Body, poll: pl.Poll, today: dt.date, lang: str) -> tuple[list[str],
                                                                          list[list[str]]]:
    """Headers and rows: a row per person, a column per slot (✓ ? ✗, blank: no answer), and
    the counts at the bottom."""
    pids = rows_of(body, poll, today)
    names = shown_names(body, pids, lang)
    result = pl.tally(body, poll, today)
    headers = [tr("who", lang)] + [f"{n}. {slot_label(s, lang)}"
                                   for n, s in enumerate(poll.slots, start=1)]
    rows = []
    for pid in pids:
        answer = poll.answer_of(pid)
        rows.append([names[pid]] + [MARKS[answer.said(n)] if answer is not None else ""
                                    for n in range(1, len(poll.slots) + 1)])
    rows.append([tr("yes / maybe / no", lang)] + [
        f"{len(t.yes)} / {len(t.maybe)} / {len(t.no)}" for t in result.slots])
    return headers, rows


def as_json(body: m.Body, poll: pl.Poll, today: dt.date, lang: str) -> dict[str, Any]:
    pids = rows_of(body, poll, today)
    names = shown_names(body, pids, lang)
    result = pl.tally(body, poll, today)
    view = View(body, lang, public=True)
    slots = []
    for number, slot in enumerate(poll.slots, start=1):
        counted = result.of(number)
        slots.append({
            "number": number, "date": slot.date.isoformat(), "time": slot.time,
            "place": view.text(slot.place), "format": slot.format,
            "office_hours": pl.in_office_hours(slot), "yes": len(counted.yes),
            "maybe": len(counted.maybe), "no": len(counted.no), "score": counted.score,
            "everyone_needed": counted.everyone_needed,
            "seats_missing": len(counted.seats_missing),
            "organisations_missing": counted.organisations_missing})
    people = []
    for pid in pids:
        answer = poll.answer_of(pid)
        people.append({"name": names[pid],
                       "answers": {str(n): answer.said(n) if answer is not None else ""
                                   for n in range(1, len(poll.slots) + 1)}})
    return {"id": poll.id, "title": view.text(poll.title),
            "deadline": poll.deadline.isoformat() if poll.deadline else None,
            "open": poll.is_open, "chosen": poll.chosen, "meeting": poll.meeting or None,
            "best": result.best, "slots": slots, "people": people}


def best_line(body: m.Body, poll: pl.Poll, today: dt.date) -> Any:
    """What the grid says under it: the best slot, and why."""
    result = pl.tally(body, poll, today)
    if poll.chosen is not None:
        slot = poll.slots[poll.chosen - 1]
        return msg("chosen: slot {number}, {date} {time} (meeting {meeting})",
                   number=poll.chosen, date=slot.date, time=slot.time,
                   meeting=poll.meeting or "-")
    if result.best is None:
        return msg("no slots")
    best = result.of(result.best)
    slot = poll.slots[result.best - 1]
    why = msg("every sex worker's seat and every core organisation can come") \
        if best.everyone_needed else msg(
            "not everyone needed can come: {seats} sex worker's seat(s) and {organisations} "
            "core organisation(s) cannot (yet)", seats=len(best.seats_missing),
            organisations=len(best.organisations_missing))
    return msg("best slot: {number}, {date} {time}: {yes} yes, {maybe} maybe; {why}",
               number=result.best, date=slot.date, time=slot.time, yes=len(best.yes),
               maybe=len(best.maybe), why=why)


# -- the poll as messages ------------------------------------------------------------------------

@dataclass(slots=True)
class PollMessage:
    route: Route
    file_name: str
    subject: str
    text: str


def poll_messages(body: m.Body, poll: pl.Poll, today: dt.date, lang: str) -> list[PollMessage]:
    """One message per person who has not left, in their language, the way they chose; lang
    is the language of the file names (the secretary's)."""
    if not poll.is_open:
        raise KwartaalError(msg("poll {id} is closed: there is nothing to ask", id=poll.id))
    found = []
    view = View(body, lang, public=True)
    name = view.body_name(neutral=True)
    for number, person in enumerate(pl.staying(body, today), start=1):
        way = route(body, person, today)
        # an id that holds a sensitive word or a hidden name is not written in the message
        # nor in its file name: a number stands in, and the secretary knows who answered
        hides = outs_people(person.id, body.config) or view.hidden_person_in(person.id)
        stem = person.id if not hides else f"{number:02d}"
        if way.way == PASS_ON:
            stem = f"{stem}.{tr('pass-on', lang)}"
        found.append(_message(body, poll, person, way, stem, name))
    return found


def _message(body: m.Body, poll: pl.Poll, person: m.Person, way: Route, stem: str,
             name: str) -> PollMessage:
    lang = way.lang
    view = View(body, lang, public=True)
    slots = [{"number": n, "date_long": long_date(s.date, lang), "time": s.time,
              "place": view.text(s.place), "format": s.format}
             for n, s in enumerate(poll.slots, start=1)]
    secretary = body.config.secretary or ""
    rendered = render(body.root, "poll.txt.j2", lang, body_name=name, slots=slots,
                      title=view.text(poll.title),
                      deadline=long_date(poll.deadline, lang) if poll.deadline else "",
                      greeting=view.person(person.id) if view.listed_by_name(person.id) else "",
                      secretary=view.person(secretary) if secretary in body.people else "",
                      poll_id=poll.id, way=way.way,
                      person_id=person.id if stem.split(".", 1)[0] == person.id else "PERSON")
    subject, _, text = rendered.partition("\n\n")
    if way.way != DIRECT:
        contact = body.people.get(way.to) if way.way == CONTACT else None
        passer = contact if contact is not None else body.people.get(secretary)
        passer_lang = (passer.lang if passer is not None else "") or body.config.language
        passer_view = View(body, passer_lang, public=True)
        shown = passer_view.person(person.id)
        tag = person.id if stem.split(".", 1)[0] == person.id else stem.split(".", 1)[0]
        note = render(body.root, "pass-on.txt.j2", passer_lang, body_name=name, way=way.way,
                      channel=way.channel, organisation=passer_view.text(way.organisation),
                      contact=passer_view.person(contact.id) if contact is not None
                      and passer_view.listed_by_name(contact.id) else "",
                      for_whom=shown if passer_view.listed_by_name(person.id)
                      else f"{shown} ({tag})")
        text = f"{note.strip()}\n\n-----\n\n{text.lstrip()}"
    subject = " ".join(subject.split())
    if outs_people(subject.replace(name, " "), body.config):
        raise KwartaalError(msg(
            "the subject of the poll message for {id} holds a word of [privacy] "
            "sensitive_words; subjects show on lock screens: keep the body's poll.txt.j2 "
            "neutral", id=person.id))
    view.assert_clean(f"{subject}\n{text}", msg("the poll message for {person}",
                                                 person=person.id))
    return PollMessage(way, stem + (".txt" if way.way == BY_HAND else ".eml"), subject,
                       text.lstrip("\n"))


def write_poll_messages(found: list[PollMessage], body: m.Body, poll: pl.Poll, today: dt.date,
                        folder: Path) -> list[Path]:
    """Every message into folder; every path is checked before the first file is written."""
    from kwartaal.documents.mail import compose
    from kwartaal.files.outputs import files_in_folder
    from kwartaal.files.store import atomic_write_bytes

    paths = files_in_folder(folder, [message.file_name for message in found])
    targets = list(zip(paths, found, strict=True))
    for target, message in targets:
        way = message.route
        if way.way == BY_HAND:
            data = f"{message.subject}\n\n{message.text}".encode()
        else:
            addressee = body.people.get(way.to)
            to = (addressee.name, way.address) if addressee is not None and way.address \
                else None
            stem = message.file_name.split(".", 1)[0]
            data = compose(body, today, to=to, subject=message.subject, text=message.text,
                           message_id=f"poll-{poll.id}-{stem}", person=stem)
        atomic_write_bytes(target, data)
    return [target for target, _ in targets]
