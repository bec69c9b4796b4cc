"""The values TOML has and marshal does not keep (exact decimals, dates, times, date-times), as
tagged tuples: how the parse index stores them (files/parsed.py, files/records.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def tag_scalar(value: Any) -> tuple[Any, ...]:
    """A decimal, date-time, date or time as a tagged tuple marshal keeps (parsed.py too)."""
    if isinstance(value, Decimal):
        return ("D", str(value))
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        offset = value.utcoffset()
        return ("T", value.replace(tzinfo=None).isoformat(),
                None if offset is None else offset // dt.timedelta(microseconds=1))
    if isinstance(value, dt.date):
        return ("d", value.toordinal())
    if isinstance(value, dt.time):
        return ("t", value.isoformat())
    raise TypeError(f"not a TOML value: {type(value).__name__}")


def untag_scalar(value: tuple[Any, ...]) -> Any:
    """What tag_scalar tagged."""
    tag = value[0]
    if tag == "D":
        return Decimal(value[1])
    if tag == "d":
        return dt.date.fromordinal(value[1])
    if tag == "t":
        return dt.time.fromisoformat(value[1])
    moment = dt.datetime.fromisoformat(value[1])
    if value[2] is None:
        return moment
    return moment.replace(tzinfo=dt.timezone(dt.timedelta(microseconds=value[2])))
