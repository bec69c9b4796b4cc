"""Date polls: the records of a poll file (polls/<id>.toml) and the rule that picks the best
slot. Rules only: nothing here reads files or prints.

A poll offers slots (a date and a time, perhaps a place and a format); each person answers
yes, maybe or no per slot, by slot number as shown (1, 2, …). The best slot:

1. a slot where everyone the meeting cannot do without can come comes first: every person who
   holds a sex worker's seat (core/organisations.holds_sex_worker_seat) and at least one core
   member of every core organisation (an organisation with a core member who has not left)
   answered yes;
2. then the most yes, a maybe counting half;
3. then the most of those seats and organisations that can come;
4. then the earliest slot.

So a slot all of them can attend beats any slot some of them cannot, however many yes the
other has; and adding a yes never makes a slot worse.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kwartaal.core import model as m
from kwartaal.core.fields import derived, line_field, opt_id_field, source_field, toml
from kwartaal.core.organisations import holds_sex_worker_seat, organisation_of

# The poll's id is its file's name: the first slot's date, or anything of the same shape.
POLL_ID = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[0-9]{1,4})?\Z")
ANSWERS = ("yes", "maybe", "no")
SLOTS_MAX = 40
# Weekdays from 09:00 up to 17:00: many sex workers cannot come then (seeds 003).
OFFICE_START, OFFICE_END = dt.time(9, 0), dt.time(17, 0)
SLOT_FORM = re.compile(r"^\s*([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]+([0-9]{1,2}:[0-9]{2})\s*\Z")


@dataclass(slots=True, kw_only=True)
class Slot:
    date: dt.date = toml("date", required=True)
    time: str = toml("time", required=True, default="")
    place: str = line_field(init="", help="where, when not the cadence's place")
    format: str = toml("str", choices=m.FORMATS, default="", init="")
    src: m.Source = source_field()


@dataclass(slots=True, kw_only=True)
class Answer:
    person: str = toml("str", required=True, default="", rule="id")
    yes: list[int] = toml("list[int]", default=[], lo=1, hi=SLOTS_MAX)
    maybe: list[int] = toml("list[int]", default=[], lo=1, hi=SLOTS_MAX)
    no: list[int] = toml("list[int]", default=[], lo=1, hi=SLOTS_MAX)
    entered_by: str = opt_id_field(help="who entered it: the person, or the secretary for them")
    entered: dt.date | None = toml("date", help="the day it was entered")
    src: m.Source = source_field()

    def said(self, number: int) -> str:
        """yes, maybe, no, or "" when this slot got no answer."""
        for word, numbers in (("yes", self.yes), ("maybe", self.maybe), ("no", self.no)):
            if number in numbers:
                return word
        return ""


@dataclass(slots=True, kw_only=True)
class Poll:
    id: str = derived("the file's name: polls/<id>.toml")
    title: str = line_field(init="")
    deadline: dt.date | None = toml("date", init=None, help="answers after it need --force")
    created: dt.date | None = toml("date", init=None)
    created_by: str = opt_id_field(init="")
    slots: list[Slot] = toml("any", key="slot", init=[], help="[[slot]] tables")
    answers: list[Answer] = toml("any", key="answer", init=[], help="[[answer]] tables")
    chosen: int | None = toml("int", lo=1, hi=SLOTS_MAX, init=None,
                              help="the slot a meeting was made from")
    meeting: str = opt_id_field(init="", help="the meeting made from the chosen slot")
    closed: dt.date | None = toml("date", init=None, help="the day the poll was closed")
    src: m.Source = source_field()

    @property
    def is_open(self) -> bool:
        return self.closed is None

    def answer_of(self, pid: str) -> Answer | None:
        return next((a for a in self.answers if a.person == pid), None)


POLL_TABLES: dict[str, type] = {"slot": Slot, "answer": Answer}


def parse_slot(text: str) -> tuple[dt.date, str] | None:
    """'2026-06-09 19:30' as a date and an HH:MM time; None when it is not of that form or
    not a real date and time."""
    found = SLOT_FORM.match(text)
    if not found:
        return None
    try:
        day = dt.date.fromisoformat(found.group(1))
        hour, minute = (int(x) for x in found.group(2).split(":"))
        moment = dt.time(hour, minute)
    except ValueError:
        return None
    return day, moment.strftime("%H:%M")


def in_office_hours(slot: Slot) -> bool:
    """A weekday from 09:00 up to 17:00."""
    hour, minute = (int(x) for x in slot.time.split(":")) if slot.time else (0, 0)
    return slot.date.weekday() < 5 and OFFICE_START <= dt.time(hour, minute) < OFFICE_END


def all_in_office_hours(slots: list[Slot]) -> bool:
    return bool(slots) and all(in_office_hours(s) for s in slots)


# -- the best slot --------------------------------------------------------------------------------

def staying(body: m.Body, today: dt.date) -> list[m.Person]:
    """The people asked: everyone who has not left."""
    return [p for p in body.people.values() if p.left is None or p.left > today]


def seats(body: m.Body, today: dt.date) -> list[str]:
    """The people who hold a sex worker's seat."""
    return [p.id for p in staying(body, today) if holds_sex_worker_seat(body.config, p)]


def core_organisations(body: m.Body, today: dt.date) -> dict[str, list[str]]:
    """Per core organisation (one with a core member who has not left): its core members."""
    found: dict[str, list[str]] = {}
    for person in staying(body, today):
        if not person.core:
            continue
        organisation = organisation_of(body.config, person)
        key = organisation.key if organisation is not None else person.organisation.strip()
        if key:
            found.setdefault(key, []).append(person.id)
    return found


@dataclass(slots=True)
class SlotTally:
    number: int
    yes: list[str] = field(default_factory=list)
    maybe: list[str] = field(default_factory=list)
    no: list[str] = field(default_factory=list)
    seats_missing: list[str] = field(default_factory=list)  # seats that cannot (yet) come
    organisations_missing: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return len(self.yes) + len(self.maybe) / 2

    @property
    def everyone_needed(self) -> bool:
        return not self.seats_missing and not self.organisations_missing

    def key(self, seat_count: int, organisation_count: int) -> tuple[bool, float, int, int]:
        """The ranking: larger is better (the earliest slot wins a tie)."""
        covered = (seat_count - len(self.seats_missing)
                   + organisation_count - len(self.organisations_missing))
        return (self.everyone_needed, self.score, covered, -self.number)


@dataclass(slots=True)
class Tally:
    slots: list[SlotTally]
    seats: list[str]
    organisations: list[str]
    best: int | None  # the best slot's number; None without slots

    def of(self, number: int) -> SlotTally:
        return self.slots[number - 1]


def tally(body: m.Body, poll: Poll, today: dt.date) -> Tally:
    """Who can come when, and the best slot by the rule above; the answers of people who
    have left are not counted."""
    seat_ids = seats(body, today)
    organisations = core_organisations(body, today)
    rows = [SlotTally(n) for n in range(1, len(poll.slots) + 1)]
    asked = {p.id for p in staying(body, today)}
    for answer in poll.answers:
        if answer.person not in asked:  # someone who has left since: kept, not counted
            continue
        for row in rows:
            said = answer.said(row.number)
            if said:
                getattr(row, said).append(answer.person)
    for row in rows:
        row.seats_missing = [pid for pid in seat_ids if pid not in row.yes]
        row.organisations_missing = [key for key, members in organisations.items()
                                     if not any(pid in row.yes for pid in members)]
    best = max(rows, key=lambda r: r.key(len(seat_ids), len(organisations)), default=None)
    return Tally(rows, seat_ids, list(organisations), best.number if best is not None else None)
