"""Scheduling meetings and proposing agenda items: the library behind the CLI."""

from __future__ import annotations

import datetime as dt

from kwartaal.core import model as m
from kwartaal.core.dates import cadence_dates, clock_warning
from kwartaal.core.events import with_event
from kwartaal.core.fields import toml_table
from kwartaal.core.ids import new_local_id
from kwartaal.core.outline import carry_over_candidates, numbered, outline
from kwartaal.core.problems import KwartaalError, Msg, hints, msg
from kwartaal.core.rules import next_planned
from kwartaal.edit.actions import next_local_id, require_meeting, require_person, require_theme
from kwartaal.edit.change import Change
from kwartaal.files import store
from kwartaal.files.paths import MEETINGS_DIR
from kwartaal.files.schema import TIME_PATTERN


def next_cadence_date(body: m.Body, today: dt.date) -> dt.date:
    """The next date of the cadence after the last meeting (and not before today)."""
    from kwartaal.files.scope import last_meeting

    found_last = last_meeting(body)  # from the file names: one file read
    last = found_last.date if found_last is not None else today - dt.timedelta(days=1)
    after = max(last, today - dt.timedelta(days=1))
    found = cadence_dates(body.config.cadence, after)
    if not found:
        raise KwartaalError(msg(
            "the cadence gives no next date; give --date or set cadence.months / cadence.dates"))
    return found[0]


def new_meeting(body: m.Body, *, date: dt.date | None, time: str | None, place: str | None,
                fmt: str | None, invite: list[str], force: bool, today: dt.date,
                lang: str, chair: str | None = None, co_chair: str | None = None) -> Change:
    """Write meetings/<id>.toml for a planned meeting; the Change's id is the meeting's. The
    chair and co-chair are the body's unless given."""
    when = date or next_cadence_date(body, today)
    if when < today and not force:
        raise KwartaalError(msg(
            "{date} is in the past; give a later --date, or --force to record it anyway",
            date=when))
    from kwartaal.files.scope import around, on_date

    same_day = [mt for mt in on_date(body, when) if mt.status != "cancelled"]
    if same_day and not force:
        raise KwartaalError(msg(
            "there is already a meeting on {date} ({id}); pass --force for a second one",
            date=when, id=same_day[0].id))
    if time is not None and not TIME_PATTERN.match(time):
        raise KwartaalError(msg("--time must be HH:MM, e.g. 19:00"))
    for pid in invite:
        require_person(body, pid)
    for pid, role in ((chair, msg("chair")), (co_chair, msg("co-chair"))):
        if pid:
            require_person(body, pid, role)
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
        status="planned", chair=chair or body.config.chair or None,
        secretary=body.config.secretary or None, invited=invited,
        co_chair=co_chair or body.config.co_chair or None)
    from kwartaal.core.formats import long_date

    header = f"# {body.config.name} — {long_date(when, lang)}\n"
    text = header + store.render_table("x", values, array=False).split("\n", 1)[1]
    # Items left over from the previous meeting come along, marked where they came from.
    draft = m.Meeting(meeting_id, when, "", None, "", "", "", "planned", "", "", invited, [], [],
                      [], [], None, None, None, [], [], [], [], [], m.Source(folder))
    carried = carry_over_candidates(around(body, draft), draft)
    used: set[str] = set()
    for item in carried:
        # Derived from the item it continues: the same meeting planned in two clones carries
        # its items under the same ids, so merging the two gives each item once, not twice.
        local = new_local_id("item", used, key=item.id)
        used.add(local)
        text += "\n" + store.render_table("item", carried_copy(item, local), array=True)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{meeting_id}.toml"
    store.parse(text, path)
    store.write_body_file(path, text)
    warning = clock_warning(meeting_id, when, time or body.config.cadence.time)
    return Change([path], f"meeting {meeting_id}: planned", id=meeting_id,
                  summary=msg("planned meeting {id}", id=meeting_id),
                  said=carried_said(body, meeting_id, path, carried),
                  notes=[warning] if warning else [])


def carried_copy(item: m.Item, local: str) -> dict[str, object]:
    """The table of an item carried into another meeting: the same content, and the item it
    continues."""
    return toml_table(m.Item, local_id=local, title=item.title, title_en=item.title_en or None,
                      by=item.by or None, under=item.under or None, theme=item.theme or None,
                      closed=True if item.closed else None, minutes=item.minutes,
                      carried_from=item.id, level=item.level or None,
                      by_org=item.by_org or None, entered_by=item.entered_by or None)


