"""Notes and decisions of a meeting: recording them, and correcting or removing them while
the minutes are not approved yet.

Once the minutes are approved they are the record of the meeting: a note no longer changes,
and a decision is corrected by a new decision that supersedes it. Each function edits the
meeting's file in place (tomlkit keeps the rest byte for byte) and returns the Change that
edit.pipeline commits.
"""

from __future__ import annotations

from typing import Any

from kwartaal.core import model as m
from kwartaal.core.fields import toml_table
from kwartaal.core.ids import KIND_WORDS, find, item_ref, pick
from kwartaal.core.problems import KwartaalError, hints, msg
from kwartaal.edit.actions import next_local_id, require_meeting
from kwartaal.edit.change import Change
from kwartaal.files import store

APPROVED = ("minutes-approved", "published")


def note(body: m.Body, meeting_id: str, item: str, text: str, closed: bool,
         asks_input: bool = False) -> Change:
    from kwartaal.files.scope import around

    meeting = require_meeting(body, meeting_id)
    ref = item_ref(around(body, meeting), meeting, item)
    if not text.strip():
        raise KwartaalError(msg("the note is empty"))
    local = next_local_id(meeting, "note")
    values = toml_table(m.Note, local_id=local, item=ref, text=text.strip(),
                        closed=True if closed else None, asks_input=True if asks_input else None)
    store.append_table(meeting.src.path, "note", values, array=True)
    return Change([meeting.src.path], f"note {meeting.id}/{local}: {ref}",
                  id=f"{meeting.id}/{local}",
                  summary=msg("recorded note {id}", id=f"{meeting.id}/{local}"))


def decide(body: m.Body, meeting_id: str, text: str, item: str | None, closed: bool,
           supersedes: str | None, level: str = "") -> Change:
    from kwartaal.edit.meetings import require_level
    from kwartaal.files.scope import around

    meeting = require_meeting(body, meeting_id)
    ref = item_ref(around(body, meeting), meeting, item) if item else ""
    if not text.strip():
        raise KwartaalError(msg("the decision is empty"))
    require_level(level)
    if supersedes:
        replaced = find(body, supersedes, "decision")
        if replaced is None:
            known = [d.id for mt in body.meetings for d in mt.decisions]
            raise KwartaalError(msg(
                "no decision '{id}'{hint} to supersede",
                id=supersedes, **hints(supersedes, known)))
        supersedes = str(replaced.id)
    local = next_local_id(meeting, "decision")
    values = toml_table(m.Decision, local_id=local, text=text.strip(), item=ref or None,
                        closed=True if closed else None, supersedes=supersedes or None,
                        level=level or None)
    store.append_table(meeting.src.path, "decision", values, array=True)
    return Change([meeting.src.path], f"decision {meeting.id}/{local}: {text.strip()[:60]}",
                  id=f"{meeting.id}/{local}",
                  summary=msg("recorded decision {id}", id=f"{meeting.id}/{local}"))


def _open_minutes(meeting: m.Meeting, kind: str, record_id: str) -> None:
    """Refuse a correction once the minutes are approved, with the way that is left."""
    if meeting.status not in APPROVED:
        return
    when = meeting.minutes_approved or meeting.published or ""
    if kind == "decision":
        raise KwartaalError(msg(
            "the minutes of {meeting} were approved ({date}), so decision {id} stands as "
            "recorded; record the correction as a new decision that replaces it: kwartaal "
            "decide MEETING \"...\" --supersedes {id}", meeting=meeting.id, date=when,
            id=record_id))
    raise KwartaalError(msg(
        "the minutes of {meeting} were approved ({date}), so note {id} can no longer change; "
        "record what needs correcting under the meeting that discusses it: kwartaal note "
        "MEETING ITEM \"...\"", meeting=meeting.id, date=when, id=record_id))


def _record(meeting: m.Meeting, kind: str, ref: str) -> Any:
    """The note or decision a local id, full id or unique prefix names, or a refusal that
    lists the meeting's ids of that kind."""
    found = pick(meeting, kind, ref.strip())
    if found is None:
        records = meeting.notes if kind == "note" else meeting.decisions
        known = [r.local_id for r in records]
        raise KwartaalError(msg(
            "no {what} '{id}' in meeting {meeting}{hint}; known: {known}",
            what=KIND_WORDS[kind], id=ref, meeting=meeting.id, known=", ".join(known) or "-",
            **hints(ref, known)))
    return found


