"""Typed records of a body. Every record remembers where it was read from.

Each field of a record is declared once, here, with how it is written in TOML (key, type, the
rules of values.py it obeys, whether it is required, its default) or as derived (its file, its
full id). The schema checks, the loader's builders, the keys edits write and the free texts the
privacy lint reads all come from these declarations: see core/fields.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core.fields import derived, toml
from kwartaal.core.values import LANGUAGES, MINUTES_MAX

VISIBILITIES = ("named", "working-name", "role-only")
MEETING_STATUSES = ("planned", "held", "minutes-draft", "minutes-approved", "published")
ACTION_STATUSES = ("open", "in-progress", "done", "dropped")
OPEN_STATUSES = ("open", "in-progress")
FORMATS = ("in-person", "online", "hybrid")
AGE_BANDS = ("21+", "under-21")
COMPENSATION_KINDS = ("fee", "travel", "meal", "voucher", "other")
PAYMENT_METHODS = ("bank", "cash", "voucher")
REGIMES = ("volunteer-allowance", "fee", "none")
TRAVEL_RULES = ("actual", "fixed", "none")
# Words that out a participant when they show on a lock screen, a bank statement or a calendar
# shared with family: matched inside words, case-insensitively ("Sekswerkoverleg" too), or, with
# a leading ^, only at the start of a word. A body may set its own list under [privacy]
# sensitive_words.
SENSITIVE_WORDS = ("sekswerk", "sexwerk", "sexwork", "seks", "^sex", "prostitu", "escort",
                   "bordeel", "brothel", "erotisch", "erotic", "peeskamer", "hoerenloper")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Fixed parts of every agenda that notes and decisions may hang under besides real items.
FIXED_ITEMS = ("opening", "previous-minutes", "actions", "any-other-business", "closing")

# Local id prefixes inside a meeting file; the full id is "<meeting-id>/<local id>".
ID_PREFIX = {"item": "p", "note": "n", "decision": "d", "action": "a", "compensation": "c"}
# A new record's local id is its prefix, a hyphen and a random suffix (`a-7kq2`), so that two
# clones adding records at the same time need no coordination and nothing is ever renumbered.
# No vowels (no words), no 0/1/l/o (no misreading); 27**4 = 531441 suffixes per kind.
ID_ALPHABET = "23456789bcdfghjkmnpqrstvwxz"
ID_SUFFIX_LENGTH = 4


@dataclass(frozen=True, slots=True)
class Source:
    """A record's file and table; its line is looked up only when asked for."""

    path: Path
    section: tuple[object, ...] = ()

    @property
    def line(self) -> int | None:
        from kwartaal.core.lines import line_of

        return line_of(self.path, self.section)


Text = dict[str, str]  # language code -> text


def text_in(text: Text, lang: str, fallback: str) -> str:
    """Pick a text in one language, falling back to the body's language, then any."""
    return text.get(lang) or text.get(fallback) or next(iter(text.values()), "")


# -- shorthands for declarations ---------------------------------------------------------------

def _line(default: Any = "", **more: Any) -> Any:
    return toml("str", default=default, rule="line", **more)


def _id(default: Any = "", **more: Any) -> Any:
    """An id that must be there (a record's own, an owner) when given at all."""
    return toml("str", default=default, rule="id", **more)


def _opt_id(default: Any = "", **more: Any) -> Any:
    """A reference that may be left empty (a proposer, a theme)."""
    return toml("str", default=default, rule="opt-id", **more)


def _ref(**more: Any) -> Any:
    """A reference to a record: a local id or a full one (2025-06-12/p2)."""
    return toml("str", default="", rule="ref", **more)


def _ids(**more: Any) -> Any:
    return toml("list[str]", default=[], rule="id", **more)


def _minutes(default: Any = None, lo: int = 0, **more: Any) -> Any:
    return toml("int", default=default, lo=lo, hi=MINUTES_MAX, **more)


def _flag(default: bool | None = False, **more: Any) -> Any:
    return toml("bool", default=default, **more)


def _local_id() -> Any:
    return _id(None, required=True, key="id", help="the id within its meeting (p2, a-7kq2)")


def _full_id() -> Any:
    return derived("the meeting's id and the local id: 2025-06-12/p2")


def _src() -> Any:
    return derived("the file and table the record was read from")


# -- records ------------------------------------------------------------------------------------

@dataclass(slots=True)
class StandingItem:
    key: str = _id(None, required=True, public=True)
    title: Text = toml("text", required=True, default={}, rule="line", public=True)
    description: Text = toml("text", default={}, rule="text", public=True)
    minutes: int = _minutes(20)
    src: Source = _src()


@dataclass(slots=True)
class Theme:
    key: str = derived("the theme's table name: [themes.KEY]")
    title: Text = toml("text", required=True, rule="line", public=True,
                       help="the key itself when missing")
    description: Text = toml("text", default={}, rule="text", public=True)
    src: Source = _src()


