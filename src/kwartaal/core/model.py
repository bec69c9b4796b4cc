"""Typed records of a body. Every record remembers where it was read from.

Each field of a record is declared once, here, with how it is written in TOML (key, type, the
rules of values.py it obeys, whether it is required, its default) or as derived (its file, its
full id). The schema checks, the loader's builders, the keys edits write and the free texts the
privacy lint reads all come from these declarations: see core/fields.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core.fields import (
    derived,
    flag_field,
    full_id_field,
    id_field,
    ids_field,
    line_field,
    local_id_field,
    minutes_field,
    opt_id_field,
    ref_field,
    source_field,
    toml,
)

# The settings records, re-exported: every layer reads records as model.X.
from kwartaal.core.settings import (  # noqa: F401
    FORMATS,
    ORGANISATION_KINDS,
    PAYMENT_METHODS,
    REGIMES,
    SENSITIVE_WORDS,
    TRAVEL_RULES,
    WEEKDAYS,
    AgendaTimes,
    Cadence,
    CompensationPolicy,
    Config,
    Organisation,
    Source,
    StandingItem,
    Text,
    Theme,
    YearLimits,
)
from kwartaal.core.values import LANGUAGES

VISIBILITIES = ("named", "working-name", "role-only")
MEETING_STATUSES = ("planned", "held", "minutes-draft", "minutes-approved", "published",
                    "cancelled")
NOT_HELD = ("planned", "cancelled")  # nothing was said at such a meeting (yet)
ACTION_STATUSES = ("open", "in-progress", "done", "dropped")
OPEN_STATUSES = ("open", "in-progress")
FINISHED_STATUSES = ("done", "dropped")  # the rest: finished on a day of its history
AGE_BANDS = ("21+", "under-21")
COMPENSATION_KINDS = ("fee", "travel", "meal", "voucher", "other")
# The participation ladder of an item or decision, from being informed to sex workers in the
# lead; the labels are in core/participation.py.
LEVELS = ("inform", "consult", "advise", "co-decide", "sex-worker-led")
# The `by` of an item put in without a name: no person may have this id.
ANONYMOUS = "anonymous"

# Fixed parts of every agenda that notes and decisions may hang under besides real items.
FIXED_ITEMS = ("opening", "previous-minutes", "actions", "any-other-business", "closing")

# Local id prefixes inside a meeting file; the full id is "<meeting-id>/<local id>".
ID_PREFIX = {"item": "p", "note": "n", "decision": "d", "action": "a", "compensation": "c"}
# A new record's local id is its prefix, a hyphen and a random suffix (`a-7kq2`), so that two
# clones adding records at the same time need no coordination and nothing is ever renumbered.
# No vowels (no words), no 0/1/l/o (no misreading); 27**4 = 531441 suffixes per kind.
ID_ALPHABET = "23456789bcdfghjkmnpqrstvwxz"
ID_SUFFIX_LENGTH = 4




def text_in(text: Text, lang: str, fallback: str) -> str:
    """Pick a text in one language, falling back to the body's language, then any."""
    return text.get(lang) or text.get(fallback) or next(iter(text.values()), "")


# -- records ------------------------------------------------------------------------------------

@dataclass(slots=True, kw_only=True)
class Person:
    id: str = derived("the person's table name: [ID] in people.toml")
    name: str = toml("str", required=True, rule="name")
    visibility: str = toml("str", required=True, choices=VISIBILITIES, default="role-only")
    organisation: str = line_field(public=True)
    role: str = line_field(public=True)
    role_plural: str = line_field(public=True)
    role_en: str = line_field(public=True, init="")
    role_plural_en: str = line_field(public=True, init="")
    core: bool = flag_field()
    sex_worker: bool = flag_field(help="takes a sex worker's seat: the attendance report "
                                  "watches that one is filled")
    compensated: bool = flag_field()
    payee: str = opt_id_field(init="", help="an [organisations.KEY] that is paid instead of "
                              "the person")
    age_band: str = toml("str", choices=AGE_BANDS, default="21+")
    lang: str = toml("str", choices=LANGUAGES, default="", help="the body's when empty")
    channel: str = line_field()
    email: str = line_field()
    phone: str = line_field()
    left: dt.date | None = toml("date")
    aliases: list[str] = toml("list[str]", default=[], rule="name", init=[],
                              help="other names used at the table; hidden")
    src: Source = source_field()

    @property
    def is_named(self) -> bool:
        return self.visibility == "named"

    def role_in(self, lang: str) -> str:
        """The role in a document's language (English when given, else as written)."""
        return (self.role_en if lang == "en" and self.role_en else self.role) or ""