def carried_said(body: m.Body, meeting_id: str, path: object,
                 carried: list[m.Item]) -> list[Msg]:
    """What a new meeting carried over, each with its number on the new agenda and how to
    undo it: nothing is carried behind the chair's back."""
    if not carried:
        return []
    from kwartaal.files.scope import read_meeting

    fresh = read_meeting(body.root, meeting_id, body.config.language)
    from kwartaal.files.scope import around

    entries = numbered(outline(around(body, fresh), fresh)) if fresh is not None else {}
    numbers = {e.item.carried_from: n for n, e in entries.items() if e.item is not None}
    lines = [msg("carried over from earlier meetings:")]
    for item in carried:
        source = item.id.split("/", 1)[0]
        lines.append(msg(
            "  {number} {title} (from {source}; to leave it off: kwartaal item withdraw "
            "{source} {local} --reason … or kwartaal item done {source} {local})",
            number=numbers.get(item.id, "?"), title=item.title, source=source,
            local=item.local_id))
    return lines


def default_meeting(body: m.Body, today: dt.date) -> m.Meeting:
    """The next planned meeting, where proposals go unless told otherwise."""
    from kwartaal.files.scope import from_date

    planned = next_planned(from_date(body, today), today)  # the meetings still to come
    if planned is None:
        raise KwartaalError(msg(
            "no planned meeting ahead; plan one with 'kwartaal meeting new' or give --meeting"))
    return planned


def require_level(level: str) -> None:
    if level and level not in m.LEVELS:
        raise KwartaalError(msg("unknown participation level '{level}'{hint}; choose one of: "
                                "{known}", level=level, known=", ".join(m.LEVELS),
                                **hints(level, m.LEVELS)))


def _proposer(body: m.Body, by: str, by_org: str, entered_by: str) -> tuple[str, str]:
    """Who an item is recorded as put in by, and who entered it: a person proposes for
    themselves (nobody else is recorded); an anonymous item or one of an organisation keeps the
    person who entered it."""
    if by_org and by:
        raise KwartaalError(msg("give --by or --by-org, not both"))
    if not by and not by_org:
        raise KwartaalError(msg("say who proposes it: --by PERSON, --by anonymous or "
                                "--by-org ORGANISATION"))
    if by and by != m.ANONYMOUS:
        require_person(body, by)
        return by, ""
    if by_org and by_org not in body.config.organisations:
        known = body.config.organisations
        raise KwartaalError(msg(
            "unknown organisation '{key}'{hint}; known: {known} (add it as "
            "[organisations.KEY] in kwartaal.toml)", key=by_org, known=", ".join(known) or "-",
            **hints(by_org, known)))
    if not entered_by:
        raise KwartaalError(msg(
            "who enters this item? set KWARTAAL_ME to your person id (it is kept in the "
            "history, never shown)"))
    require_person(body, entered_by, msg("person entering it"))
    return by, entered_by


def propose(body: m.Body, *, title: str, by: str, meeting_id: str | None, under: str,
            theme: str, closed: bool, minutes: int | None, note: str,
            today: dt.date, level: str = "", by_org: str = "", entered_by: str = "",
            asks_input: bool = False) -> Change:
    """Put an item on a meeting's agenda. by: a person, or model.ANONYMOUS; by_org: an
    organisation's key instead; entered_by: who entered an anonymous or organisation's item
    (default: the meeting's secretary, else the body's); asks_input: input is asked on it."""
    if not title.strip():
        raise KwartaalError(msg("the title is empty"))
    require_theme(body, theme)
    require_level(level)
    standing = [s.key for s in body.config.standing]
    if under and under not in standing:
        raise KwartaalError(msg(
            "unknown standing item '{key}'{hint}; choose one of: {known}",
            key=under, known=", ".join(standing), **hints(under, standing)))
    meeting = require_meeting(body, meeting_id) if meeting_id else default_meeting(body, today)
    if meeting.status == "cancelled":
        raise KwartaalError(msg(
            "meeting {id} was cancelled; propose the item for the next meeting (leave out "
            "--meeting)", id=meeting.id))
    by, entered_by = _proposer(body, by, by_org, entered_by or meeting.secretary
                               or body.config.secretary or "")
    local = next_local_id(meeting, "item")
    values = toml_table(m.Item, local_id=local, title=title.strip(), by=by or None,
                        under=under or None, theme=theme or None,
                        closed=True if closed else None, minutes=minutes, note=note or None,
                        level=level or None, by_org=by_org or None,
                        entered_by=entered_by or None, asks_input=True if asks_input else None)
    store.append_table(meeting.src.path, "item", values, array=True)
    item_id = f"{meeting.id}/{local}"
    entered = ""
    if entered_by:
        source = "anonymously" if by == m.ANONYMOUS else f"for {by_org}"
        entered = f" (put in {source}, entered by {entered_by})"
    return Change([meeting.src.path],
                  with_event(f"item {item_id}: proposed — {title.strip()}{entered}",
                             "item-proposed", item_id), id=item_id,
                  summary=msg("proposed {id}", id=item_id))


