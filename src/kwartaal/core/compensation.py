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
from kwartaal.core.problems import Msg, msg

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
    payee: str = ""  # an organisation paid instead of the person (core/payees.py)


@dataclass(slots=True)
class Verdict:
    """The outcome of the limit check: refusals block (unless forced), warnings inform."""

    refusals: list[Msg] = field(default_factory=list)
    warnings: list[Msg] = field(default_factory=list)
    unknown_year: int | None = None


def counts_toward_limits(kind: str, policy: m.CompensationPolicy) -> bool:
    if kind in ("travel", "meal"):
        return policy.costs_count
    return True


def year_lines(body: m.Body, year: int, person: str | None = None,
               ) -> list[tuple[m.Meeting, m.CompensationLine]]:
    """The lines that count (not void) of the year's meetings; person: only theirs."""
    return [(meeting, line) for meeting in body.meetings if meeting.date.year == year
            for line in meeting.compensation
            if line.counts and (person is None or line.person == person)]


def dated_lines(body: m.Body, person: str) -> list[tuple[dt.date, m.CompensationLine]]:
    """A person's lines that count (void ones do not), with their meeting's date."""
    return [(mt.date, line) for mt in body.meetings for line in mt.compensation
            if line.person == person and line.counts]


def totals(body: m.Body, person: str, extra: list[tuple[dt.date, NewLine]] | None = None,
           without: str = "") -> tuple[dict[str, Decimal], dict[int, Decimal]]:
    """Per month (YYYY-MM) and per year: the sums that count toward the limits. without: the
    id of a line left out (the one a correction replaces)."""
    policy = body.config.compensation
    months: dict[str, Decimal] = defaultdict(Decimal)
    years: dict[int, Decimal] = defaultdict(Decimal)
    items: list[tuple[dt.date, str, Decimal]] = [
        (date, line.kind, line.amount) for date, line in dated_lines(body, person)
        if line.id != without]
    items += [(date, line.kind, line.amount) for date, line in (extra or [])]
    for date, kind, amount in items:
        if counts_toward_limits(kind, policy):
            months[f"{date:%Y-%m}"] += amount
            years[date.year] += amount
    return dict(months), dict(years)


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount in a message, written the way the reader's language writes money."""

    value: Decimal

    def render(self, lang: str) -> str:
        from kwartaal.core.formats import money

        return money(cents(self.value), lang)


def check_limits(body: m.Body, meeting: m.Meeting, lines: list[NewLine],
                 replacing: str = "") -> Verdict:
    """Would adding these lines to the meeting keep everyone within the allowance?
    replacing: the id of a line that these lines replace (a corrected line)."""
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
                    verdict.refusals.append(msg(
                        "{person}: {rate} an hour is above the {year} limit of {cap} ({band}); "
                        "the fee is {over} too high", person=line.person, rate=Amount(rate),
                        year=year, cap=Amount(cap), over=Amount(over),
                        band=msg("under 21") if under21 else "21+"))
    for person in dict.fromkeys(line.person for line in lines):
        extra = [(meeting.date, line) for line in lines if line.person == person]
        if not any(counts_toward_limits(line.kind, policy) for _, line in extra):
            continue
        months, years = totals(body, person, extra, without=replacing)
        month_key = f"{meeting.date:%Y-%m}"
        for label, total, cap in (
            (msg("month {month}", month=month_key), months.get(month_key, Decimal(0)),
             limits.month),
            (msg("year {year}", year=year), years.get(year, Decimal(0)), limits.year_total),
        ):
            if cap is None:
                continue
            if total > cap:
                verdict.refusals.append(msg(
                    "{person}: {label} would reach {total}, {over} above the limit of {cap}; "
                    "above it the whole allowance becomes taxable income and can cut a benefit",
                    person=person, label=label, total=Amount(total), over=Amount(total - cap),
                    cap=Amount(cap)))
            elif total >= cap * WARN_SHARE:
                share = int((total / cap * 100).to_integral_value(rounding="ROUND_FLOOR"))
                verdict.warnings.append(msg(
                    "{person}: {label} reaches {total}, {share}% of the limit of {cap}",
                    person=person, label=label, total=Amount(total), share=share,
                    cap=Amount(cap)))
    return verdict


def line_refusals(body: m.Body, line: NewLine) -> list[Msg]:
    """The rules every new or corrected line obeys, whichever way it is recorded: a fee under
    the volunteer allowance says its hours (else the hourly limit cannot be checked) unless it
    is the policy's flat fee, and only people marked compensated are paid."""
    policy = body.config.compensation
    refusals: list[Msg] = []
    person = body.people.get(line.person)
    if person is not None and not person.compensated:
        refusals.append(msg(
            "{person} is not marked compensated in people.toml, so nothing is paid to them; if "
            "they should be paid, mark them first: kwartaal person set {person} --compensated",
            person=line.person))
    if (line.kind == "fee" and not line.hours and policy.regime == "volunteer-allowance"
            and (policy.fixed_fee is None or line.amount != policy.fixed_fee)):
        refusals.append(msg(
            "{person}: a fee needs its hours (--hours), so that the hourly limit can be "
            "checked; only the policy's flat fee ([compensation] fixed_fee) goes without",
            person=line.person))
    return refusals


