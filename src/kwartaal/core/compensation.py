"""Compensation rules: what a line set costs, what counts toward the tax-free volunteer
allowance, and whether a new line would cross a limit. Decides; never prints.

Under `volunteer-allowance` the limits are per person: the hourly rate (by age band), the total
per calendar month and per calendar year. Lines count toward the month and year of the meeting
they belong to. Time fees, vouchers and other lines always count; travel and meals count unless
the body's policy says reimbursed costs do not (costs_count = false).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kwartaal.core import model as m

CENT = Decimal("0.01")
WARN_SHARE = Decimal("0.8")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class NewLine:
    person: str
    kind: str
    amount: Decimal
    hours: Decimal | None = None
    method: str = "bank"
    paid: dt.date | None = None
    note: str = ""


@dataclass(slots=True)
class Verdict:
    """The outcome of the limit check: refusals block (unless forced), warnings inform."""

    refusals: list[tuple[str, str]] = field(default_factory=list)  # (en, nl)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    unknown_year: int | None = None


def counts_toward_limits(kind: str, policy: m.CompensationPolicy) -> bool:
    if kind in ("travel", "meal"):
        return policy.costs_count
    return True


def dated_lines(body: m.Body, person: str) -> list[tuple[dt.date, m.CompensationLine]]:
    return [(mt.date, line) for mt in body.meetings for line in mt.compensation
            if line.person == person]


def totals(body: m.Body, person: str, extra: list[tuple[dt.date, NewLine]] | None = None
           ) -> tuple[dict[str, Decimal], dict[int, Decimal]]:
    """Per month (YYYY-MM) and per year: the sums that count toward the limits."""
    policy = body.config.compensation
    months: dict[str, Decimal] = defaultdict(Decimal)
    years: dict[int, Decimal] = defaultdict(Decimal)
    items: list[tuple[dt.date, str, Decimal]] = [
        (date, line.kind, line.amount) for date, line in dated_lines(body, person)]
    items += [(date, line.kind, line.amount) for date, line in (extra or [])]
    for date, kind, amount in items:
        if counts_toward_limits(kind, policy):
            months[f"{date:%Y-%m}"] += amount
            years[date.year] += amount
    return dict(months), dict(years)


def _en(value: Decimal) -> str:
    from kwartaal.core.formats import money

    return money(cents(value), "en")


def _nl(value: Decimal) -> str:
    from kwartaal.core.formats import money

    return money(cents(value), "nl")


def check_limits(body: m.Body, meeting: m.Meeting, lines: list[NewLine]) -> Verdict:
    """Would adding these lines to the meeting keep everyone within the allowance?"""
    verdict = Verdict()
    policy = body.config.compensation
    if policy.regime != "volunteer-allowance":
        return verdict
    year = meeting.date.year
    limits = policy.limits.get(year)
    if limits is None:
        verdict.unknown_year = year
        return verdict
    for line in lines:
        if line.kind == "fee" and line.hours:
            person = body.people.get(line.person)
            under21 = person is not None and person.age_band == "under-21"
            cap = limits.hour_under21 if under21 else limits.hour_21plus
            if cap is not None:
                rate = line.amount / line.hours
                if rate > cap:
                    over = cents(line.amount - cap * line.hours)
                    verdict.refusals.append((
                        f"{line.person}: {_en(rate)} an hour is above the {year} limit of "
                        f"{_en(cap)} ({'under 21' if under21 else '21+'}); the fee is "
                        f"{_en(over)} too high",
                        f"{line.person}: {_nl(rate)} per uur is boven de grens van {_nl(cap)} "
                        f"in {year} ({'onder 21' if under21 else '21+'}); de vergoeding is "
                        f"{_nl(over)} te hoog"))
    for person in dict.fromkeys(line.person for line in lines):
        extra = [(meeting.date, line) for line in lines if line.person == person]
        if not any(counts_toward_limits(line.kind, policy) for _, line in extra):
            continue
        months, years = totals(body, person, extra)
        month_key = f"{meeting.date:%Y-%m}"
        for label_en, label_nl, total, cap in (
            (f"month {month_key}", f"maand {month_key}", months.get(month_key, Decimal(0)),
             limits.month),
            (f"year {year}", f"jaar {year}", years.get(year, Decimal(0)), limits.year_total),
        ):
            if cap is None:
                continue
            if total > cap:
                verdict.refusals.append((
                    f"{person}: {label_en} would reach {_en(total)}, {_en(total - cap)} above "
                    f"the limit of {_en(cap)}; above it the whole allowance becomes taxable "
                    f"income and can cut a benefit",
                    f"{person}: {label_nl} komt op {_nl(total)}, {_nl(total - cap)} boven de "
                    f"grens van {_nl(cap)}; daarboven wordt de hele vergoeding belast inkomen "
                    f"en kan een uitkering worden gekort"))
            elif total >= cap * WARN_SHARE:
                share = int((total / cap * 100).to_integral_value(rounding="ROUND_FLOOR"))
                verdict.warnings.append((
                    f"{person}: {label_en} reaches {_en(total)}, {share}% of the limit of "
                    f"{_en(cap)}",
                    f"{person}: {label_nl} komt op {_nl(total)}, {share}% van de grens van "
                    f"{_nl(cap)}"))
    return verdict


def limit_status(body: m.Body, person: str, year: int) -> tuple[str, list[tuple[str, str]]]:
    """ok | warning | exceeded | unknown, with messages, for the overview."""
    policy = body.config.compensation
    if policy.regime != "volunteer-allowance":
        return "ok", []
    limits = policy.limits.get(year)
    if limits is None:
        return "unknown", [(f"no allowance limits known for {year}; add them with 'kwartaal "
                            f"config set compensation.limits.{year}.month ...'",
                            f"geen grenzen bekend voor {year}; voeg ze toe met 'kwartaal config "
                            f"set compensation.limits.{year}.month ...'")]
    months, years = totals(body, person)
    messages: list[tuple[str, str]] = []
    status = "ok"
    checks = [(f"month {k}", f"maand {k}", v, limits.month) for k, v in sorted(months.items())
              if k.startswith(f"{year}-")]
    checks.append((f"year {year}", f"jaar {year}", years.get(year, Decimal(0)),
                   limits.year_total))
    for label_en, label_nl, total, cap in checks:
        if cap is None:
            continue
        if total > cap:
            status = "exceeded"
            messages.append((f"{label_en}: {_en(total)} is above the limit of {_en(cap)}",
                             f"{label_nl}: {_nl(total)} is boven de grens van {_nl(cap)}"))
        elif total >= cap * WARN_SHARE:
            status = "warning" if status == "ok" else status
            messages.append((f"{label_en}: {_en(total)} is at least 80% of {_en(cap)}",
                             f"{label_nl}: {_nl(total)} is minstens 80% van {_nl(cap)}"))
    for date, line in dated_lines(body, person):
        if date.year == year and line.kind == "fee" and line.hours:
            p = body.people.get(person)
            cap = limits.hour_under21 if p and p.age_band == "under-21" else limits.hour_21plus
            if cap is not None and line.amount / line.hours > cap:
                status = "exceeded"
                messages.append((f"{line.id}: {_en(line.amount / line.hours)} an hour is above "
                                 f"{_en(cap)}",
                                 f"{line.id}: {_nl(line.amount / line.hours)} per uur is boven "
                                 f"{_nl(cap)}"))
    return status, messages


def default_lines(body: m.Body, person: str, *, hours: Decimal | None, fee: Decimal | None,
                  travel: Decimal | None, meal: Decimal | None, voucher: Decimal | None,
                  method: str | None, paid: dt.date | None,
                  use_policy: bool) -> tuple[list[NewLine], list[tuple[str, str]]]:
    """The lines for one person: given amounts, else (with use_policy) the policy's defaults.
    Returns the lines and notices about defaults that could not be applied."""
    policy = body.config.compensation
    how = method or policy.method
    lines: list[NewLine] = []
    notices: list[tuple[str, str]] = []
    if fee is None and use_policy:
        if policy.fixed_fee is not None:
            fee = policy.fixed_fee
        elif policy.hourly_rate is not None:
            hours = hours if hours is not None else policy.hours
            if hours is not None:
                fee = cents(policy.hourly_rate * hours)
    elif fee is None and hours is not None and policy.hourly_rate is not None:
        fee = cents(policy.hourly_rate * hours)
    if fee is not None:
        lines.append(NewLine(person, "fee", fee, hours, how, paid))
    if travel is None and use_policy:
        if policy.travel == "fixed" and policy.travel_amount is not None:
            travel = policy.travel_amount
        elif policy.travel == "actual":
            notices.append((f"{person}: travel is reimbursed at actual cost; add it with "
                            f"--travel when the ticket is in",
                            f"{person}: reiskosten worden vergoed op werkelijke kosten; voeg ze "
                            f"toe met --travel als het kaartje er is"))
    if travel is not None:
        lines.append(NewLine(person, "travel", travel, None, how, paid))
    if meal is None and use_policy and policy.meal is not None:
        meal = policy.meal
    if meal is not None:
        lines.append(NewLine(person, "meal", meal, None, how, paid))
    if voucher is not None:
        lines.append(NewLine(person, "voucher", voucher, None, "voucher", paid))
    return lines, notices
