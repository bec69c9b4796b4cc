"""What each table of the format may hold, and the conversion of raw TOML values to typed ones.

Conversion never raises: a wrong value becomes a Problem and the field falls back to its default,
so that one mistake does not hide the others.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from . import model as m
from .lines import Section, line_of
from .problems import Problem, hints, msg


@dataclass(frozen=True, slots=True)
class F:
    kind: str  # str int bool date time decimal text list[str] list[int] list[date] table any
    required: bool = False
    choices: tuple[str, ...] | None = None
    default: Any = None


ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

BODY = {
    "name": F("str", required=True),
    "language": F("str", choices=m.LANGUAGES, default="nl"),
    "languages": F("list[str]", default=None),
    "chair": F("str", default=None),
    "co_chair": F("str", default=None),
    "secretary": F("str", default=None),
    "convenors": F("list[str]", default=[]),
    "neutral_name": F("str", default=""),
}
CADENCE = {
    "months": F("list[int]", default=[3, 6, 9, 12]),
    "weekday": F("str", choices=m.WEEKDAYS, default="thursday"),
    "week": F("int", default=2),
    "dates": F("list[date]", default=[]),
    "time": F("time", default="19:00"),
    "length": F("int", default=120),
    "place": F("str", default=""),
    "format": F("str", choices=m.FORMATS, default="in-person"),
    "link": F("str", default=""),
}
AGENDA = {
    "opening": F("int", default=5),
    "previous_minutes": F("int", default=5),
    "action_review": F("int", default=10),
    "any_other_business": F("int", default=10),
    "closing": F("int", default=5),
    "proposal": F("int", default=10),
}
STANDING = {
    "key": F("str", required=True),
    "title": F("text", required=True),
    "description": F("text", default={}),
    "minutes": F("int", default=20),
}
THEME = {"title": F("text", required=True), "description": F("text", default={})}
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
    "description": F("str", default="vergoeding overleg"),
    "limits": F("table", default={}),
}
LIMITS = {  # each may be missing while a year's figures are being filled in: check warns
    "hour_21plus": F("decimal"),
    "hour_under21": F("decimal"),
    "month": F("decimal"),
    "year": F("decimal"),
}
PUBLISH = {"folder": F("str", default="public")}
PRIVACY = {
    "allow": F("list[str]", default=[]),
    "public_link": F("bool", default=False),
    "public_place": F("bool", default=True),
    "sensitive_words": F("list[str]", default=None),
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
    "name": F("str", required=True),
    "visibility": F("str", required=True, choices=m.VISIBILITIES),
    "organisation": F("str", default=""),
    "role": F("str", default=""),
    "role_plural": F("str", default=""),
    "role_en": F("str", default=""),
    "role_plural_en": F("str", default=""),
    "core": F("bool", default=False),
    "compensated": F("bool", default=False),
    "age_band": F("str", choices=m.AGE_BANDS, default="21+"),
    "lang": F("str", choices=m.LANGUAGES, default=""),
    "channel": F("str", default=""),
    "email": F("str", default=""),
    "phone": F("str", default=""),
    "left": F("date"),
    "aliases": F("list[str]", default=[]),
}

MEETING = {
    "date": F("date", required=True),
    "time": F("time", default=""),
    "length": F("int"),
    "place": F("str", default=""),
    "format": F("str", choices=m.FORMATS, default=""),
    "link": F("str", default=""),
    "public_place": F("bool"),
    "status": F("str", required=True, choices=m.MEETING_STATUSES),
    "chair": F("str", default=""),
    "secretary": F("str", default=""),
    "invited": F("list[str]", default=[]),
    "present": F("list[str]", default=[]),
    "excused": F("list[str]", default=[]),
    "absent": F("list[str]", default=[]),
    "online": F("list[str]", default=[]),
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
    "id": F("str", required=True),
    "title": F("str", required=True),
    "by": F("str", default=""),
    "under": F("str", default=""),
    "theme": F("str", default=""),
    "closed": F("bool", default=False),
    "minutes": F("int"),
    "note": F("str", default=""),
    "carry_over": F("bool", default=False),
    "handled": F("bool"),
    "carried_from": F("str", default=""),
}
NOTE = {
    "id": F("str", required=True),
    "item": F("str", required=True),
    "text": F("str", required=True),
    "closed": F("bool", default=False),
}
DECISION = {
    "id": F("str", required=True),
    "text": F("str", required=True),
    "item": F("str", default=""),
    "closed": F("bool", default=False),
    "supersedes": F("str", default=""),
}
ACTION = {
    "id": F("str", required=True),
    "title": F("str", required=True),
    "owner": F("str", required=True),
    "with": F("list[str]", default=[]),
    "due": F("date", required=True),
    "theme": F("str", default=""),
    "status": F("str", required=True, choices=m.ACTION_STATUSES),
    "closed": F("bool", default=False),
    "item": F("str", default=""),
    "history": F("any", default=[]),
}
HISTORY = {
    "date": F("date", required=True),
    "by": F("str", default=""),
    "what": F("str", required=True),
}
COMPENSATION_LINE = {
    "id": F("str", required=True),
    "person": F("str", required=True),
    "kind": F("str", required=True, choices=m.COMPENSATION_KINDS),
    "hours": F("decimal"),
    "amount": F("decimal", required=True),
    "method": F("str", choices=m.PAYMENT_METHODS, default="bank"),
    "paid": F("date"),
    "note": F("str", default=""),
}
MEETING_TABLES = {
    "item": ITEM,
    "note": NOTE,
    "decision": DECISION,
    "action": ACTION,
    "compensation": COMPENSATION_LINE,
}

_TYPE_NAMES = {
    "str": ("text (in quotes)", "tekst (tussen aanhalingstekens)"),
    "int": ("a whole number", "een geheel getal"),
    "bool": ("true or false", "true of false"),
    "date": ("a date (YYYY-MM-DD)", "een datum (JJJJ-MM-DD)"),
    "time": ("a time (HH:MM, in quotes)", "een tijd (UU:MM, tussen aanhalingstekens)"),
    "decimal": ("an amount (e.g. 12.50)", "een bedrag (bijv. 12.50)"),
    "text": ("text, or a table of texts per language", "tekst, of een tabel met tekst per taal"),
    "list[str]": ("a list of texts", "een lijst van teksten"),
    "list[int]": ("a list of whole numbers", "een lijst van gehele getallen"),
    "list[date]": ("a list of dates", "een lijst van datums"),
    "table": ("a table", "een tabel"),
}


def _toml_type(value: object) -> str:
    names = {
        bool: "boolean",
        int: "integer",
        str: "string",
        Decimal: "number",
        float: "number",
        list: "array",
        dict: "table",
        dt.date: "date",
        dt.datetime: "date-time",
        dt.time: "time",
    }
    return names.get(type(value), type(value).__name__)


class Converter:
    """Converts raw tables of one file, collecting problems with file and line."""

    def __init__(self, path: Path, problems: list[Problem], body_lang: str = "nl") -> None:
        self.path = path
        self.problems = problems
        self.body_lang = body_lang

    def error(self, section: Section, key: str | None, en: str, nl: str, /,
              **params: object) -> None:
        line = line_of(self.path, section, key)
        self.problems.append(Problem(self.path, line, "error", msg(en, nl, **params)))

    def warning(self, section: Section, key: str | None, en: str, nl: str, /,
                **params: object) -> None:
        line = line_of(self.path, section, key)
        self.problems.append(Problem(self.path, line, "warning", msg(en, nl, **params)))

    def table(self, raw: object, spec: dict[str, F], section: Section,
              where: str) -> dict[str, Any]:
        """Check keys, types and choices of one table; return converted values with defaults."""
        if not isinstance(raw, dict):
            self.error(section, None, "{where}: expected a table, found {found}",
                       "{where}: verwacht een tabel, gevonden: {found}",
                       where=where, found=_toml_type(raw))
            raw = {}
        out: dict[str, Any] = {}
        for key, value in raw.items():
            field = spec.get(key)
            if field is not None:
                # the common, valid cases without the general machinery: this runs for every
                # value of every file
                kind, kind_of_value = field.kind, type(value)
                if kind == "str" and kind_of_value is str and (
                        field.choices is None or value in field.choices):
                    out[key] = sys.intern(value) if len(value) < 48 else value
                    continue
                if (kind == "any" or (kind == "date" and kind_of_value is dt.date)
                        or (kind == "bool" and kind_of_value is bool)
                        or (kind == "int" and kind_of_value is int)):
                    out[key] = value
                    continue
            if field is None:
                self.error(section, key, "{where}: unknown key '{key}'{hint_en}",
                           "{where}: onbekende sleutel '{key}'{hint_nl}",
                           where=where, key=key, **hints(key, spec))
                continue
            out[key] = self.value(value, field, section, key, where)
        for key, field in spec.items():
            if key not in out or out[key] is _INVALID:
                if field.required and key not in raw:
                    self.error(section, None, "{where}: required key '{key}' is missing",
                               "{where}: verplichte sleutel '{key}' ontbreekt",
                               where=where, key=key)
                out[key] = _copy_default(field.default)
        return out

    def value(self, value: object, field: F, section: Section, key: str, where: str) -> Any:
        kind = field.kind
        converted = _convert(value, kind, self.body_lang)
        if converted is _INVALID:
            expected_en, expected_nl = _TYPE_NAMES.get(kind, (kind, kind))
            if kind in ("date", "list[date]") and isinstance(value, (str, list)):
                bad = value if isinstance(value, str) else next(
                    (v for v in value if isinstance(v, str)), value)
                self.error(section, key,
                           "{where}: '{key}' = '{bad}' is not a real date (expected {exp_en})",
                           "{where}: '{key}' = '{bad}' is geen bestaande datum (verwacht {exp_nl})",
                           where=where, key=key, bad=bad, exp_en=expected_en, exp_nl=expected_nl)
            else:
                self.error(section, key, "{where}: '{key}' must be {exp_en}, found {found}",
                           "{where}: '{key}' moet {exp_nl} zijn, gevonden: {found}",
                           where=where, key=key, exp_en=expected_en, exp_nl=expected_nl,
                           found=_toml_type(value))
            return _INVALID
        if field.choices is not None:
            items = converted if isinstance(converted, list) else [converted]
            for item in items:
                if item not in field.choices:
                    self.error(section, key,
                               "{where}: '{key}' = '{value}' is not one of: {choices}{hint_en}",
                               "{where}: '{key}' = '{value}' is niet een van: {choices}{hint_nl}",
                               where=where, key=key, value=item, choices=", ".join(field.choices),
                               **hints(str(item), field.choices))
                    return _INVALID
        return converted


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


_INVALID: Any = _Invalid()


def _copy_default(default: Any) -> Any:
    if isinstance(default, (list, dict)):
        return type(default)(default)
    return default


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _convert(value: object, kind: str, body_lang: str) -> Any:
    if kind == "any":
        return value
    if kind == "str":
        if not isinstance(value, str):
            return _INVALID
        # ids, statuses and keys repeat thousands of times: share one copy of each
        return sys.intern(value) if len(value) < 48 else value
    if kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else _INVALID
    if kind == "bool":
        return value if isinstance(value, bool) else _INVALID
    if kind == "date":
        if isinstance(value, dt.datetime):
            return _INVALID
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return parse_date(value) or _INVALID
        return _INVALID
    if kind == "time":
        return value if isinstance(value, str) and TIME_PATTERN.match(value) else _INVALID
    if kind == "decimal":
        return _to_decimal(value)
    if kind == "text":
        if isinstance(value, str):
            return {body_lang: value}
        if isinstance(value, dict) and value and all(
            k in m.LANGUAGES and isinstance(v, str) for k, v in value.items()
        ):
            return dict(value)
        return _INVALID
    if kind == "table":
        return value if isinstance(value, dict) else _INVALID
    if kind.startswith("list["):
        if not isinstance(value, list):
            return _INVALID
        inner = kind[5:-1]
        items = [_convert(v, inner, body_lang) for v in value]
        return _INVALID if any(i is _INVALID for i in items) else items
    raise ValueError(kind)


def _to_decimal(value: object) -> Any:
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, (int, Decimal)):
        result = Decimal(value)
        return result if result.is_finite() else _INVALID  # TOML allows nan and inf
    if isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return _INVALID
        return result if result.is_finite() else _INVALID
    return _INVALID