def limit_findings(body: m.Body) -> list[tuple[m.CompensationLine, str, Msg]]:
    """Every line that counts, checked against the limits known now (a year's limits may have
    been filled in after its lines were recorded): (line, "warning", message). Warnings, not
    errors: a line above a limit may have been recorded on purpose (--force), and it stays a
    fact to act on. A month or year over its limit is reported at the line that takes it
    over."""
    policy = body.config.compensation
    found: list[tuple[m.CompensationLine, str, Msg]] = []
    if policy.regime != "volunteer-allowance":
        return found
    running: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    reported: set[tuple[str, str]] = set()
    for meeting in body.meetings:
        limits = policy.limits.get(meeting.date.year)
        if limits is None:
            continue
        for line in meeting.compensation:
            if not line.counts:
                continue
            person = body.people.get(line.person)
            if line.kind == "fee" and line.hours:
                under21 = person is not None and person.age_band == "under-21"
                cap = limits.hour_under21 if under21 else limits.hour_21plus
                if cap is not None and line.amount / line.hours > cap:
                    found.append((line, "warning", msg(
                        "compensation line {id}: {rate} an hour is above the {year} limit of "
                        "{cap}", id=line.id, rate=Amount(line.amount / line.hours),
                        year=meeting.date.year, cap=Amount(cap))))
            if not counts_toward_limits(line.kind, policy):
                continue
            for period, cap in ((f"{meeting.date:%Y-%m}", limits.month),
                                (str(meeting.date.year), limits.year_total)):
                key = (line.person, period)
                running[key] += line.amount
                if cap is None or key in reported:
                    continue
                if running[key] > cap:
                    reported.add(key)
                    found.append((line, "warning", msg(
                        "compensation line {id}: {person} reaches {total} in {period}, above "
                        "the limit of {cap}; above it the whole allowance becomes taxable",
                        id=line.id, person=line.person, total=Amount(running[key]),
                        period=period, cap=Amount(cap))))
    return found


def limit_status(body: m.Body, person: str, year: int) -> tuple[str, list[Msg]]:
    """ok | warning | exceeded | unknown, with messages, for the overview."""
    policy = body.config.compensation
    if policy.regime != "volunteer-allowance":
        return "ok", []
    limits = policy.limits.get(year)
    if limits is None:
        return "unknown", [msg("no allowance limits known for {year}; add them with 'kwartaal "
                               "config set compensation.limits.{year}.month ...'", year=year)]
    months, years = totals(body, person)
    messages: list[Msg] = []
    status = "ok"
    checks = [(msg("month {month}", month=k), v, limits.month)
              for k, v in sorted(months.items()) if k.startswith(f"{year}-")]
    checks.append((msg("year {year}", year=year), years.get(year, Decimal(0)),
                   limits.year_total))
    for label, total, cap in checks:
        if cap is None:
            continue
        if total > cap:
            status = "exceeded"
            messages.append(msg("{label}: {total} is above the limit of {cap}", label=label,
                                total=Amount(total), cap=Amount(cap)))
        elif total >= cap * WARN_SHARE:
            status = "warning" if status == "ok" else status
            messages.append(msg("{label}: {total} is at least 80% of {cap}", label=label,
                                total=Amount(total), cap=Amount(cap)))
    for date, line in dated_lines(body, person):
        if date.year == year and line.kind == "fee" and line.hours:
            p = body.people.get(person)
            cap = limits.hour_under21 if p and p.age_band == "under-21" else limits.hour_21plus
            if cap is not None and line.amount / line.hours > cap:
                status = "exceeded"
                messages.append(msg("{id}: {rate} an hour is above {cap}", id=line.id,
                                    rate=Amount(line.amount / line.hours), cap=Amount(cap)))
    return status, messages


def default_lines(body: m.Body, person: str, *, hours: Decimal | None, fee: Decimal | None,
                  travel: Decimal | None, meal: Decimal | None, voucher: Decimal | None,
                  method: str | None, paid: dt.date | None,
                  use_policy: bool) -> tuple[list[NewLine], list[Msg]]:
    """The lines for one person: given amounts, else (with use_policy) the policy's defaults.
    Returns the lines and notices about defaults that could not be applied."""
    policy = body.config.compensation
    how = method or policy.method
    lines: list[NewLine] = []
    notices: list[Msg] = []
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
            notices.append(msg("{person}: travel is reimbursed at actual cost; add it with "
                               "--travel when the ticket is in", person=person))
    if travel is not None:
        lines.append(NewLine(person, "travel", travel, None, how, paid))
    if meal is None and use_policy and policy.meal is not None:
        meal = policy.meal
    if meal is not None:
        lines.append(NewLine(person, "meal", meal, None, how, paid))
    if voucher is not None:
        lines.append(NewLine(person, "voucher", voucher, None, "voucher", paid))
    return lines, notices
