"""The agenda of a meeting as data: what is on it, in which order, for whom.

Deciding what a public reader may see happens here, before any template is involved: the public
agenda is built without closed titles or hidden names, so no template can print them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import model as m
from . import rules
from .labels import labels
from .reports import public_name


def display_name(body: m.Body, pid: str, public: bool, lang: str = "nl") -> str:
    person = body.people.get(pid)
    if not public:
        return person.name if person else pid
    return public_name(person, pid, lang)


def previous_held(body: m.Body, meeting: m.Meeting) -> m.Meeting | None:
    earlier = [mt for mt in body.meetings if mt.date < meeting.date and mt.status != "planned"]
    return earlier[-1] if earlier else None


def handled(meeting: m.Meeting, item: m.Item) -> bool:
    """An item counts as handled when marked so, or when anything was recorded under it."""
    if item.handled is not None:
        return item.handled
    refs = {item.local_id, item.id}
    return any(r.item in refs for r in (*meeting.notes, *meeting.decisions, *meeting.actions))


def carry_over_candidates(body: m.Body, meeting: m.Meeting) -> list[m.Item]:
    """Items of the previous held meeting to carry over that this meeting does not hold yet."""
    previous = previous_held(body, meeting)
    if previous is None:
        return []
    carried = {i.carried_from for mt in (*body.meetings, meeting) for i in mt.items
               if i.carried_from}
    return [i for i in previous.items
            if (i.carry_over or not handled(previous, i)) and i.id not in carried]


def organisations(body: m.Body, meeting: m.Meeting) -> list[str]:
    found: dict[str, None] = {}
    for pid in meeting.invited:
        person = body.people.get(pid)
        if person is not None and person.organisation:
            found.setdefault(person.organisation, None)
    return list(found)


def _item_view(body: m.Body, item: m.Item, lang: str, public: bool, default: int,
               kind: str) -> dict[str, Any]:
    theme = body.config.themes.get(item.theme)
    return {
        "key": item.id, "kind": kind, "title": item.title,
        "proposer": display_name(body, item.by, public, lang) if item.by else "",
        "theme": item.theme,
        "theme_title": m.text_in(theme.title, lang, body.config.language) if theme else "",
        "closed": item.closed, "minutes": item.minutes if item.minutes is not None else default,
        "note": item.note, "children": [],
    }


def build_agenda(body: m.Body, meeting: m.Meeting, today: dt.date, lang: str,
                 public: bool) -> dict[str, Any]:
    t = labels(lang)
    cfg = body.config
    times = cfg.agenda
    default = times.proposal
    visible = [i for i in meeting.items if not (public and i.closed)]
    closed_minutes = sum(i.minutes if i.minutes is not None else default
                         for i in meeting.items if i.closed)
    items: list[dict[str, Any]] = []

    def fixed(key: str, title: str, minutes: int, **extra: Any) -> None:
        items.append({"key": key, "kind": "fixed", "title": title, "proposer": "", "theme": "",
                      "theme_title": "", "closed": False, "minutes": minutes, "note": "",
                      "children": [], **extra})

    fixed("opening", t["opening"], times.opening)
    previous = previous_held(body, meeting)
    fixed("previous-minutes", t["previous_minutes"], times.previous_minutes,
          note=t["minutes_of"].format(date=_long(previous.date, lang)) if previous else "")
    for standing in cfg.standing:
        entry = {"key": standing.key, "kind": "standing",
                 "title": m.text_in(standing.title, lang, cfg.language), "proposer": "",
                 "theme": "", "theme_title": "", "closed": False, "minutes": standing.minutes,
                 "note": m.text_in(standing.description, lang, cfg.language)
                 if standing.description else "", "children": []}
        for item in visible:
            if item.under == standing.key and not item.carried_from:
                entry["children"].append(_item_view(body, item, lang, public, default,
                                                    "proposal"))
        items.append(entry)
    for item in visible:
        if not item.under and not item.carried_from:
            items.append(_item_view(body, item, lang, public, default, "proposal"))
    carried = [i for i in visible if i.carried_from]
    carried += [i for i in carry_over_candidates(body, meeting) if not (public and i.closed)]
    for item in carried:
        view = _item_view(body, item, lang, public, default, "carried")
        view["from"] = item.carried_from or item.id
        items.append(view)
    if public and closed_minutes:
        fixed("closed", t["closed_session"], closed_minutes)
    review = action_review(body, meeting, today, lang, public)
    fixed("actions", t["action_review"], times.action_review)
    fixed("any-other-business", t["any_other_business"], times.any_other_business)
    next_date = _next_after(body, meeting)
    fixed("closing", t["closing"], times.closing,
          note=t["next_meeting"].format(date=_long(next_date, lang)) if next_date else "")
    for number, item in enumerate(items, start=1):
        item["number"] = str(number)
        for sub, child in enumerate(item["children"], start=1):
            child["number"] = f"{number}.{sub}"
    total = sum(i["minutes"] + sum(c["minutes"] for c in i["children"]) for i in items)
    length = meeting.length or cfg.cadence.length
    start = meeting.time or cfg.cadence.time
    return {
        "body": cfg.name,
        "meeting": meeting.id,
        "status": meeting.status,
        "visibility": "public" if public else "internal",
        "date": meeting.date.isoformat(),
        "date_long": _long(meeting.date, lang),
        "time": start,
        "end_time": _end_time(start, length),
        "place": meeting.place or cfg.cadence.place,
        "format": meeting.format or cfg.cadence.format,
        "link": meeting.link or cfg.cadence.link,
        "chair": display_name(body, meeting.chair or cfg.chair or "", public, lang)
        if (meeting.chair or cfg.chair) else "",
        "secretary": display_name(body, meeting.secretary or cfg.secretary or "", public, lang)
        if (meeting.secretary or cfg.secretary) else "",
        "organisations": organisations(body, meeting),
        "items": items,
        "action_review": review,
        "total_minutes": total,
        "length": length,
        "over_by": max(0, total - length),
        "next_meeting": next_date.isoformat() if next_date else None,
        "next_meeting_long": _long(next_date, lang) if next_date else "",
    }


def action_review(body: m.Body, meeting: m.Meeting, today: dt.date, lang: str,
                  public: bool) -> list[dict[str, Any]]:
    """Every action still open that was made before this meeting, grouped by theme."""
    cfg = body.config
    groups: dict[str, list[dict[str, Any]]] = {}
    for action in sorted(body.all_actions(), key=lambda a: (a.due or dt.date.max, a.id)):
        if not action.is_open:
            continue
        origin = body.meeting(action.meeting)
        if origin is None or origin.date >= meeting.date:
            continue
        if public and (action.closed or _under_closed_item(origin, action.item)):
            continue
        late = rules.days_overdue(action, today)
        groups.setdefault(action.theme, []).append({
            "id": action.id, "title": action.title,
            "owners": [display_name(body, pid, public, lang) for pid in action.owners],
            "due": action.due.isoformat() if action.due else None,
            "due_long": _long(action.due, lang) if action.due else "",
            "status": action.status, "overdue": late > 0, "days_overdue": late,
            "due_by_meeting": bool(late == 0 and action.due and action.due <= meeting.date),
            "closed": action.closed,
        })
    order = [*cfg.themes, *[k for k in groups if k not in cfg.themes]]
    out = []
    for key in order:
        if key in groups:
            theme = cfg.themes.get(key)
            out.append({"theme": key, "title": m.text_in(theme.title, lang, cfg.language)
                        if theme else (key or labels(lang)["no_theme"]),
                        "actions": groups[key]})
    return out


def _under_closed_item(meeting: m.Meeting, ref: str) -> bool:
    return any(i.closed and ref in (i.local_id, i.id) for i in meeting.items) if ref else False


def _next_after(body: m.Body, meeting: m.Meeting) -> dt.date | None:
    later = [mt.date for mt in body.meetings if mt.date > meeting.date]
    if later:
        return min(later)
    from .dates import cadence_dates

    found = cadence_dates(body.config.cadence, meeting.date)
    return found[0] if found else None


def _long(value: dt.date | None, lang: str) -> str:
    from .render import long_date

    return long_date(value, lang)


def _end_time(start: str, minutes: int) -> str:
    try:
        hours, mins = (int(x) for x in start.split(":"))
    except ValueError:
        return ""
    total = hours * 60 + mins + minutes
    return f"{(total // 60) % 24:02d}:{total % 60:02d}"