def _raise_sequence(doc: object, meeting: m.Meeting) -> None:
    """Calendars keep an event by its UID and take a copy with a higher SEQUENCE as the newer
    one: every change to when, where or whether a meeting is raises it."""
    doc["sequence"] = meeting.sequence + 1  # type: ignore[index]


def require_planned(meeting: m.Meeting) -> None:
    """Only a meeting still to come can move or be cancelled."""
    if meeting.status == "cancelled":
        raise KwartaalError(msg(
            "meeting {id} was cancelled; plan a new one with 'kwartaal meeting new'",
            id=meeting.id))
    if meeting.status != "planned":
        raise KwartaalError(msg(
            "meeting {id} was held; only a meeting still to come can be moved or cancelled",
            id=meeting.id))


def move_meeting(body: m.Body, meeting_id: str, *, date: dt.date, time: str | None,
                 force: bool, today: dt.date, lang: str) -> Change:
    """Give a planned meeting another date (and time). Its id, and so its file name, stays:
    full ids of its records (`2026-03-12/p-7kq2`) live on in other files, commits, people's
    notes and calendars (the UID), and an id never changes meaning. See docs/format.md."""
    meeting = require_meeting(body, meeting_id)
    require_planned(meeting)
    if time is not None and not TIME_PATTERN.match(time):
        raise KwartaalError(msg("--time must be HH:MM, e.g. 19:00"))
    if date == meeting.date and (time is None or time == meeting.time):
        raise KwartaalError(msg("meeting {id} is already on {date}; nothing to move",
                                id=meeting.id, date=date))
    if date < today and not force:
        raise KwartaalError(msg(
            "{date} is in the past; give a later --date, or --force to record it anyway",
            date=date))
    from kwartaal.files.scope import from_date, on_date

    held = [mt for mt in from_date(body, date).meetings
            if mt.status not in m.NOT_HELD and mt.date >= date]
    if held:
        raise KwartaalError(msg(
            "meeting {held} on {date} was already held; a planned meeting cannot move before "
            "it (what it carries over comes from there)", held=held[0].id, date=held[0].date))
    same_day = [mt for mt in on_date(body, date) if mt is not meeting
                and mt.status != "cancelled"]
    if same_day and not force:
        raise KwartaalError(msg(
            "there is already a meeting on {date} ({id}); pass --force for a second one",
            date=date, id=same_day[0].id))
    with store.edit(meeting.src.path) as doc:
        doc["date"] = date
        if time is not None:
            doc["time"] = time
        _raise_sequence(doc, meeting)
    _redate_header(body, meeting, date, lang)
    at = f"{date} {time}" if time else f"{date}"
    warning = clock_warning(meeting.id, date, time or meeting.time or body.config.cadence.time)
    return Change([meeting.src.path], f"meeting {meeting.id}: moved from {meeting.date} to {at}",
                  id=meeting.id, summary=msg("meeting {id} moved to {when}", id=meeting.id,
                                             when=at), notes=[warning] if warning else [])


def _redate_header(body: m.Body, meeting: m.Meeting, date: dt.date, lang: str) -> None:
    """The comment new_meeting writes on a file's first line names the date: keep it true."""
    from kwartaal.core.formats import long_date

    text, bom = store.read_text(meeting.src.path)
    first, sep, rest = text.partition("\n")
    if not first.startswith("#"):
        return
    for words in dict.fromkeys((lang, body.config.language, "nl", "en")):
        old_long = long_date(meeting.date, words)
        new_long = long_date(date, words)
        # with the weekday ('donderdag 12 maart 2026') or without ('12 maart 2026')
        for old, new in ((old_long, new_long),
                         (old_long.split(" ", 1)[1], new_long.split(" ", 1)[1])):
            if old in first:
                store.write_body_file(meeting.src.path, first.replace(old, new) + sep + rest,
                                      text, bom=bom)
                return


