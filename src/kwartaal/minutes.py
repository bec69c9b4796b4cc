"""The minutes of a meeting as data, internal or public.

The public version is built here without closed content, hidden names or compensation, so that
no template — shipped or a body's own — is ever handed what it must not show.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from . import model as m
from .agenda import _long, _next_after, display_name
from .compensation import cents
from .labels import labels
from .reports import public_name

NUMBER_WORDS = {
    "nl": ["nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
           "elf", "twaalf"],
    "en": ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"],
}


def count_words(count: int, lang: str) -> str:
    words = NUMBER_WORDS["nl" if lang == "nl" else "en"]
    return words[count] if count < len(words) else str(count)


def anchor(decision_id: str) -> str:
    return "besluit-" + decision_id.replace("/", "-")


def hidden_names(body: m.Body, lang: str = "nl") -> dict[str, str]:
    """Names of role-only people, each with the role that may be shown instead."""
    return {p.name: public_name(p, p.id, lang) for p in body.people.values()
            if p.visibility == "role-only" and p.name}


def redact(text: str, names: dict[str, str]) -> str:
    """Replace whole-word hidden names in free text by the role; public output only."""
    for name, role in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", role, text)
    return text


def _closed_refs(meeting: m.Meeting) -> set[str]:
    refs: set[str] = set()
    for item in meeting.items:
        if item.closed:
            refs.update((item.local_id, item.id))
    return refs


def is_hidden(record: Any, closed_refs: set[str]) -> bool:
    """Closed itself, or hanging under a closed item."""
    return bool(record.closed or (getattr(record, "item", "") in closed_refs))


def attendance(body: m.Body, meeting: m.Meeting, lang: str, public: bool) -> dict[str, Any]:
    def names(ids: list[str]) -> list[str]:
        shown = []
        for pid in ids:
            person = body.people.get(pid)
            if public and (person is None or person.visibility == "role-only"):
                continue
            label = display_name(body, pid, public, lang)
            if person is not None and person.organisation and person.visibility == "named":
                label += f" ({person.organisation})"
            if pid in meeting.online:
                label += " — online"
            shown.append(label)
        return shown

    def counted(ids: list[str]) -> list[str]:
        if not public:
            return []
        groups: dict[tuple[str, str], int] = {}
        for pid in ids:
            person = body.people.get(pid)
            if person is None or person.visibility == "role-only":
                role = person.role_in(lang) if person else ""
                plural = person.role_plural_in(lang) if person else role
                groups[(role, plural)] = groups.get((role, plural), 0) + 1
        out = []
        for (role, plural), count in groups.items():
            out.append(f"{count_words(count, lang)} {plural if count > 1 else role}".strip())
        return out

    core = {p.id for p in body.people.values() if p.core}
    members = [pid for pid in meeting.present if pid in core]
    guests = [pid for pid in meeting.present if pid not in core]
    return {
        "present": names(members), "present_counted": counted(members),
        "guests": names(guests), "guests_counted": counted(guests),
        "excused": names(meeting.excused), "excused_counted": counted(meeting.excused),
        "absent": names(meeting.absent), "absent_counted": counted(meeting.absent),
    }


def build_minutes(body: m.Body, meeting: m.Meeting, lang: str, public: bool) -> dict[str, Any]:
    t = labels(lang)
    cfg = body.config
    closed_refs = _closed_refs(meeting)
    secret = hidden_names(body, lang) if public else {}

    def text(value: str) -> str:
        return redact(value, secret) if public else value

    superseded_by: dict[str, str] = {}
    for mt in body.meetings:
        refs = _closed_refs(mt) if public and mt.decisions else set()
        for d in mt.decisions:
            if d.supersedes and not (public and is_hidden(d, refs)):
                target = d.supersedes if "/" in d.supersedes else f"{mt.id}/{d.supersedes}"
                superseded_by[target] = d.id

    def decision_view(d: m.Decision) -> dict[str, Any]:
        return {"id": d.id, "anchor": anchor(d.id), "text": text(d.text),
                "closed": is_hidden(d, closed_refs), "supersedes": d.supersedes,
                "supersedes_anchor": anchor(d.supersedes) if d.supersedes else "",
                "superseded_by": superseded_by.get(d.id, "")}

    def action_view(a: m.Action) -> dict[str, Any]:
        return {"id": a.id, "title": text(a.title),
                "owners": [display_name(body, pid, public, lang) for pid in a.owners],
                "due": a.due.isoformat() if a.due else None,
                "due_long": _long(a.due, lang) if a.due else "",
                "status": a.status, "status_label": t.get(a.status, a.status),
                "closed": _hidden_anywhere(body, a)}

    def visible(records: list[Any]) -> list[Any]:
        return [r for r in records if not (public and is_hidden(r, closed_refs))]

    notes = visible(meeting.notes)
    decisions = visible(meeting.decisions)
    actions = visible(meeting.actions)
    used: set[str] = set()

    def section(key: str, refs: set[str], title: str, kind: str, **extra: Any) -> dict[str, Any]:
        used.update(refs)
        return {
            "key": key, "kind": kind, "title": title, "closed": extra.pop("closed", False),
            "proposer": extra.pop("proposer", ""),
            "notes": [{"id": n.id, "text": text(n.text), "closed": is_hidden(n, closed_refs)}
                      for n in notes if n.item in refs],
            "decisions": [decision_view(d) for d in decisions if d.item in refs],
            "actions": [action_view(a) for a in actions if a.item in refs],
            "children": [], **extra}

    def proposal(item: m.Item) -> dict[str, Any]:
        return section(item.id, {item.local_id, item.id}, text(item.title), "proposal",
                       closed=item.closed,
                       proposer=display_name(body, item.by, public, lang) if item.by else "")

    items: list[dict[str, Any]] = []
    items.append(section("opening", {"opening"}, t["opening"], "fixed"))
    items.append(section("previous-minutes", {"previous-minutes"}, t["previous_minutes"],
                         "fixed"))
    shown_items = [i for i in meeting.items if not (public and i.closed)]
    for standing in cfg.standing:
        entry = section(standing.key, {standing.key},
                        m.text_in(standing.title, lang, cfg.language), "standing")
        entry["children"] = [proposal(i) for i in shown_items if i.under == standing.key]
        items.append(entry)
    items += [proposal(i) for i in shown_items if not i.under]
    if public and any(i.closed for i in meeting.items):
        items.append({"key": "closed", "kind": "fixed", "title": t["closed_session"],
                      "closed": False, "proposer": "", "notes": [], "decisions": [],
                      "actions": [], "children": []})
    items.append(section("actions", {"actions"}, t["action_review"], "fixed"))
    items.append(section("any-other-business", {"any-other-business"}, t["any_other_business"],
                         "fixed"))
    leftover_refs = {r.item for r in (*notes, *decisions, *actions)} - used - {"closing"}
    leftover = section("other", leftover_refs | {""}, t["other"], "fixed")
    if leftover["notes"] or leftover["decisions"] or leftover["actions"]:
        items.append(leftover)
    items.append(section("closing", {"closing"}, t["closing"], "fixed"))
    for number, item in enumerate(items, start=1):
        item["number"] = str(number)
        for sub, child in enumerate(item["children"], start=1):
            child["number"] = f"{number}.{sub}"
    next_date = _next_after(body, meeting)
    data: dict[str, Any] = {
        "body": cfg.name, "meeting": meeting.id, "status": meeting.status,
        "visibility": "public" if public else "internal",
        "date": meeting.date.isoformat(), "date_long": _long(meeting.date, lang),
        "time": meeting.time or cfg.cadence.time,
        "place": meeting.place or cfg.cadence.place,
        "format": meeting.format or cfg.cadence.format,
        "chair": display_name(body, meeting.chair, public, lang) if meeting.chair else "",
        "secretary": (display_name(body, meeting.secretary, public, lang)
                      if meeting.secretary else ""),
        "attendance": attendance(body, meeting, lang, public),
        "items": items,
        "action_review": [action_view(a) for a in open_at(body, meeting)
                          if not (public and _hidden_anywhere(body, a))],
        "decisions": [decision_view(d) for d in decisions],
        "next_meeting": next_date.isoformat() if next_date else None,
        "next_meeting_long": _long(next_date, lang) if next_date else "",
        "approved": meeting.minutes_approved.isoformat() if meeting.minutes_approved else None,
    }
    if not public:
        data["compensation"] = compensation_log(body, meeting, lang)
    return data


def _hidden_anywhere(body: m.Body, action: m.Action) -> bool:
    origin = body.meeting(action.meeting)
    return is_hidden(action, _closed_refs(origin) if origin else set())


def open_at(body: m.Body, meeting: m.Meeting) -> list[m.Action]:
    """Actions made before the meeting that were still open on its date."""
    found = []
    for action in body.all_actions():
        origin = body.meeting(action.meeting)
        if origin is None or origin.date >= meeting.date:
            continue
        if action.is_open:
            found.append(action)
        elif action.history and action.history[-1].date >= meeting.date:
            found.append(action)  # finished at or after this meeting: open on its date
    return sorted(found, key=lambda a: (a.due or dt.date.max, a.id))


def compensation_log(body: m.Body, meeting: m.Meeting, lang: str) -> dict[str, Any]:
    t = labels(lang)
    lines = []
    total = paid = Decimal(0)
    for line in meeting.compensation:
        total += line.amount
        if line.paid:
            paid += line.amount
        lines.append({"id": line.id, "person": line.person,
                      "name": display_name(body, line.person, False),
                      "kind": line.kind, "kind_label": t.get(f"kind_{line.kind}", line.kind),
                      "hours": str(line.hours) if line.hours is not None else "",
                      "amount": cents(line.amount), "method": line.method,
                      "method_label": t.get(f"method_{line.method}", line.method),
                      "paid": line.paid.isoformat() if line.paid else None})
    return {"lines": lines, "total": cents(total), "paid": cents(paid),
            "unpaid": cents(total - paid)}


def to_json(data: dict[str, Any]) -> str:
    import json

    def default(value: object) -> str:
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        raise TypeError(type(value).__name__)

    return json.dumps(data, ensure_ascii=False, indent=2, default=default) + "\n"


def forbidden_in_public(body: m.Body, lang: str) -> list[str]:
    """Strings that must never appear in any public rendering of this body."""
    from .render import money

    found: set[str] = set()
    for person in body.people.values():
        if person.visibility == "role-only" and person.name:
            found.add(person.name)
    for meeting in body.meetings:
        refs = _closed_refs(meeting)
        for item in meeting.items:
            if item.closed:
                found.update(s for s in (item.title, item.note) if s)
        for record in (*meeting.notes, *meeting.decisions):
            if is_hidden(record, refs):
                found.add(record.text)
        for action in meeting.actions:
            if is_hidden(action, refs):
                found.add(action.title)
        for line in meeting.compensation:
            found.add(money(line.amount, lang))
    t = labels(lang)
    found.add(t["compensation_heading"])  # the internal section; never in public output
    return sorted(s for s in found if s.strip())


def leaks(rendered: str, forbidden: list[str]) -> list[str]:
    return [s for s in forbidden if s in rendered]
