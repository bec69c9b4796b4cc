"""Compensation lines: recording them, correcting them, voiding them, marking them paid.

Every path that writes a line (compensate, --all-present, compensation set, the library) goes
through the same rules (core.compensation.line_refusals) and the allowance limits. A wrong
line is voided, never deleted: it stays on record with its reason and date, out of every
total. A paid line stays as it was paid; what was wrong in it is put right by a new line.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.compensation import NewLine, Verdict, check_limits, line_refusals
from kwartaal.core.fields import toml_table
from kwartaal.core.ids import new_local_ids, pick, taken
from kwartaal.core.payees import payee_refusal, resolve_payee
from kwartaal.core.problems import Joined, KwartaalError, Msg, msg
from kwartaal.edit.actions import require_meeting, require_person
from kwartaal.edit.change import Change
from kwartaal.files import store


def compensate(body: m.Body, meeting_id: str, lines: list[NewLine], *, force: bool,
               today: dt.date | None = None) -> Change:
    meeting = require_meeting(body, meeting_id)
    policy = body.config.compensation
    if policy.regime == "none":
        raise KwartaalError(msg(
            "this body pays no compensation (compensation.regime = none); change it with "
            "'kwartaal config set compensation.regime volunteer-allowance' or 'fee'"))
    if not lines:
        raise KwartaalError(msg("nothing to record: give an amount (--hours, --fee, --travel, "
                                "--meal, --voucher) or set defaults in [compensation]"))
    for line in lines:
        require_person(body, line.person)
        if line.person not in meeting.present:
            raise KwartaalError(msg(
                "{id} is not recorded as present at {meeting}; record attendance first "
                "(kwartaal attend {meeting} {id} --present)",
                id=line.person, meeting=meeting.id))
        if line.amount < 0 or (line.hours is not None and line.hours < 0):
            raise KwartaalError(msg("amounts and hours cannot be negative"))
        if line.amount != line.amount.quantize(Decimal("0.01")):
            raise KwartaalError(msg("{amount}: amounts have at most two decimals",
                                    amount=line.amount))
        if line.paid is not None:
            check_paid_date(meeting, line.paid, today or dt.date.today())
        refusals = line_refusals(body, line)
        payee = None if line.payee == line.person else payee_refusal(body.config, line.payee)
        if payee is not None:
            refusals.append(payee)
        if refusals:
            raise KwartaalError(msg("{reasons}. Nothing was recorded",
                                    reasons=Joined(tuple(refusals))))
    from kwartaal.files.scope import same_year

    verdict = check_limits(same_year(body, meeting.date.year), meeting, lines)
    if verdict.refusals and not force:
        raise KwartaalError(msg(
            "{reasons}. Nothing was recorded; lower the amount, or pass --force to record it "
            "anyway", reasons=Joined(tuple(verdict.refusals))))
    rows = [toml_table(m.CompensationLine, local_id=local, person=line.person, kind=line.kind,
                       hours=hours_value(line.hours),
                       amount=line.amount, method=line.method, payee=line.payee or None,
                       paid=line.paid, note=line.note or None)
            for local, line in zip(new_local_ids("compensation", taken(meeting), len(lines)),
                                   lines, strict=True)]
    store.append_tables(meeting.src.path, "compensation", rows, array=True)
    people = ", ".join(dict.fromkeys(line.person for line in lines))
    return Change([meeting.src.path], f"compensation {meeting.id}: {people}",
                  notes=verdict_notes(verdict),
                  summary=msg("recorded compensation at {id}: {people}", id=meeting.id,
                              people=people))


AMOUNT_OPTIONS = ("hours", "fee", "travel", "meal", "voucher")


def compensate_as_asked(body: m.Body, meeting_id: str, person: str | None, *,
                        all_present: bool, amounts: dict[str, str | None], method: str | None,
                        paid: dt.date | None, force: bool,
                        today: dt.date | None = None, payee: str = "") -> Change:
    """Compensation as a person asks for it: one participant with the amounts given (or the
    policy's defaults when none are), or every compensated attendee with the defaults.
    amounts: the text of each of AMOUNT_OPTIONS given, e.g. {"travel": "7,40"}. payee: an
    organisation (key or name) paid for these lines instead of the person."""
    from kwartaal.core.compensation import default_lines

    meeting = require_meeting(body, meeting_id)
    if all_present == (person is not None):
        raise KwartaalError(msg("give either PERSON or --all-present"))
    parsed = {key: parse_amount(amounts.get(key), f"--{key}") for key in AMOUNT_OPTIONS}
    people = [person] if person else [
        pid for pid in meeting.present if body.people.get(pid) and body.people[pid].compensated]
    notes = []
    if all_present:  # the usual lines for everyone not yet paid for this meeting, once
        already = {line.person for line in meeting.compensation if line.counts}
        skipped = [pid for pid in people if pid in already]
        people = [pid for pid in people if pid not in already]
        if skipped:
            notes.append(msg("already recorded at {meeting}, left as it is: {people}",
                             meeting=meeting.id, people=", ".join(skipped)))
        if not people:
            raise KwartaalError(msg(
                "everyone present at {meeting} who is compensated already has compensation "
                "recorded there; nothing was recorded. To add a line for one person, give "
                "PERSON and the amount", meeting=meeting.id))
    lines: list[NewLine] = []
    for pid in people:
        found, notices = default_lines(body, pid, method=method, paid=paid,
                                       use_policy=all_present or not any(
                                           v is not None for v in parsed.values()),
                                       **parsed)
        lines += found
        notes += notices
    for line in lines:
        line.payee = resolve_payee(body.config, payee)
    change = compensate(body, meeting_id, lines, force=force, today=today)
    change.notes[:0] = notes
    return change


def parse_amount(value: str | None, name: str) -> Decimal | None:
    """An amount as a person types it (12,50 or € 12.50); name: the option, for the error."""
    from decimal import InvalidOperation

    from kwartaal.core.values import AMOUNT_MAX

    if value is None:
        return None
    cleaned = value.replace("€", "").strip()
    # plain digits only: Decimal would also take 1_000, 1e3, Arabic digits and NaN
    if not re.fullmatch(r"-?[0-9]+(?:[.,][0-9]+)?", cleaned):
        raise KwartaalError(msg("{name}: '{value}' is not an amount (e.g. 12.50)",
                                name=name, value=value))
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:
        raise KwartaalError(msg("{name}: '{value}' is not an amount (e.g. 12.50)",
                                name=name, value=value)) from exc
    if not amount.is_finite():
        raise KwartaalError(msg("{name}: '{value}' is not an amount (e.g. 12.50)",
                                name=name, value=value))
    if amount < 0:
        raise KwartaalError(msg("{name}: '{value}' must be zero or more",
                                name=name, value=value))
    if amount >= AMOUNT_MAX:
        raise KwartaalError(msg("{name}: '{value}' is far above any payment; check the amount",
                                name=name, value=value))
    return amount


def verdict_notes(verdict: Verdict) -> list[Msg]:
    notes = list(verdict.warnings)
    notes += [msg("forced: {reason}", reason=reason) for reason in verdict.refusals]
    if verdict.unknown_year is not None:
        year = verdict.unknown_year
        notes.append(msg(
            "no allowance limits are known for {year}, so this was NOT checked against them; "
            "set them when the tax office publishes them: kwartaal config set "
            "compensation.limits.{year}.month AMOUNT (also .year, .hour_21plus, .hour_under21)",
            year=year))
    return notes


def mark_paid(body: m.Body, meeting_id: str, who: str, when: dt.date,
              today: dt.date | None = None) -> Change:
    """Mark paid all unpaid lines of a person at a meeting, or one line by its id. A payment
    is not made before the meeting it pays for, nor after today."""
    meeting = require_meeting(body, meeting_id)
    check_paid_date(meeting, when, today or dt.date.today())
    line = None if who in body.people else pick(meeting, "compensation", who)
    if line is not None:
        if not line.counts:
            raise KwartaalError(msg(
                "line {id} was voided on {date} ({reason}); a void line is not paid",
                id=line.id, date=line.void, reason=line.void_reason))
        if line.paid is not None:
            raise KwartaalError(msg("line {id} was already paid on {paid}",
                                    id=line.id, paid=line.paid))
        unpaid = [line.local_id]
        what = line.id
    else:
        local = who.split("/", 1)[1] if who.startswith(f"{meeting.id}/") else who
        if who not in body.people and re.fullmatch(r"c(\d+|-[a-z0-9]*)", local.lower()):
            raise KwartaalError(msg(
                "no compensation line '{id}' at {meeting}; lines: {known}",
                id=who,
                meeting=meeting.id, known=", ".join(c.local_id for c in meeting.compensation)
                or "-"))
        require_person(body, who)
        unpaid = [line.local_id for line in meeting.compensation
                  if line.person == who and line.paid is None and line.counts]
        what = f"{meeting.id}: {who}"
    if not unpaid:
        raise KwartaalError(msg("{id} has no unpaid lines at {meeting}",
                                id=who, meeting=meeting.id))
    with store.edit(meeting.src.path) as doc:
        for table in doc.get("compensation") or []:
            if str(table.get("id")) in unpaid:
                table["paid"] = when
    return Change([meeting.src.path], f"compensation {what} paid {when}",
                  summary=msg("marked paid on {date}: {what}", what=what, date=when))


def check_paid_date(meeting: m.Meeting, when: dt.date, today: dt.date | None) -> None:
    """A payment date lies between the meeting and today (today None: not checked)."""
    if when < meeting.date:
        raise KwartaalError(msg(
            "payment date {date} is before meeting {meeting}; a meeting is paid for on or "
            "after its day. Check the date", date=when, meeting=meeting.id))
    if today is not None and when > today:
        raise KwartaalError(msg(
            "payment date {date} is after today ({today}); record a payment once it is made",
            date=when, today=today))


def hours_value(hours: Decimal | None) -> int | Decimal | None:
    """Hours as written in a file: 3 rather than 3.00."""
    if hours is None:
        return None
    return int(hours) if hours == hours.to_integral() else hours


def find_line(meeting: m.Meeting, ref: str) -> m.CompensationLine:
    line: m.CompensationLine | None = pick(meeting, "compensation", ref.strip())
    if line is None:
        raise KwartaalError(msg(
            "no compensation line '{id}' at {meeting}; lines: {known}", id=ref,
            meeting=meeting.id,
            known=", ".join(c.local_id for c in meeting.compensation) or "-"))
    return line


def _edit_line(line: m.CompensationLine, apply: Any) -> None:
    with store.edit(line.src.path) as doc:
        for table in doc.get("compensation") or []:
            if str(table.get("id")) == line.local_id:
                apply(table)
                return
    raise KwartaalError(msg("{id} vanished from its file", id=line.id))


def set_line(body: m.Body, meeting_id: str, ref: str, *, hours: Decimal | None = None,
             amount: Decimal | None = None, kind: str | None = None,
             method: str | None = None, note: str | None = None, force: bool = False,
             payee: str | None = None) -> Change:
    """Correct a line that is not paid yet; the corrected line is checked against the rules
    and limits like a new one (in place of the old one). Of a paid line only the note
    changes: it records what was paid. payee: an organisation (key or name) paid for the
    line, or "" to pay as the person's own `payee` says."""
    meeting = require_meeting(body, meeting_id)
    line = find_line(meeting, ref)
    if not line.counts:
        raise KwartaalError(msg(
            "line {id} was voided on {date} ({reason}); record a new line instead",
            id=line.id, date=line.void, reason=line.void_reason))
    if all(value is None for value in (hours, amount, kind, method, note, payee)):
        raise KwartaalError(msg(
            "nothing to change: give --hours, --amount, --kind, --method, --payee or --note"))
    if payee is not None:
        payee = resolve_payee(body.config, payee)
        refusal = None if payee == line.person else payee_refusal(body.config, payee)
        if refusal is not None:
            raise KwartaalError(msg("{reason}. Nothing was changed", reason=refusal))
    money_changes = (hours, amount, kind, method, payee)  # a paid line keeps them
    if line.paid is not None and any(value is not None for value in money_changes):
        raise KwartaalError(msg(
            "line {id} was paid on {paid}; a paid line stays as it was paid. Record the "
            "difference as a new line (kwartaal compensate {meeting} {person} ...) and say why "
            "with: kwartaal compensation set {meeting} {local} --note \"...\"",
            id=line.id, paid=line.paid, meeting=meeting.id, person=line.person,
            local=line.local_id))
    for value in (hours, amount):
        if value is not None and value < 0:
            raise KwartaalError(msg("amounts and hours cannot be negative"))
    if amount is not None and amount != amount.quantize(Decimal("0.01")):
        raise KwartaalError(msg("{amount}: amounts have at most two decimals", amount=amount))
    if kind is not None and kind not in m.COMPENSATION_KINDS:
        raise KwartaalError(msg("kind '{kind}': choose one of {known}", kind=kind,
                                known=", ".join(m.COMPENSATION_KINDS)))
    policy = body.config.compensation
    new_kind = kind or line.kind
    if hours is not None and new_kind != "fee":
        raise KwartaalError(msg("--hours goes with a fee; line {id} is '{kind}'", id=line.id,
                                kind=new_kind))
    new_hours = hours if hours is not None else line.hours
    new_amount = amount
    if new_amount is None and hours is not None and new_kind == "fee" \
            and policy.hourly_rate is not None:
        from kwartaal.core.compensation import cents

        new_amount = cents(policy.hourly_rate * hours)  # as compensate --hours does
    corrected = NewLine(line.person, new_kind, line.amount if new_amount is None else new_amount,
                        new_hours if new_kind == "fee" else None, method or line.method,
                        line.paid, note if note is not None else line.note,
                        line.payee if payee is None else payee)
    notes: list[Msg] = []
    if any(value is not None for value in money_changes[:4]):
        refusals = line_refusals(body, corrected)
        if refusals:
            raise KwartaalError(msg("{reasons}. Nothing was changed",
                                    reasons=Joined(tuple(refusals))))
        verdict = check_limits(body, meeting, [corrected], replacing=line.id)
        if verdict.refusals and not force:
            raise KwartaalError(msg(
                "{reasons}. Nothing was changed; lower the amount, or pass --force to record "
                "it anyway", reasons=Joined(tuple(verdict.refusals))))
        notes = verdict_notes(verdict)
    changed: list[str] = []

    def apply(table: Any) -> None:
        if corrected.kind != line.kind:
            table["kind"] = corrected.kind
            changed.append(f"kind {corrected.kind}")
        if corrected.hours != line.hours:
            if corrected.hours is None:
                del table["hours"]
            else:
                table["hours"] = store.toml_value(hours_value(corrected.hours))
            changed.append(f"hours {corrected.hours if corrected.hours is not None else '-'}")
        if corrected.amount != line.amount:
            table["amount"] = store.toml_value(corrected.amount)
            changed.append(f"amount {corrected.amount:.2f}")
        if corrected.method != line.method:
            table["method"] = corrected.method
            changed.append(f"method {corrected.method}")
        if corrected.payee != line.payee:
            if corrected.payee:
                table["payee"] = corrected.payee
            elif "payee" in table:
                del table["payee"]
            changed.append(f"payee {corrected.payee or '-'}")
        if corrected.note.strip() != line.note:
            if corrected.note.strip():
                table["note"] = corrected.note.strip()
            elif "note" in table:
                del table["note"]
            changed.append("note")

    _edit_line(line, apply)
    if not changed:
        raise KwartaalError(msg("{id} already reads so; nothing was changed", id=line.id))
    return Change([meeting.src.path], f"compensation {line.id}: corrected {', '.join(changed)}",
                  id=line.id, notes=notes,
                  summary=msg("corrected {id}: {what}", id=line.id, what=", ".join(changed)))


def void_line(body: m.Body, meeting_id: str, ref: str, *, reason: str,
              today: dt.date) -> Change:
    """Mark a line void: it stays in the file, with the day and the reason, and counts
    nowhere. A paid line is not voided: the money went out, so the record must show it."""
    meeting = require_meeting(body, meeting_id)
    line = find_line(meeting, ref)
    if not reason.strip():
        raise KwartaalError(msg("say why the line is void (--reason)"))
    if not line.counts:
        raise KwartaalError(msg("line {id} was already voided on {date} ({reason})",
                                id=line.id, date=line.void, reason=line.void_reason))
    if line.paid is not None:
        raise KwartaalError(msg(
            "line {id} was paid on {paid}, so it stays on record as paid; if it was wrong, "
            "record the correction as a new line (kwartaal compensate {meeting} {person} ...) "
            "and explain both with 'kwartaal compensation set {meeting} {local} --note'",
            id=line.id, paid=line.paid, meeting=meeting.id, person=line.person,
            local=line.local_id))

    def apply(table: Any) -> None:
        table["void"] = today
        table["void_reason"] = reason.strip()

    _edit_line(line, apply)
    return Change([meeting.src.path], f"compensation {line.id}: void — {reason.strip()}",
                  id=line.id, summary=msg("voided {id}: {reason}", id=line.id,
                                          reason=reason.strip()))
