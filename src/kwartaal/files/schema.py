"""What each table of the format may hold, and the conversion of raw TOML values to typed ones.

Conversion never raises: a wrong value becomes a Problem and the field falls back to its default,
so that one mistake does not hide the others. Types come first, then the rules of values.py
(ranges, ids, links, control characters), so a value that passes can be used by any command.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import values as v
from kwartaal.core.lines import Section, line_of
from kwartaal.core.problems import Problem, hints, msg

# Kept here as well: admin.py and meetings.py take them from this module.
ID_PATTERN = v.ID_PATTERN
TIME_PATTERN = v.TIME_PATTERN
_INVALID = v.INVALID
MINUTES = v.MINUTES_MAX


@dataclass(frozen=True, slots=True)
class F:
    kind: str  # str int bool date time decimal text list[str] list[int] list[date] table any
    required: bool = False
    choices: tuple[Any, ...] | None = None
    default: Any = None
    rule: str | None = None  # for texts: a key of values.VALID (line, text, id, opt-id, …)
    lo: int | None = None  # for whole numbers: the smallest and largest allowed
    hi: int | None = None


def _line(default: Any = "", **more: Any) -> F:
    return F("str", default=default, rule="line", **more)


def _id(default: Any = "", **more: Any) -> F:
    """An id that must be there (a record's own, an owner) when given at all."""
    return F("str", default=default, rule="id", **more)


def _opt_id(default: Any = "") -> F:
    """A reference that may be left empty (a proposer, a theme)."""
    return F("str", default=default, rule="opt-id")


def _ids() -> F:
    return F("list[str]", default=[], rule="id")


def _minutes(default: Any = None, lo: int = 0) -> F:
    return F("int", default=default, lo=lo, hi=MINUTES)


BODY = {
    "name": _line(None, required=True),
    "language": F("str", choices=m.LANGUAGES, default="nl"),
    "languages": F("list[str]", default=None, rule="line"),
    "chair": _opt_id(None),
    "co_chair": _opt_id(None),
    "secretary": _opt_id(None),
    "convenors": _ids(),
    "neutral_name": _line(),
}
CADENCE = {
    "months": F("list[int]", default=[3, 6, 9, 12], lo=1, hi=12),
    "weekday": F("str", choices=m.WEEKDAYS, default="thursday"),
    "week": F("int", default=2, choices=(1, 2, 3, 4, -1)),
    "dates": F("list[date]", default=[]),
    "time": F("time", default="19:00"),
    "length": _minutes(120, lo=1),
    "place": _line(),
    "format": F("str", choices=m.FORMATS, default="in-person"),
    "link": F("str", default="", rule="url"),
}
AGENDA = {
    "opening": _minutes(5),
    "previous_minutes": _minutes(5),
    "action_review": _minutes(10),
    "any_other_business": _minutes(10),
    "closing": _minutes(5),
    "proposal": _minutes(10),
}
STANDING = {
    "key": _id(None, required=True),
    "title": F("text", required=True, rule="line"),
    "description": F("text", default={}, rule="text"),
    "minutes": _minutes(20),
}
THEME = {"title": F("text", required=True, rule="line"),
         "description": F("text", default={}, rule="text")}
COMPENSATION = {
    "regime": F("str", choices=m.REGIMES, default="volunteer-allowance"),
    "hourly_rate": F("decimal"),
    "fixed_fee": F("decimal"),
    "hours": F("decimal"),
    "meal": F("decimal"),
    "travel": F("str", choices=m.TRAVEL_RULES, default="actual"),
    "travel_amount": F("decimal"),
    "costs_count": F("bool", default=True),
    "method": F("str", choices=m.PAYMENT_METHODS, default="bank"),
    "description": _line("vergoeding overleg"),
    "limits": F("table", default={}),
}
LIMITS = {  # each may be missing while a year's figures are being filled in: check warns
    "hour_21plus": F("decimal"),
    "hour_under21": F("decimal"),
    "month": F("decimal"),
    "year": F("decimal"),
}
PUBLISH = {"folder": _line("public")}
PRIVACY = {
    "allow": F("list[str]", default=[], rule="line"),
    "public_link": F("bool", default=False),
    "public_place": F("bool", default=True),
    "sensitive_words": F("list[str]", default=None, rule="line"),
}
CONFIG_TABLES = {
    "body": BODY,
    "cadence": CADENCE,
    "agenda": AGENDA,
    "standing": None,  # array of tables, STANDING
    "themes": None,  # table of tables, THEME
    "compensation": COMPENSATION,
    "publish": PUBLISH,
    "privacy": PRIVACY,
}

PERSON = {
    "name": F("str", required=True, rule="name"),
    "visibility": F("str", required=True, choices=m.VISIBILITIES),
    "organisation": _line(),
    "role": _line(),
    "role_plural": _line(),
    "role_en": _line(),
    "role_plural_en": _line(),
    "core": F("bool", default=False),
    "compensated": F("bool", default=False),
    "age_band": F("str", choices=m.AGE_BANDS, default="21+"),
    "lang": F("str", choices=m.LANGUAGES, default=""),
    "channel": _line(),
    "email": _line(),
    "phone": _line(),
    "left": F("date"),
    "aliases": F("list[str]", default=[], rule="name"),
}

MEETING = {
    "date": F("date", required=True),
    "time": F("time", default=""),
    "length": _minutes(lo=1),
    "place": _line(),
    "format": F("str", choices=m.FORMATS, default=""),
    "link": F("str", default="", rule="url"),
    "public_place": F("bool"),
    "status": F("str", required=True, choices=m.MEETING_STATUSES),
    "chair": _opt_id(),
    "secretary": _opt_id(),
    "invited": _ids(),
    "present": _ids(),
    "excused": _ids(),
    "absent": _ids(),
    "online": _ids(),
    "minutes_reviewed": F("date"),
    "minutes_approved": F("date"),
    "published": F("date"),
    "item": F("any"),
    "note": F("any"),
    "decision": F("any"),
    "action": F("any"),
    "compensation": F("any"),
}
ITEM = {
    "id": _id(None, required=True),
    "title": _line(None, required=True),
    "by": _opt_id(),
    "under": _opt_id(),
    "theme": _opt_id(),
    "closed": F("bool", default=False),
    "minutes": _minutes(),
    "note": F("str", default="", rule="text"),
    "carry_over": F("bool", default=False),
    "handled": F("bool"),
    "carried_from": F("str", default="", rule="ref"),
}
NOTE = {
    "id": _id(None, required=True),
    "item": F("str", required=True, rule="ref"),
    "text": F("str", required=True, rule="text"),
    "closed": F("bool", default=False),
}
DECISION = {
    "id": _id(None, required=True),
    "text": F("str", required=True, rule="text"),
    "item": F("str", default="", rule="ref"),
    "closed": F("bool", default=False),
    "supersedes": F("str", default="", rule="ref"),
}
ACTION = {
    "id": _id(None, required=True),
    "title": _line(None, required=True),
    "owner": _id(None, required=True),
    "with": _ids(),
    "due": F("date", required=True),
    "theme": _opt_id(),
    "status": F("str", required=True, choices=m.ACTION_STATUSES),
    "closed": F("bool", default=False),
    "item": F("str", default="", rule="ref"),
    "history": F("any", default=[]),
}
HISTORY = {
    "date": F("date", required=True),
    "by": _opt_id(),
    "kind": _opt_id(),  # what happened, for vcs/history.py: its words are in `what`
    "what": F("str", required=True, rule="text"),
}
COMPENSATION_LINE = {
    "id": _id(None, required=True),
    "person": _id(None, required=True),
    "kind": F("str", required=True, choices=m.COMPENSATION_KINDS),
    "hours": F("decimal"),
    "amount": F("decimal", required=True),
    "method": F("str", choices=m.PAYMENT_METHODS, default="bank"),
    "paid": F("date"),
    "note": F("str", default="", rule="text"),
}
MEETING_TABLES = {
    "item": ITEM,
    "note": NOTE,
    "decision": DECISION,
    "action": ACTION,
    "compensation": COMPENSATION_LINE,
}

class Converter:
    """Converts raw tables of one file, collecting problems with file and line."""

    def __init__(self, path: Path, problems: list[Problem], body_lang: str = "nl") -> None:
        self.path = path
        self.problems = problems
        self.body_lang = body_lang
        # where a table has no header of its own (an entry of an inline list): its line,
        # looked up only when a problem is found
        self.line_hint: Callable[[], int | None] | None = None

    def _line(self, section: Section, key: str | None) -> int | None:
        if self.line_hint is not None:
            return self.line_hint() or line_of(self.path, section, key)
        return line_of(self.path, section, key)

    def error(self, section: Section, key: str | None, text: str, /, **params: object) -> None:
        line = self._line(section, key)
        self.problems.append(Problem(self.path, line, "error", msg(text, **params)))

    def warning(self, section: Section, key: str | None, text: str, /,
                **params: object) -> None:
        line = self._line(section, key)
        self.problems.append(Problem(self.path, line, "warning", msg(text, **params)))

    def table(self, raw: object, spec: dict[str, F], section: Section,
              where: str) -> dict[str, Any]:
        """Check keys, types, choices and rules of one table; return converted values with
        defaults."""
        if not isinstance(raw, dict):
            self.error(section, None, "{where}: expected a table, found {found}",
                       where=where, found=v.toml_type(raw))
            raw = {}
        out: dict[str, Any] = {}
        valid = v.VALID
        for key, value in raw.items():
            field = spec.get(key)
            if field is not None:
                # the common, valid cases without the general machinery: this runs for every
                # value of every file
                kind, kind_of_value = field.kind, type(value)
                if kind == "str" and kind_of_value is str and (
                        value in field.choices if field.choices is not None
                        else field.rule is None or valid[field.rule](value)):
                    out[key] = sys.intern(value) if len(value) < 48 else value
                    continue
                if (kind == "any" or (kind == "bool" and kind_of_value is bool)
                        or (kind == "date" and kind_of_value is dt.date
                            and v.DATE_MIN <= value <= v.DATE_MAX)
                        or (kind == "int" and kind_of_value is int and field.choices is None
                            and (field.lo is None or field.lo <= value <= field.hi))):  # type: ignore[operator]
                    out[key] = value
                    continue
            if field is None:
                self.error(section, key, "{where}: unknown key '{key}'{hint}",
                           where=where, key=key, **hints(key, spec))
                continue
            out[key] = self.value(value, field, section, key, where)
        for key, field in spec.items():
            if key not in out or out[key] is _INVALID:
                if field.required and key not in raw:
                    self.error(section, None, "{where}: required key '{key}' is missing",
                               where=where, key=key)
                out[key] = v.copy_default(field.default)
        return out

    def value(self, value: object, field: F, section: Section, key: str, where: str) -> Any:
        kind = field.kind
        converted = v.convert(value, kind, self.body_lang)
        if converted is _INVALID:
            expected = v.TYPE_NAMES.get(kind, kind)
            if kind in ("date", "list[date]") and isinstance(value, (str, list)):
                bad = value if isinstance(value, str) else next(
                    (x for x in value if isinstance(x, str)), value)
                self.error(section, key,
                           "{where}: '{key}' = '{bad}' is not a real date (expected {expected})",
                           where=where, key=key, bad=v.shown(bad), expected=expected)
            else:
                self.error(section, key, "{where}: '{key}' must be {expected}, found {found}",
                           where=where, key=key, expected=expected, found=v.toml_type(value))
            return _INVALID
        items = converted if isinstance(converted, list) else (
            list(converted.values()) if isinstance(converted, dict) and kind == "text"
            else [converted])
        if field.choices is not None:
            for item in items:
                if item not in field.choices:
                    named = all(isinstance(c, str) for c in field.choices)
                    self.error(section, key,
                               "{where}: '{key}' = '{value}' is not one of: {choices}{hint}",
                               where=where, key=key, value=v.shown(item),
                               choices=", ".join(str(c) for c in field.choices),
                               **(hints(str(item), field.choices) if named
                                  else {"hint": ""}))
                    return _INVALID
        if kind in ("list[str]", "text", "str") and (
                field.rule is None or all(map(v.VALID[field.rule], items))):
            return converted  # the common case in one pass, without a call per item
        for item in items:
            if not self._within(item, field, section, key, where):
                return _INVALID
        return converted

    def _within(self, item: Any, field: F, section: Section, key: str, where: str) -> bool:
        """The rules beyond the type: ranges of dates, numbers and amounts; shapes of texts."""
        if isinstance(item, dt.date) and not v.in_date_range(item):
            self.error(section, key, "{where}: '{key}' = {value} lies outside the years "
                       "{lo}-{hi}",
                       where=where, key=key, value=item, lo=v.YEAR_MIN, hi=v.YEAR_MAX)
            return False
        if isinstance(item, int) and field.lo is not None and not (
                field.lo <= item <= field.hi):  # type: ignore[operator]
            self.error(section, key, "{where}: '{key}' = {value} must lie between {lo} and {hi}",
                       where=where, key=key, value=v.shown(item, 30), lo=field.lo, hi=field.hi)
            return False
        if field.kind == "decimal" and abs(item) >= v.AMOUNT_MAX:
            self.error(section, key, "{where}: '{key}' = {value} is too large (below {max})",
                       where=where, key=key, value=v.shown(item, 30), max=v.AMOUNT_MAX)
            return False
        if isinstance(item, str) and field.rule is not None:
            problem = v.rule_problem(field.rule, item)
            if problem is not None:
                self.error(section, key, "{where}: '{key}' = '{value}' {why}", where=where,
                           key=key, value=v.shown(item), why=problem)
                return False
        return True
