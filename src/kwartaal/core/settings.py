"""The body's settings (kwartaal.toml) as typed records, declared like those of model.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kwartaal.core.fields import (
    Source,
    derived,
    flag_field,
    id_field,
    ids_field,
    line_field,
    minutes_field,
    opt_id_field,
    source_field,
    toml,
)
from kwartaal.core.values import LANGUAGES

Text = dict[str, str]  # language code -> text

FORMATS = ("in-person", "online", "hybrid")
PAYMENT_METHODS = ("bank", "cash", "voucher")
REGIMES = ("volunteer-allowance", "fee", "none")
TRAVEL_RULES = ("actual", "fixed", "none")
# Words that out a participant when they show on a lock screen, a bank statement or a calendar
# shared with family: matched inside words, case-insensitively ("Sekswerkoverleg" too), or, with
# a leading ^, only at the start of a word. A body may set its own list under [privacy]
# sensitive_words.
SENSITIVE_WORDS = ("sekswerk", "sexwerk", "sexwork", "seks", "^sex", "prostitu", "escort",
                   "bordeel", "brothel", "erotisch", "erotic", "peeskamer", "^hoer", "tippel")
# What an organisation at the table is: the attendance report watches sex-worker organisations'
# seats, and a chair from an organisation that is not independent is warned about.
ORGANISATION_KINDS = ("municipality", "police", "health", "social-work", "sex-worker-org",
                      "housing", "business", "knowledge", "other")
# The payment description of the finance export: {month} becomes the month of the meeting paid
# for, in the body's language ("vergoeding overleg december 2025").
DESCRIPTION = "vergoeding overleg {month}"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(slots=True)
class StandingItem:
    key: str = id_field(None, required=True, public=True)
    title: Text = toml("text", required=True, default={}, rule="line", public=True)
    description: Text = toml("text", default={}, rule="text", public=True)
    minutes: int = minutes_field(20)
    src: Source = source_field()


@dataclass(slots=True)
class Theme:
    key: str = derived("the theme's table name: [themes.KEY]")
    title: Text = toml("text", required=True, rule="line", public=True,
                       help="the key itself when missing")
    description: Text = toml("text", default={}, rule="text", public=True)
    src: Source = source_field()
    concerns_sex_work: bool = flag_field(init=False, help="about sex workers' work or safety: "
                                         "check warns when its items only inform")


@dataclass(slots=True)
class Organisation:
    """An organisation at the table; a person's `organisation` names it by key or by name."""

    key: str = derived("the organisation's table name: [organisations.KEY]")
    name: str = line_field("", required=True, public=True, help="the key itself when missing")
    kind: str = toml("str", choices=ORGANISATION_KINDS, default="other")
    independent: bool = flag_field(True, help="false when its people cannot chair as neutral "
                                   "(the police, the council's political office)")
    src: Source = source_field()
    contact: str = opt_id_field(init="", help="the person (an id of people.toml) who passes "
                                "documents on to those who get them through this organisation "
                                "(channel = \"via-organisation\")")
    payee: bool = flag_field(False, init=False, help="accepts payments: a person's or a "
                             "compensation line's payee may name it")
    account_name: str = line_field(public=True, init="", help="the name its bank account is "
                                   "held in, for the finance export (default: its name)")


@dataclass(slots=True)
class Cadence:
    months: list[int] = toml("list[int]", default=[3, 6, 9, 12], lo=1, hi=12)
    weekday: str = toml("str", choices=WEEKDAYS, default="thursday")
    week: int = toml("int", default=2, choices=(1, 2, 3, 4, -1))
    dates: list[dt.date] = toml("list[date]", default=[])
    time: str = toml("time", default="19:00")
    length: int = minutes_field(120, lo=1)
    place: str = line_field(public=True)
    format: str = toml("str", choices=FORMATS, default="in-person")
    link: str = toml("str", default="", rule="url")


@dataclass(slots=True)
class AgendaTimes:
    opening: int = minutes_field(5, init=5)
    previous_minutes: int = minutes_field(5, init=5)
    action_review: int = minutes_field(10, init=10)
    any_other_business: int = minutes_field(10, init=10)
    closing: int = minutes_field(5, init=5)
    proposal: int = minutes_field(10, init=10, help="for a proposed item that does not say")


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
    costs_count: bool = flag_field(True, init=True)
    method: str = toml("str", choices=PAYMENT_METHODS, default="bank", init="bank")
    description: str = line_field(DESCRIPTION, init=DESCRIPTION,
                                  help="what a bank statement shows; keep it neutral. "
                                  "{month}: the month of the meeting paid for")
    limits: dict[int, YearLimits] = toml("table", default={}, init={},
                                         help="[compensation.limits.YEAR] tables")


@dataclass(slots=True)
class Config:
    name: str = line_field(None, required=True, table="body", public=True,
                      help="the folder's name when missing")
    language: str = toml("str", choices=LANGUAGES, default="nl", table="body")
    languages: list[str] = toml("list[str]", default=None, rule="line", table="body")
    chair: str | None = opt_id_field(None, table="body")
    co_chair: str | None = opt_id_field(None, table="body")
    secretary: str | None = opt_id_field(None, table="body")
    convenors: list[str] = ids_field(table="body")
    cadence: Cadence = derived("the [cadence] table")
    agenda: AgendaTimes = derived("the [agenda] table")
    standing: list[StandingItem] = derived("the [[standing]] tables")
    themes: dict[str, Theme] = derived("the [themes.KEY] tables")
    compensation: CompensationPolicy = derived("the [compensation] table")
    publish_folder: str = line_field("public", key="folder", table="publish")
    privacy_allow: list[str] = toml("list[str]", default=[], rule="line", key="allow",
                                    table="privacy")
    src: Source = source_field()
    # as set; the name to use is naming.neutral_name()
    neutral_name: str = line_field(table="body", public=True, init="")
    public_link: bool = flag_field(False, table="privacy", init=False,
                              help="the video link may leave the group")
    public_place: bool = flag_field(True, table="privacy", init=True,
                               help="the meeting place may leave the group")
    organisations: dict[str, Organisation] = derived("the [organisations.KEY] tables", init={})
    sensitive_words: tuple[str, ...] = toml("list[str]", default=None, rule="line",
                                            table="privacy", init=SENSITIVE_WORDS)
    agreed_chairs: list[str] = ids_field(table="body", init=[],
                                         help="chairs the body chose knowingly although their "
                                         "organisation is not independent")