def cancel_meeting(body: m.Body, meeting_id: str, *, reason: str) -> Change:
    """Cancel a planned meeting, keeping its file with the reason. Its items go to the next
    meeting: carry-over skips cancelled meetings (core/outline.carry_over_candidates)."""
    meeting = require_meeting(body, meeting_id)
    require_planned(meeting)
    if not reason.strip():
        raise KwartaalError(msg("give a reason with --reason; it goes on the agenda"))
    with store.edit(meeting.src.path) as doc:
        doc["status"] = "cancelled"
        doc["cancel_reason"] = reason.strip()
        _raise_sequence(doc, meeting)
    later = planned_after(body, meeting.date)
    waiting = [i for i in meeting.items if i.on_agenda and i.handled is not True]
    said: list[Msg] = []
    if waiting and later:
        said.append(msg("its items go on the agenda of {next}:", next=later[0].id))
    elif waiting:
        said.append(msg("its items go to the next meeting you plan ('kwartaal meeting new'):"))
    for item in waiting:
        # an item this meeting had carried over comes along from where it came from
        where, _, local = (item.carried_from or item.id).partition("/")
        said.append(msg("  {title} — to leave it off: kwartaal item withdraw {id} {local} "
                        "--reason …", title=item.title, id=where, local=local))
    return Change([meeting.src.path], f"meeting {meeting.id}: cancelled — {reason.strip()}",
                  id=meeting.id, said=said,
                  summary=msg("meeting {id} cancelled", id=meeting.id))


def planned_after(body: m.Body, date: dt.date) -> list[m.Meeting]:
    """The planned meetings after date, in order, reading only the files dated after it."""
    from kwartaal.files.scope import dated

    return [mt for mt in dated(body, lambda when: when is None or when > date).meetings
            if mt.status == "planned" and mt.date > date]


def set_meeting(body: m.Body, meeting_id: str, values: dict[str, str | None]) -> Change:
    """Change the practical details of a meeting (place, link, chair, secretary, time,
    format) in place; None leaves a detail as it is, "" removes it."""
    meeting = require_meeting(body, meeting_id)
    given = {key: value for key, value in values.items() if value is not None}
    if not given:
        raise KwartaalError(msg(
            "nothing to change; give --place, --link, --chair, --co-chair, --secretary, --time "
            "or --format"))
    from kwartaal.core.values import rule_problem

    for key, role in (("chair", msg("chair")), ("co_chair", msg("co-chair")),
                      ("secretary", msg("secretary"))):
        if given.get(key):
            require_person(body, str(given[key]), role)
    if given.get("time") and not TIME_PATTERN.match(str(given["time"])):
        raise KwartaalError(msg("--time must be HH:MM, e.g. 19:00"))
    if given.get("link"):
        problem = rule_problem("url", str(given["link"]))
        if problem is not None:
            raise KwartaalError(msg("--link {problem}", problem=problem))
    if given.get("place"):
        problem = rule_problem("line", str(given["place"]))
        if problem is not None:
            raise KwartaalError(msg("--place {problem}", problem=problem))
    if given.get("format") and given["format"] not in m.FORMATS:
        raise KwartaalError(msg("--format must be one of: {known}", known=", ".join(m.FORMATS)))
    changed = {key: value for key, value in given.items() if value != getattr(meeting, key)}
    if not changed:
        raise KwartaalError(msg("meeting {id} already has these details; nothing to change",
                                id=meeting.id))
    with store.edit(meeting.src.path) as doc:
        for key, value in changed.items():
            if value:
                doc[key] = value
            elif key in doc:
                del doc[key]
        if meeting.status in m.NOT_HELD and changed.keys() & {"place", "link", "time",
                                                                 "format"}:
            _raise_sequence(doc, meeting)
    listed = ", ".join(f"{key}" for key in changed)
    return Change([meeting.src.path], f"meeting {meeting.id}: set {listed}", id=meeting.id,
                  summary=msg("meeting {id}: changed {keys}", id=meeting.id, keys=listed))