@dataclass(slots=True)
class Cadence:
    months: list[int] = toml("list[int]", default=[3, 6, 9, 12], lo=1, hi=12)
    weekday: str = toml("str", choices=WEEKDAYS, default="thursday")
    week: int = toml("int", default=2, choices=(1, 2, 3, 4, -1))
    dates: list[dt.date] = toml("list[date]", default=[])
    time: str = toml("time", default="19:00")
    length: int = _minutes(120, lo=1)
    place: str = _line(public=True)
    format: str = toml("str", choices=FORMATS, default="in-person")
    link: str = toml("str", default="", rule="url")


@dataclass(slots=True)
class AgendaTimes:
    opening: int = _minutes(5, init=5)
    previous_minutes: int = _minutes(5, init=5)
    action_review: int = _minutes(10, init=10)
    any_other_business: int = _minutes(10, init=10)
    closing: int = _minutes(5, init=5)
    proposal: int = _minutes(10, init=10, help="for a proposed item that does not say")


@dataclass(slots=True)
class YearLimits:
    """A year's limits; None where the figure is not known (yet). Each may be missing while a
    year's figures are being filled in: check warns."""

    year: int = derived("the table's name: [compensation.limits.YEAR]")
    hour_21plus: Decimal | None = toml("decimal")
    hour_under21: Decimal | None = toml("decimal")
    month: Decimal | None = toml("decimal")
    year_total: Decimal | None = toml("decimal", key="year")


@dataclass(slots=True)
class CompensationPolicy:
    regime: str = toml("str", choices=REGIMES, default="volunteer-allowance",
                       init="volunteer-allowance")
    hourly_rate: Decimal | None = toml("decimal", init=None)
    fixed_fee: Decimal | None = toml("decimal", init=None)
    hours: Decimal | None = toml("decimal", init=None)
    meal: Decimal | None = toml("decimal", init=None)
    travel: str = toml("str", choices=TRAVEL_RULES, default="actual", init="actual")
    travel_amount: Decimal | None = toml("decimal", init=None)
    costs_count: bool = _flag(True, init=True)
    method: str = toml("str", choices=PAYMENT_METHODS, default="bank", init="bank")
    description: str = _line("vergoeding overleg", init="vergoeding overleg",
                             help="what a bank statement shows; keep it neutral")
    limits: dict[int, YearLimits] = toml("table", default={}, init={},
                                         help="[compensation.limits.YEAR] tables")


@dataclass(slots=True)
class Config:
    name: str = _line(None, required=True, table="body", public=True,
                      help="the folder's name when missing")
    language: str = toml("str", choices=LANGUAGES, default="nl", table="body")
    languages: list[str] = toml("list[str]", default=None, rule="line", table="body")
    chair: str | None = _opt_id(None, table="body")
    co_chair: str | None = _opt_id(None, table="body")
    secretary: str | None = _opt_id(None, table="body")
    convenors: list[str] = _ids(table="body")
    cadence: Cadence = derived("the [cadence] table")
    agenda: AgendaTimes = derived("the [agenda] table")
    standing: list[StandingItem] = derived("the [[standing]] tables")
    themes: dict[str, Theme] = derived("the [themes.KEY] tables")
    compensation: CompensationPolicy = derived("the [compensation] table")
    publish_folder: str = _line("public", key="folder", table="publish")
    privacy_allow: list[str] = toml("list[str]", default=[], rule="line", key="allow",
                                    table="privacy")
    src: Source = _src()
    # as set; the name to use is naming.neutral_name()
    neutral_name: str = _line(table="body", public=True, init="")
    public_link: bool = _flag(False, table="privacy", init=False,
                              help="the video link may leave the group")
    public_place: bool = _flag(True, table="privacy", init=True,
                               help="the meeting place may leave the group")
    sensitive_words: tuple[str, ...] = toml("list[str]", default=None, rule="line",
                                            table="privacy", init=SENSITIVE_WORDS)


@dataclass(slots=True, kw_only=True)
class Person:
    id: str = derived("the person's table name: [ID] in people.toml")
    name: str = toml("str", required=True, rule="name")
    visibility: str = toml("str", required=True, choices=VISIBILITIES, default="role-only")
    organisation: str = _line(public=True)
    role: str = _line(public=True)
    role_plural: str = _line(public=True)
    role_en: str = _line(public=True, init="")
    role_plural_en: str = _line(public=True, init="")
    core: bool = _flag()
    compensated: bool = _flag()
    age_band: str = toml("str", choices=AGE_BANDS, default="21+")
    lang: str = toml("str", choices=LANGUAGES, default="", help="the body's when empty")
    channel: str = _line()
    email: str = _line()
    phone: str = _line()
    left: dt.date | None = toml("date")
    aliases: list[str] = toml("list[str]", default=[], rule="name", init=[],
                              help="other names used at the table; hidden")
    src: Source = _src()

    @property
    def is_named(self) -> bool:
        return self.visibility == "named"

    def role_in(self, lang: str) -> str:
        """The role in a document's language (English when given, else as written)."""
        return (self.role_en if lang == "en" and self.role_en else self.role) or ""

    def role_plural_in(self, lang: str) -> str:
        plural = self.role_plural_en if lang == "en" and self.role_plural_en else \
            self.role_plural
        return plural or self.role_in(lang)


