"""The minutes of a meeting as data, internal or public.

The public version is built from a public view (see `visibility`): without closed content, hidden
names or compensation, so that no template — shipped or a body's own — is ever handed what it
must not show.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.compensation import cents
from kwartaal.core.formats import long_date
from kwartaal.core.labels import labels
from kwartaal.core.naming import role_label
from kwartaal.core.outline import CLOSED_SESSION, CLOSING, Entry, next_after, outline
from kwartaal.core.visibility import View, meeting_of

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


def attendance(v: View, meeting: m.Meeting) -> dict[str, Any]:
    """Who was there. A public view lists only people who may be named and counts the others
    by role ('twee leden van de klankbordgroep')."""
    body, lang = v.body, v.lang

    def names(ids: list[str]) -> list[str]:
        shown = []
        for pid in ids:
            if not v.listed_by_name(pid):
                continue
            person = body.people.get(pid)
            label = v.person(pid)
            if person is not None and person.organisation and person.visibility == "named":
                label += f" ({v.text(person.organisation)})"
            if pid in meeting.online:
                label += " — online"
            shown.append(label)
        return shown

    def counted(ids: list[str]) -> list[str]:
        groups: dict[tuple[str, str], int] = {}
        for pid in ids:
            if v.listed_by_name(pid):
                continue
            person = body.people.get(pid)
            role = v.text(role_label(person, lang))
            plural = v.text(person.role_plural_in(lang)) if person else role
            groups[(role, plural or role)] = groups.get((role, plural or role), 0) + 1
        return [f"{count_words(count, lang)} {plural if count > 1 else role}".strip()
                for (role, plural), count in groups.items()]

    core = {p.id for p in body.people.values() if p.core}
    members = [pid for pid in meeting.present if pid in core]
    guests = [pid for pid in meeting.present if pid not in core]
    return {
        "present": names(members), "present_counted": counted(members),
        "guests": names(guests), "guests_counted": counted(guests),
        "excused": names(meeting.excused), "excused_counted": counted(meeting.excused),
        "absent": names(meeting.absent), "absent_counted": counted(meeting.absent),
    }


def build_minutes(body: m.Body, meeting: m.Meeting, lang: str, public: bool, *,
                  with_compensation: bool = False) -> dict[str, Any]:
    """The minutes as data. Compensation is included only in an internal view that asks for
    it: the minutes go to every participant, police included."""
    t = labels(lang)
    cfg = body.config
    v = View(body, lang, public=public)

    def where(record: Any, kind: str) -> str:
        return f"{record.src.path.name} [[{kind}]] {record.local_id}"

    decisions_by_id = {d.id: d for mt in body.meetings for d in mt.decisions}
    superseded_by: dict[str, str] = {}
    for d in decisions_by_id.values():
        if d.supersedes and not v.hides(d):
            superseded_by[_full(meeting_of(d.id), d.supersedes)] = d.id

    def decision_view(d: m.Decision) -> dict[str, Any]:
        target = _full(meeting.id, d.supersedes) if d.supersedes else ""
        if target and v.hides(decisions_by_id.get(target)):
            target = ""  # a closed decision is not even referred to in public
        return {"id": d.id, "anchor": anchor(d.id), "text": v.text(d.text, where(d, "decision")),
                "closed": v.is_closed(d), "supersedes": d.supersedes if target else "",
                "supersedes_anchor": anchor(target) if target else "",
                "superseded_by": superseded_by.get(d.id, "")}

    def action_view(a: m.Action) -> dict[str, Any]:
        return {"id": a.id, "title": v.text(a.title, where(a, "action")),
                "owners": [v.person(pid) for pid in a.owners],
                "due": a.due.isoformat() if a.due else None,
                "due_long": long_date(a.due, lang) if a.due else "",
                "status": a.status, "status_label": t.get(a.status, a.status),
                "closed": v.is_closed(a)}

    def visible(records: list[Any]) -> list[Any]:
        return [r for r in records if not v.hides(r)]

    notes = visible(meeting.notes)
    decisions = visible(meeting.decisions)
    actions = visible(meeting.actions)
    used: set[str] = set()

    def section(key: str, refs: set[str], title: str, kind: str, **extra: Any) -> dict[str, Any]:
        used.update(refs)
        return {
            "key": key, "kind": kind, "title": title, "closed": extra.pop("closed", False),
            "proposer": extra.pop("proposer", ""),
            "notes": [{"id": n.id, "text": v.text(n.text, where(n, "note")),
                       "closed": v.is_closed(n)} for n in notes if n.item in refs],
            "decisions": [decision_view(d) for d in decisions if d.item in refs],
            "actions": [action_view(a) for a in actions if a.item in refs],
            "children": [], **extra}

    fixed_titles = {"opening": t["opening"], "previous-minutes": t["previous_minutes"],
                    "actions": t["action_review"], "any-other-business": t["any_other_business"],
                    CLOSING: t["closing"], CLOSED_SESSION: t["closed_session"]}

    def view_of(entry: Entry) -> dict[str, Any]:
        if entry.item is not None:
            item = entry.item
            found = section(item.id, set(entry.refs), v.text(item.title, where(item, "item")),
                            entry.kind, closed=v.is_closed(item),
                            proposer=v.person(item.by) if item.by else "")
        elif entry.standing is not None:
            found = section(entry.key, set(entry.refs),
                            v.text(m.text_in(entry.standing.title, lang, cfg.language)),
                            "standing")
        else:
            found = section(entry.key, set(entry.refs), fixed_titles[entry.key], "fixed")
        found["number"] = entry.number
        found["children"] = [view_of(child) for child in entry.children]
        return found

    items = [view_of(entry) for entry in outline(body, meeting, hides=v.hides)]
    # Records under something that is not on the agenda (an item since removed) are not lost:
    # they come together after the closing, so that every number stays the agenda's.
    leftover_refs = {r.item for r in (*notes, *decisions, *actions)} - used
    leftover = section("other", leftover_refs | {""}, t["other"], "fixed")
    if leftover["notes"] or leftover["decisions"] or leftover["actions"]:
        leftover["number"] = str(len(items) + 1)
        items.append(leftover)
    next_date = next_after(body, meeting)
    data: dict[str, Any] = {
        "body": cfg.name, "meeting": meeting.id, "status": meeting.status,
        "visibility": "public" if public else "internal",
        "confidential": "" if public else t["confidential"],
        "date": meeting.date.isoformat(), "date_long": long_date(meeting.date, lang),
        "time": meeting.time or cfg.cadence.time,
        "place": v.place(meeting),
        "format": meeting.format or cfg.cadence.format,
        "chair": v.person(meeting.chair) if meeting.chair else "",
        "secretary": v.person(meeting.secretary) if meeting.secretary else "",
        "attendance": attendance(v, meeting),
        "items": items,
        "action_review": [action_view(a) for a in open_at(body, meeting) if not v.hides(a)],
        "decisions": [decision_view(d) for d in decisions],
        "next_meeting": next_date.isoformat() if next_date else None,
        "next_meeting_long": long_date(next_date, lang) if next_date else "",
        "approved": meeting.minutes_approved.isoformat() if meeting.minutes_approved else None,
    }
    if not public:
        if with_compensation:
            data["compensation"] = compensation_log(body, meeting, lang)
        elif meeting.compensation:
            data["compensation_left_out"] = t["compensation_left_out"]
    return data


def _full(meeting_id: str, ref: str) -> str:
    return ref if "/" in ref else f"{meeting_id}/{ref}"


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
    v = View(body, lang, public=False)
    lines = []
    total = paid = Decimal(0)
    for line in meeting.compensation:
        if not line.counts:  # voided: out of the log and its totals
            continue
        total += line.amount
        if line.paid:
            paid += line.amount
        lines.append({"id": line.id, "person": line.person,
                      "name": v.person(line.person),
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
