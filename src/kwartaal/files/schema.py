"""What each table of the format may hold, and the conversion of raw TOML values to typed ones.

Conversion never raises: a wrong value becomes a Problem and the field falls back to its default,
so that one mistake does not hide the others. Types come first, then the rules of values.py
(ranges, ids, links, control characters), so a value that passes can be used by any command.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import snapshot as snap
from kwartaal.core import values as v
from kwartaal.core.fields import Toml, declared
from kwartaal.core.lines import Section, line_of
from kwartaal.core.problems import Problem, hints, msg

# Kept here as well: admin.py and meetings.py take them from this module.
ID_PATTERN = v.ID_PATTERN
TIME_PATTERN = v.TIME_PATTERN
# a meeting file's name: its date, and -2, -3, … for more meetings on one day
MEETING_ID = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[0-9]{1,4})?\Z")
_INVALID = v.INVALID


# A field's declaration, as core/model.py makes it for every record.
F = Toml


def spec(record: type, table: str = "") -> dict[str, F]:
    """What a table may hold: the declared keys of a record (of one table of the settings)."""
    return {decl.key: decl for decl in declared(record) if decl.table == table}


BODY = spec(m.Config, "body")
CADENCE = spec(m.Cadence)
AGENDA = spec(m.AgendaTimes)
STANDING = spec(m.StandingItem)
THEME = spec(m.Theme)
ORGANISATION = spec(m.Organisation)
COMPENSATION = spec(m.CompensationPolicy)
LIMITS = spec(m.YearLimits)
PUBLISH = spec(m.Config, "publish")
PRIVACY = spec(m.Config, "privacy")
CONFIG_TABLES = {
    "body": BODY,
    "cadence": CADENCE,
    "agenda": AGENDA,
    "standing": None,  # array of tables, STANDING
    "themes": None,  # table of tables, THEME
    "organisations": None,  # table of tables, ORGANISATION
    "compensation": COMPENSATION,
    "publish": PUBLISH,
    "privacy": PRIVACY,
}
PERSON = spec(m.Person)
MEETING = spec(m.Meeting)
HISTORY = spec(m.HistoryEntry)
MEETING_TABLES = {key: spec(record) for key, record in m.MEETING_RECORDS.items()}
APPROVED = spec(snap.Approved)
FROZEN_ACTION = spec(snap.FrozenAction)


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
        if type(raw) is dict:
            out = quick_table(raw, spec)
            if out is not None:
                return out
        return self.full_table(raw, spec, section, where)

    def full_table(self, raw: object, spec: dict[str, F], section: Section,
                   where: str) -> dict[str, Any]:
        """table() for every table, valid or not: each problem reported where it is found."""
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
        # copy_abs, not abs(): abs() rounds to the context and overflows on 1e1000000
        if field.kind == "decimal" and item.copy_abs() >= v.AMOUNT_MAX:
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


# -- the quick path: a valid table in one pass ---------------------------------------------------
#
# Nearly every table of a body is valid. For those, one function made once per table spec (from
# source, as fields.build makes its record makers) copies the table and tests each declared key's
# value in place — its type, range, choices and rule, as full_table tests them — and converts it
# as full_table would; a missing key gets its default, after the keys that are there, in declared
# order, as full_table adds them. It gives None at the first thing it does not take as it stands
# (an unknown key, a wrong value, a missing required key, a kind it leaves to the general code):
# full_table then converts the table from the start, so problems and values are its own.


def _quick_source(key: str, field: F, n: int, names: dict[str, Any]) -> list[str] | None:
    """The lines testing and converting one key's value `x` (present), or None for a kind left
    to full_table."""
    kind, rule, choices = field.kind, field.rule, field.choices
    if rule is not None:
        names[f"valid{n}"] = v.VALID[rule]
        if rule in _REMEMBERED:
            names[f"known{n}"], names[f"learn{n}"] = _REMEMBERED[rule]
    if choices is not None:
        names[f"choices{n}"] = choices
    shared = [f"    if len(x) < 48: out[{key!r}] = intern(x)"]
    if kind == "any":
        return []
    if kind == "str":
        if choices is not None:
            return [f"    if type(x) is not str or x not in choices{n}: return None", *shared]
        return [f"    if type(x) is not str{_rule_test(rule, n, 'x')}: return None", *shared]
    if choices is not None:
        return None
    if kind == "bool":
        return ["    if type(x) is not bool: return None"]
    if kind == "date":
        return ["    if type(x) is not date or not date_min <= x <= date_max: return None"]
    if kind == "int":
        if field.lo is None:
            return ["    if type(x) is not int: return None"]
        names[f"lo{n}"], names[f"hi{n}"] = field.lo, field.hi
        return [f"    if type(x) is not int or not lo{n} <= x <= hi{n}: return None"]
    if kind == "time":
        return ["    if type(x) is not str or not time(x): return None"]
    if kind == "decimal" and field.lo is None:
        return ["    if type(x) is not Decimal and type(x) is not int: return None",
                "    x = Decimal(x)",
                "    if not x.is_finite() or x.copy_abs() >= amount_max: return None",
                f"    out[{key!r}] = x"]
    if kind == "list[str]" and field.lo is None:
        test = _rule_test(rule, n, "y")
        return ["    if type(x) is not list: return None",
                "    for y in x:",
                f"        if type(y) is not str{test}: return None",
                f"    out[{key!r}] = [intern(y) if len(y) < 48 else y for y in x]"]
    return None


def _rule_test(rule: str | None, n: int, name: str) -> str:
    """The source that refuses a text breaking its rule: ids (a few dozen, used thousands of
    times) are looked up among those already found valid; a printable ASCII line or text
    holds no control character, so it is valid without the expression (a million tests at
    4,000 meetings). Any other text is tested by the rule itself, as full_table tests it."""
    if rule is None:
        return ""
    if rule in _REMEMBERED:
        return f" or ({name} not in known{n} and not learn{n}({name}))"
    if rule in ("line", "text"):
        return f" or not (({name}.isascii() and {name}.isprintable()) or valid{n}({name}))"
    return f" or not valid{n}({name})"


def _remembered(rule: str) -> tuple[set[str], Callable[[str], bool]]:
    """The ids found valid by a rule, and the test that adds to them (at most 65,536: ids
    are short, so this stays under a few megabytes)."""
    known: set[str] = set()
    test = v.VALID[rule]

    def learn(value: str) -> bool:
        if not test(value):
            return False
        if len(known) < 65_536:
            known.add(value)
        return True

    return known, learn


_REMEMBERED = {rule: _remembered(rule) for rule in ("id", "opt-id", "ref")}


def _quick_names(spec: dict[str, F]) -> dict[str, Any]:
    """The globals of the code of a spec's quick path."""
    return {"intern": sys.intern, "date": dt.date, "Decimal": Decimal, "date_min": v.DATE_MIN,
            "date_max": v.DATE_MAX, "amount_max": v.AMOUNT_MAX, "time": v.TIME_PATTERN.match,
            "keys": frozenset(spec), "missing": _MISSING}


