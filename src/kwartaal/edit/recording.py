"""Recording a meeting: attendance, notes, decisions, its status, compensation lines.

Each function edits the meeting's file in place and returns the Change; edit.pipeline
commits it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from kwartaal.core import model as m
from kwartaal.core.compensation import NewLine, Verdict, check_limits
from kwartaal.core.fields import toml_table
from kwartaal.core.ids import find, item_ref, new_local_ids, pick, taken
from kwartaal.core.problems import Joined, KwartaalError, Msg, hints, msg
from kwartaal.core.words import Status
from kwartaal.edit.actions import next_local_id, require_meeting, require_person
from kwartaal.edit.change import Change
from kwartaal.files import store

ATTENDANCE = ("present", "excused", "absent")


def attend(body: m.Body, meeting_id: str, people: list[str], status: str,
           online: bool) -> Change:
    meeting = require_meeting(body, meeting_id)
    for pid in people:
        require_person(body, pid)
    if status not in ATTENDANCE:
        raise KwartaalError(msg("choose --present, --excused or --absent"))
    if online and status != "present":
        raise KwartaalError(msg("--online goes with --present"))
    lists = {key: list(getattr(meeting, key)) for key in (*ATTENDANCE, "online")}
    for pid in people:
        for key in (*ATTENDANCE, "online"):
            if pid in lists[key]:
                lists[key].remove(pid)
        lists[status].append(pid)
        if online:
            lists["online"].append(pid)
    with store.edit(meeting.src.path) as doc:
        for key in (*ATTENDANCE, "online"):
            if lists[key] != list(getattr(meeting, key)) or (key in ATTENDANCE and key not in doc):
                if key == "online" and not lists[key] and "online" not in doc:
                    continue
                doc[key] = lists[key]
    return Change([meeting.src.path], f"meeting {meeting.id}: {status}"
                  f"{' online' if online else ''} {', '.join(people)}",
                  summary=msg("meeting {id}: attendance recorded for {people}", id=meeting.id,
                              people=", ".join(people)))


def note(body: m.Body, meeting_id: str, item: str, text: str, closed: bool) -> Change:
    meeting = require_meeting(body, meeting_id)
    ref = item_ref(body, meeting, item)
    if not text.strip():
        raise KwartaalError(msg("the note is empty"))
    local = next_local_id(meeting, "note")
    values = toml_table(m.Note, local_id=local, item=ref, text=text.strip(),
                        closed=True if closed else None)
    store.append_table(meeting.src.path, "note", values, array=True)
    return Change([meeting.src.path], f"note {meeting.id}/{local}: {ref}",
                  id=f"{meeting.id}/{local}",
                  summary=msg("recorded note {id}", id=f"{meeting.id}/{local}"))


def decide(body: m.Body, meeting_id: str, text: str, item: str | None, closed: bool,
           supersedes: str | None) -> Change:
    meeting = require_meeting(body, meeting_id)
    ref = item_ref(body, meeting, item) if item else ""
    if not text.strip():
        raise KwartaalError(msg("the decision is empty"))
    if supersedes:
        replaced = find(body, supersedes, "decision")
        if replaced is None:
            known = [d.id for mt in body.meetings for d in mt.decisions]
            raise KwartaalError(msg(
                "no decision '{id}'{hint} to supersede",
                id=supersedes, **hints(supersedes, known)))
        supersedes = str(replaced.id)
    local = next_local_id(meeting, "decision")
    values = toml_table(m.Decision, local_id=local, text=text.strip(), item=ref or None,
                        closed=True if closed else None, supersedes=supersedes or None)
    store.append_table(meeting.src.path, "decision", values, array=True)
    return Change([meeting.src.path], f"decision {meeting.id}/{local}: {text.strip()[:60]}",
                  id=f"{meeting.id}/{local}",
                  summary=msg("recorded decision {id}", id=f"{meeting.id}/{local}"))


def set_meeting_status(body: m.Body, meeting_id: str, status: str, today: dt.date, *,
                       date_key: str | None = None, when: dt.date | None = None,
                       force: bool = False) -> Change:
    """Move a meeting along planned → held → minutes-draft → minutes-approved → published."""
    meeting = require_meeting(body, meeting_id)
    order = list(m.MEETING_STATUSES)
    if status != "held" and meeting.status == "planned":
        raise KwartaalError(msg(
            "meeting {id} has not been held yet; record it first with 'kwartaal meeting held "
            "{id}'", id=meeting.id))
    if status == "held" and meeting.date > today and not force:
        raise KwartaalError(msg(
            "meeting {id} is on {date}, still to come", id=meeting.id, date=meeting.date))
    if order.index(status) < order.index(meeting.status) and not force:
        raise KwartaalError(msg(
            "meeting {id} is already '{current}'; pass --force to move it back to '{new}'",
            id=meeting.id, current=Status(meeting.status), new=Status(status)))
    with store.edit(meeting.src.path) as doc:
        doc["status"] = status
        if date_key:
            doc[date_key] = when or today
    return Change([meeting.src.path], f"meeting {meeting.id}: {status}",
                  summary=msg("meeting {id}: {status}", id=meeting.id, status=Status(status)))


def compensate(body: m.Body, meeting_id: str, lines: list[NewLine], *, force: bool) -> Change:
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
    verdict = check_limits(body, meeting, lines)
    if verdict.refusals and not force:
        raise KwartaalError(msg(
            "{reasons}. Nothing was recorded; lower the amount, or pass --force to record it "
            "anyway", reasons=Joined(tuple(verdict.refusals))))
    rows = [toml_table(m.CompensationLine, local_id=local, person=line.person, kind=line.kind,
                       hours=None if line.hours is None else (
                           int(line.hours) if line.hours == line.hours.to_integral()
                           else line.hours),
                       amount=line.amount, method=line.method, paid=line.paid,
                       note=line.note or None)
            for local, line in zip(new_local_ids("compensation", taken(meeting), len(lines)),
                                   lines, strict=True)]
    store.append_tables(meeting.src.path, "compensation", rows, array=True)
    people = ", ".join(dict.fromkeys(line.person for line in lines))
    return Change([meeting.src.path], f"compensation {meeting.id}: {people}",
                  notes=_verdict_notes(verdict),
                  summary=msg("recorded compensation at {id}: {people}", id=meeting.id,
                              people=people))


AMOUNT_OPTIONS = ("hours", "fee", "travel", "meal", "voucher")


def compensate_as_asked(body: m.Body, meeting_id: str, person: str | None, *,
                        all_present: bool, amounts: dict[str, str | None], method: str | None,
                        paid: dt.date | None, force: bool) -> Change:
    """Compensation as a person asks for it: one participant with the amounts given (or the
    policy's defaults when none are), or every compensated attendee with the defaults.
    amounts: the text of each of AMOUNT_OPTIONS given, e.g. {"travel": "7,40"}."""
    from kwartaal.core.compensation import default_lines

    meeting = require_meeting(body, meeting_id)
    if all_present == (person is not None):
        raise KwartaalError(msg("give either PERSON or --all-present"))
    parsed = {key: parse_amount(amounts.get(key), f"--{key}") for key in AMOUNT_OPTIONS}
    people = [person] if person else [
        pid for pid in meeting.present if body.people.get(pid) and body.people[pid].compensated]
    notes = []
    if all_present:  # the usual lines for everyone not yet paid for this meeting, once
        already = {line.person for line in meeting.compensation}
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
    change = compensate(body, meeting_id, lines, force=force)
    change.notes[:0] = notes
    return change


def parse_amount(value: str | None, name: str) -> Decimal | None:
    """An amount as a person types it (12,50 or € 12.50); name: the option, for the error."""
    from decimal import InvalidOperation

    from kwartaal.core.values import AMOUNT_MAX

    if value is None:
        return None
    try:
        amount = Decimal(value.replace(",", ".").replace("€", "").strip())
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


def _verdict_notes(verdict: Verdict) -> list[Msg]:
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


def mark_paid(body: m.Body, meeting_id: str, who: str, when: dt.date) -> Change:
    """Mark paid all unpaid lines of a person at a meeting, or one line by its id."""
    meeting = require_meeting(body, meeting_id)
    line = None if who in body.people else pick(meeting, "compensation", who)
    if line is not None:
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
                  if line.person == who and line.paid is None]
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
