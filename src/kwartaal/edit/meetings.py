"""Scheduling meetings and proposing agenda items: the library behind the CLI."""

from __future__ import annotations

import datetime as dt

from kwartaal.core import model as m
from kwartaal.core.dates import cadence_dates
from kwartaal.core.events import with_event
from kwartaal.core.fields import toml_table
from kwartaal.core.ids import new_local_id
from kwartaal.core.outline import carry_over_candidates
from kwartaal.core.problems import KwartaalError, hints, msg
from kwartaal.core.rules import next_planned
from kwartaal.edit.actions import next_local_id, require_meeting, require_person, require_theme
from kwartaal.edit.change import Change
from kwartaal.files import store
from kwartaal.files.paths import MEETINGS_DIR
from kwartaal.files.schema import TIME_PATTERN


def next_cadence_date(body: m.Body, today: dt.date) -> dt.date:
    """The next date of the cadence after the last meeting (and not before today)."""
    last = body.meetings[-1].date if body.meetings else today - dt.timedelta(days=1)
    after = max(last, today - dt.timedelta(days=1))
    found = cadence_dates(body.config.cadence, after)
    if not found:
        raise KwartaalError(msg(
            "the cadence gives no next date; give --date or set cadence.months / cadence.dates"))
    return found[0]


def new_meeting(body: m.Body, *, date: dt.date | None, time: str | None, place: str | None,
                fmt: str | None, invite: list[str], force: bool, today: dt.date,
                lang: str) -> Change:
    """Write meetings/<id>.toml for a planned meeting; the Change's id is the meeting's."""
    when = date or next_cadence_date(body, today)
    if when < today and not force:
        raise KwartaalError(msg(
            "{date} is in the past; give a later --date, or --force to record it anyway",
            date=when))
    same_day = [mt for mt in body.meetings if mt.date == when]
    if same_day and not force:
        raise KwartaalError(msg(
            "there is already a meeting on {date} ({id}); pass --force for a second one",
            date=when, id=same_day[0].id))
    if time is not None and not TIME_PATTERN.match(time):
        raise KwartaalError(msg("--time must be HH:MM, e.g. 19:00"))
    for pid in invite:
        require_person(body, pid)
    folder = body.root / MEETINGS_DIR
    meeting_id = when.isoformat()
    number = 1
    while (folder / f"{meeting_id}.toml").exists():
        number += 1
        meeting_id = f"{when.isoformat()}-{number}"
    cadence = body.config.cadence
    core = [p.id for p in body.people.values() if p.core and (p.left is None or p.left > when)]
    invited = core + [pid for pid in invite if pid not in core]
    values = toml_table(
        m.Meeting, date=when, time=time or cadence.time,
        place=place if place is not None else cadence.place, format=fmt or cadence.format,
        link=cadence.link if (fmt or cadence.format) != "in-person" and cadence.link else None,
        status="planned", chair=body.config.chair or None,
        secretary=body.config.secretary or None, invited=invited)
    from kwartaal.core.formats import long_date

    header = f"# {body.config.name} — {long_date(when, lang)}\n"
    text = header + store.render_table("x", values, array=False).split("\n", 1)[1]
    # Items left over from the previous meeting come along, marked where they came from.
    draft = m.Meeting(meeting_id, when, "", None, "", "", "", "planned", "", "", invited, [], [],
                      [], [], None, None, None, [], [], [], [], [], m.Source(folder))
    carried = carry_over_candidates(body, draft)
    used: set[str] = set()
    for item in carried:
        # Derived from the item it continues: the same meeting planned in two clones carries
        # its items under the same ids, so merging the two gives each item once, not twice.
        local = new_local_id("item", used, key=item.id)
        used.add(local)
        fields = toml_table(m.Item, local_id=local, title=item.title, by=item.by or None,
                            under=item.under or None, theme=item.theme or None,
                            closed=True if item.closed else None, minutes=item.minutes,
                            carried_from=item.id)
        text += "\n" + store.render_table("item", fields, array=True)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{meeting_id}.toml"
    store.parse(text, path)
    store.write_body_file(path, text)
    return Change([path], f"meeting {meeting_id}: planned", id=meeting_id,
                  summary=msg("planned meeting {id}", id=meeting_id))


def default_meeting(body: m.Body, today: dt.date) -> m.Meeting:
    """The next planned meeting, where proposals go unless told otherwise."""
    planned = next_planned(body, today)
    if planned is None:
        raise KwartaalError(msg(
            "no planned meeting ahead; plan one with 'kwartaal meeting new' or give --meeting"))
    return planned


def propose(body: m.Body, *, title: str, by: str, meeting_id: str | None, under: str,
            theme: str, closed: bool, minutes: int | None, note: str,
            today: dt.date) -> Change:
    if not title.strip():
        raise KwartaalError(msg("the title is empty"))
    require_person(body, by)
    require_theme(body, theme)
    standing = [s.key for s in body.config.standing]
    if under and under not in standing:
        raise KwartaalError(msg(
            "unknown standing item '{key}'{hint}; choose one of: {known}",
            key=under, known=", ".join(standing), **hints(under, standing)))
    meeting = require_meeting(body, meeting_id) if meeting_id else default_meeting(body, today)
    local = next_local_id(meeting, "item")
    values = toml_table(m.Item, local_id=local, title=title.strip(), by=by, under=under or None,
                        theme=theme or None, closed=True if closed else None, minutes=minutes,
                        note=note or None)
    store.append_table(meeting.src.path, "item", values, array=True)
    item_id = f"{meeting.id}/{local}"
    return Change([meeting.src.path],
                  with_event(f"item {item_id}: proposed — {title.strip()}", "item-proposed",
                             item_id), id=item_id,
                  summary=msg("proposed {id}", id=item_id))
