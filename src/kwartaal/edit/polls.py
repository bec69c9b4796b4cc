"""Date polls: start one, enter an answer, plan the meeting from the chosen slot. Each edit
returns one Change for the write pipeline (one commit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import polls as pl
from kwartaal.core.fields import toml_table
from kwartaal.core.problems import KwartaalError, Msg, msg
from kwartaal.core.values import in_date_range, rule_problem, shown
from kwartaal.edit.actions import require_person
from kwartaal.edit.change import Change
from kwartaal.files import store
from kwartaal.files.polls import POLLS_DIR, find_poll


def parse_slots(texts: list[str], today: dt.date,
                now: dt.datetime | None = None) -> list[tuple[dt.date, str]]:
    """Slots as given on the command line, in date order; refused when one does not read as
    'YYYY-MM-DD HH:MM', lies in the past or is given twice. now: the clock, when today is the
    real date; then a slot of today whose time has passed is in the past too (with a today
    that was given, a slot on that day is judged by its date only)."""
    if not texts:
        raise KwartaalError(msg("give at least one slot, e.g. kwartaal poll new --slots "
                                "\"2026-06-09 19:30\" \"2026-06-11 14:00\""))
    found: list[tuple[dt.date, str]] = []
    for text in texts:
        slot = pl.parse_slot(text)
        if slot is None:
            raise KwartaalError(msg("'{text}' is not a slot; write a date and a time as "
                                    "YYYY-MM-DD HH:MM, e.g. \"2026-06-09 19:30\"",
                                    text=shown(text)))
        if not in_date_range(slot[0]):
            raise KwartaalError(msg("'{text}' lies outside the years a file may hold",
                                    text=shown(text)))
        if slot[0] < today:
            raise KwartaalError(msg("slot {date} {time} is in the past (today is {today}); "
                                    "give dates still to come", date=slot[0], time=slot[1],
                                    today=today))
        if now is not None and slot[0] == now.date() and slot[1] <= f"{now:%H:%M}":
            raise KwartaalError(msg("slot {date} {time} is today, but that time has passed (it "
                                    "is {now} now); give times still to come", date=slot[0],
                                    time=slot[1], now=f"{now:%H:%M}"))
        if slot in found:
            raise KwartaalError(msg("slot {date} {time} is given twice; give each slot once",
                                    date=slot[0], time=slot[1]))
        found.append(slot)
    if len(found) > pl.SLOTS_MAX:
        raise KwartaalError(msg("a poll holds at most {max} slots", max=pl.SLOTS_MAX))
    return sorted(found)


def office_hours_note() -> Msg:
    return msg("every slot is on a weekday between 09:00 and 17:00, when many sex workers "
               "cannot come; add an evening or weekend slot before you send the poll")


def new_poll(body: m.Body, *, slots: list[str], deadline: dt.date | None, title: str,
             today: dt.date, entered_by: str, now: dt.datetime | None = None) -> Change:
    """Write polls/<id>.toml; its id is the first slot's date. now: the clock, when today is
    the real date (see parse_slots)."""
    chosen = parse_slots(slots, today, now)
    if deadline is not None and deadline < today:
        raise KwartaalError(msg("the deadline {date} is in the past; give a later one",
                                date=deadline))
    if deadline is not None and deadline > chosen[0][0]:
        raise KwartaalError(msg("the deadline {date} falls after the first slot ({first}); "
                                "give a deadline on or before it", date=deadline,
                                first=chosen[0][0]))
    title = title.strip()
    problem = rule_problem("line", title)
    if problem is not None:
        raise KwartaalError(msg("--title {why}", why=problem))
    if entered_by:
        require_person(body, entered_by)
    folder = body.root / POLLS_DIR
    poll_id = chosen[0][0].isoformat()
    number = 1
    while (folder / f"{poll_id}.toml").exists():
        number += 1
        poll_id = f"{chosen[0][0].isoformat()}-{number}"
    values = toml_table(pl.Poll, title=title or None, deadline=deadline, created=today,
                        created_by=entered_by or None)
    text = f"# {body.config.name}: date poll\n"
    text += store.render_table("x", values, array=False).split("\n", 1)[1]
    for date, time in chosen:
        text += "\n" + store.render_table("slot", toml_table(pl.Slot, date=date, time=time),
                                          array=True)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{poll_id}.toml"
    store.parse(text, path)
    store.write_body_file(path, text)
    slots_made = [pl.Slot(date=d, time=t, src=m.Source(path)) for d, t in chosen]
    notes = [office_hours_note()] if pl.all_in_office_hours(slots_made) else []
    said = [msg("  {number}. {date} {time}", number=n, date=d, time=t)
            for n, (d, t) in enumerate(chosen, start=1)]
    return Change([path], f"poll {poll_id}: {len(chosen)} slots", id=poll_id,
                  summary=msg("started poll {id}; enter answers with 'kwartaal poll answer "
                              "PERSON --yes 1,2 --maybe 3 {id}'", id=poll_id),
                  said=said, notes=notes)


def numbers(text: str | None, count: int, option: str) -> list[int]:
    """'1,3' as slot numbers, each between 1 and count."""
    if not text:
        return []
    found: list[int] = []
    for part in text.replace(" ", ",").split(","):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= count:
            raise KwartaalError(msg("{option}: '{part}' is not a slot number; the poll has "
                                    "slots 1-{count}", option=option, part=shown(part),
                                    count=count))
        if int(part) not in found:
            found.append(int(part))
    return found


def answer_poll(body: m.Body, poll_id: str | None, person: str, *, yes: str | None,
                maybe: str | None, no: str | None, today: dt.date, entered_by: str,
                force: bool) -> Change:
    """Enter (or replace) one person's answer."""
    poll = find_poll(body, poll_id)
    require_person(body, person)
    left = body.people[person].left
    if left is not None and left <= today:
        raise KwartaalError(msg("{id} left on {date}; only people who stay answer a poll",
                                id=person, date=left))
    if not poll.is_open:
        raise KwartaalError(msg("poll {id} was closed on {date}; start a new one with "
                                "'kwartaal poll new'", id=poll.id, date=poll.closed))
    if poll.deadline is not None and today > poll.deadline and not force:
        raise KwartaalError(msg("the deadline of poll {id} was {date}; pass --force to enter "
                                "the answer all the same", id=poll.id, date=poll.deadline))
    count = len(poll.slots)
    lists = {"yes": numbers(yes, count, "--yes"), "maybe": numbers(maybe, count, "--maybe"),
             "no": numbers(no, count, "--no")}
    if not any(lists.values()):
        raise KwartaalError(msg("give the slot numbers with --yes, --maybe or --no, e.g. "
                                "--yes 1,3 --maybe 2"))
    for key, other in (("yes", "maybe"), ("yes", "no"), ("maybe", "no")):
        both = [n for n in lists[key] if n in lists[other]]
        if both:
            raise KwartaalError(msg("slot {number} is in both --{key} and --{other}; give "
                                    "each slot once", number=both[0], key=key, other=other))
    entered_by = entered_by or body.config.secretary or person
    require_person(body, entered_by, msg("person entering it"))
    values = toml_table(pl.Answer, person=person, yes=sorted(lists["yes"]) or None,
                        maybe=sorted(lists["maybe"]) or None, no=sorted(lists["no"]) or None,
                        entered_by=entered_by, entered=today)
    path = poll.src.path
    earlier = poll.answer_of(person)
    if earlier is not None and [sorted(earlier.yes), sorted(earlier.maybe), sorted(
            earlier.no)] == [sorted(lists["yes"]), sorted(lists["maybe"]), sorted(lists["no"])]:
        raise KwartaalError(msg("poll {id} already has that answer of {person}; nothing was "
                                "changed", id=poll.id, person=person))
    if earlier is None:
        store.append_table(path, "answer", values, array=True)
    else:
        with store.edit(path) as doc:
            for table in doc.get("answer") or []:
                if str(table.get("person")) == person:
                    for key in list(table):
                        del table[key]
                    for key, value in values.items():
                        table[key] = store.toml_value(value)
    replaced = msg(" (replaces the answer of {date})", date=earlier.entered or "-") \
        if earlier is not None else ""
    return Change([path], f"poll {poll.id}: answer of {person}", id=poll.id,
                  summary=msg("poll {id}: entered the answer of {person}{replaced}",
                              id=poll.id, person=person, replaced=replaced))


