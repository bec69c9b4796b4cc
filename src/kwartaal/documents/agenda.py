"""The agenda of a meeting as data: what is on it, in which order, for whom.

What a public reader may see is decided by `visibility`, before any template is involved: the
public agenda is built from a public view, without closed titles, hidden names, the meeting link
or an internal place, so no template can print them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import rules
from kwartaal.core.formats import long_date
from kwartaal.core.labels import labels
from kwartaal.core.outline import (
    ACTIONS,
    ANY_OTHER_BUSINESS,
    CLOSED_SESSION,
    CLOSING,
    OPENING,
    PREVIOUS_MINUTES,
    Entry,
    next_after,
    outline,
    previous_held,
)
from kwartaal.core.participation import level_label, proposer, submitted
from kwartaal.core.visibility import View


def organisations(body: m.Body, meeting: m.Meeting) -> list[str]:
    found: dict[str, None] = {}
    for pid in meeting.invited:
        person = body.people.get(pid)
        if person is not None and person.organisation:
            found.setdefault(person.organisation, None)
    return list(found)


def _item_view(v: View, item: m.Item, default: int, kind: str) -> dict[str, Any]:
    cfg = v.body.config
    theme = cfg.themes.get(item.theme)
    where = f"{item.src.path.name} [[item]] {item.local_id}"
    title = item.title_in(v.lang)
    return {
        "key": item.id, "kind": kind, "title": v.text(title, where),
        "proposer": proposer(v, item), "submitted": submitted(v, item),
        "level": item.level, "level_label": level_label(item.level, v.lang),
        "theme": item.theme,
        "theme_title": v.text(m.text_in(theme.title, v.lang, cfg.language)) if theme else "",
        "closed": v.is_closed(item),
        "minutes": item.minutes if item.minutes is not None else default,
        "note": v.text(item.note, where), "children": [],
    }


def build_agenda(body: m.Body, meeting: m.Meeting, today: dt.date, lang: str,
                 public: bool, gathered: ActionReview | None = None) -> dict[str, Any]:
    """The agenda's data. gathered: its review of actions, gathered by the caller (with a
    View of the same body, language and audience) as it passed every action."""
    t = labels(lang)
    v = View(body, lang, public=public)
    cfg = body.config
    times = cfg.agenda
    default = times.proposal
    closed_minutes = sum(i.minutes if i.minutes is not None else default
                         for i in meeting.items if v.is_closed(i))
    previous = previous_held(body, meeting)
    next_date = next_after(body, meeting)
    fixed_titles = {OPENING: t["opening"], PREVIOUS_MINUTES: t["previous_minutes"],
                    ACTIONS: t["action_review"], ANY_OTHER_BUSINESS: t["any_other_business"],
                    CLOSING: t["closing"], CLOSED_SESSION: t["closed_session"]}
    fixed_minutes = {OPENING: times.opening, PREVIOUS_MINUTES: times.previous_minutes,
                     ACTIONS: times.action_review, ANY_OTHER_BUSINESS: times.any_other_business,
                     CLOSING: times.closing, CLOSED_SESSION: closed_minutes}
    fixed_notes = {
        PREVIOUS_MINUTES: t["minutes_of"].format(date=long_date(previous.date, lang))
        if previous else "",
        CLOSING: t["next_meeting"].format(date=long_date(next_date, lang)) if next_date else ""}

    def view_of(entry: Entry) -> dict[str, Any]:
        if entry.item is not None:
            found = _item_view(v, entry.item, default, entry.kind)
            if entry.kind == "carried":
                found["from"] = entry.item.carried_from or entry.item.id
        elif entry.standing is not None:
            standing = entry.standing
            found = {"key": standing.key, "kind": "standing",
                     "title": v.text(m.text_in(standing.title, lang, cfg.language)),
                     "proposer": "", "submitted": "", "level": "", "level_label": "",
                     "theme": "", "theme_title": "", "closed": False,
                     "minutes": standing.minutes,
                     "note": v.text(m.text_in(standing.description, lang, cfg.language))
                     if standing.description else ""}
        else:
            found = {"key": entry.key, "kind": "fixed", "title": fixed_titles[entry.key],
                     "proposer": "", "submitted": "", "level": "", "level_label": "",
                     "theme": "", "theme_title": "", "closed": False,
                     "minutes": fixed_minutes[entry.key], "note": fixed_notes.get(entry.key, "")}
        found["number"] = entry.number
        # the id the item commands take, on the internal agenda only: 'item set M p-7kq2'
        found["ref"] = "" if public or entry.item is None else (
            entry.item.local_id if entry.item.src.path == meeting.src.path else entry.item.id)
        found["children"] = [view_of(child) for child in entry.children]
        return found

    items = [view_of(entry) for entry in outline(body, meeting, hides=v.hides)]
    review = action_review(v, meeting, today) if gathered is None else gathered.groups()
    total = sum(i["minutes"] + sum(c["minutes"] for c in i["children"]) for i in items)
    length = meeting.length or cfg.cadence.length
    start = meeting.time or cfg.cadence.time
    return {
        "body": v.body_name(),
        "meeting": meeting.id,
        "status": meeting.status,
        "cancelled": meeting.status == "cancelled",
        "cancel_reason": "" if public else v.text(meeting.cancel_reason),
        # off the agenda but kept in the file: listed at the end, for participants only
        "withdrawn": [] if public else [
            {"ref": i.local_id, "title": v.text(i.title), "reason": v.text(i.withdrawn)}
            for i in meeting.items if i.withdrawn],
        "visibility": "public" if public else "internal",
        "confidential": "" if public else t["confidential"],
        "date": meeting.date.isoformat(),
        "date_long": long_date(meeting.date, lang),
        "time": start,
        "end_time": _end_time(start, length),
        "place": v.place(meeting),
        "format": meeting.format or cfg.cadence.format,
        "link": v.link(meeting),
        "chair": v.person(meeting.chair or cfg.chair or "") if (meeting.chair or cfg.chair)
        else "",
        "co_chair": v.person(meeting.co_chair or cfg.co_chair or "")
        if (meeting.co_chair or cfg.co_chair) else "",
        "secretary": v.person(meeting.secretary or cfg.secretary or "")
        if (meeting.secretary or cfg.secretary) else "",
        "organisations": [v.text(org) for org in organisations(body, meeting)],
        **replies(v, meeting),
        "items": items,
        "action_review": review,
        "open_feedback": open_feedback(v, meeting),
        "total_minutes": total,
        "length": length,
        "over_by": max(0, total - length),
        "next_meeting": next_date.isoformat() if next_date else None,
        "next_meeting_long": long_date(next_date, lang) if next_date else "",
    }


def replies(v: View, meeting: m.Meeting) -> dict[str, list[str]]:
    """Who replied that they will come or not, as the view may show them: by name where they
    may be listed, else counted by role ('één lid van de klankbordgroep')."""
    from kwartaal.documents.minutes import counted_by_role, listed_names

    def names(ids: list[str]) -> list[str]:
        return listed_names(v, ids)

    def counted(ids: list[str]) -> list[str]:
        return counted_by_role(v, ids)

    return {"expected": names(meeting.expected), "expected_counted": counted(meeting.expected),
            "declined": names(meeting.declined), "declined_counted": counted(meeting.declined)}


def action_review(v: View, meeting: m.Meeting, today: dt.date) -> list[dict[str, Any]]:
    """Every action still open that was made before this meeting, grouped by theme."""
    review = ActionReview(v, meeting, today)
    # a meeting's open actions at a time, each let go once its row is made (at 4,000
    # meetings, the thousands of open actions held at once were the peak of a site's memory)
    for held in v.body.meetings:
        for action in m.open_actions(held):
            review.add(action)
    return review.groups()


class ActionReview:
    """The review of actions of one meeting's agenda, gathered an action at a time: given
    every action of the body (in any order), it keeps the row of each one still open that
    was made before the meeting and that the view shows. A site, which passes every action
    once, gathers it in that pass (none is decoded again)."""

    def __init__(self, v: View, meeting: m.Meeting, today: dt.date) -> None:
        self.v, self.meeting, self.today = v, meeting, today
        self.rows: list[tuple[tuple[dt.date, str], str, dict[str, Any]]] = []

    def add(self, action: m.Action) -> None:
        if not action.is_open:
            return
        origin = self.v.body.meeting(action.meeting)
        if origin is None or origin.date >= self.meeting.date or self.v.hides(action):
            return
        self.rows.append(((action.due or dt.date.max, action.id), action.theme,
                          _review_row(self.v, action, self.meeting, self.today)))

    def groups(self) -> list[dict[str, Any]]:
        """The rows by theme (the settings' order, then as first met), each theme's by due
        date and id."""
        v, rows = self.v, sorted(self.rows, key=lambda row: row[0])
        cfg, lang = v.body.config, v.lang
        groups: dict[str, list[dict[str, Any]]] = {}
        for _, theme, row in rows:
            groups.setdefault(theme, []).append(row)
        order = [*cfg.themes, *[k for k in groups if k not in cfg.themes]]
        out = []
        for key in order:
            if key in groups:
                theme = cfg.themes.get(key)
                out.append({"theme": key,
                            "title": v.text(m.text_in(theme.title, lang, cfg.language))
                            if theme else (key or labels(lang)["no_theme"]),
                            "actions": groups[key]})
        return out


def _review_row(v: View, action: m.Action, meeting: m.Meeting,
                today: dt.date) -> dict[str, Any]:
    lang = v.lang
    late = rules.days_overdue(action, today)
    return {
        "id": action.id,
        "title": v.text(action.title, f"{action.src.path.name} [[action]] {action.local_id}"),
        "owners": [v.person(pid) for pid in action.owners],
        "due": action.due.isoformat() if action.due else None,
        "due_long": long_date(action.due, lang) if action.due else "",
        "status": action.status, "overdue": late > 0, "days_overdue": late,
        "due_by_meeting": bool(late == 0 and action.due and action.due <= meeting.date),
        "closed": v.is_closed(action),
    }


def open_feedback(v: View, meeting: m.Meeting) -> list[dict[str, Any]]:
    """The feedback still owed on input asked at earlier meetings, for the review of actions;
    a public view leaves out what is closed, and record ids."""
    from kwartaal.core.feedback import open_at

    out = []
    for entry in open_at(v.body, meeting):
        if v.hides(entry.record):
            continue
        where = f"{entry.record.src.path.name} [[{entry.kind}]] {entry.record.local_id}"
        out.append({"ref": "" if v.public else entry.id, "kind": entry.kind,
                    "title": v.text(entry.title(v.lang), where), "meeting": entry.meeting.id,
                    "asked_long": long_date(entry.meeting.date, v.lang),
                    "late": entry.due is not None and entry.due < meeting.date,
                    "closed": v.is_closed(entry.record)})
    return out


def _end_time(start: str, minutes: int) -> str:
    try:
        hours, mins = (int(x) for x in start.split(":"))
    except ValueError:
        return ""
    total = hours * 60 + mins + minutes
    return f"{(total // 60) % 24:02d}:{total % 60:02d}"


def render_agenda(body: m.Body, meeting: m.Meeting, today: dt.date, lang: str, *, public: bool,
                  fmt: str) -> str:
    """The agenda as text, md, html or json. A public rendering is refused if it contains
    anything hidden (a body's own template included); an internal one says it is internal."""
    from kwartaal.core.problems import msg
    from kwartaal.documents.render import json_text, mark_confidential, render

    data = build_agenda(body, meeting, today, lang, public=public)
    if fmt == "json":
        text = json_text(data)
    else:
        text = render(body.root, f"agenda.{fmt if fmt != 'text' else 'txt'}.j2", lang, a=data)
    del data  # (searched without it)
    if public:
        View(body, lang, public=True).assert_clean(text, msg(
            "the public agenda of {id}", id=meeting.id))
        return text
    return mark_confidential(text, fmt, lang)