@dataclass(slots=True)
class HistoryEntry:
    date: dt.date = toml("date", required=True)
    by: str = opt_id_field()
    # what happened, for machines (vcs/history.py): created, started, done, dropped, moved,
    # note, handed-over; "" in entries written before kinds were recorded
    kind: str = opt_id_field()
    what: str = toml("str", required=True, default="", rule="text")
    line: int | None = derived("the entry's line, where known", init=None)


@dataclass(slots=True)
class Item:
    """A proposed agenda item; standing items come from the body's configuration."""

    id: str = full_id_field()
    local_id: str = local_id_field()
    title: str = line_field("", required=True, public=True)
    by: str = opt_id_field()
    under: str = opt_id_field()
    theme: str = opt_id_field()
    closed: bool = flag_field()
    minutes: int | None = minutes_field()
    note: str = toml("str", default="", rule="text", public=True)
    carry_over: bool = flag_field()
    handled: bool | None = flag_field(None)
    carried_from: str = ref_field()
    src: Source = source_field()
    title_en: str = line_field(public=True, init="", help="the title in English documents")
    withdrawn: str = toml("str", default="", rule="text", init="", help="why it came off")
    deferred_to: str = opt_id_field(init="", help="the meeting it was deferred to")
    level: str = toml("str", choices=LEVELS, default="", init="",
                      help="the participation level: inform … sex-worker-led")
    by_org: str = opt_id_field(init="", help="put in on behalf of this organisation "
                               "([organisations.KEY]) instead of a person")
    entered_by: str = opt_id_field(init="", help="who entered an anonymous item or one of an "
                                   "organisation; never shown")
    # Input asked of the participants, and what was done with it (core/feedback.py)
    asks_input: bool = flag_field(init=False, help="the group asked for input on it")
    feedback: str = toml("str", default="", rule="text", public=True, init="",
                         help="what was done with the input")
    feedback_date: dt.date | None = toml("date", init=None, help="when the feedback was given")
    feedback_by: str = opt_id_field(init="", help="who recorded the feedback")

    @property
    def on_agenda(self) -> bool:  # withdrawn or deferred items stay in the file, off it
        return not self.withdrawn and not self.deferred_to

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


@dataclass(slots=True)
class Note:
    id: str = full_id_field()
    local_id: str = local_id_field()
    item: str = toml("str", required=True, default="", rule="ref")
    text: str = toml("str", required=True, default="", rule="text", public=True)
    closed: bool = flag_field()
    src: Source = source_field()
    # Input asked of the participants, and what was done with it (core/feedback.py)
    asks_input: bool = flag_field(init=False, help="the group asked for input on it")
    feedback: str = toml("str", default="", rule="text", public=True, init="",
                         help="what was done with the input")
    feedback_date: dt.date | None = toml("date", init=None, help="when the feedback was given")
    feedback_by: str = opt_id_field(init="", help="who recorded the feedback")


@dataclass(slots=True)
class Decision:
    id: str = full_id_field()
    local_id: str = local_id_field()
    text: str = toml("str", required=True, default="", rule="text", public=True)
    item: str = ref_field()
    closed: bool = flag_field()
    supersedes: str = ref_field()
    src: Source = source_field()
    level: str = toml("str", choices=LEVELS, default="", init="",
                      help="the participation level: inform … sex-worker-led")


