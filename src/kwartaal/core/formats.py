"""How dates and amounts are written in running text, in each language (Babel's CLDR data).
Babel is imported only when a date or an amount is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache


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


@lru_cache(maxsize=4096)  # a site writes the same dates again and again; Babel is slow at it
def _long_date(value: dt.date, lang: str) -> str:
    from babel.dates import format_date

    return format_date(value, "EEEE d MMMM y", locale="nl_NL" if lang == "nl" else "en_GB")


def money(value: Decimal | None, lang: str) -> str:
    """'€ 1.234,56' in Dutch, '€1,234.56' in English."""
    if value is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(value, "EUR", locale="nl_NL" if lang == "nl" else "en_GB")
