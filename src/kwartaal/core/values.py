"""Raw TOML values to typed ones, and the rules every value obeys beyond its type.

A value that passes these rules can be used by every command without further checks: dates lie
in 1900–2999 (so a day or a year later still exists), numbers that become minutes or calendar
times are bounded, ids can never name a path, links are web links, and single-line texts hold
no line break or other control character (they end up in e-mail headers, calendar lines, CSV
cells and file names).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from kwartaal.core.problems import Msg, msg
from kwartaal.core.words import N_

YEAR_MIN, YEAR_MAX = 1900, 2999
DATE_MIN, DATE_MAX = dt.date(YEAR_MIN, 1, 1), dt.date(YEAR_MAX, 12, 31)
MINUTES_MAX = 24 * 60  # a meeting, an agenda item, a part of the agenda: at most a day
AMOUNT_MAX = Decimal(1_000_000_000)  # far above any payment; keeps exact cents exact
MAX_FILE_BYTES = 5 * 1024 * 1024  # a body file beyond this is refused; 4,000 meetings fit in one
ID_MAX = 64
# Languages of documents and of texts given per language: the lowest module holds them
# because the record declarations in model.py are made of these rules.
LANGUAGES = ("nl", "en")

# \Z, not $: "$" also matches before a final line break, which would let "roos\n" through.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}\Z")
TIME_PATTERN = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]\Z")
_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # C0, DEL, C1, line separators
_TEXT_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab and line breaks allowed
_URL = re.compile(r"^https?://[^\s/?#@\\<>\"'`]+(?:[/?#][^\s<>\"`]*)?\Z", re.IGNORECASE)


def _url(value: str) -> bool:
    return not value or (_URL.match(value) is not None and _LINE_BAD.search(value) is None)


# rule name -> test of one text, used by schema.F(rule=...). Each runs for every text of every
# file, so each is one call into C where it can be: a match of the whole text, truthy or None.
VALID: dict[str, Callable[[str], object]] = {
    "line": re.compile(r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]*\Z").match,
    "text": re.compile(r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*\Z").match,
    "id": ID_PATTERN.match,
    "opt-id": re.compile(r"(?:[a-z0-9][a-z0-9_\-]{0,63})?\Z").match,
    # a reference to a record: a local id, or a full one with its meeting (2025-06-12/p2)
    "ref": re.compile(r"(?:(?:[0-9]{4}-[0-9]{2}-[0-9]{2}(?:-[0-9]{1,4})?/)?"
                      r"[a-z0-9][a-z0-9_\-]{0,63})?\Z").match,
    "url": _url,
    # a person's name or alias: public output hides a hidden one wherever it occurs, so a
    # name of punctuation or spaces only would hide every full stop
    "name": re.compile(r"(?=[^\x00-\x1f\x7f-\x9f\u2028\u2029]*?[^\W_])"
                        r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]*\Z").match,
}

_RULE_TEXT = {
    "line": N_("holds a line break, tab or other control character ({char}); write it on one "
               "line"),
    "text": N_("holds a control character ({char}); remove it"),
    "id": N_("is not an id: lower-case letters, digits, '-' and '_', starting with a letter or"
             " digit, at most 64 characters"),
    "opt-id": N_("is not an id: lower-case letters, digits, '-' and '_', starting with a letter or"
                 " digit, at most 64 characters"),
    "ref": N_("is not an id or a record id (such as roos, p2 or 2025-06-12/p2)"),
    "name": N_("is not a name: it holds no letter or digit, or a control character"),
    "url": N_("is not a web link: it must start with https:// or http:// and hold no spaces or "
              "line breaks"),
}


def shown(value: object, limit: int = 60) -> str:
    """A value as a message shows it: control characters escaped, long texts cut."""
    text = str(value)
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return _LINE_BAD.sub(lambda found: repr(found.group())[1:-1], cut)


def rule_problem(rule: str, value: str) -> Msg | None:
    """Why value breaks rule, or None when it does not."""
    if VALID[rule](value):
        return None
    bad = (_TEXT_BAD if rule == "text" else _LINE_BAD).search(value)
    return Msg(_RULE_TEXT[rule], {"char": f"U+{ord(bad.group()):04X}" if bad else ""})


def in_date_range(value: dt.date) -> bool:
    return DATE_MIN <= value <= DATE_MAX


# -- conversion ---------------------------------------------------------------------------------

TYPE_NAMES = {
    "str": msg("text (in quotes)"),
    "int": msg("a whole number"),
    "bool": msg("true or false"),
    "date": msg("a date (YYYY-MM-DD)"),
    "time": msg("a time (HH:MM, in quotes)"),
    "decimal": msg("an amount (e.g. 12.50)"),
    "text": msg("text, or a table of texts per language"),
    "list[str]": msg("a list of texts"),
    "list[int]": msg("a list of whole numbers"),
    "list[date]": msg("a list of dates"),
    "table": msg("a table"),
}


def toml_type(value: object) -> str:
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


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


INVALID: Any = _Invalid()


def copy_default(default: Any) -> Any:
    if isinstance(default, (list, dict)):
        return type(default)(default)
    return default


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def convert(value: object, kind: str, body_lang: str) -> Any:
    """The typed value, or INVALID when value is not of the kind (ranges are checked apart)."""
    if kind == "any":
        return value
    if kind == "str":
        if not isinstance(value, str):
            return INVALID
        # ids, statuses and keys repeat thousands of times: share one copy of each
        return sys.intern(value) if len(value) < 48 else value
    if kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else INVALID
    if kind == "bool":
        return value if isinstance(value, bool) else INVALID
    if kind == "date":
        if isinstance(value, dt.datetime):
            return INVALID
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            return parse_date(value) or INVALID
        return INVALID
    if kind == "time":
        return value if isinstance(value, str) and TIME_PATTERN.match(value) else INVALID
    if kind == "decimal":
        return to_decimal(value)
    if kind == "text":
        if isinstance(value, str):
            return {body_lang: value}
        if isinstance(value, dict) and value and all(
            k in LANGUAGES and isinstance(v, str) for k, v in value.items()
        ):
            return dict(value)
        return INVALID
    if kind == "table":
        return value if isinstance(value, dict) else INVALID
    if kind.startswith("list["):
        if not isinstance(value, list):
            return INVALID
        inner = kind[5:-1]
        items = [convert(v, inner, body_lang) for v in value]
        return INVALID if any(i is INVALID for i in items) else items
    raise ValueError(kind)


def to_decimal(value: object) -> Any:
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, (int, Decimal)):
        result = Decimal(value)
        return result if result.is_finite() else INVALID  # TOML allows nan and inf
    if isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return INVALID
        return result if result.is_finite() else INVALID
    return INVALID