@dataclass(slots=True)
class Action:
    id: str = full_id_field()
    local_id: str = local_id_field()
    meeting: str = derived("the id of the meeting whose file holds it")
    title: str = line_field("", required=True, public=True)
    owner: str = id_field("", required=True)
    co_owners: list[str] = ids_field(key="with")
    due: dt.date | None = toml("date", required=True)
    theme: str = opt_id_field()
    status: str = toml("str", required=True, choices=ACTION_STATUSES, default="open")
    closed: bool = flag_field()
    item: str = ref_field()
    history: list[HistoryEntry] = toml("any", default=[], help="{ date, by, what } entries")
    src: Source = source_field()

    @property
    def owners(self) -> list[str]:
        return [self.owner, *self.co_owners]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(slots=True)
class CompensationLine:
    id: str = full_id_field()
    local_id: str = local_id_field()
    person: str = id_field("", required=True)
    kind: str = toml("str", required=True, choices=COMPENSATION_KINDS, default="other")
    hours: Decimal | None = toml("decimal")
    amount: Decimal = toml("decimal", required=True, default=Decimal(0))
    method: str = toml("str", choices=PAYMENT_METHODS, default="bank")
    # paid to this [organisations.KEY] rather than as the person's own `payee` says
    payee: str = opt_id_field(help="the organisation paid for this line")
    paid: dt.date | None = toml("date")
    note: str = toml("str", default="", rule="text")
    # A wrong line is voided, not deleted: it stays on record, out of every total.
    void: dt.date | None = toml("date", help="the day the line was voided")
    void_reason: str = toml("str", default="", rule="text", help="why it was voided")
    src: Source = source_field()

    @property
    def counts(self) -> bool:
        """Whether the line is part of totals, limits and exports (not voided)."""
        return self.void is None


@dataclass(slots=True)
class Meeting:
    id: str = derived("the file's name: YYYY-MM-DD.toml")
    date: dt.date = toml("date", required=True)
    time: str = toml("time", default="")
    length: int | None = minutes_field(lo=1)
    place: str = line_field(public=True)
    format: str = toml("str", choices=FORMATS, default="")
    link: str = toml("str", default="", rule="url")
    status: str = toml("str", required=True, choices=MEETING_STATUSES, default="planned")
    chair: str = opt_id_field()
    secretary: str = opt_id_field()
    invited: list[str] = ids_field()
    present: list[str] = ids_field()
    excused: list[str] = ids_field()
    absent: list[str] = ids_field()
    online: list[str] = ids_field()
    minutes_reviewed: dt.date | None = toml("date")
    minutes_approved: dt.date | None = toml("date")
    published: dt.date | None = toml("date")
    items: list[Item] = toml("any", key="item", help="[[item]] tables")
    notes: list[Note] = toml("any", key="note", help="[[note]] tables")
    decisions: list[Decision] = toml("any", key="decision", help="[[decision]] tables")
    actions: list[Action] = toml("any", key="action", help="[[action]] tables")
    compensation: list[CompensationLine] = toml("any", key="compensation",
                                                help="[[compensation]] tables")
    src: Source = source_field()
    public_place: bool | None = flag_field(None, init=None,
                                      help="None: as the body's [privacy] public_place says")
    sequence: int = toml("int", default=0, lo=0, hi=10_000, init=0,
                         help="raised by every move, change, cancellation: the calendar's")
    cancel_reason: str = toml("str", default="", rule="text", init="",
                              help="why a cancelled meeting was cancelled")
    # a core.snapshot.Approved: declared there, which builds on this module
    approved: Any = toml("any", init=None,
                         help="[approved] table: the minutes as approved")
    co_chair: str = opt_id_field(init="", help="chairs together with the chair; the body's "
                                 "co_chair when empty")
    # Replies before the meeting (RSVP), apart from what is recorded once it is held:
    # 'attend --expected|--declined'; 'meeting held' records a declined reply as excused.
    expected: list[str] = ids_field(init=[], help="replied they will come")
    declined: list[str] = ids_field(init=[], help="replied they will not come")


