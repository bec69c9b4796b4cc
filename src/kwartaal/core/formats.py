"""How dates and amounts are written in running text, in each language (Babel's CLDR data).
Babel is imported only when a date or an amount is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache


def long_date(value: dt.date | str | None, lang: str) -> str:
    """'donderdag 12 maart 2026' / 'Thursday 12 March 2026': how running text gives a date
    (tables and files keep YYYY-MM-DD). A date may come as that text (template data)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return _long_date(value, lang)


def _long_date(value: dt.date, lang: str) -> str:
    """Babel's format_date(value, LONG_DATE, locale) with the names it takes looked up once:
    a site of 4,000 meetings writes thousands of dates, each a tenth of a millisecond in
    format_date (tests/test_document_dates.py holds the two equal, years 1 to 9999)."""
    days, months = _names(locale_of(lang))
    return f"{days[value.weekday()]} {value.day} {months[value.month]} {value.year}"


LONG_DATE = "EEEE d MMMM y"  # the day's name, its number, the month's name, the year


def locale_of(lang: str) -> str:
    """The locale of Babel's data a language is written in: Dutch or else British English."""
    return "nl_NL" if lang == "nl" else "en_GB"


@cache
def _names(locale: str) -> tuple[dict[int, str], dict[int, str]]:
    """The names of the days (Monday 0) and months (January 1) of LONG_DATE, in a locale."""
    from babel.dates import get_day_names, get_month_names

    return (dict(get_day_names("wide", "format", locale)),
            dict(get_month_names("wide", "format", locale)))


def money(value: Decimal | None, lang: str) -> str:
    """'€ 1.234,56' in Dutch, '€1,234.56' in English."""
    if value is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(value, "EUR", locale=locale_of(lang))