def _table(doc: Any, kind: str, local_id: str) -> tuple[Any, int]:
    tables = doc.get(kind) or []
    for index, table in enumerate(tables):
        if str(table.get("id")) == local_id:
            return tables, index
    raise KwartaalError(msg("{id} vanished from its file", id=local_id))


def _set_flag(table: Any, key: str, value: bool) -> None:
    """A flag is written only when true (absent means false), as new records are."""
    if value:
        table[key] = True
    elif key in table:
        del table[key]


def set_record(body: m.Body, meeting_id: str, kind: str, ref: str, *, text: str | None,
               item: str | None, closed: bool | None, level: str | None = None,
               asks_input: bool | None = None) -> Change:
    """Correct a note's or decision's text, agenda item or closed flag in place, a
    decision's participation level ("" removes it) and whether a note asks for input."""
    from kwartaal.edit.meetings import require_level

    meeting = require_meeting(body, meeting_id)
    record = _record(meeting, kind, ref)
    _open_minutes(meeting, kind, record.id)
    if level is not None and kind != "decision":
        raise KwartaalError(msg("a note has no participation level; set it on the item or "
                                "the decision"))
    if text is None and item is None and closed is None and level is None \
            and asks_input is None:
        raise KwartaalError(msg("nothing to change: give --text, --item, --closed or --open"))
    require_level(level or "")
    if asks_input is not None:
        from kwartaal.edit.items import refuse_unasking

        refuse_unasking(record, asks_input, meeting.id)
    if text is not None and not text.strip():
        raise KwartaalError(msg("the note is empty") if kind == "note"
                            else msg("the decision is empty"))
    new_item = item_ref(body, meeting, item) if item is not None else None
    changed: list[str] = []
    with store.edit(meeting.src.path) as doc:
        tables, index = _table(doc, kind, record.local_id)
        table = tables[index]
        if text is not None and text.strip() != record.text:
            table["text"] = text.strip()
            changed.append("text")
        if new_item is not None and new_item != record.item:
            table["item"] = new_item
            changed.append(f"item {new_item}")
        if closed is not None and closed != record.closed:
            _set_flag(table, "closed", closed)
            changed.append("closed" if closed else "open")
        if level is not None and level != record.level:
            if level:
                table["level"] = level
            elif "level" in table:
                del table["level"]
            changed.append(f"level {level}" if level else "no level")
        if asks_input is not None and asks_input != record.asks_input:
            _set_flag(table, "asks_input", asks_input)
            changed.append("asks input" if asks_input else "asks no input")
    if not changed:
        raise KwartaalError(msg("{id} already reads so; nothing was changed", id=record.id))
    return Change([meeting.src.path], f"{kind} {record.id}: corrected {', '.join(changed)}",
                  id=record.id, summary=msg("corrected {id}: {what}", id=record.id,
                                            what=", ".join(changed)))


def remove_record(body: m.Body, meeting_id: str, kind: str, ref: str) -> Change:
    """Take a note or decision out of minutes that are not approved yet. A decision that a
    later decision supersedes is refused (that one would point at nothing); removing a
    decision that supersedes another puts the older one back in force, and says so."""
    meeting = require_meeting(body, meeting_id)
    record = _record(meeting, kind, ref)
    _open_minutes(meeting, kind, record.id)
    notes = []
    if kind == "decision":
        later = [d.id for mt in body.meetings for d in mt.decisions
                 if d.supersedes in (record.id, record.local_id) and d.id != record.id
                 and (d.supersedes == record.id or mt.id == meeting.id)]
        if later:
            raise KwartaalError(msg(
                "decision {id} is superseded by {later}, which would then refer to nothing; "
                "remove or correct that decision first", id=record.id,
                later=", ".join(later)))
        if record.supersedes:
            notes.append(msg("decision {old} is no longer superseded by {id}",
                             old=record.supersedes, id=record.id))
    with store.edit(meeting.src.path) as doc:
        tables, index = _table(doc, kind, record.local_id)
        del tables[index]
        if not len(tables):  # an empty array would be written as `note = []` at the top
            del doc[kind]
    return Change([meeting.src.path], f"{kind} {record.id}: removed", id=record.id,
                  notes=notes, summary=msg("removed {id}", id=record.id))