def meeting_from_poll(body: m.Body, poll_id: str | None, *, slot: int | None, today: dt.date,
                      lang: str, place: str | None, fmt: str | None, invite: list[str],
                      chair: str | None, co_chair: str | None, force: bool) -> Change:
    """Plan the meeting at the best slot (or the one given) and close the poll, in one
    change."""
    from kwartaal.edit.meetings import new_meeting

    poll = find_poll(body, poll_id)
    if not poll.is_open:
        raise KwartaalError(msg("poll {id} was closed on {date} (meeting {meeting})",
                                id=poll.id, date=poll.closed, meeting=poll.meeting or "-"))
    count = len(poll.slots)
    if slot is not None and not 1 <= slot <= count:
        raise KwartaalError(msg("--slot {number}: the poll has slots 1-{count}", number=slot,
                                count=count))
    if slot is None and not poll.answers:
        raise KwartaalError(msg("no one has answered poll {id} yet; wait for the answers, or "
                                "choose a slot yourself with --slot N", id=poll.id))
    number = slot if slot is not None else pl.tally(body, poll, today).best
    if number is None:  # a poll without slots does not load; said all the same
        raise KwartaalError(msg("poll {id} has no slots", id=poll.id))
    chosen = poll.slots[number - 1]
    change = new_meeting(body, date=chosen.date, time=chosen.time,
                         place=place if place is not None else (chosen.place or None),
                         fmt=fmt or chosen.format or None, invite=invite, force=force,
                         today=today, lang=lang, chair=chair, co_chair=co_chair)

    def close(doc: Any) -> None:
        doc["chosen"] = number
        doc["meeting"] = change.id
        doc["closed"] = today

    with store.edit(poll.src.path) as doc:
        close(doc)
    return Change([*change.paths, poll.src.path],
                  f"meeting {change.id}: planned from poll {poll.id}, slot {number}",
                  id=change.id, said=change.said, notes=change.notes,
                  summary=msg("planned meeting {id} from slot {number} of poll {poll} "
                              "({date} {time}); the poll is closed", id=change.id,
                              number=number, poll=poll.id, date=chosen.date,
                              time=chosen.time))
