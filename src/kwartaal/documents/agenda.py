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
from kwartaal.core.visibility import View


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


def _item_view(v: View, item: m.Item, default: int, kind: str) -> dict[str, Any]:
    cfg = v.body.config
    theme = cfg.themes.get(item.theme)
    where = f"{item.src.path.name} [[item]] {item.local_id}"
    return {
        "key": item.id, "kind": kind, "title": v.text(item.title, where),
        "proposer": v.person(item.by) if item.by else "",
        "theme": item.theme,
        "theme_title": v.text(m.text_in(theme.title, v.lang, cfg.language)) if theme else "",
        "closed": v.is_closed(item),
        "minutes": item.minutes if item.minutes is not None else default,
        "note": v.text(item.note, where), "children": [],
    }


def build_agenda(body: m.Body, meeting: m.Meeting, today: dt.date, lang: str,
                 public: bool) -> dict[str, Any]:
    t = labels(lang)
    v = View(body, lang, public=public)
    cfg = body.config
    times = cfg.agenda
    default = times.proposal
    visible = [i for i in meeting.items if not v.hides(i)]
    closed_minutes = sum(i.minutes if i.minutes is not None else default
                         for i in meeting.items if v.is_closed(i))
    items: list[dict[str, Any]] = []

    def fixed(key: str, title: str, minutes: int, **extra: Any) -> None:
        items.append({"key": key, "kind": "fixed", "title": title, "proposer": "", "theme": "",
                      "theme_title": "", "closed": False, "minutes": minutes, "note": "",
                      "children": [], **extra})

    fixed("opening", t["opening"], times.opening)
    previous = previous_held(body, meeting)
    fixed("previous-minutes", t["previous_minutes"], times.previous_minutes,
          note=t["minutes_of"].format(date=long_date(previous.date, lang)) if previous else "")
    for standing in cfg.standing:
        entry = {"key": standing.key, "kind": "standing",
                 "title": v.text(m.text_in(standing.title, lang, cfg.language)), "proposer": "",
                 "theme": "", "theme_title": "", "closed": False, "minutes": standing.minutes,
                 "note": v.text(m.text_in(standing.description, lang, cfg.language))
                 if standing.description else "", "children": []}
        for item in visible:
            if item.under == standing.key and not item.carried_from:
                entry["children"].append(_item_view(v, item, default, "proposal"))
        items.append(entry)
    for item in visible:
        if not item.under and not item.carried_from:
            items.append(_item_view(v, item, default, "proposal"))
    carried = [i for i in visible if i.carried_from]
    carried += [i for i in carry_over_candidates(body, meeting) if not v.hides(i)]
    for item in carried:
        view = _item_view(v, item, default, "carried")
        view["from"] = item.carried_from or item.id
        items.append(view)
    if public and closed_minutes:
        fixed("closed", t["closed_session"], closed_minutes)
    review = action_review(v, meeting, today)
    fixed("actions", t["action_review"], times.action_review)
    fixed("any-other-business", t["any_other_business"], times.any_other_business)
    next_date = next_after(body, meeting)
    fixed("closing", t["closing"], times.closing,
          note=t["next_meeting"].format(date=long_date(next_date, lang)) if next_date else "")
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
        "secretary": v.person(meeting.secretary or cfg.secretary or "")
        if (meeting.secretary or cfg.secretary) else "",
        "organisations": [v.text(org) for org in organisations(body, meeting)],
        "items": items,
        "action_review": review,
        "total_minutes": total,
        "length": length,
        "over_by": max(0, total - length),
        "next_meeting": next_date.isoformat() if next_date else None,
        "next_meeting_long": long_date(next_date, lang) if next_date else "",
    }


def action_review(v: View, meeting: m.Meeting, today: dt.date) -> list[dict[str, Any]]:
    """Every action still open that was made before this meeting, grouped by theme."""
    body, lang = v.body, v.lang
    cfg = body.config
    groups: dict[str, list[dict[str, Any]]] = {}
    for action in sorted(body.all_actions(), key=lambda a: (a.due or dt.date.max, a.id)):
        if not action.is_open:
            continue
        origin = body.meeting(action.meeting)
        if origin is None or origin.date >= meeting.date:
            continue
        if v.hides(action):
            continue
        late = rules.days_overdue(action, today)
        groups.setdefault(action.theme, []).append({
            "id": action.id,
            "title": v.text(action.title, f"{action.src.path.name} [[action]] {action.local_id}"),
            "owners": [v.person(pid) for pid in action.owners],
            "due": action.due.isoformat() if action.due else None,
            "due_long": long_date(action.due, lang) if action.due else "",
            "status": action.status, "overdue": late > 0, "days_overdue": late,
            "due_by_meeting": bool(late == 0 and action.due and action.due <= meeting.date),
            "closed": v.is_closed(action),
        })
    order = [*cfg.themes, *[k for k in groups if k not in cfg.themes]]
    out = []
    for key in order:
        if key in groups:
            theme = cfg.themes.get(key)
            out.append({"theme": key, "title": v.text(m.text_in(theme.title, lang, cfg.language))
                        if theme else (key or labels(lang)["no_theme"]),
                        "actions": groups[key]})
    return out


def next_after(body: m.Body, meeting: m.Meeting) -> dt.date | None:
    later = [mt.date for mt in body.meetings if mt.date > meeting.date]
    if later:
        return min(later)
    from kwartaal.core.dates import cadence_dates

    found = cadence_dates(body.config.cadence, meeting.date)
    return found[0] if found else None


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
    from kwartaal.documents.render import mark_confidential, render

    data = build_agenda(body, meeting, today, lang, public=public)
    if fmt == "json":
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = render(body.root, f"agenda.{fmt if fmt != 'text' else 'txt'}.j2", lang, a=data)
    if public:
        View(body, lang, public=True).assert_clean(text, msg(
            "the public agenda of {id}", id=meeting.id))
        return text
    return mark_confidential(text, fmt, lang)
