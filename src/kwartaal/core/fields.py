"""Each field of a record declared once: how it is written in TOML (key, type, the rules of
values.py it obeys, required or not, its default, whether public output shows it as free text),
or that it is derived (its file, its full id, a nested table).

The records in model.py and settings.py declare their fields with `toml` and `derived`. From
those declarations come the schema checks (files/schema.py), the records the loader builds
(`build`), the tables edits write (`toml_table`, `record_table`) and the free texts the
privacy lint reads (`public_fields`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kwartaal.core.values import MINUTES_MAX


@dataclass(frozen=True, slots=True)
class Toml:
    """How one field is written in TOML, and what a value must be to be read.

    The converter in files/schema.py reads kind, required, choices, default, rule, lo and hi for
    every value of every file, so they are plain attributes."""

    kind: str  # str int bool date time decimal text list[str] list[int] list[date] table any
    required: bool = False
    choices: tuple[Any, ...] | None = None
    default: Any = None  # the value when the key is missing or wrong
    rule: str | None = None  # for texts: a key of values.VALID (line, text, id, opt-id, …)
    lo: int | None = None  # for whole numbers: the smallest and largest allowed
    hi: int | None = None
    key: str = ""  # the TOML key; empty: the field's own name
    table: str = ""  # for the settings: the table of kwartaal.toml the key stands in
    public: bool = False  # free text that public output shows: read by the privacy lint
    help: str = ""
    name: str = ""  # the field's name, filled in by `declared`


def toml(kind: str, *, init: Any = dataclasses.MISSING, **declaration: Any) -> Any:
    """A field read from a TOML key. `init` is the dataclass default, for records made in code
    without every field."""
    extra: dict[str, Any] = {}
    if isinstance(init, (list, dict)):
        extra["default_factory"] = type(init)
    elif init is not dataclasses.MISSING:
        extra["default"] = init
    return field(metadata={"toml": Toml(kind, **declaration)}, **extra)


def derived(why: str, *, init: Any = dataclasses.MISSING) -> Any:
    """A field not written under a key of its own: its file, its full id, a nested table."""
    extra: dict[str, Any] = {}
    if isinstance(init, (list, dict)):
        extra["default_factory"] = type(init)
    elif init is not dataclasses.MISSING:
        extra["default"] = init
    return field(metadata={"derived": why}, **extra)


_DECLARED: dict[type, tuple[Toml, ...]] = {}


def declared(cls: type) -> tuple[Toml, ...]:
    """The TOML declarations of a record's fields, in the order of the fields, each with its
    field name and key filled in."""
    found = _DECLARED.get(cls)
    if found is None:
        found = tuple(dataclasses.replace(decl, name=f.name, key=decl.key or f.name)
                      for f in dataclasses.fields(cls)
                      if (decl := f.metadata.get("toml")) is not None)
        _DECLARED[cls] = found
    return found


def toml_table(cls: type, **values: Any) -> dict[str, Any]:
    """Values given by field name as a TOML table for a new record: declared keys in declared
    order; None left out (the key then takes its default when read)."""
    table = {decl.key: values.pop(decl.name) for decl in declared(cls) if decl.name in values}
    if values:
        raise TypeError(f"{cls.__name__} declares no TOML key for {sorted(values)}")
    return {key: value for key, value in table.items() if value is not None}


def record_table(record: Any, table: str = "") -> dict[str, Any]:
    """A record's declared fields as a TOML table, in declared order (None left out); records
    nested in a list (an action's history) become tables."""
    out: dict[str, Any] = {}
    for decl in declared(type(record)):
        value = getattr(record, decl.name)
        if decl.table != table or value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = [record_table(item) if dataclasses.is_dataclass(item) else item
                     for item in value]
        out[decl.key] = value
    return out


def public_fields(cls: type, table: str = "") -> tuple[Toml, ...]:
    """The free-text fields that public output shows, which the privacy lint reads (asked
    for every record of every file: kept)."""
    found = _PUBLIC.get((cls, table))
    if found is None:
        found = _PUBLIC[cls, table] = tuple(decl for decl in declared(cls)
                                            if decl.public and decl.table == table)
    return found


_PUBLIC: dict[tuple[type, str], tuple[Toml, ...]] = {}


def public_values(record: Any, table: str = "") -> list[tuple[Toml, str]]:
    """Each text of a record that public output may show, with its field (a field of texts
    per language gives each of them)."""
    out: list[tuple[Toml, str]] = []
    for decl in public_fields(type(record), table):
        value = getattr(record, decl.name)
        out += [(decl, text) for text in (value.values() if isinstance(value, dict) else
                                          (value,)) if isinstance(text, str)]
    return out


def build(record: type, values: dict[str, Any], **given: Any) -> Any:
    """A record from the converted values of its table: each declared field takes the value of
    its key; `given` sets the derived fields and any the builder decides itself."""
    make = _MAKERS.get((record, *given))
    if make is None:
        make = _MAKERS[(record, *given)] = _maker(record, tuple(given))
    return make(values, given)


def _maker(record: type, given: tuple[str, ...]) -> Any:
    """A function building the record as a hand-written call would, one argument per field:
    it runs for every record of every file, and a general loop over the fields with keyword
    arguments made building a meeting a fifth slower. Made from source, as dataclasses makes
    __init__; the source holds only field names and keys of the declarations."""
    keys = {decl.name: decl.key for decl in declared(record)}
    arguments, positional = [], True
    for f in dataclasses.fields(record):
        if not f.init or (f.name not in given and f.name not in keys):
            positional = False  # left to its default: the fields after it go by name
            continue
        value = f"given[{f.name!r}]" if f.name in given else f"values[{keys[f.name]!r}]"
        positional = positional and not f.kw_only
        arguments.append(value if positional else f"{f.name}={value}")
    return eval(f"lambda values, given: record({', '.join(arguments)})",  # noqa: S307
                {"record": record})


_MAKERS: dict[tuple[object, ...], Any] = {}


@dataclass(frozen=True, slots=True)
class Source:
    """A record's file and table; its line is looked up only when asked for."""

    path: Path
    section: tuple[object, ...] = ()

    @property
    def line(self) -> int | None:
        from kwartaal.core.lines import line_of

        return line_of(self.path, self.section)


# -- shorthands for the declarations of core/model.py and core/settings.py ---------------

def line_field(default: Any = "", **more: Any) -> Any:
    return toml("str", default=default, rule="line", **more)


def id_field(default: Any = "", **more: Any) -> Any:
    """An id that must be there (a record's own, an owner) when given at all."""
    return toml("str", default=default, rule="id", **more)


def opt_id_field(default: Any = "", **more: Any) -> Any:
    """A reference that may be left empty (a proposer, a theme)."""
    return toml("str", default=default, rule="opt-id", **more)


def ref_field(**more: Any) -> Any:
    """A reference to a record: a local id or a full one (2025-06-12/p2)."""
    return toml("str", default="", rule="ref", **more)


def ids_field(**more: Any) -> Any:
    return toml("list[str]", default=[], rule="id", **more)


def minutes_field(default: Any = None, lo: int = 0, **more: Any) -> Any:
    return toml("int", default=default, lo=lo, hi=MINUTES_MAX, **more)


def flag_field(default: bool | None = False, **more: Any) -> Any:
    return toml("bool", default=default, **more)


def local_id_field() -> Any:
    return id_field(None, required=True, key="id", help="the id within its meeting (p2, a-7kq2)")


def full_id_field() -> Any:
    return derived("the meeting's id and the local id: 2025-06-12/p2")


def source_field() -> Any:
    return derived("the file and table the record was read from")