# The tables of a meeting file, by key, and the record each holds.
MEETING_RECORDS: dict[str, type] = {"item": Item, "note": Note, "decision": Decision,
                                    "action": Action, "compensation": CompensationLine}


@dataclass(slots=True)
class Body:
    root: Path
    config: Config
    people: dict[str, Person]
    meetings: list[Meeting]  # sorted by date, then id

    _by_id: dict[str, Meeting] | None = field(default=None, repr=False, compare=False)

    def meeting(self, meeting_id: str) -> Meeting | None:
        """By id, through an index built on first use (meetings are not added afterwards)."""
        if self._by_id is None or len(self._by_id) != len(self.meetings):
            self._by_id = {mt.id: mt for mt in self.meetings}
        return self._by_id.get(meeting_id)

    def all_actions(self) -> list[Action]:
        return [a for m in self.meetings for a in m.actions]

    def each_action(self) -> Iterator[Action]:
        """The actions of all_actions, in its order, each meeting's decoded for this pass
        alone (passing): a pass over every action of a large body holds one meeting's."""
        for meeting in self.meetings:
            yield from passing(meeting.actions)

    def open_actions(self) -> list[Action]:
        """The actions still open (OPEN_STATUSES), in the order of all_actions."""
        return [a for m in self.meetings for a in open_actions(m)]

    def actions_open_on(self, date: dt.date, *, made_before: bool = False) -> list[Action]:
        """The actions open now or finished on or after date (their last history entry), in
        the order of all_actions: those that were open on that date, if made before it.
        made_before: only those of meetings before date (the others are not even decoded)."""
        return [a for m in self.meetings if not made_before or m.date < date
                for a in open_actions(m, date)]


    def where_written(self, value: str) -> str:
        """Where a text stands in the body's files, for a message that must name it: the first
        field of a theme, an organisation, a standing item, a person or a meeting's record
        that holds it ('2025-03-13.toml [[item]] p1 title'), or '?'. Asked only when
        something is wrong (it reads every record)."""
        def holds(record: Any) -> str:
            for name in getattr(type(record), "__slots__", ()):
                field = getattr(record, name, None)
                if field == value or (isinstance(field, dict) and value in field.values()):
                    return name
            return ""

        config = self.config
        for table, records in (("themes", config.themes), ("organisations",
                                                           config.organisations)):
            for key, record in records.items():
                if found := holds(record):
                    return f"kwartaal.toml [{table}.{key}] {found}"
        for standing in config.standing:
            if found := holds(standing):
                return f"kwartaal.toml [[standing]] {standing.key} {found}"
        for pid, person in self.people.items():
            if found := holds(person):
                return f"people.toml [{pid}] {found}"
        for meeting in self.meetings:
            if found := holds(meeting):
                return f"{meeting.src.path.name} {found}"
            for key, kind in (("items", "item"), ("notes", "note"), ("decisions", "decision"),
                              ("actions", "action")):
                for record in passing(getattr(meeting, key)):
                    if found := holds(record):
                        return f"{meeting.src.path.name} [[{kind}]] {record.local_id} {found}"
        return "?"


def passing(records: list[Any]) -> list[Any]:
    """A meeting's list of records for one use: read from the parse index and not used yet,
    it is decoded for this use and not kept with the meeting (files/lazy.py Later.passing),
    so that a pass over every meeting does not leave every record decoded; any other list is
    itself."""
    through = getattr(records, "passing", None)
    return records if through is None else through()  # type: ignore[no-any-return]


def open_actions(meeting: Meeting, on: dt.date | None = None) -> list[Action]:
    """The meeting's actions still open (and with on: those whose last history entry is on or
    after it). A meeting read from the parse index keeps each action's status and last date
    apart and decodes only the actions chosen (files/records.py, Later.chosen)."""
    def keep(status: str, last: dt.date | None) -> bool:
        return status in OPEN_STATUSES or (on is not None and last is not None and last >= on)

    chosen = getattr(meeting.actions, "chosen", None)
    if chosen is not None:
        return list(chosen(keep))
    return [a for a in meeting.actions
            if keep(a.status, a.history[-1].date if a.history else None)]
