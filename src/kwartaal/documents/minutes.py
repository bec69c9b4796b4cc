"""The minutes of a meeting as data, internal or public.

The public version is built from a public view (see `visibility`): without closed content, hidden
names or compensation, so that no template — shipped or a body's own — is ever handed what it
must not show.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.compensation import cents
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
    outline,
    previous_held,
)
from kwartaal.core.participation import level_label, proposer, submitted
from kwartaal.core.visibility import View, meeting_of
from kwartaal.core.words import ntr
from kwartaal.documents.frozen import contents

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


def role_plural(person: m.Person | None, lang: str) -> str:
    """The plural of a person's role as the body wrote it, or "" when it did not: a plural
    made up from a role ('lid' → 'lids') would be wrong in either language."""
    if person is None:
        return ""
    if lang == "en" and person.role_en:
        return person.role_plural_en
    return person.role_plural


def counted_role(role: str, plural: str, count: int, lang: str) -> str:
    """'twee leden van de klankbordgroep' when the plural is known; without it, a form that
    stays correct: 'twee deelnemers (lid van de klankbordgroep)'."""
    number = count_words(count, lang)
    if not role:
        return ntr("{number} participant", "{number} participants", count,
                   lang).format(number=number)
    if count == 1:
        return f"{number} {role}"
    if plural:
        return f"{number} {plural}"
    return ntr("{number} participant ({role})", "{number} participants ({role})", count,
               lang).format(number=number, role=role)


def listed_names(v: View, ids: list[str], online: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The people of ids the view may name, with their organisation when they are named."""
    shown = []
    for pid in ids:
        if not v.listed_by_name(pid):
            continue
        person = v.body.people.get(pid)
        label = v.person(pid)
        if person is not None and person.organisation and person.is_named:
            label += f" ({v.text(person.organisation)})"
        if pid in online:
            label += " — online"
        shown.append(label)
    return shown


def counted_by_role(v: View, ids: list[str]) -> list[str]:
    """The people of ids the view may not name, counted by role ('twee leden van de
    klankbordgroep')."""
    groups: dict[tuple[str, str], int] = {}
    for pid in ids:
        if v.listed_by_name(pid):
            continue
        person = v.body.people.get(pid)
        key = (v.text(person.role_in(v.lang)) if person else "",
               v.text(role_plural(person, v.lang)))
        groups[key] = groups.get(key, 0) + 1
    return [counted_role(role, plural, count, v.lang) for (role, plural), count in groups.items()]