@dataclass(slots=True)
class HistoryEntry:
    date: dt.date = toml("date", required=True)
    by: str = _opt_id()
    # what happened, for machines (vcs/history.py): created, started, done, dropped, moved,
    # note, handed-over; "" in entries written before kinds were recorded
    kind: str = _opt_id()
    what: str = toml("str", required=True, default="", rule="text")
    line: int | None = derived("the entry's line, where known", init=None)


@dataclass(slots=True)
class Item:
    """A proposed agenda item; standing items come from the body's configuration."""

    id: str = _full_id()
    local_id: str = _local_id()
    title: str = _line("", required=True, public=True)
    by: str = _opt_id()
    under: str = _opt_id()
    theme: str = _opt_id()
    closed: bool = _flag()
    minutes: int | None = _minutes()
    note: str = toml("str", default="", rule="text", public=True)
    carry_over: bool = _flag()
    handled: bool | None = _flag(None)
    carried_from: str = _ref()
    src: Source = _src()


@dataclass(slots=True)
class Note:
    id: str = _full_id()
    local_id: str = _local_id()
    item: str = toml("str", required=True, default="", rule="ref")
    text: str = toml("str", required=True, default="", rule="text", public=True)
    closed: bool = _flag()
    src: Source = _src()


@dataclass(slots=True)
class Decision:
    id: str = _full_id()
    local_id: str = _local_id()
    text: str = toml("str", required=True, default="", rule="text", public=True)
    item: str = _ref()
    closed: bool = _flag()
    supersedes: str = _ref()
    src: Source = _src()


@dataclass(slots=True)
class Action:
    id: str = _full_id()
    local_id: str = _local_id()
    meeting: str = derived("the id of the meeting whose file holds it")
    title: str = _line("", required=True, public=True)
    owner: str = _id("", required=True)
    co_owners: list[str] = _ids(key="with")
    due: dt.date | None = toml("date", required=True)
    theme: str = _opt_id()
    status: str = toml("str", required=True, choices=ACTION_STATUSES, default="open")
    closed: bool = _flag()
    item: str = _ref()
    history: list[HistoryEntry] = toml("any", default=[], help="{ date, by, what } entries")
    src: Source = _src()

    @property
    def owners(self) -> list[str]:
        return [self.owner, *self.co_owners]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(slots=True)
class CompensationLine:
    id: str = _full_id()
    local_id: str = _local_id()
    person: str = _id("", required=True)
    kind: str = toml("str", required=True, choices=COMPENSATION_KINDS, default="other")
    hours: Decimal | None = toml("decimal")
    amount: Decimal = toml("decimal", required=True, default=Decimal(0))
    method: str = toml("str", choices=PAYMENT_METHODS, default="bank")
    paid: dt.date | None = toml("date")
    note: str = toml("str", default="", rule="text")
    # A wrong line is voided, not deleted: it stays on record, out of every total.
    void: dt.date | None = toml("date", help="the day the line was voided")
    void_reason: str = toml("str", default="", rule="text", help="why it was voided")
    src: Source = _src()

    @property
    def counts(self) -> bool:
        """Whether the line is part of totals, limits and exports (not voided)."""
        return self.void is None


@dataclass(slots=True)
class Meeting:
    id: str = derived("the file's name: YYYY-MM-DD.toml")
    date: dt.date = toml("date", required=True)
    time: str = toml("time", default="")
    length: int | None = _minutes(lo=1)
    place: str = _line(public=True)
    format: str = toml("str", choices=FORMATS, default="")
    link: str = toml("str", default="", rule="url")
    status: str = toml("str", required=True, choices=MEETING_STATUSES, default="planned")
    chair: str = _opt_id()
    secretary: str = _opt_id()
    invited: list[str] = _ids()
    present: list[str] = _ids()
    excused: list[str] = _ids()
    absent: list[str] = _ids()
    online: list[str] = _ids()
    minutes_reviewed: dt.date | None = toml("date")
    minutes_approved: dt.date | None = toml("date")
    published: dt.date | None = toml("date")
    items: list[Item] = toml("any", key="item", help="[[item]] tables")
    notes: list[Note] = toml("any", key="note", help="[[note]] tables")
    decisions: list[Decision] = toml("any", key="decision", help="[[decision]] tables")
    actions: list[Action] = toml("any", key="action", help="[[action]] tables")
    compensation: list[CompensationLine] = toml("any", key="compensation",
                                                help="[[compensation]] tables")
    src: Source = _src()
    public_place: bool | None = _flag(None, init=None,
                                      help="None: as the body's [privacy] public_place says")


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