def _quick_maker(spec: dict[str, F], check_only: bool = False,
                 ) -> Callable[[dict[str, Any]], dict[str, Any] | None] | None:
    """The quick path of one table spec; check_only: the same tests without converting (it
    gives the table itself, or None)."""
    names = _quick_names(spec)
    lines = ["def quick(raw):", "  if not raw.keys() <= keys: return None",
             "  out = raw" if check_only else "  out = dict(raw)"]
    for n, (key, field) in enumerate(spec.items()):
        test = _quick_source(key, field, n, names)
        if test is None:
            return None
        if check_only:
            test = [line for line in test if "out[" not in line]
        lines.append(f"  x = out.get({key!r}, missing)")
        lines.append("  if x is missing:")
        if field.required:
            lines.append("    return None")
        elif check_only:
            lines.append("    pass")
        elif isinstance(field.default, (list, dict)):
            names[f"default{n}"] = field.default
            lines.append(f"    out[{key!r}] = type(default{n})(default{n})")
        else:
            names[f"default{n}"] = field.default
            lines.append(f"    out[{key!r}] = default{n}")
        if test:
            lines.append("  else:")
            lines.extend(f"  {line}" for line in test)
    lines.append("  return out")
    exec("\n".join(lines), names)  # noqa: S102 - the source holds only keys and fixed code
    return names["quick"]  # type: ignore[no-any-return]


_MISSING: Any = object()
_Quick = Callable[[dict[str, Any]], dict[str, Any] | None]
_QUICK: dict[int, tuple[dict[str, F], _Quick | None, _Quick | None]] = {}


def _quick_of(spec: dict[str, F]) -> tuple[dict[str, F], _Quick | None, _Quick | None]:
    found = _QUICK.get(id(spec))
    if found is None or found[0] is not spec:
        if len(_QUICK) > 256:  # specs made on the fly: keep only the recent ones
            _QUICK.clear()
        found = _QUICK[id(spec)] = (spec, _quick_maker(spec), _quick_maker(spec, True))
    return found


def quick_table(raw: dict[str, Any], spec: dict[str, F]) -> dict[str, Any] | None:
    """What full_table gives for a table it finds valid, or None when the table needs
    full_table (it may be valid all the same)."""
    found = _QUICK.get(id(spec))  # _quick_of, without a call: this runs for every table
    if found is None or found[0] is not spec:
        found = _quick_of(spec)
    quick = found[1]
    return None if quick is None else quick(raw)


def quick_valid(raw: dict[str, Any], spec: dict[str, F]) -> bool:
    """Whether quick_table takes the table (without converting it): for tables whose values
    are not needed, only known to be valid."""
    check = _quick_of(spec)[2]
    return check is not None and check(raw) is not None


def quick_checker(spec: dict[str, F]) -> _Quick | None:
    """quick_valid of one spec as a function of the table (the table itself when valid, else
    None), for a loop over many tables of that spec; None when no table takes the quick path."""
    return _quick_of(spec)[2]


def quick_locals(spec: dict[str, F], names: dict[str, Any]) -> list[str] | None:
    """The quick path of one table spec as lines of a function of `raw` that leave each key's
    converted value in a local, c0, c1, … in the spec's order (for code that uses the values
    at once: files/forms.py), and return None where the quick path gives None; None when a
    kind is left to full_table. names: the function's globals, filled in here."""
    names.update(_quick_names(spec))
    lines = ["    if not raw.keys() <= keys: return None"]
    for n, (key, field) in enumerate(spec.items()):
        test = _quick_source(key, field, n, names)
        if test is None:
            return None
        lines += [f"    x = raw.get({key!r}, missing)", "    if x is missing:"]
        if field.required:
            lines.append("        return None")
        else:
            names[f"default{n}"] = field.default
            lines.append(f"        x = type(default{n})(default{n})"
                         if isinstance(field.default, (list, dict)) else f"        x = default{n}")
        if test:  # the converted value is the one quick_table puts in its table
            lines.append("    else:")
            lines += [f"    {line.replace(f'out[{key!r}] =', 'x =')}" for line in test]
        lines.append(f"    c{n} = x")
    return lines
