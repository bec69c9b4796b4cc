"""Reminders: one message per owner with their overdue and soon-due actions. Nothing is sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import rules
from kwartaal.core.naming import neutral_name
from kwartaal.core.values import DATE_MAX
from kwartaal.core.visibility import View
from kwartaal.documents.render import render


@dataclass(slots=True)
class Reminder:
    person: str
    lang: str
    to: str  # an address only for named people who keep one; else empty
    subject: str
    text: str


def reminders(body: m.Body, today: dt.date, *, within: int, owner: str | None = None,
              lang_override: str | None = None) -> list[Reminder]:
    """Build the reminders. Other people appear as public documents would show them, so a
    message never carries anyone's hidden name; the body is called by its neutral name, since
    a subject line shows on a lock screen."""
    # no due date lies beyond the last date a file may hold: a larger window means the same
    within = max(0, min(within, (DATE_MAX - today).days))
    per_owner: dict[str, list[m.Action]] = {}
    for action in body.all_actions():
        if not (rules.is_overdue(action, today) or rules.is_due_within(action, today, within)):
            continue
        for pid in action.owners:
            if owner is None or pid == owner:
                per_owner.setdefault(pid, []).append(action)
    per_author = _new_feedback(body, today, owner)
    next_meeting = rules.next_meeting_date(body, today)
    out: list[Reminder] = []
    for pid in dict.fromkeys([*per_owner, *per_author]):
        actions = per_owner.get(pid, [])
        person = body.people.get(pid)
        lang = lang_override or (person.lang if person and person.lang else body.config.language)
        actions.sort(key=lambda a: (a.due or dt.date.max, a.id))

        others_view = View(body, lang, public=True)

        def view(action: m.Action, _pid: str = pid, _v: View = others_view) -> dict[str, Any]:
            others = [_v.person_in_text(o) for o in action.owners if o != _pid]
            return {"id": action.id, "title": action.title, "due": action.due,
                    "days_overdue": rules.days_overdue(action, today), "others": others}

        overdue = [view(a) for a in actions if rules.is_overdue(a, today)]
        soon = [view(a) for a in actions if not rules.is_overdue(a, today)]
        # closed records are for the core group, as in every document sent (core.distribution)
        core = person is not None and person.core
        feedback = [{"id": e.id, "title": others_view.text(e.title(lang)),
                     "asked": e.meeting.date, "given": e.record.feedback_date,
                     "text": others_view.text(e.record.feedback)}
                    for e in per_author.get(pid, []) if core or not others_view.hides(e.record)]
        if not (actions or feedback):
            continue
        text = render(body.root, "reminder.txt.j2", lang, body_name=neutral_name(body.config),
                      recipient=person.name if person else pid, count=len(actions),
                      overdue=overdue, soon=soon, next_meeting=next_meeting,
                      feedback=feedback)
        subject, _, message = text.partition("\n\n")
        to = person.email if person is not None and person.is_named else ""
        # one line, whatever a body's own template makes of it: a header holds no line break
        out.append(Reminder(pid, lang, to, " ".join(subject.split()), message.lstrip("\n")))
    return out


def _new_feedback(body: m.Body, today: dt.date, owner: str | None) -> dict[str, list[Any]]:
    """Feedback given since the last held meeting on items people proposed, per author. An
    item proposed anonymously or by an organisation has no author to tell."""
    from kwartaal.core.feedback import given_since

    last = rules.last_held(body, today)
    found: dict[str, list[Any]] = {}
    for entry in given_since(body, last.date if last is not None else None, today):
        author = entry.record.by if isinstance(entry.record, m.Item) else ""
        if author in body.people and (owner is None or author == owner):
            found.setdefault(author, []).append(entry)
    return found


def reminder_body(lane: Any, today: dt.date) -> m.Body:
    """What reminders read (files/actionlane.py): the open actions and every meeting's date
    and status; the whole body only when an item may have had feedback since the last held
    meeting (its author hears of it: _new_feedback)."""
    body: m.Body = lane.body(open_actions=True)
    held = rules.last_held(body, today)
    if lane.feedback_since(held.date.toordinal() if held else 0, today.toordinal()):
        from kwartaal.files.loader import load_checked

        return load_checked(lane.root, indexed=True, public=False)  # reminders stay inside
    return body


def write_messages(found: list[Reminder], body: m.Body, today: dt.date, output: Any) -> Any:
    """Each reminder as person.eml in the output folder; returns the folder."""
    from kwartaal.files.outputs import output_file, output_folder
    from kwartaal.files.store import atomic_write_bytes

    folder = output_folder(output)
    # every path first: a person id never holds '/' or '..', and none may lead elsewhere
    targets = [(output_file(folder, f"{r.person}.eml"), r) for r in found]
    folder.mkdir(parents=True, exist_ok=True)
    for target, reminder in targets:
        atomic_write_bytes(target, as_email(reminder, body, today))
    return folder


def as_email(reminder: Reminder, body: m.Body, today: dt.date) -> bytes:
    """An RFC 5322 message to open in any mail program."""
    from kwartaal.documents.mail import compose

    to = (body.people[reminder.person].name, reminder.to) if reminder.to else None
    return compose(body, today, to=to, subject=reminder.subject, text=reminder.text,
                   message_id=f"reminder-{today.isoformat()}-{reminder.person}",
                   person=reminder.person)