def attendance(v: View, meeting: m.Meeting) -> dict[str, Any]:
    """Who was there. A public view lists only people who may be named and counts the others
    by role ('twee leden van de klankbordgroep')."""
    body = v.body

    def names(ids: list[str]) -> list[str]:
        return listed_names(v, ids, meeting.online)

    def counted(ids: list[str]) -> list[str]:
        return counted_by_role(v, ids)

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

    # Of every decision of the body (the last of a repeated id, as a dict by id keeps it),
    # one meeting's decoded at a time (model.passing): the decision it supersedes, and
    # whether the view hides it, where that is asked below.
    targets = {_full(meeting.id, d.supersedes) for d in meeting.decisions if d.supersedes}
    decided: dict[str, tuple[str, bool] | None] = {}
    for mt in body.meetings:
        for d in m.passing(mt.decisions):
            decided[d.id] = (_full(meeting_of(d.id), d.supersedes), v.hides(d)) \
                if d.supersedes else (("", v.hides(d)) if d.id in targets else None)
    superseded_by: dict[str, str] = {}
    for decision_id, found in decided.items():
        if found is not None and found[0] and not found[1]:
            superseded_by[found[0]] = decision_id

    def decision_view(d: m.Decision) -> dict[str, Any]:
        target = _full(meeting.id, d.supersedes) if d.supersedes else ""
        if target:
            found = decided.get(target)
            if found[1] if found is not None else v.hides(None):
                target = ""  # a closed decision is not even referred to in public
        return {"id": d.id, "anchor": anchor(d.id), "text": v.text(d.text, where(d, "decision")),
                "closed": v.is_closed(d), "supersedes": d.supersedes if target else "",
                "level": d.level, "level_label": level_label(d.level, lang),
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

    now = contents(body, meeting)
    notes = visible(meeting.notes)
    decisions = visible(meeting.decisions)
    actions = visible(now.actions)
    review = [action_view(a) for a in visible(now.review)]
    now.review.clear()  # (its records: what the minutes show of them is above)
    used: set[str] = set()

    def input_of(record: m.Item | m.Note, kind: str) -> dict[str, Any] | None:
        """Whether input was asked there, and the feedback given on it."""
        if not record.asks_input:
            return None
        given = record.feedback_date
        return {"feedback": v.text(record.feedback, where(record, kind)),
                "date_long": long_date(given, lang) if given else ""}

    def section(key: str, refs: set[str], title: str, kind: str, **extra: Any) -> dict[str, Any]:
        used.update(refs)
        return {
            "key": key, "kind": kind, "title": title, "closed": extra.pop("closed", False),
            "proposer": extra.pop("proposer", ""), "submitted": extra.pop("submitted", ""),
            "level": extra.pop("level", ""), "level_label": extra.pop("level_label", ""),
            "input": extra.pop("input", None),
            "feedback_given": extra.pop("feedback_given", []),
            "notes": [{"id": n.id, "text": v.text(n.text, where(n, "note")),
                       "closed": v.is_closed(n), "input": input_of(n, "note")}
                      for n in notes if n.item in refs],
            "decisions": [decision_view(d) for d in decisions if d.item in refs],
            "actions": [action_view(a) for a in actions if a.item in refs],
            "children": [], "said": [], "review": [], **extra}

    fixed_titles = {OPENING: t["opening"], PREVIOUS_MINUTES: t["previous_minutes"],
                    ACTIONS: t["action_review"], ANY_OTHER_BUSINESS: t["any_other_business"],
                    CLOSING: t["closing"], CLOSED_SESSION: t["closed_session"]}
    next_long = long_date(now.next_meeting, lang) if now.next_meeting else ""

    def said(found: dict[str, Any]) -> list[str]:
        """What a part says besides its records, so that no heading stands empty."""
        key, recorded = found["key"], bool(found["notes"] or found["decisions"]
                                           or found["actions"])
        if key == PREVIOUS_MINUTES and now.previous_approved:
            return [t["previous_approved"].format(
                date=long_date(now.previous_approved, lang))]
        if key == ACTIONS:
            return [] if found["review"] or found["feedback_given"] or recorded \
                else [t["no_earlier_actions"]]
        if key == CLOSING and next_long:  # said even after notes: people look for it here
            sentence = t["next_meeting"].format(date=next_long)
            return [sentence[:1].upper() + sentence[1:]]  # str.capitalize lowers the date
        if recorded or found["children"]:
            return []
        if key == PREVIOUS_MINUTES:
            return [t["not_discussed"] if previous_held(body, meeting) else
                    t["no_previous_minutes"]]
        sentences = {OPENING: t["opened"], ANY_OTHER_BUSINESS: t["nothing_raised"],
                     CLOSED_SESSION: t["closed_session_said"],
                     CLOSING: t["meeting_closed"]}
        return [sentences.get(key, t["not_discussed"])]

    def view_of(entry: Entry) -> dict[str, Any]:
        if entry.item is not None:
            item = entry.item
            title = v.text(item.title_in(lang), where(item, "item"))
            found = section(item.id, set(entry.refs), title, entry.kind, closed=v.is_closed(item),
                            proposer=proposer(v, item), submitted=submitted(v, item),
                            level=item.level, level_label=level_label(item.level, lang),
                            input=input_of(item, "item"))
        elif entry.standing is not None:
            found = section(entry.key, set(entry.refs),
                            v.text(m.text_in(entry.standing.title, lang, cfg.language)),
                            "standing")
        else:
            found = section(entry.key, set(entry.refs), fixed_titles[entry.key], "fixed",
                            review=review if entry.key == ACTIONS else [],
                            feedback_given=feedback_given(v, meeting)
                            if entry.key == ACTIONS else [])
        found["number"] = entry.number
        found["children"] = [view_of(child) for child in entry.children]
        found["said"] = said(found)
        return found

    items = [view_of(entry) for entry in outline(body, meeting, hides=v.hides)]
    # Notes and decisions under something that is not on the agenda (an item since removed)
    # are not lost: they come together after the closing, so that every number stays the
    # agenda's. Actions need no such place: all of them are in the list of actions agreed.
    leftover_refs = {r.item for r in (*notes, *decisions)} - used
    leftover = section("other", leftover_refs | {""}, t["other"], "fixed")
    leftover["actions"] = []
    if leftover["notes"] or leftover["decisions"]:
        leftover["number"] = str(len(items) + 1)
        items.append(leftover)
    shown = now.meeting
    data: dict[str, Any] = {
        "body": v.body_name(), "meeting": meeting.id, "status": meeting.status,
        "visibility": "public" if public else "internal",
        "confidential": "" if public else t["confidential"],
        "date": meeting.date.isoformat(), "date_long": long_date(meeting.date, lang),
        "time": meeting.time or cfg.cadence.time,
        "place": v.place(meeting),
        "format": meeting.format or cfg.cadence.format,
        "chair": v.person(shown.chair) if shown.chair else "",
        "co_chair": v.person(co_chair) if (co_chair := shown.co_chair or (
            "" if now.frozen else cfg.co_chair or "")) else "",
        "secretary": v.person(shown.secretary) if shown.secretary else "",
        "attendance": attendance(v, shown),
        "items": items,
        "new_actions": [action_view(a) for a in actions],
        "action_review": review,
        "decisions": [decision_view(d) for d in decisions],
        "next_meeting": now.next_meeting.isoformat() if now.next_meeting else None,
        "next_meeting_long": next_long,
        "approved": meeting.minutes_approved.isoformat() if meeting.minutes_approved else None,
        "frozen": now.frozen,
    }
    if not public:
        if with_compensation:
            data["compensation"] = compensation_log(body, meeting, lang)
        elif meeting.compensation:
            data["compensation_left_out"] = t["compensation_left_out"]
    return data


def feedback_given(v: View, meeting: m.Meeting) -> list[dict[str, Any]]:
    """The feedback on earlier input that this meeting's review of actions reports."""
    from kwartaal.core.feedback import given_at

    out = []
    for entry in given_at(v.body, meeting):
        if v.hides(entry.record):
            continue
        where = f"{entry.record.src.path.name} [[{entry.kind}]] {entry.record.local_id}"
        given = entry.record.feedback_date
        out.append({"ref": "" if v.public else entry.id, "meeting": entry.meeting.id,
                    "title": v.text(entry.title(v.lang), where),
                    "asked_long": long_date(entry.meeting.date, v.lang),
                    "text": v.text(entry.record.feedback, where),
                    "date_long": long_date(given, v.lang) if given else "",
                    "closed": v.is_closed(entry.record)})
    return out


def _full(meeting_id: str, ref: str) -> str:
    return ref if "/" in ref else f"{meeting_id}/{ref}"


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
    from kwartaal.documents.render import json_text

    def default(value: object) -> str:
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        raise TypeError(type(value).__name__)

    return json_text(data, default)


def render_minutes(body: m.Body, meeting: m.Meeting, lang: str, *, public: bool,
                   fmt: str, with_compensation: bool = False) -> str:
    """The minutes as md, html or json. A public rendering is refused if it contains anything
    hidden; an internal one says it is internal."""
    from kwartaal.core.problems import msg
    from kwartaal.documents.render import mark_confidential, render

    data = build_minutes(body, meeting, lang, public, with_compensation=with_compensation)
    text = to_json(data) if fmt == "json" else render(body.root, f"minutes.{fmt}.j2", lang,
                                                      m=data)
    del data  # (searched without it)
    if public:
        View(body, lang, public=True).assert_clean(text, msg(
            "the public minutes of {id}", id=meeting.id))
    else:
        text = mark_confidential(text, fmt, lang)
    return text
