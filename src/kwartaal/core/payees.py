"""Who is paid for a compensation line, and what the bank statement says.

A line is paid to the person, unless an organisation that accepts payments ([organisations.KEY]
with payee = true) is named as its payee: on the line itself (`payee` of a [[compensation]]
table, which may also name the line's own person: paid to them), or else on the person in
people.toml. Money then goes straight to that organisation,
which passes it on; the finance export names the organisation, never the person. The limits of
the volunteer allowance still count per person (core/compensation.py).

The payment description is a pattern: {month} becomes the month of the meeting paid for, in the
body's language ("vergoeding overleg december 2025"). Decides and renders text; never prints.
"""

from __future__ import annotations

import datetime as dt
import re

from kwartaal.core import model as m
from kwartaal.core.formats import locale_of
from kwartaal.core.problems import Msg, hints, msg

MONTH = "{month}"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def payee_key(body: m.Body, line: m.CompensationLine) -> str:
    """The key of the organisation a line is paid to, or "" when it is paid to the person (a
    line's `payee` may name its own person: paid to them, whatever their payee says)."""
    if line.payee == line.person:
        return ""
    if line.payee:
        return line.payee
    person = body.people.get(line.person)
    return person.payee if person is not None else ""


def payee_of(body: m.Body, line: m.CompensationLine) -> m.Organisation | None:
    return body.config.organisations.get(payee_key(body, line))


def resolve_payee(config: m.Config, text: str) -> str:
    """An organisation as a person types it, by key or by name, as its key; "" stays "" (paid
    to the person). Text that names no organisation is returned as given, for payee_refusal."""
    from kwartaal.core.organisations import organisation_named

    text = text.strip()
    found = organisation_named(config, text) if text else None
    return found.key if found is not None else text


def payee_refusal(config: m.Config, key: str) -> Msg | None:
    """Why an organisation key cannot be a payee, or None when it can (or none is given)."""
    if not key:
        return None
    organisations = config.organisations
    found = organisations.get(key)
    if found is None:
        return msg(
            "'{key}' is not an organisation of kwartaal.toml{hint}; a payee is the key of an "
            "[organisations.KEY] table that accepts payments (payee = true). Known: {known}",
            key=key, known=", ".join(organisations) or "-", **hints(key, organisations))
    if not found.payee:
        return msg(
            "organisation '{key}' does not accept payments; if it does, say so in kwartaal.toml "
            "(kwartaal config set organisations.{key}.payee true)", key=key)
    return None


def description_problem(pattern: str) -> Msg | None:
    """What is wrong with a payment description pattern: a placeholder other than {month}, or
    a brace that opens or closes nothing."""
    unknown = [found for found in _PLACEHOLDER.findall(pattern) if found != MONTH]
    rest = _PLACEHOLDER.sub("", pattern)
    if unknown or "{" in rest or "}" in rest:
        return msg(
            "[compensation] description: '{text}' holds {found}; the description knows one "
            "placeholder, {known}, the month of the meeting paid for (braces are for it only)",
            text=pattern, found=", ".join(unknown) or msg("a lone brace"), known=MONTH)
    return None


def month_name(day: dt.date, lang: str) -> str:
    """'december 2025' / 'December 2025'."""
    from babel.dates import format_date

    return format_date(day, "MMMM y", locale=locale_of(lang))


def payment_description(config: m.Config, days: list[dt.date]) -> str:
    """The description for a payment covering meetings on these days: {month} becomes their
    month, or their year when they span several months (a total), in the body's language."""
    pattern = config.compensation.description
    if MONTH not in pattern:
        return pattern
    months = sorted({(day.year, day.month) for day in days})
    if len(months) == 1:
        when = month_name(dt.date(*months[0], 1), config.language)
    else:
        when = "–".join(sorted({str(year) for year, _ in months}))
    return " ".join(pattern.replace(MONTH, when).split())
