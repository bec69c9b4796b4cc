"""How dates and amounts are written in running text, in each language (Babel's CLDR data).
Babel is imported only when a date or an amount is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


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
    from babel.dates import format_date

    return format_date(value, "EEEE d MMMM y", locale="nl_NL" if lang == "nl" else "en_GB")


def money(value: Decimal | None, lang: str) -> str:
    """'€ 1.234,56' in Dutch, '€1,234.56' in English."""
    if value is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(value, "EUR", locale="nl_NL" if lang == "nl" else "en_GB")
