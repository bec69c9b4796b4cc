"""Typed records of a body. Every record remembers where it was read from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

VISIBILITIES = ("named", "working-name", "role-only")
MEETING_STATUSES = ("planned", "held", "minutes-draft", "minutes-approved", "published")
ACTION_STATUSES = ("open", "in-progress", "done", "dropped")
OPEN_STATUSES = ("open", "in-progress")
FORMATS = ("in-person", "online", "hybrid")
AGE_BANDS = ("21+", "under-21")
LANGUAGES = ("nl", "en")
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


@dataclass(slots=True)
class StandingItem:
    key: str
    title: Text
    description: Text
    minutes: int
    src: Source


@dataclass(slots=True)
class Theme:
    key: str
    title: Text
    description: Text
    src: Source


@dataclass(slots=True)
class Cadence:
    months: list[int]
    weekday: str
    week: int
    dates: list[dt.date]
    time: str
    length: int
    place: str
    format: str
    link: str


@dataclass(slots=True)
class AgendaTimes:
    opening: int = 5
    previous_minutes: int = 5
    action_review: int = 10
    any_other_business: int = 10
    closing: int = 5
    proposal: int = 10  # minutes for a proposed item that does not say


@dataclass(slots=True)
class YearLimits:
    """A year's limits; None where the figure is not known (yet)."""

    year: int
    hour_21plus: Decimal | None
    hour_under21: Decimal | None
    month: Decimal | None
    year_total: Decimal | None


@dataclass(slots=True)
class CompensationPolicy:
    regime: str = "volunteer-allowance"
    hourly_rate: Decimal | None = None
    fixed_fee: Decimal | None = None
    hours: Decimal | None = None
    meal: Decimal | None = None
    travel: str = "actual"
    travel_amount: Decimal | None = None
    costs_count: bool = True
    method: str = "bank"
    description: str = "vergoeding overleg"
    limits: dict[int, YearLimits] = field(default_factory=dict)


@dataclass(slots=True)
class Config:
    name: str
    language: str
    languages: list[str]
    chair: str | None
    co_chair: str | None
    secretary: str | None
    convenors: list[str]
    cadence: Cadence
    agenda: AgendaTimes
    standing: list[StandingItem]
    themes: dict[str, Theme]
    compensation: CompensationPolicy
    publish_folder: str
    privacy_allow: list[str]
    src: Source
    neutral_name: str = ""  # as set; the name to use is naming.neutral_name()
    public_link: bool = False  # the video link may leave the group
    public_place: bool = True  # the meeting place may leave the group
    sensitive_words: tuple[str, ...] = SENSITIVE_WORDS


@dataclass(slots=True)
class Person:
    id: str
    name: str
    visibility: str
    organisation: str
    role: str
    role_plural: str
    core: bool
    compensated: bool
    age_band: str
    lang: str
    channel: str
    email: str
    phone: str
    left: dt.date | None
    src: Source

    role_en: str = ""
    role_plural_en: str = ""
    aliases: list[str] = field(default_factory=list)  # other names used at the table; hidden

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
    date: dt.date
    by: str
    what: str
    line: int | None = None
    kind: str = ""  # created, started, done, dropped, moved, note, handed-over; "" when older


@dataclass(slots=True)
class Item:
    """A proposed agenda item; standing items come from the body's configuration."""

    id: str
    local_id: str
    title: str
    by: str
    under: str
    theme: str
    closed: bool
    minutes: int | None
    note: str
    carry_over: bool
    handled: bool | None
    carried_from: str
    src: Source


@dataclass(slots=True)
class Note:
    id: str
    local_id: str
    item: str
    text: str
    closed: bool
    src: Source


@dataclass(slots=True)
class Decision:
    id: str
    local_id: str
    text: str
    item: str
    closed: bool
    supersedes: str
    src: Source


@dataclass(slots=True)
class Action:
    id: str
    local_id: str
    meeting: str
    title: str
    owner: str
    co_owners: list[str]
    due: dt.date | None
    theme: str
    status: str
    closed: bool
    item: str
    history: list[HistoryEntry]
    src: Source

    @property
    def owners(self) -> list[str]:
        return [self.owner, *self.co_owners]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(slots=True)
class CompensationLine:
    id: str
    local_id: str
    person: str
    kind: str
    hours: Decimal | None
    amount: Decimal
    method: str
    paid: dt.date | None
    note: str
    src: Source


@dataclass(slots=True)
class Meeting:
    id: str
    date: dt.date
    time: str
    length: int | None
    place: str
    format: str
    link: str
    status: str
    chair: str
    secretary: str
    invited: list[str]
    present: list[str]
    excused: list[str]
    absent: list[str]
    online: list[str]
    minutes_reviewed: dt.date | None
    minutes_approved: dt.date | None
    published: dt.date | None
    items: list[Item]
    notes: list[Note]
    decisions: list[Decision]
    actions: list[Action]
    compensation: list[CompensationLine]
    src: Source
    public_place: bool | None = None  # None: as the body's [privacy] public_place says


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
